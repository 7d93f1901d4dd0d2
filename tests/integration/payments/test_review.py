"""Adversarial review of the payments code: each test shows a problem that was found (and fixed)."""

import json
import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ruisseau.accounts.services import create_user
from ruisseau.errors import InvalidInput
from ruisseau.ledger import accounts
from ruisseau.payments import cards, payouts, reversals
from ruisseau.payments.models import (
    AccountFlag, Payment, PaymentStatus, Payout, PayoutStatus, Reversal, ReversalStatus, SavedCard, WebhookEvent,
)
from ruisseau.payments.providers import sepa
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean
from tests.integration.payments.test_payouts import IBAN, creator, operator_bank  # noqa: F401 (fixture)
from tests.integration.payments.test_stripe_reversals import paid, spend
from tests.integration.payments.test_stripe_topups import deliver

pytestmark = pytest.mark.django_db


def event(kind, obj, event_id):
    return {"id": event_id, "type": kind, "created": int(time.time()), "data": {"object": obj}}


# --- payouts ---------------------------------------------------------------------------------

def test_a_payout_is_never_exported_in_two_files(monkeypatch):
    """Two exports interleaving (SQLite takes no row lock on SELECT ... FOR UPDATE): the second
    must not hand the bank a file with payouts the first already exported."""
    user = creator(2_500)
    payouts.request_payout(user.id, 2_000, idempotency_key="p")
    real_export = sepa.SepaFileChannel.export
    files = []

    def export_while_another_export_runs(self, batch, lines):
        if not files:
            files.append("inner")
            files.append(payouts.export_pending()[1])  # the other operator, right now
        return real_export(self, batch, lines)

    monkeypatch.setattr(sepa.SepaFileChannel, "export", export_while_another_export_runs)
    with pytest.raises(InvalidInput, match="already"):
        payouts.export_pending()
    assert b"RUISSEAU-PAYOUT-" in files[1]  # the other export's file is the only one with it
    # (here both ran in one test transaction, so raising also undid the inner export)
    assert_ledger_clean()


def test_a_payout_name_the_bank_file_cannot_hold_is_refused_when_saved():
    """A name that transliterates to nothing made the SEPA file invalid: one user blocked every
    operator's export (and the back-office action answered 500)."""
    user = factories.user(funds_cents=0)
    for name in ("😀😀", "\u200b\u200b\u200b", "☃ ☃"):
        with pytest.raises(InvalidInput, match="account holder"):
            payouts.save_details(user.id, account_holder=name, iban=IBAN, country="DE")
    assert payouts.save_details(user.id, account_holder="Алиса Иванова", iban=IBAN, country="DE")


def test_view_only_staff_cannot_move_money_from_the_back_office(client):
    """The money actions were allowed to anyone with the *view* permission."""
    user = creator(2_500)
    payout = payouts.request_payout(user.id, 2_000, idempotency_key="p")
    viewer = staff("viewer")
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_payout", "view_payment"]))
    client.force_login(viewer)
    changelist = reverse("admin:payments_payout_changelist")
    assert client.get(changelist).status_code == 200  # they may look
    for action in ("mark_paid", "mark_failed", "export_sepa"):
        client.post(changelist, {"action": action, "_selected_action": [payout.id]}, follow=True)
    assert Payout.objects.get().status == PayoutStatus.PENDING
    operator = staff("operator")
    operator.user_permissions.add(*Permission.objects.filter(codename__in=["view_payout", "change_payout"]))
    client.force_login(operator)
    client.post(changelist, {"action": "mark_paid", "_selected_action": [payout.id]}, follow=True)
    assert Payout.objects.get().status == PayoutStatus.PAID
    assert_ledger_clean()


def staff(name):
    """A staff member who is not a superuser: only the permissions given to them."""
    user = create_user(name, password="pw-for-tests-1", is_staff=True)
    user.is_superuser = False
    user.save(update_fields=["is_superuser"])
    return user


# --- automatic top-ups --------------------------------------------------------------------------

def test_one_users_failing_automatic_top_up_does_not_stop_the_others():
    """A user who changed their automatic amount after a decline in the same period made the
    whole run crash (IdempotencyConflict), so nobody after them was topped up."""
    first = factories.user(funds_cents=0, budget_cents=500)
    second = factories.user(funds_cents=0, budget_cents=500)
    SavedCard.objects.create(user=first, provider="sandbox", customer_reference="c1", card_reference="card1",
                             auto_topup_cents=1_002)  # the sandbox declines amounts ending in ,02
    assert cards.run_auto_topups()["declined"] == 1
    SavedCard.objects.filter(user=first).update(auto_topup_cents=1_500)
    SavedCard.objects.create(user=second, provider="sandbox", customer_reference="c2", card_reference="card2",
                             auto_topup_cents=1_000)
    counts = cards.run_auto_topups()
    assert counts["charged"] == 1
    assert accounts.funds_cents(second.id) == 1_000
    assert_ledger_clean()


# --- the card page's JSON endpoint ---------------------------------------------------------------

