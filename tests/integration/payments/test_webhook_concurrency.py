"""The same Stripe events delivered at the same instant by parallel requests, on PostgreSQL."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ruisseau.ledger import accounts
from ruisseau.payments.models import Payment, PaymentStatus, Reversal, WebhookEvent
from tests import factories
from tests.integration.payments.fake_stripe import WEBHOOK_SECRET, assert_ledger_clean, signature
from tests.integration.test_concurrency import run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


@pytest.fixture
def stripe_settings(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def post(event):
    payload = json.dumps(event).encode()
    return Client().post(reverse("payments:webhook", args=["stripe"]), payload, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=signature(payload)).status_code


def test_parallel_deliveries_of_the_same_events_credit_and_reverse_once(stripe_settings):
    user = factories.user(funds_cents=0)
    payment = Payment.objects.create(user=user, provider="stripe", provider_reference="pi_parallel", amount_cents=2_000,
                                     fee_cents=55, currency="EUR", idempotency_key=f"topup:{user.id}:p",
                                     created_at=timezone.now())
    now = int(time.time())
    succeeded = {"id": "evt_ok", "type": "payment_intent.succeeded", "created": now,
                 "data": {"object": {"id": "pi_parallel", "amount": 2_055, "currency": "eur"}}}
    disputed = {"id": "evt_dp", "type": "charge.dispute.created", "created": now,
                "data": {"object": {"id": "dp_parallel", "amount": 500, "payment_intent": "pi_parallel",
                                    "status": "needs_response"}}}
    # Ten deliveries of each, all at once: the success and the dispute race each other too.
    results = run_together(20, lambda i: post(succeeded if i % 2 else disputed))
    assert results == [200] * 20
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.SUCCEEDED
    assert Reversal.objects.get().amount_cents == 500
    assert accounts.funds_cents(user.id) == 1_500
    assert WebhookEvent.objects.count() == 2
    assert_ledger_clean()
