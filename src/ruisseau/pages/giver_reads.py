"""Read models for the giver's dashboard and funds page. Each is a fixed number of queries: the
period's flattrs come in one query with their things, however many there are."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q
from django.utils.dateparse import parse_date

from ruisseau.db import prepared_cursor
from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
from ruisseau.ledger.models import Account, AccountKind, Transfer
from ruisseau.pages.value import estimate
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement
from ruisseau.settlement.split import GiverSplit
from ruisseau.things.models import Thing, ThingOwner

PAST_PERIODS = 12
# The dashboard lists this period's flattrs newest first, this many to a page: a giver with a
# thousand flattrs gets a page that loads and reads well, also on a phone; the value per flattr
# and the count above the table are always for all of them.
FLATTRS_PER_PAGE = 100
RECENT_MOVEMENTS = 30


def balances(user_id: int) -> dict[str, int]:
    """Funds and earnings in one query."""
    with connection.cursor() as cursor:  # plain SQL for the reason given above _statements()
        cursor.execute(_statements()["balances"], [user_id, settings.CURRENCY])
        found = dict(cursor.fetchall())
    return {
        "funds": found.get(AccountKind.USER_FUNDS, 0),
        "earnings": found.get(AccountKind.USER_EARNINGS, 0),
    }


class FlattrRow(NamedTuple):
    id: int
    thing_id: int
    title: str
    created_at: str  # as the database writes it (UTC); pages/rows.py turns it into a local date
    has_verified_owner: bool  # paid at the end of the month; else it waits as a pledge
    extra_cent: bool  # among the earliest paid flattrs that get one leftover cent each


class PledgeRow(NamedTuple):
    flattr_id: int
    thing_id: int
    title: str
    since_period: date
    has_verified_owner: bool

    @property
    def lapses_after(self) -> Period:
        return Period.from_date(self.since_period) + (settings.PLEDGE_MONTHS - 1)


class SubscriptionRow(NamedTuple):
    id: int
    thing_id: int
    title: str
    last_period: date | None
    paused: bool


class StatementRow(NamedTuple):
    period: date
    spend_cents: int
    fee_cents: int
    payable_count: int

    @property
    def as_period(self) -> Period:
        return Period.from_date(self.period)

    @property
    def to_creators_cents(self) -> int:
        return self.spend_cents - self.fee_cents


@dataclass
class Dashboard:
    period: Period
    budget_cents: int
    funds_cents: int
    earnings_cents: int
    flattrs: list[FlattrRow]  # the page shown, newest first
    flattr_page: Page  # of range(flattr_count): numbers and links only
    period_paid: int  # this month's flattrs whose thing has a verified owner (other than the giver)
    carried_paid: int  # pledges of earlier months that would be paid now: they share the budget too, first
    split: GiverSplit  # what would be spent if the month ended now, over paid_count
    pledges: list[PledgeRow]
    subscriptions: list[SubscriptionRow]
    statements: list[StatementRow]

    @property
    def flattr_count(self) -> int:
        return self.flattr_page.paginator.count

    @property
    def funds_cover_budget(self) -> bool:
        return self.funds_cents >= self.budget_cents

    @property
    def waiting_count(self) -> int:
        """This month's flattrs that would wait as pledges if it ended now."""
        return self.flattr_count - self.period_paid

    @property
    def paid_count(self) -> int:
        return self.period_paid + self.carried_paid

    @property
    def spend_cents(self) -> int:
        return self.split.spend_cents

    @property
    def fee_percent(self) -> str:
        return f"{settings.FEE_BPS / 100:g}"

    @property
    def pledge_months(self) -> int:
        return settings.PLEDGE_MONTHS


# The dashboard's balances and lists are read with plain SQL into plain tuples: building these ORM
# querysets cost more than running them (about 4 ms a view, most of the page's own time; issue 3's
# benchmark), and a giver may have a thousand flattrs in a period, which the ORM turned into
# objects one converter at a time. The statements are built once; only the ids change.
#
# "Paid" is the settlement's rule as far as it can be known before the month ends: the thing has
# a verified owner who is not the giver (and, for the rows shown and the carried pledges, is not
# disabled; the month's count leaves that rare case out rather than join every flattr's thing).
# Whether that owner gives this month, with give-to-receive on, is only known when it ends.
_HAS_VERIFIED_OWNER = ("EXISTS (SELECT 1 FROM {owners} o WHERE o.thing_id = {alias}.thing_id AND o.verified"
                       " AND o.user_id <> {alias}.user_id)")


