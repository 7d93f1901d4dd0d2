import pytest
from django.test import override_settings

from ruisseau.accounts.models import User
from ruisseau.accounts.services import create_user, set_budget
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.ledger import accounts
from ruisseau.ledger.errors import IdempotencyConflict, InsufficientFunds
from ruisseau.ledger.models import Journal
from ruisseau.payments.models import Payment, PaymentStatus
from ruisseau.payments.services import PaymentDeclined, add_funds, move_earnings_to_funds
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("budget", [199, 0, -200, 10_001, 2.5, "500", True])
def test_budgets_outside_the_limits_are_refused(budget):
    user = factories.user(budget_cents=500)
    with pytest.raises(InvalidInput):
        set_budget(user.id, budget)
    assert User.objects.get(id=user.id).budget_cents == 500


def test_budget_message_names_the_limits():
    user = factories.user()
    with pytest.raises(InvalidInput, match="between 2.00 € and 100.00 €"):
        set_budget(user.id, 150)
    assert set_budget(user.id, 200).budget_cents == 200
    with pytest.raises(NotFound):
        set_budget(123_456, 300)


@override_settings(MAX_BUDGET_CENTS=2_000)
def test_the_maximum_is_a_setting():
    user = factories.user()
    with pytest.raises(InvalidInput):
        set_budget(user.id, 2_001)


@pytest.mark.parametrize("name", ["", "a", "has space", "x" * 41, "<script>"])
def test_bad_usernames_are_refused(name):
    with pytest.raises(InvalidInput):
        create_user(name)
    assert not User.objects.exists()


def test_usernames_are_unique_ignoring_case():
    create_user("Alice")
    with pytest.raises(InvalidInput, match="taken"):
        create_user("alice")


def test_sandbox_top_up_credits_funds_once_per_key():
    user = factories.user(funds_cents=0)
    first = add_funds(user.id, 1_000, idempotency_key="k1")
    again = add_funds(user.id, 1_000, idempotency_key="k1")
    assert first.id == again.id and first.status == PaymentStatus.SUCCEEDED
    assert accounts.funds_cents(user.id) == 1_000
    with pytest.raises(IdempotencyConflict):
        add_funds(user.id, 2_000, idempotency_key="k1")
    assert accounts.funds_cents(user.id) == 1_000


def test_a_declined_payment_credits_nothing():
    user = factories.user(funds_cents=0)
    journals = Journal.objects.count()
    with pytest.raises(PaymentDeclined, match="declined"):
        add_funds(user.id, 1_002, idempotency_key="d")
    assert Payment.objects.get(idempotency_key=f"topup:{user.id}:d").status == PaymentStatus.FAILED
    assert accounts.funds_cents(user.id) == 0 and Journal.objects.count() == journals
    with pytest.raises(PaymentDeclined):  # the retry answers as the first attempt did
        add_funds(user.id, 1_002, idempotency_key="d")


@pytest.mark.parametrize("amount", [0, 99, 100_001, -100, 10.5])
def test_top_up_amounts_are_bounded(amount):
    user = factories.user(funds_cents=0)
    with pytest.raises(InvalidInput):
        add_funds(user.id, amount, idempotency_key="bad")
    assert not Payment.objects.exists() or not Payment.objects.filter(idempotency_key__endswith=":bad").exists()


def test_top_up_for_an_unknown_user_is_not_found():
    with pytest.raises(NotFound):
        add_funds(999_999, 1_000, idempotency_key="x")


def test_earnings_move_into_funds_without_fee_and_never_below_zero():
    user = factories.user(funds_cents=0)
    from ruisseau.ledger import services as ledger
    from ruisseau.ledger.models import AccountKind, Reason

    ledger.post("seed-earnings", Reason.CORRECTION, [ledger.Leg(
        accounts.system_account(AccountKind.OUTSIDE_WORLD),
        accounts.user_account(user.id, AccountKind.USER_EARNINGS), 500, Reason.CORRECTION)])
    move_earnings_to_funds(user.id, 300, idempotency_key="m1")
    move_earnings_to_funds(user.id, 300, idempotency_key="m1")  # a retry moves nothing more
    assert (accounts.funds_cents(user.id), accounts.earnings_cents(user.id)) == (300, 200)
    with pytest.raises(InsufficientFunds):
        move_earnings_to_funds(user.id, 201, idempotency_key="m2")
    with pytest.raises(InvalidInput):
        move_earnings_to_funds(user.id, 0, idempotency_key="m3")


def test_a_crash_between_charge_and_credit_is_completed_by_the_retry(monkeypatch):
    from ruisseau.ledger import services as ledger

    user = factories.user(funds_cents=0)
    real_post = ledger.post
    charges = []

    class Crash(Exception):
        pass

    def crash(*args, **kwargs):
        raise Crash("process died after the card was charged")

    from ruisseau.payments import providers

    real_charge = providers.SandboxProvider.charge

    def counting_charge(self, **kwargs):
        charges.append(kwargs["idempotency_key"])
        return real_charge(self, **kwargs)

    monkeypatch.setattr(providers.SandboxProvider, "charge", counting_charge)
    monkeypatch.setattr(ledger, "post", crash)
    with pytest.raises(Crash):
        add_funds(user.id, 1_500, idempotency_key="retry-me")
    assert Payment.objects.get(idempotency_key=f"topup:{user.id}:retry-me").status == PaymentStatus.PENDING
    assert accounts.funds_cents(user.id) == 0
    monkeypatch.setattr(ledger, "post", real_post)
    payment = add_funds(user.id, 1_500, idempotency_key="retry-me")
    add_funds(user.id, 1_500, idempotency_key="retry-me")
    assert payment.status == PaymentStatus.SUCCEEDED and accounts.funds_cents(user.id) == 1_500
    assert len(set(charges)) == 1  # every charge attempt used the same provider key
