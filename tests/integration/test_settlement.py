from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from ruisseau.errors import InvalidInput
from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.flattrs.models import Pledge, PledgeState
from ruisseau.ledger import accounts
from ruisseau.ledger.models import Account, AccountKind, Journal, Transfer
from ruisseau.settlement import run as settlement
from ruisseau.settlement.models import GiverStatement, SettlementRun, ThingRevenue
from ruisseau.settlement.statements import giver_period
from ruisseau.things.models import OwnerVerification
from ruisseau.things.services import verify_owner
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db
AFTER = at(PERIOD + 1, day=1, hour=2)


def settle(period=PERIOD, **kwargs):
    return settlement.settle_period(period, now=kwargs.pop("now", at(period + 1, hour=2)), **kwargs)


def worked_example():
    """Budget 5 €, fee 5 %, three flattrs: 159 + 158 + 158 cents, fee 25 cents."""
    giver = factories.user("giver", budget_cents=500, funds_cents=2_000)
    creators = [factories.user(f"creator{i}", budget_cents=200, funds_cents=1_000) for i in range(3)]
    things = [factories.thing(c) for c in creators]
    for minute, thing in enumerate(things):
        flattrs.flattr_thing(giver.id, thing.id, now=at(day=3, minute=minute))
    # Give to receive: each creator flattrs something too, so they are eligible.
    extra = factories.thing(factories.user("outsider", funds_cents=0))
    for creator in creators:
        flattrs.flattr_thing(creator.id, extra.id, now=at(day=4))
    return giver, creators, things


def test_worked_example_to_the_cent():
    giver, creators, things = worked_example()
    report = settle()
    assert accounts.funds_cents(giver.id) == 1_500
    assert [accounts.earnings_cents(c.id) for c in creators] == [159, 158, 158]
    statement = giver_period(giver.id, PERIOD)
    assert [(line.thing_id, line.cents) for line in statement.paid] == [(t.id, c) for t, c in zip(things, [159, 158, 158])]
    assert statement.statement.fee_cents == 25
    # The creators' own flattrs go to an outsider who gives nothing: pledges, not charged.
    assert report.flattrs_paid == 3 and report.pledges_new == 3
    assert report.fees_cents == 25 and report.total_spent_cents == 500
    call_command("ledger", "check", stdout=StringIO())


def test_a_second_run_changes_nothing():
    worked_example()
    settle()
    before = _ledger_state()
    again = settle()
    assert again.already_settled
    assert _ledger_state() == before


def test_dry_run_writes_nothing():
    worked_example()
    counts = (Journal.objects.count(), GiverStatement.objects.count(), SettlementRun.objects.count())
    report = settle(dry_run=True)
    assert report.dry_run and report.total_spent_cents == 500
    assert (Journal.objects.count(), GiverStatement.objects.count(), SettlementRun.objects.count()) == counts
    assert settle().total_spent_cents == report.total_spent_cents


def test_open_periods_and_out_of_order_periods_are_refused():
    worked_example()
    with pytest.raises(InvalidInput, match="still open"):
        settle(now=at(day=28))
    flattrs.flattr_thing(
        factories.user().id, factories.thing(factories.user()).id, now=at(PERIOD + 1, day=2)
    )
    with pytest.raises(InvalidInput, match=f"Settle {PERIOD} first"):
        settle(PERIOD + 1)
    assert not SettlementRun.objects.exists()


def test_give_to_receive_holds_revenue_of_non_givers_as_pledges():
    giver = factories.user(budget_cents=400)
    lazy = factories.user(funds_cents=0)  # owns a thing but gives nothing
    active = factories.user()
    lazy_thing, active_thing = factories.thing(lazy), factories.thing(active)
    flattrs.flattr_thing(giver.id, lazy_thing.id, now=at(day=2))
    flattrs.flattr_thing(giver.id, active_thing.id, now=at(day=3))
    flattrs.flattr_thing(active.id, factories.thing(giver).id, now=at(day=3))
    settle()
    assert accounts.earnings_cents(lazy.id) == 0
    assert accounts.earnings_cents(active.id) == 380  # the whole net budget goes to the one payable flattr
    assert Pledge.objects.get(thing=lazy_thing).state == PledgeState.WAITING


@override_settings(RECEIVE_REQUIRES_GIVING=False)
def test_without_give_to_receive_everyone_verified_is_paid():
    giver = factories.user(budget_cents=400)
    lazy = factories.user(funds_cents=0)
    flattrs.flattr_thing(giver.id, factories.thing(lazy).id, now=at(day=2))
    settle()
    assert accounts.earnings_cents(lazy.id) == 380


