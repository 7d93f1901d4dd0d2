"""The funds page: adding funds through the sandbox, double submits, declines, earnings."""

from __future__ import annotations

import re

import pytest

from ruisseau.flattrs import services as flattrs
from ruisseau.ledger import accounts
from ruisseau.ledger.check import LEDGER_CHECKS, run_checks
from ruisseau.payments.models import Payment
from ruisseau.settlement import run as settlement
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db
TOKEN = "0123456789abcdef0123456789abcdef"


def ledger_clean() -> bool:
    return all(result.ok for result in run_checks(LEDGER_CHECKS))


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)


def test_shows_balances_and_a_fresh_token(signed_in, giver):
    page = signed_in.get("/funds/").content.decode()
    assert "10.00\u00a0€" in page and "Funds added" in page and "sandbox" in page
    assert token_of(page) != token_of(signed_in.get("/funds/").content.decode())


def test_add_funds_once_even_when_the_form_is_sent_twice(signed_in, giver):
    for _ in range(2):
        response = signed_in.post("/funds/add/", {"amount": "12,34", "token": TOKEN}, follow=True)
        assert "12.34\u00a0€ added to your funds." in response.content.decode()
    assert accounts.funds_cents(giver.id) == 1_000 + 1_234
    assert Payment.objects.filter(user=giver, amount_cents=1_234).count() == 1
    assert ledger_clean()


def test_declined_payment_is_explained_and_moves_nothing(signed_in, giver):
    response = signed_in.post("/funds/add/", {"amount": "5,02", "token": TOKEN})
    page = response.content.decode()
    assert response.status_code == 400 and "The payment was declined: The sandbox card was declined" in page
    assert token_of(page) != TOKEN  # the next try is a new payment
    assert accounts.funds_cents(giver.id) == 1_000


@pytest.mark.parametrize("amount, words", [
    ("0,50", "Add between 1.00\u00a0€ and 1,000.00\u00a0€ at a time."),
    ("lots", "Write an amount in euros and cents"),
])
def test_bad_amounts_are_explained(signed_in, giver, amount, words):
    response = signed_in.post("/funds/add/", {"amount": amount, "token": TOKEN})
    assert response.status_code == 400 and words in response.content.decode().replace("\u202f", "")
    assert accounts.funds_cents(giver.id) == 1_000


def test_a_token_reused_for_another_amount_is_refused(signed_in, giver):
    signed_in.post("/funds/add/", {"amount": "3", "token": TOKEN})
    response = signed_in.post("/funds/add/", {"amount": "4", "token": TOKEN})
    assert response.status_code == 400 and "already sent with another amount" in response.content.decode()
    assert accounts.funds_cents(giver.id) == 1_300


def test_a_missing_token_is_refused(signed_in, giver):
    assert signed_in.post("/funds/add/", {"amount": "3"}).status_code == 400
    assert accounts.funds_cents(giver.id) == 1_000


def test_with_stripe_the_sandbox_form_is_not_offered(signed_in, giver, settings):
    settings.PAYMENT_PROVIDER = "stripe"
    page = signed_in.get("/funds/").content.decode()
    assert 'action="/funds/add/"' not in page
    assert signed_in.post("/funds/add/", {"amount": "3", "token": TOKEN}).status_code == 400
    assert accounts.funds_cents(giver.id) == 1_000


def _earn(creator, giver, things):
    flattrs.flattr_thing(creator.id, factories.thing(factories.user("third")).id, now=at(PERIOD))
    flattrs.flattr_thing(giver.id, things[0].id, now=at(PERIOD))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))


def test_move_earnings_into_funds(client, creator, giver, things):
    _earn(creator, giver, things)
    earned = accounts.earnings_cents(creator.id)
    assert earned == 475
    client.force_login(creator)
    funds_before = accounts.funds_cents(creator.id)
    too_much = client.post("/funds/move-earnings/", {"amount": "5", "token": TOKEN})
    assert too_much.status_code == 400 and "You do not have that much in earnings." in too_much.content.decode()
    done = client.post("/funds/move-earnings/", {"amount": "4,75", "token": TOKEN}, follow=True)
    assert "4.75\u00a0€ moved from your earnings into your funds." in done.content.decode()
    client.post("/funds/move-earnings/", {"amount": "4,75", "token": TOKEN})  # sent twice
    assert accounts.earnings_cents(creator.id) == 0
    assert accounts.funds_cents(creator.id) == funds_before + 475
    page = client.get("/funds/").content.decode()
    assert "Earnings moved into funds" in page and "Received from givers" in page
    assert ledger_clean()


def test_funds_page_shows_only_my_movements(client, creator, giver, things):
    _earn(creator, giver, things)
    client.force_login(giver)
    page = client.get("/funds/").content.decode()
    assert "Received from givers" not in page and "Your monthly giving" in page and "-5.00\u00a0€" in page
