"""The click rules: flattring, taking a flattr back, auto-submit (DESIGN.md §3.2, §6.2).

Checks run in a fixed order, each with its own error: the thing exists and can be flattred
(``not_found``), the user is active (``user_inactive``), the user does not own the thing
(``flattr_owner``), has not flattred it this period (``flattr_once``), and has funds covering the
budget (``no_means``). A unique constraint on (user, thing, period) makes concurrent double clicks
produce exactly one flattr.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ruisseau.accounts.models import User
from ruisseau.errors import NotFound
from ruisseau.flattrs.errors import FlattrClosed, FlattrOnce, FlattrOwner, NoMeans, UserInactive
from ruisseau.flattrs.models import Flattr, FlattrSource, Pledge, PledgeState
from ruisseau.ledger.accounts import funds_cents
from ruisseau.money import format_cents
from ruisseau.periods import Period
from ruisseau.things import services as things
from ruisseau.things.models import Thing


def flattr_thing(user_id: int, thing_id: int, *, now: datetime | None = None, source: str = FlattrSource.CLICK) -> Flattr:
    """Flattr a thing in the current period. Raises NotFound, UserInactive, FlattrOwner,
    FlattrOnce or NoMeans."""
    now = now or timezone.now()
    thing = Thing.objects.filter(id=thing_id, hidden=False, disabled=False).first()
    if thing is None:
        raise NotFound(f"No thing with id {thing_id} can be flattred")
    return _flattr(_active_user(user_id), thing, now, source)


def flattr_url(
    user_id: int, url: str, *, now: datetime | None = None, source: str = FlattrSource.AUTO_SUBMIT, **fields
) -> Flattr:
    """Flattr the thing at a URL; an unknown URL becomes an unclaimed thing first, and the
    flattr waits there as a pledge until an owner is verified (DESIGN.md §6.2)."""
    now = now or timezone.now()
    user = _active_user(user_id)
    thing, _created = things.get_or_submit(url, now=now, **fields)
    if thing.hidden or thing.disabled:
        raise NotFound(f"The thing at {thing.url} cannot be flattred")
    return _flattr(user, thing, now, source)


def _active_user(user_id: int) -> User:
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    if not user.is_active or user.closed_at is not None:
        raise UserInactive("This account is not active")
    return user


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
