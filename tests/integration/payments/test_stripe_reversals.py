"""Refunds by the operator and disputes from the card network, against localstripe."""

import time

import pytest
from django.urls import reverse

from ruisseau.accounts.services import create_user
from ruisseau.errors import InvalidInput
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.models import AccountKind, Reason
from ruisseau.payments import cards, reversals
from ruisseau.payments.models import AccountFlag, Reversal, ReversalStatus
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean
from tests.integration.payments.test_stripe_topups import deliver, saved_card

pytestmark = pytest.mark.django_db


def paid(server, amount_cents=1_000):
    user = factories.user(funds_cents=0)
    payment, _result = cards.pay(user.id, amount_cents, idempotency_key="r", setup_reference=saved_card(server, user))
    return user, payment


def spend(user, cents):
    """Funds given away, as a settlement does: they go to someone else's earnings."""
    other = factories.user(funds_cents=0)
    ledger.post(f"test-spend:{user.id}", Reason.SETTLEMENT_GIVE, [ledger.Leg(
        accounts.user_account(user.id, AccountKind.USER_FUNDS),
        accounts.user_account(other.id, AccountKind.USER_EARNINGS), cents, Reason.SETTLEMENT_GIVE)])


def event(kind, obj, event_id):
    return {"id": event_id, "type": kind, "created": int(time.time()), "data": {"object": obj}}