@override_settings(RECEIVE_REQUIRES_GIVING=False, PLEDGE_MONTHS=3)
def test_pledges_become_payable_when_an_owner_is_verified_and_lapse_after_their_months():
    giver = factories.user(budget_cents=300, funds_cents=5_000)
    creator = factories.user()
    waiting = factories.thing(creator, verified=False)
    never = factories.thing(factories.user(), verified=False)
    paid_thing = factories.thing(factories.user())
    flattrs.flattr_thing(giver.id, waiting.id, now=at(day=2))
    flattrs.flattr_thing(giver.id, never.id, now=at(day=3))
    flattrs.flattr_thing(giver.id, paid_thing.id, now=at(day=4))
    settle()
    assert giver_period(giver.id, PERIOD).statement.spend_cents == 300  # only the payable flattr is charged
    assert Pledge.objects.filter(state=PledgeState.WAITING).count() == 2

    verify_owner(waiting.id, creator.id, method=OwnerVerification.OPERATOR, now=at(PERIOD + 1))
    settle(PERIOD + 1)  # no new flattr: the pledge alone makes the giver spend this period's budget
    assert accounts.earnings_cents(creator.id) == 285
    assert Pledge.objects.get(thing=waiting).state == PledgeState.PAID
    statement = giver_period(giver.id, PERIOD + 1)
    assert [line.thing_id for line in statement.paid] == [waiting.id]

    settle(PERIOD + 2)
    assert Pledge.objects.get(thing=never).state == PledgeState.LAPSED  # PERIOD … PERIOD + 2: three chances
    assert Pledge.objects.get(thing=never).resolved_period == (PERIOD + 2).first_day
    call_command("ledger", "check", stdout=StringIO())


def test_subscriptions_are_paid_in_the_periods_they_cover():
    giver = factories.user(budget_cents=300, funds_cents=5_000)
    creator = factories.user()
    thing = factories.thing(creator)
    flattrs.flattr_thing(giver.id, thing.id, now=at(PERIOD - 1, day=5))
    subscriptions.subscribe(giver.id, thing.id, 3, now=at(PERIOD - 1, day=5))
    flattrs.flattr_thing(creator.id, factories.thing(giver).id, now=at(day=2))  # creator gives too
    with override_settings(RECEIVE_REQUIRES_GIVING=False):
        settle(PERIOD - 1)
    report = settle()
    assert report.flattrs_paid == 2
    assert accounts.earnings_cents(creator.id) == 285 * 2  # PERIOD - 1 by click, PERIOD by subscription


def test_funds_short_of_the_budget_spend_what_there_is():
    giver = factories.user(budget_cents=500, funds_cents=600)
    creator = factories.user()
    flattrs.flattr_thing(giver.id, factories.thing(creator).id, now=at(day=2))
    flattrs.flattr_thing(creator.id, factories.thing(giver).id, now=at(day=2))
    accounts_before = accounts.funds_cents(giver.id)
    # The giver's funds drop below the budget before the period closes (an operator refund, say).
    from ruisseau.ledger import services as ledger
    from ruisseau.ledger.models import Reason

    ledger.post("refund-test", Reason.REFUND, [ledger.Leg(
        accounts.user_account(giver.id, AccountKind.USER_FUNDS),
        accounts.system_account(AccountKind.OUTSIDE_WORLD), accounts_before - 120, Reason.REFUND)])
    settle()
    statement = giver_period(giver.id, PERIOD).statement
    assert (statement.spend_cents, statement.fee_cents) == (120, 6)
    assert accounts.funds_cents(giver.id) == 0


