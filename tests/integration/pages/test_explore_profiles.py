"""Explore and search, and public profiles."""

from __future__ import annotations

import pytest

from ruisseau.accounts.models import User
from ruisseau.flattrs import services as flattrs
from ruisseau.things.services import register_thing
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(creator):
    made = {
        "rivers": register_thing("https://a.example/rivers", owner_id=creator.id, title="Small rivers",
                                 description="Water and stones", tags="nature", category="text", language="en_GB"),
        "song": register_thing("https://b.example/song", owner_id=creator.id, title="Chanson du ruisseau",
                               description="Une chanson", tags="musique, nature", category="audio", language="fr_FR"),
        "code": register_thing("https://c.example/code", owner_id=creator.id, title="A parser",
                               description="Software for rivers of text", category="software", language="en_GB"),
        "hidden": register_thing("https://d.example/hidden", owner_id=creator.id, title="Hidden rivers", hidden=True),
    }
    fans = [factories.user(f"fan{n}") for n in range(3)]
    for fan in fans:  # the song is the most flattred this month
        flattrs.flattr_thing(fan.id, made["song"].id)
    for fan in fans[:2]:  # the parser was popular last month only
        flattrs.flattr_thing(fan.id, made["code"].id, now=at(PERIOD))
        flattrs.flattr_thing(fan.id, made["code"].id, now=at(PERIOD + 1))
    return made


def titles(response) -> list[str]:
    page = response.content.decode()
    order = []
    for title in ("Small rivers", "Chanson du ruisseau", "A parser", "Hidden rivers"):
        if title in page:
            order.append((page.index(title), title))
    return [title for _, title in sorted(order)]


def test_searches_title_description_and_tags(client, catalogue):
    assert set(titles(client.get("/explore/?q=rivers"))) == {"Small rivers", "A parser"}
    assert titles(client.get("/explore/?q=nature&sort=newest")) == ["Chanson du ruisseau", "Small rivers"]
    assert titles(client.get("/explore/?q=chanson+nature")) == ["Chanson du ruisseau"]
    assert "Nothing matches" in client.get("/explore/?q=volcano").content.decode()


def test_search_ignores_case_and_accents_and_finds_owners_by_name(client, catalogue):
    chloe = factories.user("chloe.dubois")
    User.objects.filter(id=chloe.id).update(display_name="Chloé Dubois")
    register_thing("https://e.example/velo", owner_id=chloe.id, title="Le vélo à Paris", tags="Déplacements")
    for query in ("velo", "vélo", "VELO", "Vélo", "paris velo", "A PARIS", "deplacements"):
        assert titles_of(client.get("/explore/", {"q": query})) == ["Le vélo à Paris"], query
    for query in ("Dubois", "chloe", "CHLOÉ", "chloe.dubois"):  # display name and user name
        assert titles_of(client.get("/explore/", {"q": query})) == ["Le vélo à Paris"], query
    assert set(titles(client.get("/explore/?q=CREATOR+nature"))) == {"Small rivers", "Chanson du ruisseau"}


def titles_of(response) -> list[str]:
    return [t for t in ("Le vélo à Paris", "Small rivers") if t in response.content.decode()]


@pytest.mark.parametrize("query", ["q=photo&category=bogus", "category=audio&language=xx_XX", "q=" + "a" * 201,
                                   "q=rivers&sort=sideways"])
def test_a_filter_not_understood_shows_its_error_and_no_results(client, catalogue, query):
    """Leaving a bad filter out would list more than was asked for, as if it had matched."""
    page = client.get("/explore/?" + query).content.decode()
    assert titles(client.get("/explore/?" + query)) == []
    assert 'id="filter-error"' in page and 'class="errorlist' in page
    assert "things found" not in page and "thing found" not in page


def test_filters_by_category_and_language(client, catalogue):
    assert titles(client.get("/explore/?category=audio")) == ["Chanson du ruisseau"]
    assert titles(client.get("/explore/?language=en_GB&sort=newest")) == ["A parser", "Small rivers"]
    bad = client.get("/explore/?category=volcanoes")
    assert bad.status_code == 200 and "Some filters were not understood" in bad.content.decode()


