"""Account services: creating users with their ledger accounts, budgets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from ruisseau.accounts.models import Avatar, User
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.ledger import accounts as ledger_accounts
from ruisseau.money import format_cents, require_cents
from ruisseau.periods import Period

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,39}$")

# The v2 API reads a format from the end of every path (``/users/alice.json``), so a username
# ending in one of these would name someone else there (``alice.json`` would be ``alice``). The
# API's routes are built from this tuple: the two cannot drift apart.
FORMAT_SUFFIXES = ("json", "as", "atom", "txt", "xml", "yaml")


def username_problem(username: str) -> str | None:
    """Why ``username`` cannot be a username, or None when it can."""
    if not _USERNAME_RE.match(username or ""):
        return f"{username!r} is not a valid username: 2 to 40 letters, digits, '_', '.' or '-'"
    suffix = username.rsplit(".", 1)[-1].lower() if "." in username else ""
    if suffix in FORMAT_SUFFIXES:
        return (f"{username!r} is not a valid username: it may not end in .{suffix} "
                f"(the API reads {', '.join('.' + s for s in FORMAT_SUFFIXES)} as formats)")
    return None


def validate_budget(budget_cents: int) -> int:
    require_cents(budget_cents, "The budget")
    low, high = settings.MIN_BUDGET_CENTS, settings.MAX_BUDGET_CENTS
    if not low <= budget_cents <= high:
        raise InvalidInput(
            f"The monthly budget must be between {format_cents(low, settings.CURRENCY)} "
            f"and {format_cents(high, settings.CURRENCY)}, got {format_cents(budget_cents, settings.CURRENCY)}",
            code="invalid_budget",
        )
    return budget_cents


@transaction.atomic
def create_user(
    username: str,
    *,
    email: str = "",
    password: str | None = None,
    budget_cents: int | None = None,
    display_name: str = "",
    is_staff: bool = False,
    email_verified: bool = False,
) -> User:
    """Create a user and open their funds and earnings accounts in the ledger.

    ``email_verified`` is for addresses an operator vouches for (the operator's own, the demo's):
    sign-in requires a confirmed address, and people signing up confirm theirs by email."""
    problem = username_problem(username)
    if problem:
        raise InvalidInput(problem)
    budget = validate_budget(budget_cents if budget_cents is not None else settings.MIN_BUDGET_CENTS)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"The username {username!r} is taken", code="username_taken")
    if email:
        _check_new_email(email)
    try:
        user = User.objects.create_user(
            username,
            email=email,
            password=password,
            budget_cents=budget,
            display_name=display_name,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
    except IntegrityError:
        raise InvalidInput(f"The username {username!r} is taken", code="username_taken") from None
    ledger_accounts.open_user_accounts(user.id)
    if email and email_verified:
        from allauth.account.models import EmailAddress

        try:
            with transaction.atomic():
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        except IntegrityError:  # registered by someone else meanwhile
            raise InvalidInput(f"The email address {email!r} is already used", code="email_taken") from None
    return user


def _check_new_email(email: str) -> None:
    """One account per address, whatever its case: allauth signs people in by email."""
    from allauth.account.models import EmailAddress

    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not a valid email address", code="invalid_email") from None
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise InvalidInput(f"The email address {email!r} is already used", code="email_taken")


def set_budget(user_id: int, budget_cents: int) -> User:
    """Change the monthly budget; the one in force when the period closes is used."""
    validate_budget(budget_cents)
    updated = User.objects.filter(id=user_id, is_active=True).update(budget_cents=budget_cents)
    if not updated:
        raise NotFound(f"No active user with id {user_id}")
    return User.objects.get(id=user_id)



def username_from_email(email: str) -> str:
    """A free, slug-like username made from the part of ``email`` before the ``@``.

    ``Chloé.Martin+news@example.org`` → ``chloe.martin``; ``chloe.martin-2`` if that is taken;
    ``alice.json@…`` → ``alice-json`` (a name may not end in an API format suffix).
    People see their display name; the username only has to be unique and URL-safe."""
    local = (email or "").split("@", 1)[0].split("+", 1)[0]
    ascii_only = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9_.-]+", "-", ascii_only.lower()).strip("-._")[:30].strip("-._") or "user"
    head, dot, suffix = base.rpartition(".")
    if dot and suffix in FORMAT_SUFFIXES:
        base = f"{head}-{suffix}"
    if len(base) < 2:
        base = f"{base}-user"
    taken = set(
        User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    )
    taken = {name.lower() for name in taken}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# --- Closing an account ------------------------------------------------------------------------
#
# The rule (docs/website.md, "Closing an account"): closing never moves money. Whatever is left in
# the person's funds and earnings stays, to the cent, on their ledger accounts, which are closed
# (frozen: nothing can be posted to them) and kept forever. Ruisseau keeps none of it:
#   * funds were never withdrawable (DESIGN.md §1): the operator may refund them on request;
#   * earnings can be paid out, or moved into funds, before closing; after closing only the
#     operator can release them.
# What is not yet money is withdrawn, so that no later settlement touches the frozen accounts:
# this period's flattrs and every waiting pledge are taken back (never charged), subscriptions are
# cancelled, claims on things are withdrawn (flattrs on those things wait for a new owner).
# Closing is refused while a closed period holding the person's flattrs is not yet settled: its
# settlement will charge them, so they must wait until it has run (normally early on the 1st).
#
# The functions below import flattrs, things and settlement models inside their bodies: those
# packages import accounts.models, and this module is imported early by every one of them.


@dataclass(frozen=True)
class ClosingTerms:
    funds_cents: int
    earnings_cents: int
    open_flattrs: int  # this period's flattrs and waiting pledges that will be taken back
    subscriptions: int
    things_owned: int
    blocked_by_period: str | None  # a closed, unsettled period with their flattrs, if any

    @property
    def can_close(self) -> bool:
        return self.blocked_by_period is None


def closing_terms(user_id: int, *, now: datetime | None = None) -> ClosingTerms:
    """What closing the account would do now, to show before the person confirms."""
    from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
    from ruisseau.things.models import ThingOwner

    now = now or timezone.now()
    current = Period.containing(now)
    waiting = Pledge.objects.filter(user_id=user_id, state=PledgeState.WAITING).count()
    unpledged_now = Flattr.objects.filter(user_id=user_id, period=current.first_day, pledge__isnull=True).count()
    return ClosingTerms(
        funds_cents=ledger_accounts.funds_cents(user_id),
        earnings_cents=ledger_accounts.earnings_cents(user_id),
        open_flattrs=waiting + unpledged_now,
        subscriptions=Subscription.objects.filter(user_id=user_id, cancelled_at__isnull=True).count(),
        things_owned=ThingOwner.objects.filter(user_id=user_id).count(),
        blocked_by_period=_unsettled_period_with_flattrs(user_id, current),
    )


def _unsettled_period_with_flattrs(user_id: int, current: Period) -> str | None:
    """The earliest closed period not yet settled in which this person will pay or be paid: an
    unsettled flattr of theirs, or — once a run has split the period but not yet posted it — a
    statement charging them or revenue owed to them (a pledge of theirs paid, a thing of theirs
    flattred). Closing then would leave that run unable to post to their closed accounts."""
    from ruisseau.flattrs.models import Flattr
    from ruisseau.settlement.models import GiverStatement, RunStatus, SettlementRun, ThingRevenue

    settled = SettlementRun.objects.filter(status=RunStatus.DONE).values("period")
    unposted = SettlementRun.objects.exclude(status=RunStatus.DONE).values("period")
    candidates = [
        Flattr.objects.filter(user_id=user_id, period__lt=current.first_day, pledge__isnull=True)
        .exclude(period__in=settled),
        GiverStatement.objects.filter(user_id=user_id, period__in=unposted, spend_cents__gt=0),
        ThingRevenue.objects.filter(user_id=user_id, period__in=unposted, revenue_cents__gt=0),
    ]
    periods = [p for p in (q.order_by("period").values_list("period", flat=True).first() for q in candidates) if p]
    return str(Period.from_date(min(periods))) if periods else None


class AccountNotClosable(InvalidInput):
    code = "account_not_closable"


@transaction.atomic
def close_account(
    user_id: int, *, expect_funds_cents: int, expect_earnings_cents: int, now: datetime | None = None
) -> ClosingTerms:
    """Close the account by the rule above and return the terms that were applied.

    ``expect_*`` are the balances the person was shown: if either moved since (a settlement, a
    top-up), nothing happens and AccountNotClosable asks them to look again. Raises NotFound for
    an unknown or already closed user."""
    from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
    from ruisseau.ledger.models import Account
    from ruisseau.things.models import ThingOwner

    now = now or timezone.now()
    user = User.objects.select_for_update().filter(id=user_id, closed_at__isnull=True).first()
    if user is None:
        raise NotFound(f"No open account with id {user_id}")
    # Lock the person's ledger accounts (id order, like the ledger) so no posting slips in between.
    accounts = list(Account.objects.select_for_update().filter(user_id=user_id).order_by("id"))
    terms = closing_terms(user_id, now=now)
    if terms.blocked_by_period:
        raise AccountNotClosable(
            f"Your flattrs of {terms.blocked_by_period} are being settled; close your account once "
            "that period is settled",
            code="period_not_settled",
        )
    if (terms.funds_cents, terms.earnings_cents) != (expect_funds_cents, expect_earnings_cents):
        raise AccountNotClosable(
            "Your balances changed since you looked: check them and confirm again", code="balances_changed"
        )
    current = Period.containing(now)
    waiting = Pledge.objects.filter(user_id=user_id, state=PledgeState.WAITING)
    waiting_flattr_ids = list(waiting.values_list("flattr_id", flat=True))
    waiting.delete()
    Flattr.objects.filter(id__in=waiting_flattr_ids).delete()
    Flattr.objects.filter(user_id=user_id, period=current.first_day, pledge__isnull=True).delete()
    Subscription.objects.filter(user_id=user_id, cancelled_at__isnull=True).update(cancelled_at=now)
    ThingOwner.objects.filter(user_id=user_id).delete()
    Account.objects.filter(id__in=[a.id for a in accounts], closed_at__isnull=True).update(closed_at=now)
    _forget_personal_details(user, now)
    return terms


def _forget_personal_details(user: User, now: datetime) -> None:
    """Keep the row (the ledger and statements point at it) but nothing that identifies the person."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user_id=user.id).delete()
    user.closed_at = now
    user.is_active = False
    user.email = ""
    user.display_name = ""
    user.about = ""
    user.website = ""
    user.avatar_updated_at = None
    Avatar.objects.filter(user_id=user.id).delete()
    user.hide_given = True
    user.hide_received = True
    user.set_unusable_password()
    user.save()