def test_cli_settle_prints_the_report_and_errors_in_one_line():
    worked_example()
    out = StringIO()
    with override_settings():
        call_command("settle", "--period", str(PERIOD), "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and "flattrs paid                 3" in out.getvalue()
    with pytest.raises(CommandError, match="not a period"):
        call_command("settle", "--period", "2026-3")
    with pytest.raises(CommandError, match="not a valid period"):
        call_command("settle", "--period", "2026-13")


# --- Crash safety -------------------------------------------------------------------------------


class Crash(Exception):
    pass


def _ledger_state():
    """Everything settlement writes, keyed so that ids of new rows do not matter."""
    balances = sorted(Account.objects.values_list("kind", "user_id", "balance_cents"))
    transfers = sorted(
        Transfer.objects.values_list(
            "journal__idempotency_key", "debit_account__kind", "debit_account__user_id",
            "credit_account__kind", "credit_account__user_id", "amount_cents", "reason",
        )
    )
    statements = sorted(GiverStatement.objects.values_list(
        "period", "user_id", "funds_cents", "active_giver", "payable_count", "spend_cents", "fee_cents",
        "share_cents", "extra_count"))
    revenue = sorted(ThingRevenue.objects.values_list("period", "thing_id", "user_id", "flattr_count", "revenue_cents"))
    pledges = sorted(Pledge.objects.values_list("flattr_id", "state", "resolved_period"))
    return balances, transfers, statements, revenue, pledges


def _crashing(stage, when):
    def wrapper(ctx):
        if when == "before":
            raise Crash(f"crash before {stage.__name__}")
        stage(ctx)
        raise Crash(f"crash after {stage.__name__}'s writes, before its commit")

    return wrapper


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("index", range(len(settlement.STAGES)))
def test_a_crash_at_any_stage_then_a_rerun_equals_an_uninterrupted_run(monkeypatch, index, when):
    worked_example()
    with transaction.atomic():
        settle()
        expected = _ledger_state()
        transaction.set_rollback(True)
    name, stage = settlement.STAGES[index]
    crashing = list(settlement.STAGES)
    crashing[index] = (name, _crashing(stage, when))
    monkeypatch.setattr(settlement, "STAGES", crashing)
    with pytest.raises(Crash):
        settle()
    assert SettlementRun.objects.get().stages_done == index  # earlier stages committed, this one not
    monkeypatch.undo()
    report = settle()
    assert not report.already_settled
    assert _ledger_state() == expected
    call_command("ledger", "check", stdout=StringIO())


def test_ledger_check_catches_statements_that_disagree_with_the_ledger():
    giver, creators, things = worked_example()
    settle()
    call_command("ledger", "check", stdout=StringIO())
    # A statement claiming one cent more than the ledger moved (kept internally balanced).
    GiverStatement.objects.filter(user=giver).update(spend_cents=501, extra_count=2)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=out)
    assert f"giver {giver.id} spent 501 by statement but 500 in the ledger" in out.getvalue()
    assert "spent 501 but fees 25 + owners 475 = 500" in out.getvalue()
    assert f"giver {giver.id} statement has spend 501, fee 25, which the rules do not give" in out.getvalue()


def test_ledger_check_catches_a_pledge_row_lost_after_settlement():
    worked_example()
    settle()
    pledge = Pledge.objects.first()
    Pledge.objects.filter(pk=pledge.pk).delete()  # the flattr would now look paid
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=out)
    assert f"giver {pledge.user_id} statement says 0 payable flattrs, the flattrs say 1" in out.getvalue()


