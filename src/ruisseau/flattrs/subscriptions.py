"""Subscriptions: a flattr in every period they cover (DESIGN.md §3.2)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ruisseau.db import db_time, execute
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.flattrs.errors import AlreadySubscribed, NotFlattred, ThingOwnerSubscribe
from ruisseau.flattrs.models import Flattr, FlattrSource, Subscription
from ruisseau.periods import Period
from ruisseau.things import services as things
from ruisseau.things.models import Thing, ThingOwner

ALLOWED_MONTHS = (3, 6, 12, None)


def subscribe(user_id: int, thing_id: int, months: int | None, *, now: datetime | None = None) -> Subscription:
    """Subscribe to a thing the user has flattred, for 3, 6 or 12 months or open-ended (None).
    The subscription covers the periods after the current one."""
    if months not in ALLOWED_MONTHS or isinstance(months, bool):
        raise InvalidInput("A subscription lasts 3, 6 or 12 months, or until cancelled", code="invalid_parameters")
    now = now or timezone.now()
    thing = things.get_thing(thing_id)
    if things.is_owner(thing.id, user_id):
        raise ThingOwnerSubscribe("You are not allowed to subscribe to your own thing")
    if not Flattr.objects.filter(user_id=user_id, thing_id=thing.id).exists():
        raise NotFlattred("Flattr this thing first, then subscribe to it")
    current = Period.containing(now)
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                user_id=user_id,
                thing=thing,
                months=months,
                first_period=(current + 1).first_day,
                last_period=(current + months).first_day if months else None,
                created_at=now,
            )
    except IntegrityError:
        raise AlreadySubscribed("User already subscribed to thing") from None


def _own_subscription(user_id: int, subscription_id: int) -> Subscription:
    sub = Subscription.objects.filter(id=subscription_id, user_id=user_id, cancelled_at__isnull=True).first()
    if sub is None:
        raise NotFound(f"You have no active subscription with id {subscription_id}")
    return sub


def toggle_pause(user_id: int, subscription_id: int) -> Subscription:
    """Pause a running subscription or resume a paused one; the end date does not move."""
    sub = _own_subscription(user_id, subscription_id)
    sub.paused = not sub.paused
    sub.save(update_fields=["paused"])
    return sub


def cancel(user_id: int, subscription_id: int, *, now: datetime | None = None) -> None:
    sub = _own_subscription(user_id, subscription_id)
    sub.cancelled_at = now or timezone.now()
    sub.save(update_fields=["cancelled_at"])


def materialise(period: Period) -> int:
    """Create this period's flattr for every running subscription that covers it, once.

    Set-based and idempotent: run at the start of a period (cron) and again by settlement. A
    subscription fires at most once per period (``last_fired_period``), so a flattr the user takes
    back stays taken back. Subscriptions to the subscriber's own or disabled things do not fire (a hidden thing is only
    unlisted: it is flattred like any other).
    """
    sub, flattr = Subscription._meta.db_table, Flattr._meta.db_table
    owner, thing = ThingOwner._meta.db_table, Thing._meta.db_table
    fires = """s.cancelled_at IS NULL AND s.paused = %(false)s
        AND s.first_period <= %(period)s AND (s.last_period IS NULL OR s.last_period >= %(period)s)
        AND (s.last_fired_period IS NULL OR s.last_fired_period < %(period)s)"""
    params = {
        "period": period.first_day,
        "start": db_time(period.start),
        "false": False,
        "source": FlattrSource.SUBSCRIPTION,
    }
    with transaction.atomic():
        created = execute(
            f"""INSERT INTO {flattr} (user_id, thing_id, period, created_at, source)
                SELECT s.user_id, s.thing_id, %(period)s, %(start)s, %(source)s FROM {sub} s
                JOIN {thing} t ON t.id = s.thing_id AND t.disabled = %(false)s
                WHERE {fires}
                  AND NOT EXISTS (SELECT 1 FROM {owner} o WHERE o.thing_id = s.thing_id AND o.user_id = s.user_id)
                  AND NOT EXISTS (SELECT 1 FROM {flattr} f WHERE f.user_id = s.user_id
                                  AND f.thing_id = s.thing_id AND f.period = %(period)s)
                ON CONFLICT DO NOTHING""",
            params,
        )
        execute(f"UPDATE {sub} SET last_fired_period = %(period)s WHERE id IN (SELECT s.id FROM {sub} s WHERE {fires})", params)
    return created
