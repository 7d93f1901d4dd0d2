"""Card top-ups through the Stripe provider against localstripe, and its webhooks."""

import json
import time

import pytest
from django.urls import reverse

from ruisseau.errors import Forbidden
from ruisseau.ledger import accounts
from ruisseau.payments import cards
from ruisseau.payments.models import AccountFlag, Payment, PaymentStatus, WebhookEvent
from ruisseau.payments.services import PaymentDeclined
from tests import factories
from tests.integration.payments.fake_stripe import assert_ledger_clean, signature

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # saved fine, every charge declined
THREE_D_SECURE = "4000002500003155"  # every payment needs the payer to authenticate


def saved_card(server, user, number=VISA) -> str:
    """Save a card as the page does: a SetupIntent from us, confirmed by the browser."""
    return server.confirm_setup(cards.start_card_setup(user.id), number)


def deliver(client, event: dict, *, secret=None, header=True):
    payload = json.dumps(event).encode()
    extra = {"HTTP_STRIPE_SIGNATURE": signature(payload, *( [secret] if secret else []))} if header else {}
    return client.post(reverse("payments:webhook", args=["stripe"]), payload, content_type="application/json", **extra)


def event_for(server, event_type: str, intent_id: str) -> dict:
    return next(e for e in server.events(event_type) if e["data"]["object"]["id"] == intent_id)


def test_a_card_top_up_credits_the_amount_and_charges_the_fee_on_top(stripe_server):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, 1_000, idempotency_key="a1", setup_reference=saved_card(stripe_server, user))
    assert payment.status == PaymentStatus.SUCCEEDED and result.succeeded
    assert payment.fee_cents == 40  # 1.5 % + 0.25 €
    assert accounts.funds_cents(user.id) == 1_000
    intent = cards.card_provider().client.v1.payment_intents.retrieve(payment.provider_reference)
    assert intent.amount == 1_040 and intent.currency == "eur"
    # The same attempt again (a double click, a retry) charges and credits nothing more.
    again, _result = cards.pay(user.id, 1_000, idempotency_key="a1")
    assert again.id == payment.id and accounts.funds_cents(user.id) == 1_000
    assert len(stripe_server.events("payment_intent.succeeded")) == 1
    # A second top-up with the saved card needs no card form.
    cards.pay(user.id, 500, idempotency_key="a2")
    assert accounts.funds_cents(user.id) == 1_500
    assert_ledger_clean()


def test_a_declined_card_credits_nothing_and_says_why_in_plain_words(stripe_server):
    user = factories.user(funds_cents=0)
    setup = saved_card(stripe_server, user, DECLINED)
    with pytest.raises(PaymentDeclined, match="declined the card. Nothing was charged"):
        cards.pay(user.id, 1_000, idempotency_key="d1", setup_reference=setup)
    payment = Payment.objects.get(user=user)
    assert payment.status == PaymentStatus.FAILED and accounts.funds_cents(user.id) == 0
    with pytest.raises(PaymentDeclined):  # the retry answers as the first attempt did
        cards.pay(user.id, 1_000, idempotency_key="d1")
    assert Payment.objects.filter(user=user).count() == 1
    assert_ledger_clean()


def test_authentication_required_then_confirmed_credits_once(stripe_server, client):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, 2_000, idempotency_key="s1",
                                setup_reference=saved_card(stripe_server, user, THREE_D_SECURE))
    assert payment.status == PaymentStatus.PENDING and result.status == "requires_action" and result.client_secret
    assert accounts.funds_cents(user.id) == 0
    stripe_server.authenticate(result.client_secret)
    finished, _result = cards.finish(user.id, idempotency_key="s1")
    assert finished.status == PaymentStatus.SUCCEEDED and accounts.funds_cents(user.id) == 2_000
    # Stripe's webhook for the same payment arrives too: it finds the credit already there.
    response = deliver(client, event_for(stripe_server, "payment_intent.succeeded", payment.provider_reference))
    assert response.status_code == 200
    assert accounts.funds_cents(user.id) == 2_000
    assert_ledger_clean()