def test_the_lists_show_the_choice_in_the_visitors_language(client, catalogue):
    page = client.get("/explore/?category=audio&sort=newest").content.decode()
    assert '<option value="audio" selected>' in page and '<option value="newest" selected>' in page
    assert '<option value="text" selected>' not in page and ">All languages<" in page
    french = client.get("/explore/?category=audio", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<option value="audio" selected>' in french and ">Toutes les langues<" in french
    plain = client.get("/explore/").content.decode()  # kept renderings never leak a choice or a language
    assert 'value="audio" selected' not in plain and 'value="newest" selected' not in plain
    assert ">All languages<" in plain
    odd = client.get("/explore/?category=%22%3E%3Cb%3E").content.decode()
    assert '"><b>' not in odd and "Some filters were not understood" in odd


def test_sorts(client, catalogue):
    assert titles(client.get("/explore/?sort=trending"))[0] == "Chanson du ruisseau"
    assert titles(client.get("/explore/?sort=flattred"))[0] == "A parser"  # 4 flattrs over two months
    assert titles(client.get("/explore/?sort=newest")) == ["A parser", "Chanson du ruisseau", "Small rivers"]
    page = client.get("/explore/?sort=flattred").content.decode()
    assert "0 flattrs this month · 4 all time" in page and "3 flattrs this month · 3 all time" in page


def test_paginates(client, creator):
    for n in range(45):
        register_thing(f"https://many.example/{n}", owner_id=creator.id, title=f"Item number {n:02d}")
    first = client.get("/explore/?sort=newest&q=item").content.decode()
    assert "45 things found." in first and "Page 1 of 3" in first and "Item number 44" in first
    assert 'href="?sort=newest&amp;q=item&amp;page=2"' in first
    last = client.get("/explore/?sort=newest&q=item&page=3").content.decode()
    assert "Item number 00" in last and "Item number 44" not in last
    assert "Page 3 of 3" in client.get("/explore/?sort=newest&q=item&page=99").content.decode()


def test_profile_shows_things_given_and_totals(client, catalogue, creator):
    page = client.get("/u/fan0/").content.decode()
    assert "Chanson du ruisseau" in page and "A parser" in page
    assert "<dt>Flattrs given</dt><dd>3</dd>" in page.replace("\n", "")
    creator_page = client.get(f"/u/{creator.username}/").content.decode()
    assert "Small rivers" in creator_page and "Hidden rivers" not in creator_page
    assert "claimed, not verified" in creator_page


def test_profile_respects_privacy(client, catalogue, creator):
    from ruisseau.accounts.models import User

    User.objects.filter(username="fan0").update(hide_given=True)
    User.objects.filter(id=creator.id).update(hide_received=True)
    page = client.get("/u/fan0/").content.decode()
    assert "keeps what they give private" in page and "Chanson du ruisseau" not in page
    assert "<dt>Flattrs received</dt><dd><span class=\"muted\">private</span>" in client.get(
        f"/u/{creator.username}/").content.decode().replace("\n", "")
    client.force_login(User.objects.get(username="fan0"))
    assert "Chanson du ruisseau" in client.get("/u/fan0/").content.decode()  # people see their own


def test_unknown_or_closed_profiles_are_404(client, creator):
    assert client.get("/u/nobody/").status_code == 404
    creator.closed_at = at()
    creator.save()
    assert client.get(f"/u/{creator.username}/").status_code == 404



def test_the_links_the_api_gives_lead_to_the_pages(client, settings):
    from urllib.parse import urlsplit

    from ruisseau.api.representations import mini_user, thing_link

    person = factories.user("marie")
    thing = factories.thing(person, url="https://marie.example/post")
    profile = client.get(urlsplit(mini_user(person)["link"]).path, follow=True)
    assert profile.status_code == 200 and profile.redirect_chain[-1][0] == f"/u/{person.username}/"
    page = client.get(urlsplit(thing_link(thing.id)).path, follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == f"/thing/{thing.id}/"
