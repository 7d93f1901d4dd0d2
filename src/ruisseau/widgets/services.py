"""What the button and auto-submit do, composed from the domain services."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ruisseau.flattrs.models import Flattr, FlattrSource
from ruisseau.flattrs.services import flattr_thing
from ruisseau.periods import Period
from ruisseau.things.sites import submit_attributed
from ruisseau.widgets.params import ButtonParams


def flattr_with_button(user_id: int, params: ButtonParams, *, now: datetime | None = None) -> Flattr:
    """Flattr the page a button names. An unknown URL becomes an unclaimed thing first (holding
    the flattr as a pledge), attributed to the author the button names when the page is on a
    verified site they write for (with a valid ``sig`` when the site asks for one). Raises what
    ``flattr_thing`` raises, or InvalidInput."""
    now = now or timezone.now()
    with transaction.atomic():  # a refused flattr leaves no thing and no attribution behind
        thing = submit_attributed(params.url, params.uid, sig=params.sig, signed_url=params.raw_url, now=now,
                                  by=user_id, **params.thing_fields())
        return flattr_thing(user_id, thing.id, now=now, source=FlattrSource.AUTO_SUBMIT)


def flattred_this_period(user_id: int, thing_id: int | None, *, now: datetime | None = None) -> bool:
    if thing_id is None:
        return False
    period = Period.containing(now or timezone.now())
    return Flattr.objects.filter(user_id=user_id, thing_id=thing_id, period=period.first_day).exists()
