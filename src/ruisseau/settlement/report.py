"""The report a settlement prints and stores: what moved, in numbers an operator can check."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ruisseau.db import fetchone
from ruisseau.flattrs.models import Pledge, PledgeState
from ruisseau.ledger.models import Journal, Transfer
from ruisseau.money import format_cents
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement, SettlementRun, ThingRevenue


@dataclass(frozen=True)
class SettlementReport:
    period: str
    givers: int  # givers with at least one payable flattr
    givers_charged: int
    flattrs_paid: int
    total_spent_cents: int
    fees_cents: int
    paid_to_owners_cents: int
    owners_paid: int
    pledges_new: int
    pledges_paid: int
    pledges_lapsed: int
    pledges_carried: int  # still waiting after this period
    transfers: int
    dry_run: bool = False
    already_settled: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_stored(cls, run: SettlementRun, *, already_settled: bool) -> SettlementReport:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in run.report.items() if k in known}
        return cls(**{**data, "already_settled": already_settled, "dry_run": False})

    def lines(self, currency: str) -> list[str]:
        state = " (dry run: nothing was written)" if self.dry_run else ""
        if self.already_settled:
            state = " (already settled: nothing changed)"
        return [
            f"Settlement of {self.period}{state}",
            f"  givers with payable flattrs  {self.givers} ({self.givers_charged} charged)",
            f"  flattrs paid                 {self.flattrs_paid}",
            f"  total spent                  {format_cents(self.total_spent_cents, currency)}",
            f"  fees                         {format_cents(self.fees_cents, currency)}",
            f"  paid to owners               {format_cents(self.paid_to_owners_cents, currency)}"
            f" ({self.owners_paid} owners)",
            f"  pledges                      {self.pledges_new} new, {self.pledges_paid} paid, "
            f"{self.pledges_lapsed} lapsed, {self.pledges_carried} carried",
            f"  ledger transfers             {self.transfers}",
        ]


def build_report(run: SettlementRun, *, dry_run: bool) -> SettlementReport:
    period = Period.from_date(run.period)
    day = period.first_day
    g, r, pl = GiverStatement._meta.db_table, ThingRevenue._meta.db_table, Pledge._meta.db_table
    givers = fetchone(
        f"""SELECT COUNT(*), COALESCE(SUM(CASE WHEN spend_cents > 0 THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(payable_count), 0), COALESCE(SUM(spend_cents), 0), COALESCE(SUM(fee_cents), 0)
            FROM {g} WHERE period = %s AND payable_count > 0""",
        [day],
    )
    owners = fetchone(
        f"""SELECT COUNT(DISTINCT CASE WHEN revenue_cents > 0 THEN user_id END), COALESCE(SUM(revenue_cents), 0)
            FROM {r} WHERE period = %s""",
        [day],
    )
    pledges = fetchone(
        f"""SELECT COALESCE(SUM(CASE WHEN since_period = %(p)s THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN state = %(paid)s AND resolved_period = %(p)s THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN state = %(lapsed)s AND resolved_period = %(p)s THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN state = %(waiting)s THEN 1 ELSE 0 END), 0)
            FROM {pl} WHERE since_period <= %(p)s""",
        {"p": day, "paid": PledgeState.PAID.value, "lapsed": PledgeState.LAPSED.value,
         "waiting": PledgeState.WAITING.value},
    )
    transfers = fetchone(
        f"""SELECT COUNT(*) FROM {Transfer._meta.db_table} t JOIN {Journal._meta.db_table} j ON j.id = t.journal_id
            WHERE j.idempotency_key = %s""",
        [f"settle:{period}"],
    )[0]
    return SettlementReport(
        period=str(period),
        givers=givers[0],
        givers_charged=int(givers[1]),
        flattrs_paid=int(givers[2]),
        total_spent_cents=int(givers[3]),
        fees_cents=int(givers[4]),
        owners_paid=owners[0],
        paid_to_owners_cents=int(owners[1]),
        pledges_new=int(pledges[0]),
        pledges_paid=int(pledges[1]),
        pledges_lapsed=int(pledges[2]),
        pledges_carried=int(pledges[3]),
        transfers=transfers,
        dry_run=dry_run,
    )
