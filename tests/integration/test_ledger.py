import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.errors import AccountClosed, IdempotencyConflict, InsufficientFunds
from ruisseau.ledger.models import Account, AccountKind, Journal, Reason, Transfer
from ruisseau.errors import InvalidInput
from tests import factories

pytestmark = pytest.mark.django_db


def _accounts(user):
    return (
        accounts.user_account(user.id, AccountKind.USER_FUNDS),
        accounts.user_account(user.id, AccountKind.USER_EARNINGS),
    )


def test_user_accounts_are_opened_with_the_user():
    user = factories.user(funds_cents=0)
    kinds = set(Account.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == {AccountKind.USER_FUNDS, AccountKind.USER_EARNINGS}


def test_post_moves_money_and_keeps_the_sum_at_zero():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    ledger.post("t1", Reason.CORRECTION, [ledger.Leg(funds, earnings, 300, Reason.CORRECTION)])
    assert accounts.funds_cents(user.id) == 700
    assert accounts.earnings_cents(user.id) == 300
    assert sum(Account.objects.values_list("balance_cents", flat=True)) == 0


def test_same_key_same_input_returns_the_first_journal():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    legs = [ledger.Leg(funds, earnings, 300, Reason.CORRECTION)]
    first = ledger.post("same", Reason.CORRECTION, legs)
    again = ledger.post("same", Reason.CORRECTION, legs)
    assert again.replayed and again.journal.id == first.journal.id
    assert accounts.funds_cents(user.id) == 700


def test_same_key_other_input_is_a_conflict_and_writes_nothing():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    ledger.post("k", Reason.CORRECTION, [ledger.Leg(funds, earnings, 300, Reason.CORRECTION)])
    count = Transfer.objects.count()
    with pytest.raises(IdempotencyConflict):
        ledger.post("k", Reason.CORRECTION, [ledger.Leg(funds, earnings, 301, Reason.CORRECTION)])
    assert Transfer.objects.count() == count and accounts.funds_cents(user.id) == 700


def test_overdraft_is_refused_and_writes_nothing():
    user = factories.user(funds_cents=100)
    funds, earnings = _accounts(user)
    journals = Journal.objects.count()
    with pytest.raises(InsufficientFunds):
        ledger.post("over", Reason.CORRECTION, [ledger.Leg(funds, earnings, 101, Reason.CORRECTION)])
    assert Journal.objects.count() == journals and accounts.funds_cents(user.id) == 100


def test_the_database_refuses_a_negative_balance_too():
    user = factories.user(funds_cents=100)
    funds, _ = _accounts(user)
    with pytest.raises(DatabaseError), transaction.atomic():
        Account.objects.filter(id=funds.id).update(balance_cents=-1)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "3"])
def test_bad_amounts_are_refused(amount):
    user = factories.user(funds_cents=100)
    funds, earnings = _accounts(user)
    with pytest.raises(InvalidInput):
        ledger.post("bad", Reason.CORRECTION, [ledger.Leg(funds, earnings, amount, Reason.CORRECTION)])
    assert not Journal.objects.filter(idempotency_key="bad").exists()


def test_closed_accounts_take_no_money():
    user = factories.user(funds_cents=100)
    funds, earnings = _accounts(user)
    Account.objects.filter(id=earnings.id).update(closed_at="2026-01-01T00:00:00Z")
    with pytest.raises(AccountClosed):
        ledger.post("closed", Reason.CORRECTION, [ledger.Leg(funds, earnings, 10, Reason.CORRECTION)])


def test_transfers_are_append_only_in_code():
    factories.user(funds_cents=100)
    transfer = Transfer.objects.first()
    with pytest.raises(TypeError):
        transfer.save()
    with pytest.raises(TypeError):
        transfer.delete()
    with pytest.raises(TypeError):
        Transfer.objects.all().update(amount_cents=1)
    with pytest.raises(TypeError):
        Journal.objects.all().delete()


def test_transfers_are_append_only_in_the_database():
    factories.user(funds_cents=100)
    table = Transfer._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET amount_cents = amount_cents + 1")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")


def test_ledger_check_passes_then_finds_a_tampered_balance(capsys):
    user = factories.user(funds_cents=1_000)
    call_command("ledger", "check")
    assert "ledger check passed" in capsys.readouterr().out
    funds, _ = _accounts(user)
    with connection.cursor() as cursor:  # simulate a bug that writes a balance outside the ledger
        cursor.execute(f"UPDATE {Account._meta.db_table} SET balance_cents = 999 WHERE id = %s", [funds.id])
    with pytest.raises(CommandError, match="ledger check failed"):
        call_command("ledger", "check")
    out = capsys.readouterr().out
    assert f"account {funds.id}: cached 999, transfers say 1000" in out
    assert "FAIL all accounts of each currency sum to zero" in out
