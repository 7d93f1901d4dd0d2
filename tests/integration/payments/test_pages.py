"""The payment pages through Django's test client: what people see and every refusal."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from ruisseau.ledger import accounts
from ruisseau.payments import cards
from ruisseau.payments.models import PayoutDetails, SavedCard
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean
from tests.integration.payments.test_payouts import IBAN, creator
from tests.integration.payments.test_stripe_topups import saved_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


def test_pages_need_a_signed_in_user(client):
    for name in ("card_topup", "payout_details", "payout_request"):
        response = client.get(reverse(f"payments:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_card_page_says_when_cards_are_not_set_up(signed_in):
    response = signed_in(factories.user(funds_cents=0)).get(reverse("payments:card_topup"))
    assert response.status_code == 200
    assert "Card payments are not set up on this server" in response.content.decode()


def test_the_card_page_shows_fees_and_amounts_covering_months(stripe_server, signed_in):
    user = factories.user(budget_cents=500, funds_cents=0)
    page = signed_in(user).get(reverse("payments:card_topup")).content.decode()
    assert stripe_server.url + "/js.stripe.com/v3/" in page
    # 1, 3, 6 and 12 months of a 5\u00a0€ budget, each with its fee (1.5 % + 0.25\u00a0€) and total.
    for amount, fee, total in (("5.00\u00a0€", "0.33\u00a0€", "5.33\u00a0€"), ("15.00\u00a0€", "0.48\u00a0€", "15.48\u00a0€"),
                               ("30.00\u00a0€", "0.70\u00a0€", "30.70\u00a0€"), ("60.00\u00a0€", "1.15\u00a0€", "61.15\u00a0€")):
        assert amount in page and fee in page and total in page
    assert "12 months of budget" in page and "6.6 %" in page and "1.9 %" in page


def test_the_card_page_lets_stripe_js_in_and_nothing_inline(stripe_server, signed_in):
    response = signed_in(factories.user(funds_cents=0)).get(reverse("payments:card_topup"))
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' {stripe_server.url};" in policy
    assert f"connect-src 'self' {stripe_server.url};" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_the_card_page_in_french(stripe_server, signed_in):
    client = signed_in(factories.user(budget_cents=500, funds_cents=0))
    page = client.get(reverse("payments:card_topup"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ajouter des fonds par carte" in page and "61,15\u00a0€" in page


def test_pay_endpoint_answers_in_json_with_plain_errors(stripe_server, signed_in):
    user = factories.user(funds_cents=0)
    client = signed_in(user)
    url = reverse("payments:card_pay")
    bad = client.post(url, json.dumps({"amount": "ten", "attempt_key": "k"}), content_type="application/json")
    assert bad.status_code == 400 and "is not an amount" in bad.json()["message"]
    no_card = client.post(url, json.dumps({"amount": "10", "attempt_key": "k"}), content_type="application/json")
    assert no_card.status_code == 400 and "Add a card first" in no_card.json()["message"]
    setup = client.post(reverse("payments:card_setup")).json()["client_secret"]
    stripe_server.confirm_setup(setup, "4242424242424242")
    ok = client.post(url, json.dumps({"amount": "10,50", "attempt_key": "k2", "setup_intent": setup.split("_secret_")[0]}),
                     content_type="application/json")
    assert ok.json() == {"status": "succeeded", "message": "10.50\u00a0€ were added to your funds."}
    assert accounts.funds_cents(user.id) == 1_050
    assert_ledger_clean()


def test_automatic_top_up_charges_the_saved_card_once_per_period(stripe_server, signed_in):
    user = factories.user(funds_cents=0, budget_cents=500)
    client = signed_in(user)
    response = client.post(reverse("payments:auto_topup"), {"amount": "15"})
    assert response.status_code == 400 and "Save a card first" in response.content.decode()
    cards.pay(user.id, 500, idempotency_key="first", setup_reference=saved_card(stripe_server, user))
    assert client.post(reverse("payments:auto_topup"), {"amount": "2"}).status_code == 400  # below the budget
    assert client.post(reverse("payments:auto_topup"), {"amount": "15"}).status_code == 302
    assert SavedCard.objects.get(user=user).auto_topup_cents == 1_500
    assert cards.run_auto_topups()["skipped"] == 1  # 5\u00a0€ cover the 5\u00a0€ budget
    factories.user(funds_cents=0)  # someone else without a card changes nothing
    from ruisseau.ledger import services as ledger
    from ruisseau.ledger.models import AccountKind, Reason
    other = factories.user(funds_cents=0)
    ledger.post("test-spend-auto", Reason.SETTLEMENT_GIVE, [ledger.Leg(
        accounts.user_account(user.id, AccountKind.USER_FUNDS),
        accounts.user_account(other.id, AccountKind.USER_EARNINGS), 200, Reason.SETTLEMENT_GIVE)])
    call_command("autotopup")
    call_command("autotopup")
    assert accounts.funds_cents(user.id) == 300 + 1_500
    assert_ledger_clean()


def test_payout_pages(signed_in, settings):
    user = creator(2_500, details=False)
    client = signed_in(user)
    page = client.get(reverse("payments:payout_request")).content.decode()
    assert "25.00\u00a0€" in page and "Add your bank details first" in page
    bad = client.post(reverse("payments:payout_details"),
                      {"account_holder": "Ada Lovelace", "iban": "DE00 1234", "country": "DE"})
    assert bad.status_code == 400 and "This IBAN is not valid" in bad.content.decode()
    good = client.post(reverse("payments:payout_details"),
                       {"account_holder": "Ada Lovelace", "iban": IBAN, "country": "DE"})
    assert good.status_code == 302 and PayoutDetails.objects.get(user=user).bic == "COBADEFFXXX"
    low = client.post(reverse("payments:payout_request"), {"amount": "5", "attempt_key": "x1"})
    assert low.status_code == 400 and "Payouts start at 10.00\u00a0€" in low.content.decode()
    ok = client.post(reverse("payments:payout_request"), {"amount": "20", "attempt_key": "x2"})
    assert ok.status_code == 200 and "Payout of 20.00\u00a0€ requested" in ok.content.decode()
    assert accounts.earnings_cents(user.id) == 500
    settings.PAYOUT_REQUIRE_IDENTITY = True
    page = client.get(reverse("payments:payout_details")).content.decode()
    assert "date of birth" in page.lower()
    missing = client.post(reverse("payments:payout_details"),
                          {"account_holder": "Ada Lovelace", "iban": IBAN, "country": "DE"})
    assert missing.status_code == 400 and "This server needs it before a payout" in missing.content.decode()
    assert_ledger_clean()


def test_the_webhook_of_a_provider_not_configured_is_refused(client):
    response = client.post(reverse("payments:webhook", args=["stripe"]), b"{}", content_type="application/json")
    assert response.status_code == 400


def test_three_d_secure_through_the_endpoint(stripe_server, signed_in):
    user = factories.user(funds_cents=0)
    client = signed_in(user)
    url = reverse("payments:card_pay")
    setup = client.post(reverse("payments:card_setup")).json()["client_secret"]
    stripe_server.confirm_setup(setup, "4000002500003155")
    body = {"amount": "12", "attempt_key": "3ds", "setup_intent": setup.split("_secret_")[0]}
    answer = client.post(url, json.dumps(body), content_type="application/json").json()
    assert answer["status"] == "requires_action" and answer["client_secret"]
    closed = client.post(url, json.dumps({"attempt_key": "3ds", "finish": True}), content_type="application/json")
    assert closed.status_code == 400 and "not confirmed with your bank" in closed.json()["message"]
    stripe_server.authenticate(answer["client_secret"])
    done = client.post(url, json.dumps({"attempt_key": "3ds", "finish": True}), content_type="application/json")
    assert done.json()["status"] == "succeeded" and accounts.funds_cents(user.id) == 1_200
    assert_ledger_clean()
