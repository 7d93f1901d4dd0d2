"""Payouts: details, request, SEPA export validated against the pain.001 schema, paid or failed."""

import itertools
from pathlib import Path

import pytest
from django.utils import translation
import sepaxml
import xmlschema
from django.urls import reverse

from ruisseau.accounts.services import create_user
from ruisseau.errors import Forbidden, InvalidInput
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.errors import IdempotencyConflict
from ruisseau.ledger.models import AccountKind, Reason
from ruisseau.payments import payouts
from ruisseau.payments.models import AccountFlag, Payout, PayoutStatus
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
_seq = itertools.count()


@pytest.fixture(autouse=True)
def operator_bank(settings):
    settings.SEPA_DEBTOR_NAME = "Ruisseau Operator"
    settings.SEPA_DEBTOR_IBAN = "DE02120300000000202051"
    settings.SEPA_DEBTOR_BIC = "BYLADEM1001"


def creator(earnings_cents: int = 2_500, *, details: bool = True):
    """A user with earnings, as a settlement would leave them (from another user's funds)."""
    user = factories.user(funds_cents=0)
    giver = factories.user(funds_cents=earnings_cents)
    ledger.post(f"test-earnings:{next(_seq)}", Reason.SETTLEMENT_RECEIVE, [ledger.Leg(
        accounts.user_account(giver.id, AccountKind.USER_FUNDS),
        accounts.user_account(user.id, AccountKind.USER_EARNINGS), earnings_cents, Reason.SETTLEMENT_RECEIVE)])
    if details:
        payouts.save_details(user.id, account_holder="Ada  Lovelace", iban=IBAN, country="de")
    return user


def test_details_are_checked_and_the_bic_found_from_the_iban():
    user = factories.user(funds_cents=0)
    details = payouts.save_details(user.id, account_holder="Ada Lovelace", iban=IBAN.lower(), country="de")
    assert (details.iban, details.bic, details.country) == ("DE89370400440532013000", "COBADEFFXXX", "DE")
    for bad in ("DE89370400440532013001", "XX00", "not an iban"):
        with pytest.raises(InvalidInput, match="IBAN is not valid"):
            payouts.save_details(user.id, account_holder="Ada Lovelace", iban=bad, country="DE")
    with pytest.raises(InvalidInput, match="two-letter"):
        payouts.save_details(user.id, account_holder="Ada Lovelace", iban=IBAN, country="Germany")


def test_request_export_and_paid(tmp_path):
    user = creator(2_500)
    payout = payouts.request_payout(user.id, 2_000, idempotency_key="p1")
    assert payouts.request_payout(user.id, 2_000, idempotency_key="p1").id == payout.id  # a retry
    with pytest.raises(IdempotencyConflict):
        payouts.request_payout(user.id, 1_500, idempotency_key="p1")
    assert accounts.earnings_cents(user.id) == 500
    assert accounts.balance_cents(None, AccountKind.PAYOUT_CLEARING) == 2_000
    assert_ledger_clean()

    name, content, exported = payouts.export_pending()
    assert name.endswith(".xml") and [p.id for p in exported] == [payout.id]
    xmlschema.XMLSchema(str(SCHEMA)).validate(content.decode())
    text = content.decode()
    assert "<InstdAmt Ccy=\"EUR\">20.00</InstdAmt>" in text and "DE89370400440532013000" in text
    assert "Ada Lovelace" in text and "DE02120300000000202051" in text
    assert Payout.objects.get(id=payout.id).status == PayoutStatus.EXPORTED
    with pytest.raises(InvalidInput, match="No payout is waiting"):
        payouts.export_pending()  # each payout is exported once

    payouts.mark_paid(payout.id)
    payouts.mark_paid(payout.id)  # twice is harmless
    assert Payout.objects.get(id=payout.id).status == PayoutStatus.PAID
    assert accounts.earnings_cents(user.id) == 500
    assert accounts.balance_cents(None, AccountKind.PAYOUT_CLEARING) == 0
    with pytest.raises(InvalidInput, match="already Paid"):
        payouts.mark_failed(payout.id, "too late")
    assert_ledger_clean()


