"""Multi-author sites: invitations, the site's share, attribution, who sees what."""

from urllib.parse import urlencode

import pytest
from django.utils import timezone

from ruisseau.things import sites
from ruisseau.settlement.models import ThingRevenue
from ruisseau.things.models import Thing
from ruisseau.things.site_models import Site
from ruisseau.widgets.params import parse
from ruisseau.widgets.services import flattr_with_button
from tests import factories

pytestmark = pytest.mark.django_db


def verified_site(owner, domain="blog.example", share_bps=0) -> Site:
    site = sites.add_site(owner.id, domain)
    # Verification itself is tested against real servers in test_proofs.py.
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns", share_bps=share_bps)
    site.refresh_from_db()
    sites.accept_invitation(sites.invite_author(site.id, owner.id, owner.username).id, owner.id)
    return site


def test_a_page_is_attributed_to_the_author_it_names_plus_the_sites_share():
    owner, author, reader = factories.user("siteowner"), factories.user("writer"), factories.user()
    site = verified_site(owner, share_bps=1_500)
    invitation = sites.invite_author(site.id, owner.id, "writer")
    sites.accept_invitation(invitation.id, author.id)
    flattr = flattr_with_button(reader.id, parse({"url": "https://blog.example/writer/1", "uid": "writer"}))
    weights = {o.user.username: (o.weight_bps, o.verified, o.verification) for o in flattr.thing.owners.all()}
    assert weights == {"writer": (8_500, True, "site"), "siteowner": (1_500, True, "site")}


def test_the_site_owner_writing_keeps_the_whole_page():
    owner, reader = factories.user("solo"), factories.user()
    verified_site(owner, share_bps=2_000)
    flattr = flattr_with_button(reader.id, parse({"url": "https://blog.example/solo", "uid": "solo"}))
    assert [(o.user.username, o.weight_bps) for o in flattr.thing.owners.all()] == [("solo", 10_000)]


def test_an_invited_author_who_has_not_accepted_gets_nothing():
    owner, reader = factories.user(), factories.user()
    factories.user("pending")
    site = verified_site(owner)
    sites.invite_author(site.id, owner.id, "pending")
    flattr = flattr_with_button(reader.id, parse({"url": "https://blog.example/p", "uid": "pending"}))
    assert not flattr.thing.owners.exists()


def test_naming_an_author_on_an_unverified_site_proves_nothing():
    owner, reader = factories.user("unproven"), factories.user()
    sites.add_site(owner.id, "blog.example")
    flattr = flattr_with_button(reader.id, parse({"url": "https://blog.example/x", "uid": "unproven"}))
    assert not flattr.thing.owners.exists()


def test_an_author_cannot_take_a_page_that_already_has_a_verified_owner():
    owner, reader = factories.user("o2"), factories.user()
    verified_site(owner)
    someone = factories.user()
    factories.thing(someone, url="https://blog.example/taken")
    flattr_with_button(reader.id, parse({"url": "https://blog.example/taken", "uid": "o2"}))
    assert [o.user_id for o in Thing.objects.get(url="https://blog.example/taken").owners.all()] == [someone.id]


def test_share_is_validated():
    owner = factories.user()
    site = verified_site(owner)
    for bad in (-1, 10_000, "5", True):
        with pytest.raises(Exception, match="basis points"):
            sites.set_share(site.id, owner.id, bad)
    assert sites.set_share(site.id, owner.id, 9_999).share_bps == 9_999


def test_invite_unknown_user():
    owner = factories.user()
    site = verified_site(owner)
    with pytest.raises(Exception, match="No active user"):
        sites.invite_author(site.id, owner.id, "ghost")


# --- the pages --------------------------------------------------------------------------------


def test_site_pages_flow(client):
    owner, author = factories.user("pageowner"), factories.user("pageauthor")
    client.force_login(owner)
    response = client.post("/sites/", {"domain": "https://Blog.Example/some/path"})
    site = Site.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.id}/"
    assert site.domain == "blog.example"
    page = client.get(f"/sites/{site.id}/")
    assert site.proof_value in page.content.decode()
    assert client.post(f"/sites/{site.id}/", {"action": "verify", "method": "nope"}).status_code == 400
    # Before the proof: no invitations, no share (verification itself: test_proofs.py).
    assert client.post(f"/sites/{site.id}/", {"action": "invite", "username": "pageauthor"}).status_code == 400
    assert client.post(f"/sites/{site.id}/", {"action": "share", "share_bps": "1000"}).status_code == 400
    assert not site.authors.exists()
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns")
    assert client.post(f"/sites/{site.id}/", {"action": "invite", "username": "pageauthor"}).status_code == 200
    assert client.post(f"/sites/{site.id}/", {"action": "share", "share_bps": "abc"}).status_code == 400
    assert client.post(f"/sites/{site.id}/", {"action": "share", "share_bps": "1000"}).status_code == 200
    site.refresh_from_db()
    assert site.share_bps == 1_000
    assert client.post("/sites/", {"domain": ""}).status_code == 400
    client.force_login(author)
    assert client.get(f"/sites/{site.id}/").status_code == 404  # only the owner manages it
    listing = client.get("/sites/")
    assert "Accept the invitation" in listing.content.decode()
    membership = site.authors.get(user=author)
    assert client.post(f"/sites/invitations/{membership.id}/accept/").status_code == 302
    membership.refresh_from_db()
    assert membership.accepted