def test_the_card_endpoint_answers_400_to_json_that_is_not_an_object(client):
    client.force_login(factories.user(funds_cents=0))
    for body in ("[]", "3", '"x"', "null"):
        response = client.post(reverse("payments:card_pay"), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["status"] == "failed"


def test_the_card_endpoint_refuses_a_post_without_the_csrf_token():
    from django.test import Client

    user = factories.user(funds_cents=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("payments:card_pay"), json.dumps({"amount": "10", "attempt_key": "k"}),
                           content_type="application/json")
    assert response.status_code == 403


# --- Stripe: refunds that fail after they were accepted, a second charge -----------------------

def _refund_obj(refund_id, intent, amount, status, metadata=None):
    return {"id": refund_id, "object": "refund", "payment_intent": intent, "amount": amount, "status": status,
            "metadata": metadata or {}}


def test_an_operator_refund_that_fails_later_gives_the_funds_back(stripe_server, client):
    """Stripe accepts a refund (pending), then it fails (the card was closed): the money comes back
    to our Stripe balance, so it must come back to the user's funds instead of vanishing."""
    user, payment = paid(stripe_server, 1_000)
    reversal = reversals.refund_unspent(payment.id)
    assert reversal.status == ReversalStatus.DONE and accounts.funds_cents(user.id) == 0
    failed = _refund_obj(reversal.provider_reference, payment.provider_reference, 1_000, "failed",
                         {"ruisseau_reversal": str(reversal.id)})
    for event_id in ("evt_rf1", "evt_rf1b"):  # the failure, then another event about it
        assert deliver(client, event("refund.failed", failed, event_id)).status_code == 200
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.FAILED
    assert accounts.funds_cents(user.id) == 1_000
    assert_ledger_clean()
    assert reversals.refund_unspent(payment.id).amount_cents == 1_000  # it can be asked again
    assert_ledger_clean()


def test_a_bank_refund_that_fails_later_gives_back_what_it_took(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    spend(user, 300)
    refund = _refund_obj("re_bank", payment.provider_reference, 1_000, "succeeded")
    assert deliver(client, event("refund.created", refund, "evt_b1")).status_code == 200
    assert accounts.funds_cents(user.id) == 0
    refund["status"] = "failed"
    assert deliver(client, event("refund.updated", refund, "evt_b2")).status_code == 200
    assert Reversal.objects.get().status == ReversalStatus.FAILED
    assert accounts.funds_cents(user.id) == 700
    assert not AccountFlag.objects.filter(cleared_at__isnull=True).exists()
    assert_ledger_clean()


def test_a_second_charge_for_the_same_payment_is_reported_not_called_credited(stripe_server, client):
    """A second PaymentIntent carrying the same payment key (e.g. retried after Stripe forgot the
    idempotency key) charged the payer again; the webhook said "credited" and nobody noticed."""
    user, payment = paid(stripe_server, 1_000)
    other = {"id": "pi_second", "object": "payment_intent", "amount": 1_040, "currency": "eur",
             "status": "succeeded", "metadata": {"ruisseau_key": payment.idempotency_key}}
    response = deliver(client, event("payment_intent.succeeded", other, "evt_second"))
    assert response.status_code == 200
    assert "pi_second" in response.content.decode() and "not credited" in response.content.decode()
    assert accounts.funds_cents(user.id) == 1_000
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.get(event_id="evt_second").outcome.startswith("second charge")
    assert_ledger_clean()


def test_a_success_in_another_currency_is_not_credited(stripe_server, client):
    user = factories.user(funds_cents=0)
    payment = Payment.objects.create(user=user, provider="stripe", amount_cents=1_000, fee_cents=40,
                                     currency="EUR", idempotency_key=f"topup:{user.id}:x",
                                     created_at=payment_time())
    intent = {"id": "pi_usd", "object": "payment_intent", "amount": 1_040, "currency": "usd", "status": "succeeded",
              "metadata": {"ruisseau_key": payment.idempotency_key}}
    response = deliver(client, event("payment_intent.succeeded", intent, "evt_usd"))
    assert response.status_code == 200 and "not credited" in response.content.decode()
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def payment_time():
    from django.utils import timezone

    return timezone.now()


def test_a_refund_with_foreign_metadata_is_applied_not_retried_forever(stripe_server, client):
    """A dashboard refund whose metadata has a non-numeric ruisseau_reversal made the endpoint
    answer 500 on every delivery (int() of it), so the refund was never applied."""
    user, payment = paid(stripe_server, 1_000)
    refund = _refund_obj("re_meta", payment.provider_reference, 400, "succeeded", {"ruisseau_reversal": "n/a"})
    assert deliver(client, event("refund.created", refund, "evt_meta")).status_code == 200
    assert accounts.funds_cents(user.id) == 600
    assert_ledger_clean()


def test_another_refund_naming_an_operator_refund_is_still_reversed(stripe_server, client):
    """Only the refund Ruisseau asked for confirms its reversal: a second refund carrying the same
    ruisseau_reversal metadata (made at Stripe) used to be taken as a confirmation and ignored."""
    user, payment = paid(stripe_server, 1_000)
    spend(user, 600)
    reversal = reversals.refund_unspent(payment.id)  # the 4 € left, refunded by the operator
    assert reversal.amount_cents == 400 and reversal.provider_reference
    again = _refund_obj("re_again", payment.provider_reference, 300, "succeeded",
                        {"ruisseau_reversal": str(reversal.id)})
    assert deliver(client, event("refund.created", again, "evt_again")).status_code == 200
    other = Reversal.objects.get(provider_reference="re_again")
    assert (other.amount_cents, other.unrecovered_cents, other.by_operator) == (300, 300, False)
    assert AccountFlag.objects.filter(user=user, cleared_at__isnull=True).exists()
    assert_ledger_clean()


def test_a_failed_second_refund_naming_an_operator_refund_gives_nothing_back(stripe_server, client):
    user, payment = paid(stripe_server, 1_000)
    spend(user, 600)
    reversal = reversals.refund_unspent(payment.id)
    failed = _refund_obj("re_other", payment.provider_reference, 400, "failed", {"ruisseau_reversal": str(reversal.id)})
    assert deliver(client, event("refund.failed", failed, "evt_other")).status_code == 200
    assert Reversal.objects.get(id=reversal.id).status == ReversalStatus.DONE  # its own refund went through
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()