def test_a_failed_payout_is_voided_and_the_earnings_restored():
    user = creator(1_200)
    payout = payouts.request_payout(user.id, 1_200, idempotency_key="p2")
    payouts.export_pending()
    assert accounts.earnings_cents(user.id) == 0
    payouts.mark_failed(payout.id, "account closed")
    payouts.mark_failed(payout.id, "account closed")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED and payout.failure_reason == "account closed"
    assert accounts.earnings_cents(user.id) == 1_200
    assert accounts.balance_cents(None, AccountKind.PAYOUT_CLEARING) == 0
    with pytest.raises(InvalidInput):
        payouts.mark_paid(payout.id)
    assert_ledger_clean()


def test_refusals_say_what_is_wrong(settings):
    user = creator(5_000)
    with pytest.raises(InvalidInput, match="Payouts start at 10.00\u00a0€; you asked for 9.99\u00a0€"):
        payouts.request_payout(user.id, 999, idempotency_key="low")
    with pytest.raises(InvalidInput, match="You have 50.00\u00a0€ of earnings"):
        payouts.request_payout(user.id, 5_001, idempotency_key="high")
    with translation.override("fr"), pytest.raises(InvalidInput, match="commencent à 10,00\u00a0€ ; vous avez demandé 9,99\u00a0€"):
        payouts.request_payout(user.id, 999, idempotency_key="low-fr")
    without = creator(5_000, details=False)
    with pytest.raises(InvalidInput, match="Add your bank details"):
        payouts.request_payout(without.id, 2_000, idempotency_key="none")
    settings.PAYOUT_REQUIRE_IDENTITY = True
    with pytest.raises(InvalidInput, match="legal name, date of birth and address"):
        payouts.request_payout(user.id, 2_000, idempotency_key="id")
    settings.PAYOUT_REQUIRE_IDENTITY = False
    AccountFlag.objects.create(user=user, reason="card payment disputed", reference="dispute:t", created_at=factories.at())
    with pytest.raises(Forbidden, match="on hold"):
        payouts.request_payout(user.id, 2_000, idempotency_key="flag")
    assert not Payout.objects.exists()
    assert accounts.earnings_cents(user.id) == accounts.earnings_cents(without.id) == 5_000
    assert_ledger_clean()


def test_export_needs_the_operator_bank_account(settings):
    from django.core.exceptions import ImproperlyConfigured

    user = creator(1_500)
    payouts.request_payout(user.id, 1_500, idempotency_key="p3")
    settings.SEPA_DEBTOR_IBAN = ""
    with pytest.raises(ImproperlyConfigured, match="RUISSEAU_SEPA_DEBTOR_IBAN"):
        payouts.export_pending()
    assert Payout.objects.get().status == PayoutStatus.PENDING
    assert_ledger_clean()


def test_operator_exports_and_marks_payouts_in_the_back_office(client):
    operator = create_user("operator", password="pw-for-tests-1", is_staff=True)
    client.force_login(operator)
    first, second = creator(1_500), creator(3_000)
    one = payouts.request_payout(first.id, 1_500, idempotency_key="a")
    two = payouts.request_payout(second.id, 3_000, idempotency_key="b")
    url = reverse("admin:payments_payout_changelist")
    response = client.post(url, {"action": "export_sepa", "_selected_action": [one.id, two.id]})
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "attachment" in response["Content-Disposition"]
    xmlschema.XMLSchema(str(SCHEMA)).validate(response.content.decode())
    assert "<CtrlSum>45.00</CtrlSum>" in response.content.decode()
    client.post(url, {"action": "mark_paid", "_selected_action": [one.id]})
    client.post(url, {"action": "mark_failed", "_selected_action": [two.id]})
    assert Payout.objects.get(id=one.id).status == PayoutStatus.PAID
    assert Payout.objects.get(id=two.id).status == PayoutStatus.FAILED
    assert accounts.earnings_cents(first.id) == 0 and accounts.earnings_cents(second.id) == 3_000
    assert client.get(url).status_code == 200
    assert_ledger_clean()