@functools.cache
def _statements() -> dict[str, str]:
    tables = {
        "flattrs": Flattr._meta.db_table, "things": Thing._meta.db_table, "owners": ThingOwner._meta.db_table,
        "pledges": Pledge._meta.db_table, "subscriptions": Subscription._meta.db_table,
        "statements": GiverStatement._meta.db_table, "accounts": Account._meta.db_table,
    }
    return {
        "balances": f"SELECT kind, balance_cents FROM {tables['accounts']} WHERE user_id = %s AND currency = %s",
        # CAST: the same text on both databases (SQLite's raw cursor gives text anyway), which
        # rows.py turns into a local date once per distinct moment.
        # The page is chosen first, so that only its rows are joined to their things and owners
        # (SQLite would otherwise join all of the period's flattrs, then sort them).
        "flattrs": f"""SELECT f.id, f.thing_id, t.title, CAST(f.created_at AS TEXT),
                              ({_HAS_VERIFIED_OWNER.format(alias="f", **tables)} AND NOT t.disabled)
                       FROM (SELECT id, user_id, thing_id, created_at FROM {tables["flattrs"]}
                             WHERE user_id = %s AND period = %s ORDER BY created_at DESC, id DESC
                             LIMIT %s OFFSET %s) f
                       JOIN {tables["things"]} t ON t.id = f.thing_id
                       ORDER BY f.created_at DESC, f.id DESC""",
        # Past the first page: how many of the flattrs newer than the page are paid ones.
        "paid_newer": f"""SELECT COUNT(*) FROM (SELECT user_id, thing_id FROM {tables["flattrs"]}
                                                WHERE user_id = %s AND period = %s
                                                ORDER BY created_at DESC, id DESC LIMIT %s) f
                          WHERE {_HAS_VERIFIED_OWNER.format(alias="f", **tables)}""",
        "rest": _rest_statement(tables),
    }


def _rest_statement(tables: dict[str, str]) -> str:
    """Balances, waiting pledges, running subscriptions, the last statements and the number of
    this period's flattrs in one statement: on PostgreSQL each statement costs a round trip, about
    as much as the whole query here. The five parts share one row shape — (part, id, thing_id,
    title, kind, day, moment, flag, n1, n2, n3) — and are put in order in Python. The NULLs are typed: PostgreSQL gives a column the type of
    its first branch."""

    def null(model, name: str) -> str:
        return f"CAST(NULL AS {model._meta.get_field(name).db_type(connection)})"

    no_thing = f"{null(Flattr, 'id')}, {null(Flattr, 'thing_id')}, {null(Thing, 'title')}"
    return f"""
        SELECT 0, {no_thing}, kind, {null(GiverStatement, 'period')}, {null(Subscription, 'created_at')},
               {null(Subscription, 'paused')}, balance_cents, {null(GiverStatement, 'fee_cents')},
               {null(GiverStatement, 'payable_count')}
        FROM {tables["accounts"]} WHERE user_id = %s AND currency = %s
        UNION ALL
        SELECT 1, p.flattr_id, p.thing_id, t.title, NULL, p.since_period, NULL,
               ({_HAS_VERIFIED_OWNER.format(alias="p", **tables)} AND NOT t.disabled), NULL, NULL, NULL
        FROM {tables["pledges"]} p JOIN {tables["things"]} t ON t.id = p.thing_id
        WHERE p.user_id = %s AND p.state = %s
        UNION ALL
        SELECT 2, s.id, s.thing_id, t.title, NULL, s.last_period, s.created_at, s.paused, NULL, NULL, NULL
        FROM {tables["subscriptions"]} s JOIN {tables["things"]} t ON t.id = s.thing_id
        WHERE s.user_id = %s AND s.cancelled_at IS NULL
        UNION ALL
        SELECT 3, NULL, NULL, NULL, NULL, period, NULL, NULL, spend_cents, fee_cents, payable_count
        FROM (SELECT period, spend_cents, fee_cents, payable_count FROM {tables["statements"]}
              WHERE user_id = %s ORDER BY period DESC LIMIT {PAST_PERIODS}) last_statements
        UNION ALL
        SELECT 4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*),
               COALESCE(SUM(CASE WHEN {_HAS_VERIFIED_OWNER.format(alias="f", **tables)} THEN 1 ELSE 0 END), 0), NULL
        FROM {tables["flattrs"]} f WHERE f.user_id = %s AND f.period = %s"""


