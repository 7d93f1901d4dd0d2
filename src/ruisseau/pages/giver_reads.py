"""Read models for the giver's dashboard and funds page. Each is a fixed number of queries: the
period's flattrs come in one query with their things, however many there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
from ruisseau.ledger.models import Account, AccountKind, Transfer
from ruisseau.pages.value import current_split
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement
from ruisseau.settlement.split import GiverSplit
from ruisseau.things.models import ThingOwner

PAST_PERIODS = 12
RECENT_MOVEMENTS = 30


def balances(user_id: int) -> dict[str, int]:
    """Funds and earnings in one query."""
    rows = Account.objects.filter(user_id=user_id, currency=settings.CURRENCY).values_list("kind", "balance_cents")
    found = dict(rows)
    return {
        "funds": found.get(AccountKind.USER_FUNDS, 0),
        "earnings": found.get(AccountKind.USER_EARNINGS, 0),
    }


def _verified_owner():
    return Exists(ThingOwner.objects.filter(thing_id=OuterRef("thing_id"), verified=True))


class FlattrRow(NamedTuple):
    id: int
    thing_id: int
    title: str
    created_at: datetime
    has_verified_owner: bool


@dataclass
class Dashboard:
    period: Period
    budget_cents: int
    funds_cents: int
    earnings_cents: int
    flattrs: list[FlattrRow]
    split: GiverSplit
    pledges: list[Pledge]
    subscriptions: list[Subscription]
    statements: list[GiverStatement]

    @property
    def funds_cover_budget(self) -> bool:
        return self.funds_cents >= self.budget_cents

    @property
    def fee_percent(self) -> str:
        return f"{settings.FEE_BPS / 100:g}"

    @property
    def pledge_months(self) -> int:
        return settings.PLEDGE_MONTHS


def dashboard(user, period: Period) -> Dashboard:
    money = balances(user.id)
    # Plain tuples, not model instances: a giver may have a thousand flattrs in a period, and the
    # page only needs five values of each.
    flattrs = [
        FlattrRow(*values)
        for values in Flattr.objects.filter(user_id=user.id, period=period.first_day)
        .annotate(has_verified_owner=_verified_owner())
        .order_by("created_at", "id")
        .values_list("id", "thing_id", "thing__title", "created_at", "has_verified_owner")
    ]
    pledges = list(
        Pledge.objects.filter(user_id=user.id, state=PledgeState.WAITING)
        .select_related("thing", "flattr")
        .annotate(has_verified_owner=_verified_owner())
        .order_by("since_period", "flattr_id")
    )
    last = settings.PLEDGE_MONTHS - 1
    for pledge in pledges:
        pledge.lapses_after = Period.from_date(pledge.since_period) + last
    subscriptions = list(
        Subscription.objects.filter(user_id=user.id, cancelled_at__isnull=True)
        .select_related("thing")
        .order_by("created_at", "id")
    )
    statements = list(GiverStatement.objects.filter(user_id=user.id).order_by("-period")[:PAST_PERIODS])
    for statement in statements:
        statement.as_period = Period.from_date(statement.period)
        statement.to_creators_cents = statement.spend_cents - statement.fee_cents
    return Dashboard(
        period=period,
        budget_cents=user.budget_cents,
        funds_cents=money["funds"],
        earnings_cents=money["earnings"],
        flattrs=flattrs,
        split=current_split(user.budget_cents, len(flattrs)),
        pledges=pledges,
        subscriptions=subscriptions,
        statements=statements,
    )


def recent_movements(user_id: int) -> list[dict]:
    """The latest transfers touching the user's own accounts, signed from the user's side."""
    mine = {a.id: a.kind for a in Account.objects.filter(user_id=user_id)}
    transfers = (
        Transfer.objects.filter(Q(debit_account_id__in=mine) | Q(credit_account_id__in=mine))
        .order_by("-created_at", "-id")[:RECENT_MOVEMENTS]
    )
    rows = []
    for t in transfers:
        if t.debit_account_id in mine and t.credit_account_id in mine:
            account, signed = mine[t.credit_account_id], t.amount_cents  # a move between own accounts
        elif t.credit_account_id in mine:
            account, signed = mine[t.credit_account_id], t.amount_cents
        else:
            account, signed = mine[t.debit_account_id], -t.amount_cents
        rows.append({"transfer": t, "account": account, "signed_cents": signed, "reason": t.get_reason_display()})
    return rows
