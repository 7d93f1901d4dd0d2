"""A page attributed through a site is its author's thing: the site owner's share pays him, it
does not let him change, delete or list the page as his (docs/integrations.md §4)."""

import pytest
from django.utils import timezone

from ruisseau.things import sites
from ruisseau.things.models import Thing
from ruisseau.things.site_models import Site
from ruisseau.widgets.params import parse
from ruisseau.widgets.services import flattr_with_button
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    bruno, chloe, emma, reader = (factories.user(n) for n in ("bruno", "chloe", "emma", "reader"))
    site = sites.add_site(bruno.id, "blog.example")
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns")  # proofs: test_proofs.py
    sites.set_share(site.id, bruno.id, 1_000)
    for author in (bruno, chloe, emma):
        sites.accept_invitation(sites.invite_author(site.id, bruno.id, author.username).id, author.id)
    posts = {}
    for author in (chloe, emma):
        flattr = flattr_with_button(reader.id, parse({"url": f"https://blog.example/{author.username}",
                                                      "uid": author.username, "title": f"{author.username}'s post"}))
        posts[author.username] = flattr.thing
    return bruno, chloe, emma, posts


def test_the_site_owner_cannot_change_or_delete_an_authors_page(api, token, blog):
    bruno, _chloe, _emma, posts = blog
    client = api(token(bruno))
    patched = client.send("PATCH", f"/things/{posts['chloe'].id}", {"title": "Bruno renamed this"})
    assert patched.status_code == 403 and patched.json()["error"] == "forbidden"
    deleted = client.send("DELETE", f"/things/{posts['emma'].id}")
    assert deleted.status_code == 403 and deleted.json()["error"] == "forbidden"
    assert Thing.objects.get(id=posts["chloe"].id).title == "chloe's post"
    assert not Thing.objects.get(id=posts["emma"].id).disabled
    assert client.get("/user/things").json() == []
    assert api().get("/things/search", {"user": "bruno"}).json()["things"] == []


def test_the_author_controls_their_page(api, token, blog):
    _bruno, chloe, _emma, posts = blog
    client = api(token(chloe))
    assert client.send("PATCH", f"/things/{posts['chloe'].id}", {"title": "Renamed by Chloé"}).status_code == 200
    assert Thing.objects.get(id=posts["chloe"].id).title == "Renamed by Chloé"
    assert [t["id"] for t in client.get("/user/things").json()] == [posts["chloe"].id]
    assert client.send("PATCH", f"/things/{posts['emma'].id}", {"title": "x"}).status_code == 403


def test_the_site_owners_profile_lists_his_own_pages_only(client, blog):
    bruno, _chloe, _emma, posts = blog
    body = client.get(f"/u/{bruno.username}/").content.decode()
    assert "chloe&#x27;s post" not in body and "emma&#x27;s post" not in body
    assert "chloe&#x27;s post" in client.get("/u/chloe/").content.decode()


def test_a_site_page_shows_its_author_as_owner_whatever_the_sites_share(api, blog):
    bruno, chloe, _emma, posts = blog
    site = Site.objects.get(owner=bruno)
    sites.set_share(site.id, bruno.id, 6_000)  # the site keeps more than the author
    reader = factories.user("second-reader")
    later = flattr_with_button(reader.id, parse({"url": "https://blog.example/chloe-2", "uid": "chloe",
                                                 "title": "Chloé again"})).thing
    assert {o.user_id: o.weight_bps for o in later.owners.all()} == {chloe.id: 4_000, bruno.id: 6_000}
    assert api().get(f"/things/{later.id}").json()["owner"]["username"] == "chloe"
    listed = api().get(f"/users/{reader.username}/flattrs").json()
    assert [f["thing"]["owner"]["username"] for f in listed] == ["chloe"]


def test_reattributing_keeps_the_weight_the_site_has_on_the_page(blog):
    bruno, chloe, emma, posts = blog
    site = Site.objects.get(owner=bruno)
    sites.set_share(site.id, bruno.id, 9_999)  # for new pages only
    page = posts["chloe"]
    sites.reattribute(site.id, bruno.id, page.id, "emma")
    assert {o.user_id: o.weight_bps for o in page.owners.all()} == {emma.id: 9_000, bruno.id: 1_000}
    sites.reattribute(site.id, bruno.id, page.id, "bruno")  # the site owner writes it himself
    assert {o.user_id: o.weight_bps for o in page.owners.all()} == {bruno.id: 10_000}


def test_a_page_an_operator_gave_away_is_no_longer_the_sites(api, token, blog):
    from ruisseau.errors import InvalidInput
    from ruisseau.things.models import OwnerVerification
    from ruisseau.things.services import set_owners, verify_owner

    bruno, chloe, _emma, posts = blog
    real = factories.user("real")
    page = posts["chloe"]
    set_owners(page.id, {real.id: 10_000})
    verify_owner(page.id, real.id, method=OwnerVerification.OPERATOR)
    assert api(token(chloe)).send("PATCH", f"/things/{page.id}", {"title": "Still mine?"}).status_code == 403
    assert api(token(real)).send("PATCH", f"/things/{page.id}", {"title": "Mine"}).status_code == 200
    assert [t["id"] for t in api(token(real)).get("/user/things").json()] == [page.id]
    with pytest.raises(InvalidInput, match="no longer the site's"):
        sites.reattribute(Site.objects.get(owner=bruno).id, bruno.id, page.id, "chloe")
    assert {o.user_id for o in page.owners.all()} == {real.id}


def test_a_refused_flattr_attributes_nothing(api, token, blog):
    from ruisseau.errors import RuisseauError
    from ruisseau.flattrs.services import flattr_url
    from ruisseau.things.site_models import SitePage

    broke = factories.user("broke", funds_cents=0)
    with pytest.raises(RuisseauError) as refused:
        flattr_with_button(broke.id, parse({"url": "https://blog.example/new", "uid": "emma"}))
    assert refused.value.code == "no_means"
    with pytest.raises(RuisseauError):
        flattr_url(broke.id, "https://blog.example/newer", author="emma")
    assert not Thing.objects.filter(url__in=["https://blog.example/new", "https://blog.example/newer"]).exists()
    assert not SitePage.objects.filter(thing__url__startswith="https://blog.example/new").exists()
    answer = api(token(broke)).send("POST", "/flattr", {"url": "https://blog.example/newest?user_id=emma"})
    assert answer.status_code in (401, 402) and not Thing.objects.filter(url__contains="newest").exists()
