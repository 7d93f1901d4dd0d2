"""The whole product end to end, as issue 3 tells it, in Chromium against a live server:

a new person signs up, confirms the email from the test mailbox, adds 10 € with the sandbox
provider, sets a budget of 5 €, flattrs three things from their pages and sees each valued 1.58 €
(budget 5 €, fee 5 %); the operator settles the month (the clock is moved past its end); the
creator signs in and sees the revenue, the chart and the CSV, downloaded by the browser.

Run three times: in English, partly in French (the person switches language after signing up),
and on a phone-sized screen. Screenshots of the main pages go to the ``screenshots`` folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from ruisseau.flattrs import services as flattrs
from ruisseau.periods import Period
from ruisseau.settlement.run import settle_period
from tests import factories
from tests.e2e.helpers import FITS_SCREEN, TOUCHING_CARDS, download_csv, flattr_in_place, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "un-ruisseau-42-rivieres"


@dataclass(frozen=True)
class Way:
    name: str
    french: bool = False
    phone: bool = False

    def amount(self, text: str) -> str:
        return text.replace(".", ",") if self.french else text

    def context(self, browser):
        if self.phone:
            return browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True,
                                       has_touch=True, accept_downloads=True)
        return browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True)


WAYS = [Way("en"), Way("fr", french=True), Way("phone", phone=True)]


class Visit:
    """One person's browser: every page is checked for CSP complaints, sideways scrolling on a
    phone, and photographed."""

    def __init__(self, browser, live_server, way: Way, screenshots, who: str):
        self.context = way.context(browser)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.csp_problems = watch_csp(self.page)
        self.url, self.way, self.screenshots, self.who = live_server.url, way, screenshots, who

    def go(self, path: str) -> None:
        response = self.page.goto(self.url + path)
        assert response.status == 200, f"{path} answered {response.status}"

    def shoot(self, name: str) -> None:
        if self.way.phone:
            assert self.page.evaluate(FITS_SCREEN), f"{self.page.url} scrolls sideways on a phone"
        assert self.page.evaluate(TOUCHING_CARDS) == [], f"{self.page.url}: boxes touch"
        self.page.screenshot(path=str(self.screenshots / f"journey-{self.way.name}-{self.who}-{name}.png"),
                             full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.csp_problems == []


@pytest.mark.parametrize("way", WAYS, ids=[w.name for w in WAYS])
def test_full_journey(live_server, browser, screenshots, mailbox, way):
    creator = factories.user("manon")
    EmailAddress.objects.create(user=creator, email=creator.email, verified=True, primary=True)
    titles = ("Le vélo à Paris", "Podcast du jeudi", "Mon outil libre")
    things = [factories.thing(creator, title=title) for title in titles]
    # Give to receive: a creator is paid for a month in which she gave too.
    flattrs.flattr_thing(creator.id, factories.thing(factories.user()).id)

    giver = Visit(browser, live_server, way, screenshots, "giver")
    try:
        _sign_up_and_confirm(giver, mailbox)
        _add_funds_set_budget_and_flattr(giver, things)
    finally:
        giver.close()

    # The operator settles the month once it is over.
    period = Period.containing(timezone.now())
    report = settle_period(period, now=period.end + timedelta(minutes=settings.SETTLE_AFTER_MINUTES + 1))
    assert (report.givers, report.total_spent_cents, report.flattrs_paid) == (1, 500, 3)
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "passed" in out.getvalue()

    seller = Visit(browser, live_server, way, screenshots, "creator")
    try:
        _creator_sees_revenue(seller, creator, things, period)
    finally:
        seller.close()


def _sign_up_and_confirm(visit: Visit, mailbox) -> None:
    page = visit.page
    visit.go("/")
    visit.shoot("home")
    page.goto(visit.url + "/accounts/signup/")
    page.get_by_label("Email").fill("lea.martin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    visit.shoot("signup")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mailbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailbox[0].body).group(0)
    visit.go(link[link.index("/accounts/"):])
    page.get_by_role("button", name="Confirm").click()

    visit.go("/accounts/login/")
    page.get_by_label("Email").fill("lea.martin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(visit.url + "/dashboard/")
    if visit.way.french:
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "fr"


def _add_funds_set_budget_and_flattr(visit: Visit, things) -> None:
    page, way = visit.page, visit.way
    visit.go("/funds/")
    page.locator("#id_add_amount").fill("10")
    page.locator("#add button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-funds]").inner_text() == way.amount("10.00\u00a0€")
    visit.shoot("funds")

    visit.go("/dashboard/")
    page.locator("#id_budget").fill(way.amount("5.00"))
    page.locator(".budget button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_budget").input_value() in ("5", way.amount("5.00"))

    button = "Flattrer" if way.french else "Flattr"
    values = [flattr_in_place(page, f"{visit.url}/thing/{t.id}/", button) for t in things]
    assert values == [way.amount(v) for v in ("4.75\u00a0€", "2.37\u00a0€", "1.58\u00a0€")]
    visit.shoot("thing")

    visit.go("/dashboard/")
    # newest first; the earliest gets the leftover cent, as the settlement will give it
    assert page.locator("[data-flattr-value]").all_inner_texts() == [way.amount(v) for v in ("1.58\u00a0€", "1.58\u00a0€", "1.59\u00a0€")]
    visit.shoot("dashboard")


def _creator_sees_revenue(visit: Visit, creator, things, period: Period) -> None:
    page, way = visit.page, visit.way
    visit.go("/accounts/login/?next=/creator/")
    page.get_by_label("Email").fill(creator.email)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/creator/")
    if way.french:
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord créateur"
    main = page.locator("main").text_content()
    for amount in ("4.75\u00a0€", "1.59\u00a0€", "1.58\u00a0€"):  # the month's revenue, then each thing's share
        assert way.amount(amount) in main
    assert page.locator("svg.chart rect.bar:not(.zero)").count() == 1
    visit.shoot("creator")

    link = page.get_by_role("link", name="Télécharger le CSV" if way.french else "Download CSV")
    rows = download_csv(page, link)
    assert rows[0] == ["period", "thing_id", "url", "title", "flattrs", "revenue", "currency", "revenue_cents"]
    # One row per thing of the settled month: one flattr each, 4.75 € shared to the cent.
    assert sorted((row[0], row[4], row[5], int(row[7])) for row in rows[1:]) == [
        (str(period), "1", "1.58", 158), (str(period), "1", "1.58", 158), (str(period), "1", "1.59", 159)]
    assert {row[1] for row in rows[1:]} == {str(t.id) for t in things}
