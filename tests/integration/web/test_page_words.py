"""Words every page shares: months written for people, one site name in the title, a footer that
only links where a visitor may go, and the icon browsers ask for."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ruisseau.flattrs import services as flattrs
from ruisseau.periods import Period
from ruisseau.settlement import run as settlement  # also registers SQLite's helper functions (ruisseau.db)
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]


def english(period: Period) -> str:
    return f"{period.first_day:%B %Y}"


def french(period: Period) -> str:
    return f"{MONTHS_FR[period.month - 1]} {period.year}"


def test_months_are_written_out_on_the_home_page_and_the_dashboards(client, member):
    now = Period.containing(timezone.now())
    home = client.get("/").content.decode()
    assert f"Trending in {english(now)}" in home
    assert f"Tendances de {french(now)}" in client.get("/", **FR).content.decode()
    client.force_login(member)
    board = client.get("/dashboard/").content.decode()
    assert f"Your flattrs this month ({english(now)})" in board
    creator_page = client.get("/creator/", **FR).content.decode()
    assert french(now) in creator_page
    for page in (home, board, creator_page):
        assert not re.search(r"\b20\d\d-\d\d\b(?![-/\d])", re.sub(r'(href|value|datetime|download)="[^"]*"', "", page))


def test_the_month_of_a_past_statement_is_written_out(client, member):
    owner = factories.user("monthowner")
    flattrs.flattr_thing(member.id, factories.thing(owner).id, now=at(PERIOD, day=2))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    client.force_login(member)
    path = f"/dashboard/periods/{PERIOD.year}-{PERIOD.month}/"
    assert f"Where your money went in {english(PERIOD)}" in client.get(path).content.decode()
    assert f"Où est allé votre argent en {french(PERIOD)}" in client.get(path, **FR).content.decode()
    assert f">{english(PERIOD)}</a>" in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize("path", ["/", "/explore/", "/privacy/", "/accounts/login/"])
def test_the_site_name_is_in_the_title_once(client, path):
    title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode(), re.S).group(1)
    assert title.count("Ruisseau") == 1, title


def test_signed_in_titles_name_the_site_once(client, member):
    client.force_login(member)
    for path in ("/dashboard/", "/funds/", "/creator/", "/payouts/request/", "/apps", "/settings/profile/"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode(), re.S).group(1)
        assert title.count("Ruisseau") == 1, (path, title)


def test_the_footer_links_the_funds_page_only_for_the_signed_in(client, member):
    assert 'href="/funds/"' not in client.get("/").content.decode()
    client.force_login(member)
    assert 'href="/funds/"' in client.get("/").content.decode()


def test_favicon_is_served_from_the_package(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00" and "max-age" in response["Cache-Control"]
