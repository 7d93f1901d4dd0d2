"""Registering, claiming and verifying things."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from ruisseau.errors import Forbidden, InvalidInput, NotFound
from ruisseau.things.catalogue import CATEGORY_IDS, DEFAULT_CATEGORY, DEFAULT_LANGUAGE, LANGUAGE_IDS
from ruisseau.things.models import FULL_WEIGHT_BPS, Tag, Thing, ThingOwner
from ruisseau.things.site_models import SitePage
from ruisseau.things.targets import own_thing_id
from ruisseau.things.urls import normalise_url

MAX_TAGS = 20


def get_thing(thing_id: int, *, include_disabled: bool = True) -> Thing:
    thing = Thing.objects.filter(id=thing_id).first() if isinstance(thing_id, int) else None
    if thing is None or (thing.disabled and not include_disabled):
        raise NotFound(f"No thing with id {thing_id!r}")
    return thing


def find_by_url(url: str) -> Thing | None:
    """The thing at ``url``: this instance's own thing page names its thing; any other address of
    ours raises InvalidInput (things/targets.py)."""
    canonical = normalise_url(url)
    own = own_thing_id(canonical)
    if own is not None:
        return Thing.objects.filter(id=own).first()
    return Thing.objects.filter(url=canonical).first()


def clean_tags(tags: Iterable[str] | str | None) -> list[str]:
    if tags is None:
        return []
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    cleaned: list[str] = []
    for tag in items:
        tag = str(tag).strip().lower()
        if not tag:
            continue
        if len(tag) > 50:
            raise InvalidInput(f"The tag {tag[:20]!r}… is longer than 50 characters", code="validation")
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"A thing can have at most {MAX_TAGS} tags", code="validation")
    return cleaned


def _validate_fields(title: str, category: str, language: str) -> None:
    if len(title) > 200:
        raise InvalidInput("The title is longer than 200 characters", code="validation")
    if category not in CATEGORY_IDS:
        raise InvalidInput(f"Unknown category {category!r}", code="validation")
    if language not in LANGUAGE_IDS:
        raise InvalidInput(f"Unknown language {language!r}", code="validation")


@transaction.atomic
def register_thing(
    url: str,
    *,
    owner_id: int | None,
    title: str = "",
    description: str = "",
    category: str = DEFAULT_CATEGORY,
    language: str = DEFAULT_LANGUAGE,
    tags: Sequence[str] | str | None = None,
    hidden: bool = False,
    now: datetime | None = None,
) -> Thing:
    """Create a thing. With ``owner_id`` that user is its claimed (unverified) owner; without,
    the thing is unclaimed (auto-submit). Raises InvalidInput (code ``validation``) when the
    URL is invalid or already registered."""
    canonical = normalise_url(url)
    own = own_thing_id(canonical)  # raises for an address of ours that is no thing page
    if own is not None:
        raise InvalidInput(f"{canonical} is the page of thing {own} on Ruisseau, not a page of its own",
                           code="validation")
    title = (title or "").strip() or canonical
    _validate_fields(title, category, language)
    tag_names = clean_tags(tags)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            thing = Thing.objects.create(
                url=canonical,
                title=title,
                description=(description or "").strip(),
                category=category,
                language=language,
                hidden=bool(hidden),
                created_by_id=owner_id,
                created_at=now,
            )
    except IntegrityError:
        raise InvalidInput(gettext_noop("%(url)s is already registered"), code="validation",
                           params={"url": canonical}) from None
    _set_tags(thing, tag_names)
    if owner_id is not None:
        ThingOwner.objects.create(thing=thing, user_id=owner_id, weight_bps=FULL_WEIGHT_BPS, claimed_at=now)
    return thing


def get_or_submit(url: str, *, title: str = "", now: datetime | None = None, **fields) -> tuple[Thing, bool]:
    """The thing for a URL, creating it unclaimed when unknown (auto-submit, DESIGN.md §6.2)."""
    existing = find_by_url(url)
    if existing is not None:
        return existing, False
    own = own_thing_id(normalise_url(url))
    if own is not None:  # our page of a thing that does not exist: nothing to create
        raise NotFound(f"No thing with id {own}")
    try:
        return register_thing(url, owner_id=None, title=title, now=now, **fields), True
    except InvalidInput:
        existing = find_by_url(url)  # created concurrently by another request
        if existing is None:
            raise
        return existing, False


def _set_tags(thing: Thing, names: list[str]) -> None:
    if not names:
        thing.tags.clear()
        return
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    thing.tags.set(Tag.objects.filter(name__in=names))


def claim_thing(thing_id: int, user_id: int, *, now: datetime | None = None) -> ThingOwner:
    """Record a user's claim on a thing that has no verified owner yet. Claims do not pay:
    a verification (operator, page proof, site) does."""
    thing = get_thing(thing_id)
    if thing.owners.filter(verified=True).exists():
        raise InvalidInput("This thing already has a verified owner; open a dispute instead", code="claimed")
    owner, _created = ThingOwner.objects.get_or_create(
        thing=thing, user_id=user_id, defaults={"weight_bps": FULL_WEIGHT_BPS, "claimed_at": now or timezone.now()}
    )
    return owner


@transaction.atomic
def set_owners(thing_id: int, weights: dict[int, int], *, now: datetime | None = None) -> list[ThingOwner]:
    """Replace a thing's owners and weights (basis points summing to 10 000). Owners that stay
    keep their verification; new ones start unverified."""
    thing = get_thing(thing_id)
    if not weights:
        raise InvalidInput("A thing needs at least one owner", code="validation")
    if any(not isinstance(w, int) or isinstance(w, bool) or w <= 0 for w in weights.values()):
        raise InvalidInput("Owner weights are positive whole basis points", code="validation")
    if sum(weights.values()) != FULL_WEIGHT_BPS:
        raise InvalidInput(
            f"Owner weights must add up to {FULL_WEIGHT_BPS} basis points (100 %), got {sum(weights.values())}",
            code="validation",
        )
    now = now or timezone.now()
    thing.owners.exclude(user_id__in=weights).delete()
    owners = []
    for user_id, weight in sorted(weights.items()):
        owner, created = ThingOwner.objects.get_or_create(
            thing=thing, user_id=user_id, defaults={"weight_bps": weight, "claimed_at": now}
        )
        if not created and owner.weight_bps != weight:
            owner.weight_bps = weight
            owner.save(update_fields=["weight_bps"])
        owners.append(owner)
    return owners


def verify_owner(thing_id: int, user_id: int, *, method: str, now: datetime | None = None) -> ThingOwner:
    """Mark a claim as proven. Raises NotFound when the user has no claim on the thing."""
    owner = ThingOwner.objects.filter(thing_id=thing_id, user_id=user_id).first()
    if owner is None:
        raise NotFound(f"User {user_id} has no claim on thing {thing_id}")
    owner.verified, owner.verification, owner.verified_at = True, method, now or timezone.now()
    owner.save(update_fields=["verified", "verification", "verified_at"])
    return owner


def is_owner(thing_id: int, user_id: int) -> bool:
    return ThingOwner.objects.filter(thing_id=thing_id, user_id=user_id).exists()


def controls(thing_id: int, user_id: int) -> bool:
    """Whether the user is the one who changes, deletes and lists the thing as theirs: an owner,
    and on a page attributed through a site its author (the site owner's share pays him, it does
    not make the page his). An attribution whose author no longer owns the page (an operator gave
    it to someone else) no longer counts: its owners control it."""
    if not is_owner(thing_id, user_id):
        return False
    author_id = SitePage.objects.filter(thing_id=thing_id).values_list("author_id", flat=True).first()
    return author_id is None or author_id == user_id or not is_owner(thing_id, author_id)


def controlled_by(user_ids) -> Q:
    """A Thing filter for ``controls`` over users (ids, or a query of ids), without duplicates."""
    owned = ThingOwner.objects.filter(user_id__in=user_ids).values("thing_id")
    author_owns = ThingOwner.objects.filter(thing_id=OuterRef("id"), user_id=OuterRef("site_page__author_id"))
    return Q(id__in=owned) & (Q(site_page__isnull=True) | Q(site_page__author_id__in=user_ids) | ~Exists(author_owns))


UPDATABLE_FIELDS = ("title", "description", "category", "language", "tags", "hidden")


def _owned_thing(thing_id: int, user_id: int, action: str) -> Thing:
    thing = Thing.objects.select_for_update().filter(id=thing_id, disabled=False).first()
    if thing is None:
        raise NotFound(f"No thing with id {thing_id!r}")
    if not controls(thing.id, user_id):
        raise Forbidden(f"Only an owner of this thing can {action} it"
                        + (" (on a site's page, its author)" if SitePage.objects.filter(thing=thing).exists() else ""))
    return thing


@transaction.atomic
def update_thing(thing_id: int, user_id: int, *, now: datetime | None = None, **changes) -> Thing:
    """Change an owned thing's title, description, category, language, tags or hidden flag.
    Raises NotFound, Forbidden (not an owner) or InvalidInput (code ``validation``)."""
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}", code="validation")
    thing = _owned_thing(thing_id, user_id, "change")
    for name in ("title", "description", "category", "language"):
        if name in changes:
            setattr(thing, name, (changes[name] or "").strip())
    thing.title = thing.title or thing.url
    if "hidden" in changes:
        thing.hidden = bool(changes["hidden"])
    _validate_fields(thing.title, thing.category, thing.language)
    thing.updated_at = now or timezone.now()
    thing.save()
    if "tags" in changes:
        _set_tags(thing, clean_tags(changes["tags"]))
    return thing


@transaction.atomic
def delete_thing(thing_id: int, user_id: int, *, now: datetime | None = None) -> bool:
    """Delete an owned thing. A thing with history (flattrs, pledges, subscriptions) is kept for
    the accounts but retired instead: disabled and hidden, so it can no longer be flattred or
    found, and its waiting pledges lapse uncharged. Refused (Forbidden) while it has flattrs of a
    period not settled yet: their givers were told those flattrs count and will be charged, so
    the thing stays until settlement pays them (it can be hidden meanwhile). Returns True when
    the row was removed. Raises NotFound or Forbidden."""
    from ruisseau.flattrs.models import Flattr, Subscription  # flattrs depends on things, not back
    from ruisseau.settlement.models import RunStatus, SettlementRun

    thing = _owned_thing(thing_id, user_id, "delete")
    unsettled = Flattr.objects.filter(thing=thing)  # pledges are flattrs of settled periods
    last = (SettlementRun.objects.filter(status=RunStatus.DONE).order_by("-period")
            .values_list("period", flat=True).first())
    if last is not None:
        unsettled = unsettled.filter(period__gt=last)
    if unsettled.exists():
        raise Forbidden("This thing has flattrs that are not settled yet: it can be deleted once their "
                        "period is settled (hide it meanwhile)")
    if Flattr.objects.filter(thing=thing).exists() or Subscription.objects.filter(thing=thing).exists():
        thing.disabled, thing.hidden, thing.updated_at = True, True, now or timezone.now()
        thing.save(update_fields=["disabled", "hidden", "updated_at"])
        return False
    thing.delete()
    return True
