"""A creator with a settled month signs in and sees the revenue, the chart and the CSV."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from ruisseau.flattrs import services as flattrs
from ruisseau.settlement import run as settlement
from tests import factories
from tests.e2e.helpers import download_csv
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db(transaction=True)


def test_creator_sees_revenue_chart_and_csv(live_server, page, screenshots):
    cache.clear()
    creator = factories.user("manon")
    EmailAddress.objects.create(user=creator, email=creator.email, verified=True, primary=True)
    giver = factories.user("giver", budget_cents=500)
    things = [factories.thing(creator, title=title) for title in ("Le vélo à Paris", "Podcast du jeudi", "Mon outil libre")]
    for minute, thing in enumerate(things):
        flattrs.flattr_thing(giver.id, thing.id, now=at(day=3, minute=minute))
    flattrs.flattr_thing(creator.id, factories.thing(factories.user()).id, now=at(day=4))  # she gives too
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))

    page.goto(live_server.url + "/accounts/login/?next=/creator/")
    page.get_by_label("Email").fill(creator.email)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/creator/")
    main = page.locator("main")
    assert "4.75\u00a0€" in main.text_content()  # 5 € budget less the 5 % fee
    assert page.locator("svg.chart rect.bar:not(.zero)").count() == 1
    for cents in ("1.59\u00a0€", "1.58\u00a0€"):
        assert cents in main.text_content()
    page.screenshot(path=str(screenshots / "creator.png"), full_page=True)

    rows = download_csv(page, page.get_by_role("link", name="Download CSV"))
    assert rows[0] == ["period", "thing_id", "url", "title", "flattrs", "revenue", "currency", "revenue_cents"]
    assert sorted((row[5], int(row[7])) for row in rows[1:]) == [("1.58", 158), ("1.58", 158), ("1.59", 159)]
