"""Payments left pending (no webhook came, the payer closed the window) are settled by
`ruisseau manage reconcile_payments` against localstripe: credited once, failed, or left alone."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ruisseau.ledger import accounts
from ruisseau.payments import cards
from ruisseau.payments.models import Payment, PaymentStatus
from ruisseau.payments.reconcile import reconcile_pending
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean
from tests.integration.payments.test_stripe_topups import (
    THREE_D_SECURE, deliver, event_for, saved_card,
)

pytestmark = pytest.mark.django_db

LATER = timedelta(hours=1)


def pending_3ds(server, key: str, amount: int = 2_000):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, amount, idempotency_key=key,
                                setup_reference=saved_card(server, user, THREE_D_SECURE))
    assert payment.status == PaymentStatus.PENDING
    return user, payment, result


def test_a_confirmed_payment_whose_webhook_never_came_is_credited_once(stripe_server, client):
    user, payment, result = pending_3ds(stripe_server, "r1")
    stripe_server.authenticate(result.client_secret)  # the payer confirmed, then closed the tab
    assert accounts.funds_cents(user.id) == 0

    assert reconcile_pending(older_than=timedelta(minutes=30)).credited == 0  # too recent to ask
    done = reconcile_pending(now=timezone.now() + LATER)
    assert (done.credited, done.failed, done.still_pending) == (1, 0, 0)
    assert accounts.funds_cents(user.id) == 2_000
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.SUCCEEDED

    # The late webhook and a second run find the credit already there.
    deliver(client, event_for(stripe_server, "payment_intent.succeeded", payment.provider_reference))
    assert reconcile_pending(now=timezone.now() + LATER).credited == 0
    assert accounts.funds_cents(user.id) == 2_000
    assert_ledger_clean()


def test_an_abandoned_authentication_waits_a_day_then_is_cancelled_at_the_provider(stripe_server):
    user, payment, _result = pending_3ds(stripe_server, "r2")

    done = reconcile_pending(now=timezone.now() + LATER)
    assert (done.credited, done.failed, done.still_pending) == (0, 0, 1)
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.PENDING

    done = reconcile_pending(now=timezone.now() + timedelta(hours=25))
    assert (done.credited, done.failed, done.still_pending) == (0, 1, 0)
    failed = Payment.objects.get(id=payment.id)
    assert failed.status == PaymentStatus.FAILED and "not confirmed with your bank in time" in failed.failure_message
    intent = cards.card_provider().client.v1.payment_intents.retrieve(payment.provider_reference)
    assert intent.status == "canceled"  # the payer can no longer confirm it behind our back
    assert accounts.funds_cents(user.id) == 0
    assert_ledger_clean()


def test_a_payment_confirmed_just_before_the_cancel_is_credited_not_lost(stripe_server):
    user, payment, result = pending_3ds(stripe_server, "r3")
    stripe_server.authenticate(result.client_secret)
    provider = cards.card_provider()
    answer = provider.cancel(payment.provider_reference, "too late")  # a succeeded intent cannot be cancelled
    assert answer.status == "succeeded"
    done = reconcile_pending(now=timezone.now() + timedelta(hours=25))
    assert done.credited == 1 and accounts.funds_cents(user.id) == 2_000
    assert_ledger_clean()


def test_a_charge_that_never_answered_is_reported_not_charged_again(stripe_server):
    user = factories.user(funds_cents=0)
    lost = Payment.objects.create(user=user, provider="stripe", amount_cents=1_000, currency="EUR",
                                  idempotency_key=f"topup:{user.id}:lost", created_at=timezone.now())
    out = StringIO()
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    assert f"never confirmed: 1 (payments {lost.id}: check them in the provider's dashboard)" in out.getvalue()
    assert Payment.objects.get(id=lost.id).status == PaymentStatus.PENDING
    assert cards.card_provider().client.v1.payment_intents.list().data == []  # nothing was charged
    assert accounts.funds_cents(user.id) == 0


def test_the_command_refuses_a_negative_age():
    with pytest.raises(CommandError, match="number of minutes"):
        call_command("reconcile_payments", "--older-than", "-5")
