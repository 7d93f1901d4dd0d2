"""The thing page's cached public part (pages/thing_reads.py): fewer queries on a repeat view, and
every change the page shows — a flattr, a take-back, the thing, its owners, its tags, a giver
hiding what they give — visible on the very next view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruisseau.accounts.services import set_privacy
from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import OwnerVerification
from ruisseau.things.services import set_owners, update_thing, verify_owner
from tests import factories

pytestmark = pytest.mark.django_db


def view(client, thing) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/thing/{thing.id}/")
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def counts(page: str) -> tuple[str, str]:
    period = page.split("data-period-count>", 1)[1].split("<", 1)[0]
    total = page.split("data-total-count>", 1)[1].split("<", 1)[0]
    return period, total


def test_a_repeat_view_reads_only_what_depends_on_the_visitor(signed_in, things):
    _, first = view(signed_in, things[0])
    _, again = view(signed_in, things[0])
    # session, user, and the viewer's flattrs and subscription with the recent flattrers in one statement
    assert (first, again) == (7, 3)


def test_flattrs_and_take_backs_show_at_once(signed_in, things, giver):
    page, _ = view(signed_in, things[0])
    assert counts(page) == ("0", "0")
    signed_in.post(f"/thing/{things[0].id}/flattr/")
    page, _ = view(signed_in, things[0])
    assert counts(page) == ("1", "1") and "giver" in page.split("Recent flattrers", 1)[1]
    flattrs.take_back(giver.id, Flattr.objects.get(user=giver).id)
    assert counts(view(signed_in, things[0])[0]) == ("0", "0")


def test_changes_to_the_thing_its_owners_and_tags_show_at_once(client, things, creator):
    thing = things[0]
    partner = factories.user("partnerperson")  # before the first view: saving a user forgets everything
    view(client, thing)
    update_thing(thing.id, creator.id, title="A new title", tags="rivers, streams")
    page, _ = view(client, thing)
    assert "A new title" in page and "streams" in page
    set_owners(thing.id, {creator.id: 5_000, partner.id: 5_000})
    page, _ = view(client, thing)
    assert "partnerperson" in page and "claimed, not verified" in page
    verify_owner(thing.id, partner.id, method=OwnerVerification.OPERATOR)
    assert "claimed, not verified" not in view(client, thing)[0]


def test_hiding_what_one_gives_shows_at_once(client, things):
    fan = factories.user("fanperson")
    flattrs.flattr_thing(fan.id, things[0].id)
    assert "fanperson" in view(client, things[0])[0]
    set_privacy(fan.id, hide_given=True, hide_received=False)  # a bulk update: no signal
    assert "fanperson" not in view(client, things[0])[0]


def test_the_cached_owners_carry_no_password_hash_or_email(client, things, creator):
    from django.core.cache import cache

    from ruisseau.pages.thing_reads import public_key

    view(client, things[0])
    _stamp, (_thing, owners, *_rest) = cache.get(public_key(things[0].id))
    assert [o.user.username for o in owners] == ["creator"]
    assert {"password", "email"}.isdisjoint(owners[0].user.__dict__)