def test_ledger_check_catches_a_pledge_whose_flattr_is_gone():
    """The pledge's flattr column has no database constraint (flattrs/0002): the check stands in."""
    from django.db import connection

    worked_example()
    settle()
    pledge = Pledge.objects.first()
    call_command("ledger", "check", stdout=StringIO())
    with connection.cursor() as cursor:  # around Django's PROTECT, as a stray script would
        cursor.execute("DELETE FROM flattrs_flattr WHERE id = %s", [pledge.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=out)
    assert f"pledge {pledge.pk} names a missing flattr" in out.getvalue()


@override_settings(RECEIVE_REQUIRES_GIVING=False)
def test_nobody_is_paid_from_their_own_funds():
    """A giver who becomes a verified owner of a thing after flattring it is never paid for it."""
    alice, bob = factories.user("alice2", budget_cents=1_000, funds_cents=5_000), factories.user("bob2")
    unknown = flattrs.flattr_url(alice.id, "https://alice.example/post", now=at(day=2)).thing
    settle()
    from ruisseau.things.services import set_owners

    set_owners(unknown.id, {alice.id: 5_000, bob.id: 5_000}, now=at(PERIOD + 1))
    verify_owner(unknown.id, alice.id, method=OwnerVerification.OPERATOR, now=at(PERIOD + 1))
    verify_owner(unknown.id, bob.id, method=OwnerVerification.OPERATOR, now=at(PERIOD + 1))
    flattrs.flattr_thing(alice.id, factories.thing(factories.user()).id, now=at(PERIOD + 1, day=3))
    settle(PERIOD + 1)
    assert accounts.earnings_cents(alice.id) == 0 and accounts.earnings_cents(bob.id) == 0
    assert Pledge.objects.get(thing=unknown).state == PledgeState.WAITING
    assert giver_period(alice.id, PERIOD + 1).statement.payable_count == 1
    call_command("ledger", "check", stdout=StringIO())


@override_settings(RECEIVE_REQUIRES_GIVING=False)
@pytest.mark.parametrize("place", [0, 1, 2])
def test_nobody_is_paid_from_their_own_funds_whatever_their_place_among_three_owners(place):
    """The split compares a giver with their thing's lowest and highest eligible owner ids and
    looks up only the owners in between: the giver-owner is caught as the lowest, the middle and
    the highest of three."""
    from ruisseau.things.services import set_owners

    before = [factories.user() for _ in range(place)]
    giver = factories.user(budget_cents=1_000, funds_cents=5_000)
    owners = [*before, giver, *(factories.user() for _ in range(2 - place))]
    assert [u.id for u in owners] == sorted(u.id for u in owners)
    thing = flattrs.flattr_url(giver.id, "https://three.example/post", now=at(day=2)).thing
    settle()
    set_owners(thing.id, {u.id: w for u, w in zip(owners, (3_000, 3_000, 4_000), strict=True)}, now=at(PERIOD + 1))
    for owner in owners:
        verify_owner(thing.id, owner.id, method=OwnerVerification.OPERATOR, now=at(PERIOD + 1))
    flattrs.flattr_thing(giver.id, factories.thing(factories.user()).id, now=at(PERIOD + 1, day=3))
    settle(PERIOD + 1)
    assert [accounts.earnings_cents(u.id) for u in owners] == [0, 0, 0]
    assert Pledge.objects.get(thing=thing).state == PledgeState.WAITING
    assert giver_period(giver.id, PERIOD + 1).statement.payable_count == 1
    call_command("ledger", "check", stdout=StringIO())


def test_settlement_waits_a_grace_period_after_midnight():
    worked_example()
    with pytest.raises(InvalidInput, match="still open"):
        settle(now=(PERIOD + 1).start + timedelta(minutes=5))
    assert settle(now=(PERIOD + 1).start + timedelta(minutes=15)).flattrs_paid == 3


def test_owner_statement_lists_revenue_per_period_and_thing():
    from ruisseau.settlement.statements import owner_revenue

    giver, creators, things = worked_example()
    settle()
    rows = list(owner_revenue(creators[0].id))
    assert [(r.period, r.thing_id, r.flattr_count, r.revenue_cents) for r in rows] == [
        (PERIOD.first_day, things[0].id, 1, 159)
    ]


def test_a_claim_is_not_paid_until_verified():
    from ruisseau.things.services import claim_thing

    giver, claimant = factories.user(budget_cents=400), factories.user()
    unclaimed = flattrs.flattr_url(giver.id, "https://claim.example/post", now=at(day=2)).thing
    claim_thing(unclaimed.id, claimant.id, now=at(day=3))
    assert unclaimed.owners.get().verified is False
    with override_settings(RECEIVE_REQUIRES_GIVING=False):
        settle()
    assert accounts.earnings_cents(claimant.id) == 0  # a claim alone never pays
    verify_owner(unclaimed.id, claimant.id, method=OwnerVerification.OPERATOR, now=at(day=4))
    with pytest.raises(InvalidInput, match="verified owner"):
        claim_thing(unclaimed.id, factories.user().id)


def test_runs_interrupted_under_the_five_stage_numbering_resume_correctly():
    """Migration settlement/0002: a run whose old snapshot stages committed but whose split did
    not is moved back to before the new split (its snapshot rows deleted), and the resumed run
    equals an uninterrupted one."""
    import importlib

    from django.apps import apps

    renumber = importlib.import_module("ruisseau.settlement.migrations.0002_merge_snapshot_stages")
    giver, _creators, _things = worked_example()
    with transaction.atomic():
        settle()
        expected = _ledger_state()
        transaction.set_rollback(True)
    # As the old code left it after "snapshot eligible owners" (old stages_done = 3): statements
    # with only the snapshot columns, and the subscriptions stage done.
    crashing = list(settlement.STAGES)
    crashing[1] = ("split", _crashing(settlement.STAGES[1][1], "before"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settlement, "STAGES", crashing)
        with pytest.raises(Crash):
            settle()
    run = SettlementRun.objects.get()
    GiverStatement.objects.create(period=run.period, user_id=giver.id, budget_cents=500, funds_cents=2_000,
                                  active_giver=True)
    SettlementRun.objects.filter(id=run.id).update(stages_done=3)
    renumber.forwards(apps, None)
    assert SettlementRun.objects.get().stages_done == 1
    assert not GiverStatement.objects.exists()
    settle()
    assert _ledger_state() == expected
    call_command("ledger", "check", stdout=StringIO())
