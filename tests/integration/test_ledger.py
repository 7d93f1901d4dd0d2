from dataclasses import astuple

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ruisseau.ledger import accounts, bulk, services as ledger
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


# --- Transfers without foreign-key constraints (docs/ledger.md) -----------------------------------


def test_post_refuses_an_account_that_does_not_exist_and_writes_nothing():
    user = factories.user(funds_cents=1_000)
    funds, _ = _accounts(user)
    ghost = Account(id=10_000_000, kind=AccountKind.USER_EARNINGS, currency=funds.currency)
    journals, transfers = Journal.objects.count(), Transfer.objects.count()
    with pytest.raises(InvalidInput, match="Unknown account"):
        ledger.post("ghost", Reason.CORRECTION, [ledger.Leg(funds, ghost, 300, Reason.CORRECTION)])
    assert (Journal.objects.count(), Transfer.objects.count()) == (journals, transfers)
    assert accounts.funds_cents(user.id) == 1_000


def test_post_batch_refuses_an_account_that_does_not_exist():
    user = factories.user(funds_cents=1_000)
    funds, _ = _accounts(user)
    source = """SELECT CAST('batch-ghost' AS TEXT) AS idempotency_key, CAST('x' AS TEXT) AS journal_input,
                       CAST(%(reason)s AS TEXT) AS kind, CAST(%(debit)s AS BIGINT) AS debit_account_id,
                       CAST(%(credit)s AS BIGINT) AS credit_account_id, 300 AS amount_cents,
                       CAST(%(reason)s AS TEXT) AS reason"""
    params = {"reason": Reason.CORRECTION.value, "debit": funds.id, "credit": 10_000_000}
    with pytest.raises(InvalidInput, match="do not exist"), transaction.atomic():
        bulk.post_batch(source, params, now=timezone.now())
    assert not Journal.objects.filter(idempotency_key="batch-ghost").exists()
    assert accounts.funds_cents(user.id) == 1_000


def _batch(key, debit, credit, amount, *, journal_input="x"):
    source = """SELECT CAST(%(key)s AS TEXT) AS idempotency_key, CAST(%(input)s AS TEXT) AS journal_input,
                       CAST(%(reason)s AS TEXT) AS kind, CAST(%(debit)s AS BIGINT) AS debit_account_id,
                       CAST(%(credit)s AS BIGINT) AS credit_account_id, CAST(%(amount)s AS BIGINT) AS amount_cents,
                       CAST(%(reason)s AS TEXT) AS reason"""
    params = {"key": key, "input": journal_input, "reason": Reason.CORRECTION.value, "debit": debit.id,
              "credit": credit.id, "amount": amount}
    with transaction.atomic():
        return bulk.post_batch(source, params, now=timezone.now())


def test_post_batch_posts_then_replays_then_refuses_another_input():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    first = _batch("batch-1", funds, earnings, 300)
    assert (first.journals, first.transfers, first.replayed_transfers, first.amount_cents) == (1, 1, 0, 300)
    again = _batch("batch-1", funds, earnings, 300)
    assert (again.journals, again.transfers, again.replayed_transfers, again.amount_cents) == (0, 0, 1, 0)
    assert all(type(count) is int for count in astuple(again))  # not PostgreSQL's NUMERIC sums
    assert (accounts.funds_cents(user.id), accounts.earnings_cents(user.id)) == (700, 300)
    with pytest.raises(IdempotencyConflict):
        _batch("batch-1", funds, earnings, 300, journal_input="y")
    assert Transfer.objects.filter(journal__idempotency_key="batch-1").count() == 1


def test_post_batch_refuses_to_overdraw_and_writes_nothing():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    with pytest.raises(InsufficientFunds, match=f"account {funds.id} \\(user_funds\\) holds 1000, change -1001"):
        _batch("batch-overdraw", funds, earnings, 1_001)
    assert not Journal.objects.filter(idempotency_key="batch-overdraw").exists()
    assert (accounts.funds_cents(user.id), accounts.earnings_cents(user.id)) == (1_000, 0)


def test_post_batch_refuses_to_move_a_closed_account_and_writes_nothing():
    user = factories.user(funds_cents=1_000)
    funds, earnings = _accounts(user)
    Account.objects.filter(id=earnings.id).update(closed_at=timezone.now())
    with pytest.raises(AccountClosed, match=f"1 closed account\\(s\\): {earnings.id}"):
        _batch("batch-closed", funds, earnings, 100)
    assert not Journal.objects.filter(idempotency_key="batch-closed").exists()
    assert (accounts.funds_cents(user.id), accounts.earnings_cents(user.id)) == (1_000, 0)


def test_ledger_check_finds_a_transfer_to_a_missing_account(capsys):
    user = factories.user(funds_cents=1_000)
    funds, _ = _accounts(user)
    transfer = Transfer.objects.filter(credit_account=funds).get()
    with connection.cursor() as cursor:  # simulate a writer that bypassed post(): a dangling account id
        cursor.execute(
            f"""INSERT INTO {Transfer._meta.db_table}
                    (journal_id, debit_account_id, credit_account_id, amount_cents, currency, reason, created_at)
                SELECT journal_id, credit_account_id, 10000000, 1, currency, reason, created_at
                FROM {Transfer._meta.db_table} WHERE id = %s""",
            [transfer.id],
        )
    with pytest.raises(CommandError, match="ledger check failed"):
        call_command("ledger", "check")
    assert "transfers refer to account 10000000, which does not exist" in capsys.readouterr().out


def test_accounts_are_never_deleted_by_the_database(on_postgres):
    user = factories.user(funds_cents=0)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Account._meta.db_table} WHERE user_id = %s", [user.id])
    assert Account.objects.filter(user=user).count() == 2