# --- Profile, privacy, language ----------------------------------------------------------------


def update_profile(user_id: int, *, display_name: str, about: str, website: str) -> User:
    """Change what others see of a person. Lengths are checked here; URL syntax by the caller's form."""
    display_name, about, website = display_name.strip(), about.strip(), website.strip()
    if len(display_name) > 100:
        raise InvalidInput("The display name is at most 100 characters", code="invalid_display_name")
    if len(about) > 2000:
        raise InvalidInput("The bio is at most 2000 characters", code="invalid_about")
    if website and not website.startswith(("https://", "http://")):
        raise InvalidInput("The website must be an http:// or https:// address", code="invalid_website")
    updated = User.objects.filter(id=user_id, closed_at__isnull=True).update(
        display_name=display_name, about=about, website=website
    )
    if not updated:
        raise NotFound(f"No open account with id {user_id}")
    return User.objects.get(id=user_id)


@transaction.atomic
def set_avatar(user_id: int, png: bytes | None, *, now: datetime | None = None) -> None:
    """Keep an uploaded picture (already checked and re-encoded as PNG), or go back to the
    generated one with ``None``."""
    now = now or timezone.now()
    if png is None:
        Avatar.objects.filter(user_id=user_id).delete()
        User.objects.filter(id=user_id).update(avatar_updated_at=None)
        return
    Avatar.objects.update_or_create(user_id=user_id, defaults={"png": png, "updated_at": now})
    User.objects.filter(id=user_id).update(avatar_updated_at=now)


def set_privacy(user_id: int, *, hide_given: bool, hide_received: bool) -> None:
    User.objects.filter(id=user_id).update(hide_given=hide_given, hide_received=hide_received)


def set_language(user_id: int, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(f"{language!r} is not a language of this site", code="invalid_language")
    User.objects.filter(id=user_id).update(language=language)