def test_authentication_refused_credits_nothing(stripe_server):
    user = factories.user(funds_cents=0)
    _payment, result = cards.pay(user.id, 2_000, idempotency_key="s2",
                                 setup_reference=saved_card(stripe_server, user, THREE_D_SECURE))
    stripe_server.authenticate(result.client_secret, success=False)
    with pytest.raises(PaymentDeclined, match="not confirmed with your bank"):
        cards.finish(user.id, idempotency_key="s2")
    assert accounts.funds_cents(user.id) == 0
    assert Payment.objects.get(user=user).status == PaymentStatus.FAILED
    assert_ledger_clean()


def test_a_webhook_delivered_twice_credits_once(stripe_server, client):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, 1_500, idempotency_key="w1",
                                setup_reference=saved_card(stripe_server, user, THREE_D_SECURE))
    stripe_server.authenticate(result.client_secret)  # the browser finished, but never told us
    event = event_for(stripe_server, "payment_intent.succeeded", payment.provider_reference)
    first, second = deliver(client, event), deliver(client, event)
    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate"
    assert accounts.funds_cents(user.id) == 1_500
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.filter(event_id=event["id"]).count() == 1
    assert_ledger_clean()


def test_webhooks_out_of_order_end_in_the_same_state(stripe_server, client):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, 1_000, idempotency_key="o1",
                                setup_reference=saved_card(stripe_server, user, THREE_D_SECURE))
    stripe_server.authenticate(result.client_secret)
    succeeded = event_for(stripe_server, "payment_intent.succeeded", payment.provider_reference)
    # The payer's bank then refunds 4 € from Stripe's dashboard; that event overtakes the success.
    refund = cards.card_provider().client.v1.refunds.create({"payment_intent": payment.provider_reference, "amount": 400})
    refunded = {"id": "evt_refund_1", "type": "refund.created", "created": int(time.time()),
                "data": {"object": refund.to_dict()}}
    failed_late = {"id": "evt_failed_late", "type": "payment_intent.payment_failed", "created": int(time.time()),
                   "data": {"object": {"id": payment.provider_reference, "last_payment_error": {"code": "card_declined"}}}}
    for event in (refunded, succeeded, failed_late, refunded, succeeded):
        assert deliver(client, event).status_code == 200
    assert accounts.funds_cents(user.id) == 600
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.SUCCEEDED
    assert AccountFlag.objects.filter(user=user, cleared_at__isnull=True).exists()
    assert_ledger_clean()


@pytest.mark.parametrize("how", ["forged", "missing", "stale"])
def test_a_bad_signature_is_refused_and_credits_nothing(stripe_server, client, how):
    user = factories.user(funds_cents=0)
    payment, result = cards.pay(user.id, 1_000, idempotency_key="f1",
                                setup_reference=saved_card(stripe_server, user, THREE_D_SECURE))
    stripe_server.authenticate(result.client_secret)
    event = event_for(stripe_server, "payment_intent.succeeded", payment.provider_reference)
    payload = json.dumps(event).encode()
    headers = {
        "forged": {"HTTP_STRIPE_SIGNATURE": signature(payload, "whsec_not_ours")},
        "missing": {},
        "stale": {"HTTP_STRIPE_SIGNATURE": signature(payload, timestamp=int(time.time()) - 3_600)},
    }[how]
    response = client.post(reverse("payments:webhook", args=["stripe"]), payload, content_type="application/json",
                           **headers)
    assert response.status_code == 400
    assert accounts.funds_cents(user.id) == 0 and not WebhookEvent.objects.exists()
    assert Payment.objects.get(id=payment.id).status == PaymentStatus.PENDING
    assert_ledger_clean()


def test_a_flagged_account_cannot_add_funds_by_card(stripe_server):
    user = factories.user(funds_cents=0)
    AccountFlag.objects.create(user=user, reason="card payment disputed", reference="dispute:x",
                               created_at=factories.at())
    with pytest.raises(Forbidden, match="on hold"):
        cards.start_card_setup(user.id)
    assert_ledger_clean()
