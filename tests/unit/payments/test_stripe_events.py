"""Stripe events translated into the neutral events the ledger acts on, and decline messages."""

import pytest

from ruisseau.payments.providers import EventKind
from ruisseau.payments.providers.stripe import decline_message, translate_event


def event(kind, obj):
    return {"id": "evt_1", "type": kind, "data": {"object": obj}}


def test_payment_succeeded_carries_our_key():
    [parsed] = translate_event(event("payment_intent.succeeded",
                                     {"id": "pi_1", "amount": 1_040, "metadata": {"ruisseau_key": "topup:1:a"}}))
    assert (parsed.kind, parsed.payment_reference, parsed.amount_cents, parsed.payment_key) == (
        EventKind.PAYMENT_SUCCEEDED, "pi_1", 1_040, "topup:1:a")
    assert translate_event(event("payment_intent.succeeded", {"id": "pi_1", "currency": "eur"}))[0].currency == "EUR"


def test_a_charge_with_several_refunds_gives_one_event_each_and_failed_refunds_are_failures():
    charge = {"id": "ch_1", "payment_intent": "pi_1", "refunds": {"data": [
        {"id": "re_1", "amount": 100, "status": "succeeded"},
        {"id": "re_2", "amount": 200, "status": "pending", "metadata": {"ruisseau_reversal": "7"}},
        {"id": "re_3", "amount": 300, "status": "failed"}]}}
    parsed = translate_event(event("charge.refunded", charge))
    assert [(p.kind, p.reference, p.amount_cents, p.own_reference) for p in parsed] == [
        (EventKind.REFUNDED, "re_1", 100, ""), (EventKind.REFUNDED, "re_2", 200, "7"), (EventKind.REFUND_FAILED, "re_3", 300, "")]
    assert all(p.payment_reference in ("pi_1", "") for p in parsed)
    assert [p.kind for p in translate_event(event("charge.refunded", {"id": "ch_2"}))] == [EventKind.IGNORED]


@pytest.mark.parametrize(("kind", "status", "expected"), [
    ("charge.dispute.created", "needs_response", EventKind.DISPUTE_OPENED),
    ("charge.dispute.funds_withdrawn", "needs_response", EventKind.DISPUTE_OPENED),
    ("charge.dispute.created", "warning_needs_response", EventKind.IGNORED),
    ("charge.dispute.closed", "won", EventKind.DISPUTE_WON),
    ("charge.dispute.funds_reinstated", "won", EventKind.DISPUTE_WON),
    ("charge.dispute.closed", "lost", EventKind.DISPUTE_LOST),
    ("charge.dispute.closed", "warning_closed", EventKind.IGNORED),
    ("charge.dispute.updated", "under_review", EventKind.IGNORED),
])
def test_disputes(kind, status, expected):
    [parsed] = translate_event(event(kind, {"id": "dp_1", "amount": 500, "payment_intent": {"id": "pi_9"}, "status": status}))
    assert parsed.kind == expected and parsed.payment_reference == "pi_9"


def test_other_events_are_ignored():
    assert translate_event(event("customer.created", {"id": "cus_1"}))[0].kind == EventKind.IGNORED


def test_declines_are_explained_in_plain_words():
    assert "not enough money" in decline_message("card_declined", "insufficient_funds")
    assert "expired" in decline_message("expired_card")
    assert "3-D Secure" in decline_message("payment_intent_authentication_failure")
    assert "Nothing was charged" in decline_message(None)