def test_each_author_sees_only_their_own_things_and_the_owner_sees_all(client):
    owner, ann, ben, reader = (factories.user(n) for n in ("boss", "ann", "ben", "reader9"))
    site = verified_site(owner)
    for author in (ann, ben):
        sites.accept_invitation(sites.invite_author(site.id, owner.id, author.username).id, author.id)
    flattr_with_button(reader.id, parse({"url": "https://blog.example/ann-post", "uid": "ann", "title": "Ann's post"}))
    flattr_with_button(reader.id, parse({"url": "https://blog.example/ben-post", "uid": "ben", "title": "Ben's post"}))
    client.force_login(ann)
    body = client.get("/sites/").content.decode()
    assert "Ann&#x27;s post" in body and "Ben&#x27;s post" not in body
    client.force_login(owner)
    body = client.get(f"/sites/{site.id}/").content.decode()
    assert "Ann&#x27;s post" in body and "Ben&#x27;s post" in body


def test_sites_need_sign_in(client):
    assert client.get("/sites/")["Location"].startswith("/accounts/login/")


def test_flattr_through_iframe_attributes_the_page(client):
    owner, author, reader = factories.user("own3"), factories.user("aut3"), factories.user()
    site = verified_site(owner, share_bps=500)
    sites.accept_invitation(sites.invite_author(site.id, owner.id, "aut3").id, author.id)
    client.force_login(reader)
    client.post("/button/view/?" + urlencode({"url": "https://blog.example/aut3", "uid": "aut3"}))
    thing = Thing.objects.get(url="https://blog.example/aut3")
    assert sorted((o.user.username, o.weight_bps) for o in thing.owners.all()) == [("aut3", 9_500), ("own3", 500)]


def test_an_unproven_site_shows_only_its_proof_and_never_someone_elses_revenue(client):
    """Naming a domain proves nothing: Alice adds David's domain; she sees none of his pages or
    revenue, cannot invite him nor set a share, and he is offered nothing."""
    alice, david = factories.user("alice1"), factories.user("david1")
    david.hide_received = True
    david.save(update_fields=["hide_received"])
    podcast = factories.thing(david, url="https://radio.example/episodes/42", title="Episode 42")
    ThingRevenue.objects.create(period=factories.PERIOD.first_day, thing=podcast, user=david,
                                flattr_count=3, revenue_cents=348)
    client.force_login(alice)
    client.post("/sites/", {"domain": "radio.example"})
    site = Site.objects.get(domain="radio.example")
    body = client.get(f"/sites/{site.id}/").content.decode()
    assert site.proof_value in body
    for hidden in ("david1", "Episode 42", "Revenue per author", 'name="username"', 'name="share_bps"'):
        assert hidden not in body
    assert client.post(f"/sites/{site.id}/", {"action": "invite", "username": "david1"}).status_code == 400
    assert client.post(f"/sites/{site.id}/", {"action": "share", "share_bps": "5000"}).status_code == 400
    site.refresh_from_db()
    assert site.share_bps == 0 and not site.authors.exists()
    client.force_login(david)
    assert "radio.example" not in client.get("/sites/").content.decode()


def test_a_verified_site_shows_only_pages_attributed_through_it(client):
    """Even proven, a site's pages and revenue are those it attributed, not pages on the domain
    that someone owns independently."""
    owner, david, reader = factories.user("siteboss"), factories.user("david2"), factories.user()
    independent = factories.thing(david, url="https://blog.example/davids-own", title="Independent page")
    ThingRevenue.objects.create(period=factories.PERIOD.first_day, thing=independent, user=david,
                                flattr_count=3, revenue_cents=348)
    site = verified_site(owner)
    flattr_with_button(reader.id, parse({"url": "https://blog.example/boss-post", "uid": "siteboss",
                                         "title": "Boss post"}))
    client.force_login(owner)
    body = client.get(f"/sites/{site.id}/").content.decode()
    assert "Boss post" in body
    assert "Independent page" not in body and "david2" not in body


