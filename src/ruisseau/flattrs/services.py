"""The click rules: flattring, taking a flattr back, auto-submit (DESIGN.md §3.2, §6.2).

Checks run in a fixed order, each with its own error: the thing exists and can be flattred
(``not_found``), the user is active (``user_inactive``), the user does not own the thing
(``flattr_owner``), has not flattred it this period (``flattr_once``), and has funds covering the
budget (``no_means``). A unique constraint on (user, thing, period) makes concurrent double clicks
produce exactly one flattr.

Clicking is the hot path (issue 4's benchmark), so a click is first tried as ONE statement that
inserts the flattr only where every rule holds (``INSERT … SELECT … WHERE <rules> ON CONFLICT DO
NOTHING RETURNING``). On PostgreSQL the same statement also answers the thing and its flattr count
(the insert sits in a ``WITH``), so an allowed click is one round trip, prepared once per
connection. Only when it inserts nothing do the rules run one by one, in their order, to say which
one refused — and that slow path inserts itself if, meanwhile, nothing refuses any more (a top-up
landed between the two), so the answer is always the one the rules give at that moment.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from ruisseau.accounts.models import User
from ruisseau.db import prepared_cursor
from ruisseau.errors import NotFound
from ruisseau.flattrs.errors import FlattrClosed, FlattrOnce, FlattrOwner, NoMeans, UserInactive
from ruisseau.flattrs.models import Flattr, FlattrSource, Pledge, PledgeState
from ruisseau.ledger.accounts import funds_cents
from ruisseau.ledger.models import Account, AccountKind
from ruisseau.money import format_cents
from ruisseau.periods import Period
from ruisseau.things import services as things
from ruisseau.things.models import Thing, ThingOwner
from ruisseau.things.sites import submit_attributed


def flattr_thing(user_id: int, thing_id: int, *, now: datetime | None = None, source: str = FlattrSource.CLICK,
                 with_count: bool = False) -> Flattr:
    """Flattr a thing in the current period. Raises NotFound, UserInactive, FlattrOwner,
    FlattrOnce or NoMeans. With ``with_count``, when the one-statement path made the flattr, its
    thing carries ``n_flattrs``: all the flattrs the thing ever received, this one included (a
    count that grows with the thing, so only callers that show it ask for it)."""
    now = now or timezone.now()
    flattr = _insert_if_allowed(user_id, thing_id, now, source, with_count)
    if flattr is not None:
        return flattr
    thing = Thing.objects.filter(id=thing_id, disabled=False).first()
    if thing is None:
        raise NotFound(f"No thing with id {thing_id} can be flattred")
    return _flattr(_active_user(user_id), thing, now, source)  # says which rule refused


def flattr_url(
    user_id: int, url: str, *, now: datetime | None = None, source: str = FlattrSource.AUTO_SUBMIT,
    with_count: bool = False, author: str = "", sig: str = "", **fields
) -> Flattr:
    """Flattr the thing at a URL; an unknown URL becomes an unclaimed thing first, and the
    flattr waits there as a pledge until an owner is verified (DESIGN.md §6.2). ``author`` is the
    username an auto-submit URL names: the thing is theirs when the page is on a verified site
    they write for (as the button does), and ``sig`` (the auto-submit URL's signature of ``url``
    and ``author``) is checked when the site attributes only signed links."""
    now = now or timezone.now()
    _active_user(user_id)  # before anything is created for an account that cannot flattr
    # ``hidden`` (unlisted) is passed on: a hidden thing is left out of listings and search only,
    # it is flattred like any other. Only a disabled thing cannot be.
    with transaction.atomic():  # a refused flattr leaves no thing and no attribution behind
        thing = submit_attributed(url, author, sig=sig, now=now, by=user_id, **fields)  # who named the author is recorded
        if thing.disabled:
            raise NotFound(f"The thing at {thing.url} cannot be flattred")
        return flattr_thing(user_id, thing.id, now=now, source=source, with_count=with_count)  # the click's path


def _active_user(user_id: int) -> User:
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    if not user.is_active or user.closed_at is not None:
        raise UserInactive("This account is not active")
    return user


def _insert_if_allowed(user_id: int, thing_id: int, now: datetime, source: str, with_count: bool) -> Flattr | None:
    """The click in one statement: the flattr row, with its thing, when every rule holds, else None
    (nothing written). Same rules as ``_flattr`` — keep the two in step."""
    period = Period.containing(now).first_day
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    # Closing an account locks the user row, takes back the period's flattrs, then marks it closed.
    # Sharing that lock makes a click wait for a closing in progress and then see it closed, so no
    # flattr can slip in between and later debit a closed account. (SQLite has one writer at a time.)
    lock_user = "FOR SHARE OF u" if postgres else ""
    insert = f"""
        INSERT INTO {Flattr._meta.db_table} (user_id, thing_id, period, created_at, source)
        SELECT u.id, t.id, %s, %s, %s
        FROM {User._meta.db_table} u, {Thing._meta.db_table} t
        WHERE u.id = %s AND u.is_active = %s AND u.closed_at IS NULL
          AND t.id = %s AND t.disabled = %s
          AND NOT EXISTS (SELECT 1 FROM {ThingOwner._meta.db_table} o WHERE o.thing_id = t.id AND o.user_id = u.id)
          AND COALESCE((SELECT a.balance_cents FROM {Account._meta.db_table} a
                        WHERE a.kind = %s AND a.user_id = u.id AND a.currency = %s), 0) >= u.budget_cents
        {lock_user}
        ON CONFLICT (user_id, thing_id, period) DO NOTHING
        RETURNING id"""
    params = [ops.adapt_datefield_value(period), ops.adapt_datetimefield_value(now), source,
              user_id, True, thing_id, False, AccountKind.USER_FUNDS, settings.CURRENCY]
    count = f"(SELECT COUNT(*) FROM {Flattr._meta.db_table} c WHERE c.thing_id = t.id)"
    if postgres:
        # The whole statement reads one snapshot, which does not hold the row its WITH inserts:
        # hence the count + 1. One statement is atomic without BEGIN/COMMIT round trips.
        fields = Thing._meta.concrete_fields
        columns = ", ".join(f"t.{f.column}" for f in fields)
        counted = f"{count} + 1" if with_count else "NULL"
        sql = f"""WITH new AS ({insert})
            SELECT new.id, {counted}, {columns} FROM new, {Thing._meta.db_table} t WHERE t.id = %s"""
        with prepared_cursor() as cursor:
            cursor.execute(sql, [*params, thing_id])
            row = cursor.fetchone()
        if row is None:
            return None
        thing = Thing.from_db(connection.alias, [f.attname for f in fields], row[2:])
        if with_count:
            thing.n_flattrs = row[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
            row = cursor.fetchone()
        if row is None:
            return None
        # Raw (the ORM's aggregate costs more than the query) and converted by Django (SQLite
        # answers dates as text); the extra column lands on the thing as n_flattrs.
        extra = f", {count} AS n_flattrs" if with_count else ""
        thing = next(iter(Thing.objects.raw(f"SELECT t.*{extra} FROM {Thing._meta.db_table} t WHERE t.id = %s",
                                            [thing_id])))
    flattr = Flattr(id=row[0], user_id=user_id, thing=thing, period=period, created_at=now, source=source)
    flattr._state.adding, flattr._state.db = False, connection.alias
    # What Flattr.objects.create() would have announced (the widgets forget the thing's count).
    post_save.send(sender=Flattr, instance=flattr, created=True, update_fields=None, raw=False,
                   using=connection.alias)
    return flattr


def _flattr(user: User, thing: Thing, now: datetime, source: str) -> Flattr:
    period = Period.containing(now)
    if things.is_owner(thing.id, user.id):
        raise FlattrOwner("You are not allowed to flattr your own thing")
    if Flattr.objects.filter(user=user, thing=thing, period=period.first_day).exists():
        raise FlattrOnce("You are not allowed to flattr this thing more than once this period")
    funds = funds_cents(user.id)
    if funds < user.budget_cents:
        raise NoMeans(
            f"You don't have any money to flattr with: your funds ({format_cents(funds)}) must cover "
            f"your monthly budget ({format_cents(user.budget_cents)})"
        )
    try:
        with transaction.atomic():
            # The same guard as the one-statement path: wait for a closing in progress, then obey it.
            if not User.objects.select_for_update().filter(id=user.id, is_active=True, closed_at__isnull=True).exists():
                raise UserInactive("This account is not active")
            return Flattr.objects.create(
                user=user, thing=thing, period=period.first_day, created_at=now, source=source
            )
    except IntegrityError:  # a concurrent click won
        raise FlattrOnce("You are not allowed to flattr this thing more than once this period") from None


@transaction.atomic
def take_back(user_id: int, flattr_id: int, *, now: datetime | None = None) -> None:
    """Withdraw a flattr of the open period, or a pledge still waiting. Other users' flattrs are
    ``not_found``; flattrs of a closed period raise FlattrClosed."""
    now = now or timezone.now()
    flattr = Flattr.objects.select_related("pledge").filter(id=flattr_id, user_id=user_id).first()
    if flattr is None:
        raise NotFound(f"You have no flattr with id {flattr_id}")
    pledge = getattr(flattr, "pledge", None)
    closed = FlattrClosed("This flattr's period has closed; it can no longer be taken back")
    if pledge is not None:
        # Conditional delete: a settlement that paid the pledge meanwhile makes this match nothing.
        deleted, _ = Pledge.objects.filter(pk=flattr.pk, state=PledgeState.WAITING).delete()
        if not deleted:
            raise closed
    elif Period.from_date(flattr.period).is_closed(now):
        raise closed
    flattr.delete()
