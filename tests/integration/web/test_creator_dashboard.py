import csv
import io

import pytest
from django.urls import reverse

from ruisseau.flattrs import services as flattrs
from ruisseau.settlement import run as settlement
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def settle(period=PERIOD):
    return settlement.settle_period(period, now=at(period + 1, hour=2))


@pytest.fixture
def creator_with_revenue(member):
    """marie owns two things; a giver flattrs both (budget 5\u00a0€, 2 flattrs); marie gives too."""
    giver = factories.user("giver", budget_cents=500, funds_cents=2_000)
    blog = factories.thing(member, title="Le blog de Marie")
    podcast = factories.thing(member, title="=HYPERLINK(\"x\") podcast")
    flattrs.flattr_thing(giver.id, blog.id, now=at(day=3))
    flattrs.flattr_thing(giver.id, podcast.id, now=at(day=3, minute=1))
    flattrs.flattr_thing(member.id, factories.thing(factories.user()).id, now=at(day=4))
    settle()
    return blog, podcast


def test_dashboard_shows_revenue_chart_table_and_statements(member_client, creator_with_revenue):
    blog, podcast = creator_with_revenue
    html = member_client.get(reverse("web:creator")).content.decode()
    # 500 − 25 fee = 475 over two flattrs: 238 + 237.
    assert "4.75\u00a0€" in html and "2.38\u00a0€" in html and "2.37\u00a0€" in html
    assert "<svg class=\"chart\"" in html and html.count('<rect class="bar') == 12
    assert "Le blog de Marie" in html and "verified" in html
    assert reverse("web:creator_csv") in html
    assert "waiting as pledges" not in html


def test_csv_has_one_row_per_period_and_thing(member_client, creator_with_revenue):
    blog, podcast = creator_with_revenue
    response = member_client.get(reverse("web:creator_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "thing_id", "url", "title", "flattrs", "revenue", "currency", "revenue_cents"]
    assert sorted(rows[1:]) == sorted([
        [str(PERIOD), str(blog.id), blog.url, "Le blog de Marie", "1", "2.38", "EUR", "238"],
        [str(PERIOD), str(podcast.id), podcast.url, "'=HYPERLINK(\"x\") podcast", "1", "2.37", "EUR", "237"],
    ])


def test_nobody_sees_another_creators_revenue(client, creator_with_revenue):
    stranger = factories.user("stranger")
    client.force_login(stranger)
    html = client.get(reverse("web:creator")).content.decode()
    assert "Le blog de Marie" not in html and "4.75\u00a0€" not in html
    rows = list(csv.reader(io.StringIO(client.get(reverse("web:creator_csv")).content.decode())))
    assert rows == [["period", "thing_id", "url", "title", "flattrs", "revenue", "currency", "revenue_cents"]]


def test_a_creator_who_did_not_give_is_told_why_revenue_waits(member_client, member):
    giver = factories.user("giver", budget_cents=500, funds_cents=2_000)
    blog = factories.thing(member, title="Le blog de Marie")
    flattrs.flattr_thing(giver.id, blog.id, now=at(day=3))
    settle()  # marie flattred nothing: not eligible, the flattr stays a pledge
    html = member_client.get(reverse("web:creator")).content.decode()
    assert "1 flattr on your things is waiting as a pledge" in html
    assert f"You did not give in {PERIOD.first_day:%B %Y}" in html


def test_unverified_things_are_flagged(member_client, member):
    factories.thing(member, title="Pas encore vérifié", verified=False)
    html = member_client.get(reverse("web:creator")).content.decode()
    assert "not verified" in html and "Pas encore vérifié" in html


def test_creator_dashboard_in_french(member_client, creator_with_revenue):
    html = member_client.get(reverse("web:creator"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "4,75\u00a0€" in html