def test_an_invitation_says_who_invites_and_the_share_the_site_keeps(client):
    owner, author = factories.user("inviter"), factories.user("invitee")
    site = verified_site(owner, share_bps=5_000)
    sites.invite_author(site.id, owner.id, "invitee")
    client.force_login(author)
    body = client.get("/sites/").content.decode()
    assert "inviter invites you to write for this verified site" in body
    assert "The site keeps 50 % of what each of your pages there receives" in body
    french = client.get("/sites/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "inviter" in french and "50" in french and "Accept the invitation" not in french


def test_the_site_owner_sees_who_attributed_a_page_and_gives_it_to_another_author(client, settings):
    """Whoever first flattrs a page names its author; the site owner sees who did and can move
    the page to another author: future revenue follows, what was settled stays paid."""
    from urllib.parse import urlencode

    from ruisseau.ledger.models import Account
    from ruisseau.settlement.run import settle_period
    from ruisseau.things.site_models import SitePage

    settings.RECEIVE_REQUIRES_GIVING = False
    bruno, chloe, emma, david = (factories.user(n) for n in ("bruno3", "chloe3", "emma3", "david3"))
    site = verified_site(bruno)
    sites.set_share(site.id, bruno.id, 1_000)
    for author in (chloe, emma):
        sites.accept_invitation(sites.invite_author(site.id, bruno.id, author.username).id, author.id)
    # A settled month: Emma was paid for a page David's flattr attributed to her.
    old = flattr_with_button(david.id, parse({"url": "https://blog.example/old", "uid": "emma3", "title": "Old"}),
                             now=factories.at())
    settle_period(factories.PERIOD, now=factories.at(factories.PERIOD + 1, hour=2))
    settled = dict(ThingRevenue.objects.filter(thing=old.thing).values_list("user__username", "revenue_cents"))
    assert settled["emma3"] > 0
    # David (not an author) names Emma for a new page through the real auto-submit.
    client.force_login(david)
    url = "https://blog.example/rivers-part-2/"
    client.post("/submit/auto?" + urlencode({"url": url, "user_id": "emma3"}))
    page = SitePage.objects.get(thing__url=url)
    assert (page.author, page.created_by, page.changed_by) == (emma, david, None)

    client.force_login(bruno)
    body = client.get(f"/sites/{site.id}/").content.decode()
    assert "Attributed by david3's flattr" in body
    accounts = dict(Account.objects.values_list("id", "balance_cents"))
    refused = client.post(f"/sites/{site.id}/", {"action": "attribute", "thing_id": page.thing_id,
                                                 "username": "david3"})
    assert refused.status_code == 400 and "not an author" in refused.content.decode()
    for thing_id in (page.thing_id, old.thing_id):
        moved = client.post(f"/sites/{site.id}/", {"action": "attribute", "thing_id": thing_id, "username": "chloe3"})
        assert moved.status_code == 200
    page.refresh_from_db()
    assert (page.author, page.changed_by) == (chloe, bruno)
    for thing_id in (page.thing_id, old.thing_id):
        owners = {o.user.username: (o.weight_bps, o.verification) for o in Thing.objects.get(id=thing_id).owners.all()}
        assert owners == {"chloe3": (9_000, "site"), "bruno3": (1_000, "site")}
    assert "Changed by bruno3" in client.get(f"/sites/{site.id}/").content.decode()
    # Nothing settled moves: the ledger and the revenue statements are as they were.
    assert dict(Account.objects.values_list("id", "balance_cents")) == accounts
    assert dict(ThingRevenue.objects.filter(thing=old.thing).values_list("user__username", "revenue_cents")) == settled
    # Only the site's owner re-attributes, and only its own pages.
    client.force_login(emma)
    assert client.post(f"/sites/{site.id}/", {"action": "attribute", "thing_id": page.thing_id,
                                              "username": "emma3"}).status_code == 404
    other = factories.thing(david, url="https://blog.example/davids")
    client.force_login(bruno)
    assert client.post(f"/sites/{site.id}/", {"action": "attribute", "thing_id": other.id,
                                              "username": "chloe3"}).status_code == 400
    assert [o.user_id for o in other.owners.all()] == [david.id]


def test_a_share_in_odd_digits_is_a_form_error_not_a_crash(client):
    owner = factories.user("odd-digits")
    site = verified_site(owner, domain="odd.example", share_bps=500)
    client.force_login(owner)
    response = client.post(f"/sites/{site.id}/", {"action": "share", "share_bps": "²"})
    assert response.status_code == 400 and "basis points" in response.content.decode()
    assert Site.objects.get(id=site.id).share_bps == 500