def _day(value) -> date | None:
    # SQLite gives the type of neither a typed NULL's column nor a UNION's: its dates come as text.
    return parse_date(value) if isinstance(value, str) else value


def dashboard(user, period: Period, page: str | int | None = 1) -> Dashboard:
    """``page`` of the period's flattrs as the visitor asked for it: anything that is not a page
    number shows the first, a number past the end the last (as Django's Paginator.get_page)."""
    day = connection.ops.adapt_datefield_value(period.first_day)
    with prepared_cursor() as cursor:  # on PostgreSQL both statements are planned once per connection
        cursor.execute(_statements()["rest"], [user.id, settings.CURRENCY, user.id, PledgeState.WAITING.value,
                                               user.id, user.id, user.id, day])
        rest = cursor.fetchall()
        money, pledges, subscriptions, statements, flattr_count, period_paid = {}, [], [], [], 0, 0
        for part, row_id, thing_id, title, kind, when, moment, flag, n1, n2, n3 in rest:
            if part == 0:
                money[kind] = n1
            elif part == 1:
                pledges.append(PledgeRow(row_id, thing_id, title, _day(when), bool(flag)))
            elif part == 2:
                subscriptions.append((moment, row_id, SubscriptionRow(row_id, thing_id, title, _day(when), bool(flag))))
            elif part == 3:
                statements.append(StatementRow(_day(when), n1, n2, n3))
            else:
                flattr_count, period_paid = n1, int(n2)
        funds = money.get(AccountKind.USER_FUNDS, 0)
        carried_paid = sum(1 for p in pledges if p.has_verified_owner)
        split = estimate(user.budget_cents, funds, period_paid + carried_paid)
        flattr_page = Paginator(range(flattr_count), FLATTRS_PER_PAGE).get_page(page)
        flattrs = []
        if flattr_count:
            newer = flattr_page.start_index() - 1
            cursor.execute(_statements()["flattrs"], [user.id, day, FLATTRS_PER_PAGE, newer])
            rows = cursor.fetchall()
            paid_newer = 0
            if newer:
                cursor.execute(_statements()["paid_newer"], [user.id, day, newer])
                paid_newer = cursor.fetchone()[0]
            flattrs = _with_leftover_cents(rows, split, carried_paid + period_paid - paid_newer)
    pledges.sort(key=lambda p: (p.since_period, p.flattr_id))
    subscriptions.sort(key=lambda s: s[:2])  # created_at (datetimes, or SQLite's text, which sorts alike), id
    statements.sort(key=lambda s: s.period, reverse=True)
    return Dashboard(
        period=period,
        budget_cents=user.budget_cents,
        funds_cents=funds,
        earnings_cents=money.get(AccountKind.USER_EARNINGS, 0),
        flattrs=flattrs,
        flattr_page=flattr_page,
        period_paid=period_paid,
        carried_paid=carried_paid,
        split=split,
        pledges=pledges,
        subscriptions=[row for *_, row in subscriptions],
        statements=statements,
    )


def _with_leftover_cents(rows: list, split: GiverSplit, paid_up_to_here: int) -> list[FlattrRow]:
    """The page's rows (newest first) with whether each gets a leftover cent. A paid flattr's
    rank, oldest first as the settlement counts (the carried pledges, older, come first), is the
    number of paid flattrs up to and including it: ``paid_up_to_here`` for the page's newest
    paid row, one less for each paid row after it. The (net mod n) lowest ranks get the cent."""
    flattrs = []
    for row in rows:
        paid = bool(row[4])
        flattrs.append(FlattrRow(*row[:5], paid and paid_up_to_here <= split.extra_count))
        paid_up_to_here -= paid
    return flattrs


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