def test_the_operator_refunds_the_unspent_part_to_the_card(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    spend(user, 300)
    reversal = reversals.refund_unspent(payment.id)
    assert reversal.status == ReversalStatus.DONE and reversal.amount_cents == 700 and reversal.by_operator
    assert accounts.funds_cents(user.id) == 0
    refund = cards.card_provider().client.v1.refunds.retrieve(reversal.provider_reference)
    assert refund.amount == 700 and refund.metadata["ruisseau_reversal"] == str(reversal.id)
    # Stripe then reports the refund it made for us: recognised, nothing moves twice, no hold.
    assert deliver(client, event("refund.created", refund.to_dict(), "evt_own_refund")).status_code == 200
    assert Reversal.objects.count() == 1 and not AccountFlag.objects.exists()
    with pytest.raises(InvalidInput, match="Nothing to refund"):
        reversals.refund_unspent(payment.id)
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def test_the_operator_refunds_from_the_back_office(stripe_server, client):
    user, payment = paid(stripe_server, 1_500)
    client.force_login(create_user("operator", password="pw-for-tests-1", is_staff=True))
    response = client.post(reverse("admin:payments_payment_changelist"),
                           {"action": "refund_unspent", "_selected_action": [payment.id]}, follow=True)
    assert response.status_code == 200 and "1500 cents refunded" in response.content.decode()
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def test_a_refused_refund_releases_the_held_funds(stripe_server, monkeypatch):
    from ruisseau.payments.providers import RefundResult
    from ruisseau.payments.providers.stripe import StripeProvider

    user, payment = paid(stripe_server, 1_000)
    monkeypatch.setattr(StripeProvider, "refund", lambda self, **kw: RefundResult("", False, "charge too old"))
    with pytest.raises(InvalidInput, match="charge too old"):
        reversals.refund_unspent(payment.id)
    assert Reversal.objects.get().status == ReversalStatus.FAILED
    assert accounts.funds_cents(user.id) == 1_000
    assert_ledger_clean()


def test_a_dispute_takes_back_what_is_left_flags_the_account_and_a_win_restores_it(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    spend(user, 700)
    dispute = {"id": "dp_test_1", "object": "dispute", "amount": 1_040, "currency": "eur",
               "payment_intent": payment.provider_reference, "status": "needs_response"}
    for _delivery in range(2):
        assert deliver(client, event("charge.dispute.created", dispute, "evt_dp_created")).status_code == 200
    assert deliver(client, event("charge.dispute.funds_withdrawn", dispute, "evt_dp_withdrawn")).status_code == 200
    reversal = Reversal.objects.get()
    assert (reversal.amount_cents, reversal.from_funds_cents, reversal.unrecovered_cents) == (1_000, 300, 700)
    assert accounts.funds_cents(user.id) == 0
    assert AccountFlag.objects.filter(user=user, cleared_at__isnull=True).exists()
    with pytest.raises(Exception, match="on hold"):
        cards.pay(user.id, 1_000, idempotency_key="after")
    assert_ledger_clean()

    won = {**dispute, "status": "won"}
    assert deliver(client, event("charge.dispute.closed", won, "evt_dp_won")).status_code == 200
    assert deliver(client, event("charge.dispute.funds_reinstated", won, "evt_dp_back")).status_code == 200
    assert accounts.funds_cents(user.id) == 300
    assert Reversal.objects.get().status == ReversalStatus.REINSTATED
    assert not AccountFlag.objects.filter(user=user, cleared_at__isnull=True).exists()
    assert_ledger_clean()


def test_a_lost_dispute_arriving_first_still_reverses_once(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    lost = {"id": "dp_test_2", "amount": 1_040, "payment_intent": payment.provider_reference, "status": "lost"}
    assert deliver(client, event("charge.dispute.closed", lost, "evt_lost")).status_code == 200
    opened = {**lost, "status": "needs_response"}
    assert deliver(client, event("charge.dispute.created", opened, "evt_opened")).status_code == 200
    assert accounts.funds_cents(user.id) == 0 and Reversal.objects.count() == 1
    assert_ledger_clean()


def test_an_inquiry_moves_no_money(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    inquiry = {"id": "dp_test_3", "amount": 1_040, "payment_intent": payment.provider_reference,
               "status": "warning_needs_response"}
    assert deliver(client, event("charge.dispute.created", inquiry, "evt_inquiry")).status_code == 200
    assert accounts.funds_cents(user.id) == 1_000 and not Reversal.objects.exists()
    assert_ledger_clean()


def test_sandbox_payments_can_be_refunded_too():
    user = factories.user(funds_cents=2_000)
    payment = user.payments.get()
    reversal = reversals.refund_unspent(payment.id)
    assert reversal.amount_cents == 2_000 and accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def test_a_refund_interrupted_by_an_outage_stays_held_and_is_sent_when_asked_again(stripe_server, monkeypatch):
    from ruisseau.payments.providers import ProviderUnavailable
    from ruisseau.payments.providers.stripe import StripeProvider

    user, payment = paid(stripe_server, 1_000)
    real_refund = StripeProvider.refund

    def outage(self, **kwargs):
        raise ProviderUnavailable("Stripe is down")

    monkeypatch.setattr(StripeProvider, "refund", outage)
    with pytest.raises(ProviderUnavailable):
        reversals.refund_unspent(payment.id)
    reversal = Reversal.objects.get()
    assert reversal.status == ReversalStatus.PENDING and accounts.funds_cents(user.id) == 0
    assert accounts.balance_cents(None, AccountKind.PROVIDER_CLEARING) == 1_000
    assert_ledger_clean()  # held money is accounted for while it waits
    with pytest.raises(InvalidInput, match="Nothing to refund"):
        reversals.refund_unspent(payment.id)  # the held amount is not refunded twice
    monkeypatch.setattr(StripeProvider, "refund", real_refund)
    assert reversals.send_refund(reversal.id).status == ReversalStatus.DONE
    assert reversals.send_refund(reversal.id).status == ReversalStatus.DONE
    assert accounts.balance_cents(None, AccountKind.PROVIDER_CLEARING) == 0
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def test_the_payment_checks_notice_money_held_without_a_reason(stripe_server):
    from ruisseau.payments.checks import PAYMENT_CHECKS
    from ruisseau.ledger.check import run_checks

    user, payment = paid(stripe_server, 1_000)
    ledger.post("test-stray", Reason.CORRECTION, [ledger.Leg(
        accounts.user_account(user.id, AccountKind.USER_FUNDS),
        accounts.system_account(AccountKind.PAYOUT_CLEARING), 100, Reason.CORRECTION)])
    problems = [p for result in run_checks(PAYMENT_CHECKS) for p in result.problems]
    assert problems == ["payout clearing holds 100, open payouts add up to 0"]
