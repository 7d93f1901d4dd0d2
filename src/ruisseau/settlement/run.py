"""``settle_period``: turn a closed period's flattrs into money movements (DESIGN.md §3.3–3.4).

Guarantees: single-instance (a concurrent run raises SettlementBusy), idempotent (a settled
period is reported, not settled again), resumable (each stage commits with its progress marker;
a crash loses at most the stage in flight, which is redone), and exact (the ledger batch checks
every giver's shares plus fee against their spend and leaves settlement clearing at zero).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
import logging

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone

from ruisseau.db import batch_memory, fetchone
from ruisseau.errors import InvalidInput
from ruisseau.flattrs.models import Flattr
from ruisseau.ledger.accounts import system_account
from ruisseau.ledger.errors import InsufficientFunds
from ruisseau.ledger.models import AccountKind
from ruisseau.periods import Period
from ruisseau.settlement import stages
from ruisseau.settlement.lock import settlement_lock
from ruisseau.settlement.models import RunStatus, SettlementRun
from ruisseau.settlement.report import SettlementReport, build_report

logger = logging.getLogger(__name__)
Stage = tuple[str, Callable[[stages.RunContext], None]]


def _post(ctx: stages.RunContext) -> None:
    fee = system_account(AccountKind.FEE_INCOME)
    clearing = system_account(AccountKind.SETTLEMENT_CLEARING)
    before = stages.clearing_balance(clearing.id)
    stages.post_to_ledger(ctx, fee.id, clearing.id)
    after = stages.clearing_balance(clearing.id)
    if after != before:  # every cent that left a giver must have reached an owner or the fee
        raise InsufficientFunds(f"Settlement of {ctx.period} left {after - before} cents in clearing; rolled back")


STAGES: list[Stage] = [
    ("materialise subscriptions", stages.materialise),
    ("split", stages.split),  # snapshots of givers and eligible owners, statements, pledges
    ("post to ledger", _post),
]


class _DryRun(Exception):
    def __init__(self, report: SettlementReport) -> None:
        self.report = report


def last_closed_period(now: datetime | None = None) -> Period:
    return Period.containing(now or timezone.now()) - 1


def settle_period(period: Period, *, now: datetime | None = None, dry_run: bool = False) -> SettlementReport:
    """Settle ``period``. Raises InvalidInput when the period is still open or an earlier one is
    unsettled, SettlementBusy when another run holds the lock."""
    now = now or timezone.now()
    settle_from = period.end + timedelta(minutes=settings.SETTLE_AFTER_MINUTES)
    if now < settle_from:
        raise InvalidInput(f"{period} is still open: it can be settled from {settle_from:%Y-%m-%d %H:%M} UTC")
    with settlement_lock():
        _require_earlier_settled(period)
        if dry_run:
            try:
                with transaction.atomic():
                    run = _start_or_resume(period, now)
                    if run.status == RunStatus.DONE:
                        return SettlementReport.from_stored(run, already_settled=True)
                    for _name, stage in STAGES[run.stages_done :]:
                        stage(_context(run, now))
                    raise _DryRun(build_report(run, dry_run=True))
            except _DryRun as done:
                return done.report
        run = _start_or_resume(period, now)
        if run.status == RunStatus.DONE:
            return SettlementReport.from_stored(run, already_settled=True)
        _room_for_temporary_tables()
        for index, (name, stage) in enumerate(STAGES):
            if index >= run.stages_done:
                _run_stage(run, index, name, stage, now)
        with transaction.atomic():
            run.refresh_from_db()
            report = build_report(run, dry_run=False)
            run.status, run.finished_at, run.report = RunStatus.DONE, timezone.now(), report.as_dict()
            run.save(update_fields=["status", "finished_at", "report"])
        return report


def _start_or_resume(period: Period, now: datetime) -> SettlementRun:
    run, _created = SettlementRun.objects.get_or_create(
        period=period.first_day,
        defaults={
            "fee_bps": settings.FEE_BPS,
            "receive_requires_giving": settings.RECEIVE_REQUIRES_GIVING,
            "pledge_months": settings.PLEDGE_MONTHS,
            "started_at": now,
        },
    )
    return run


def _context(run: SettlementRun, now: datetime) -> stages.RunContext:
    return stages.RunContext(
        period=Period.from_date(run.period),
        fee_bps=run.fee_bps,
        receive_requires_giving=run.receive_requires_giving,
        pledge_months=run.pledge_months,
        now=now,
    )


# The split reads flattrs, pledges, budgets and funds in several statements: on PostgreSQL they
# share one snapshot, so a pledge taken back mid-stage cannot make them disagree (SQLite's single writer gives this
# already). The ledger stage needs the opposite: READ COMMITTED with row locks, so that it adds
# to the latest balances however many top-ups commit meanwhile.
SNAPSHOT_STAGES = {"split"}
RETRIES = 3


def _run_stage(run: SettlementRun, index: int, name: str, stage, now: datetime) -> None:
    for attempt in range(1, RETRIES + 1):
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic():
                if outermost and name in SNAPSHOT_STAGES and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                batch_memory()
                _no_jit()
                stage(_context(run, now))
                SettlementRun.objects.filter(id=run.id).update(stages_done=index + 1)
            return
        except OperationalError as exc:
            # A concurrent writer won a serialization race; the stage left no trace, so redo it.
            if not outermost or attempt == RETRIES or _sqlstate(exc) not in {"40001", "40P01"}:
                raise
            logger.warning("settlement stage %r of %s retried after %s", name, run.period, exc)


def _no_jit() -> None:
    """PostgreSQL's JIT compiles each large statement for tens of milliseconds and gains nothing
    on scans this short; settlement runs a dozen such statements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _room_for_temporary_tables(megabytes: int = 256) -> None:
    """The split ranks every candidate flattr into a temporary table (tens of MB at 10^6 flattrs);
    PostgreSQL's default 8 MB of temp_buffers would page it through files. The setting can only
    change before the session first uses a temporary table, so an attempt that is refused (a
    long-lived connection that already did) is simply left at the default."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET temp_buffers = '{int(megabytes)}MB'")
    except DatabaseError:
        logger.info("temp_buffers left unchanged: this connection already used temporary tables")


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def _require_earlier_settled(period: Period) -> None:
    flattr = Flattr._meta.db_table
    row = fetchone(
        f"""SELECT MIN(period) FROM {flattr} WHERE period < %s
            AND period NOT IN (SELECT period FROM {SettlementRun._meta.db_table} WHERE status = %s)""",
        [period.first_day, RunStatus.DONE.value],
    )
    if row and row[0]:
        earlier = row[0] if not isinstance(row[0], str) else datetime.fromisoformat(row[0]).date()
        raise InvalidInput(f"Settle {Period.from_date(earlier)} first: periods are settled in order")
