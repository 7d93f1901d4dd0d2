"""A giver flattrs three things from their pages with JavaScript on, sees each valued 1.58 €
(budget 5 €, fee 5 %), takes one back and sees the values rise. Also at a phone's size.

Sign-in uses the session cookie of a ``force_login``-ed test client: the sign-in pages belong to
the accounts work and are tested there."""

from __future__ import annotations

import pytest

from ruisseau.flattrs.models import Flattr
from tests import factories
from tests.e2e.helpers import FITS_SCREEN, flattr_in_place, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def journey(live_server):
    creator = factories.user("creator", funds_cents=2_000)
    things = [factories.thing(creator, title=title) for title in ("Le ruisseau", "La rivière", "Le fleuve")]
    giver = factories.user("giver", budget_cents=500, funds_cents=1_000)
    return giver, things


def test_giving_journey_with_javascript(live_server, page, screenshots, journey):
    giver, things = journey
    sign_in(page.context, live_server, giver)
    values = [flattr_in_place(page, f"{live_server.url}/thing/{t.id}/") for t in things]
    assert values == ["4.75\u00a0€", "2.37\u00a0€", "1.58\u00a0€"]
    assert page.locator("[data-counts]").inner_text().startswith("1 flattr this month · 1 all time")
    assert page.get_by_role("button", name="Flattred").is_disabled()
    page.screenshot(path=str(screenshots / "pages-thing-flattred.png"), full_page=True)

    page.goto(f"{live_server.url}/dashboard/")
    cells = page.locator("[data-flattr-value]")
    assert cells.all_inner_texts() == ["1.58\u00a0€", "1.58\u00a0€", "1.59\u00a0€"]  # newest first; the earliest gets the odd cent
    page.screenshot(path=str(screenshots / "pages-dashboard.png"), full_page=True)

    page.get_by_role("button", name="Take back").nth(1).click()
    page.wait_for_selector("text=Flattr taken back")
    assert page.locator("[data-flattr-value]").all_inner_texts() == ["2.37\u00a0€", "2.38\u00a0€"]
    assert Flattr.objects.filter(user=giver).count() == 2
    page.screenshot(path=str(screenshots / "pages-dashboard-taken-back.png"), full_page=True)

    # Flattring the same thing again tells why not, in words, without reloading.
    page.goto(f"{live_server.url}/thing/{things[0].id}/")
    assert page.get_by_role("button", name="Flattred").is_disabled()


def test_the_pages_fit_a_phone(live_server, browser, screenshots, journey):
    giver, things = journey
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        sign_in(context, live_server, giver)
        page = context.new_page()
        page.set_default_timeout(10_000)
        assert flattr_in_place(page, f"{live_server.url}/thing/{things[0].id}/") == "4.75\u00a0€"
        assert page.evaluate(FITS_SCREEN), "the thing page scrolls sideways on a phone"
        page.screenshot(path=str(screenshots / "pages-thing-phone.png"), full_page=True)
        for path, name in (("/dashboard/", "dashboard"), ("/funds/", "funds"), ("/explore/", "explore")):
            page.goto(live_server.url + path)
            assert page.evaluate(FITS_SCREEN), f"{path} scrolls sideways on a phone"
            page.screenshot(path=str(screenshots / f"pages-{name}-phone.png"), full_page=True)
    finally:
        context.close()


def test_flattring_in_french(live_server, browser, screenshots, journey):
    giver, things = journey
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    try:
        sign_in(context, live_server, giver)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/thing/{things[0].id}/")
        page.get_by_role("button", name="Flattrer", exact=True).click()
        page.wait_for_selector("[data-value-line]:not([hidden])")
        assert page.locator("[data-value]").inner_text() == "4,75\u00a0€"
        assert page.locator("[data-flattr-message]").inner_text() == "Flattré ! Merci."
        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("[data-flattr-value]").all_inner_texts() == ["4,75\u00a0€"]
        page.screenshot(path=str(screenshots / "pages-dashboard-fr.png"), full_page=True)
    finally:
        context.close()
