"""Pages render with a fixed, small number of SQL queries, however many flattrs there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ruisseau.flattrs.models import Flattr
from ruisseau.flattrs.subscriptions import subscribe
from ruisseau.periods import Period
from ruisseau.things.models import Thing, ThingOwner
from tests import factories

pytestmark = pytest.mark.django_db


def bulk_things(n: int, prefix: str) -> list[Thing]:
    """``n`` things with one verified owner each, so that their flattrs are paid ones."""
    now = timezone.now()
    Thing.objects.bulk_create(
        Thing(url=f"https://{prefix}.example/{i}", title=f"{prefix} {i}", created_at=now) for i in range(n)
    )
    made = list(Thing.objects.filter(url__startswith=f"https://{prefix}.example/").order_by("id"))
    owner = factories.user(f"{prefix}-owner")
    ThingOwner.objects.bulk_create(
        ThingOwner(thing=t, user=owner, weight_bps=10_000, verified=True, verification="operator",
                   claimed_at=now, verified_at=now)
        for t in made
    )
    return made


def bulk_flattrs(user, things: list[Thing]) -> None:
    now = timezone.now()
    day = Period.containing(now).first_day
    Flattr.objects.bulk_create(Flattr(user=user, thing=t, period=day, created_at=now) for t in things)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_dashboard_with_1000_flattrs_uses_as_many_queries_as_with_10(client):
    few, many = factories.user("few"), factories.user("many")
    bulk_flattrs(few, bulk_things(10, "few"))
    many_things = bulk_things(1_000, "many")
    bulk_flattrs(many, many_things)
    subscribe(many.id, many_things[0].id, 3)
    client.force_login(few)
    with_few = queries(client, "/dashboard/")
    client.force_login(many)
    with_many = queries(client, "/dashboard/")
    page = client.get("/dashboard/").content.decode()
    assert "each of your 1000 paid flattrs would be worth 0.00\u00a0€" in page  # 4.75\u00a0€ over 1 000 rounds down to 0
    assert page.count("data-flattr-value>0.00\u00a0€") == 100 and "flattrs 1 to 100 of 1000" in page
    # the last page costs one query more than the first, and together they list every flattr once
    assert queries(client, "/dashboard/?page=10") == with_many + 1  # past the first: the paid flattrs before it
    listed = []
    for number in range(1, 11):
        page = client.get(f"/dashboard/?page={number}").content.decode()
        listed += [int(cell.split("/", 1)[0]) for cell in page.split('<a href="/thing/')[1:]
                   if cell.split("/", 1)[0].isdigit()]
    assert len(listed) == 1_000 + 10  # each page: its hundred rows and the subscription's link
    assert sorted(set(listed)) == sorted(t.id for t in many_things)
    # session, user, flattrs with their things, and balances, pledges, subscriptions,
    # statements and the flattr count in one statement (pages/giver_reads.py)
    assert with_many == with_few == 4, (with_few, with_many)


def test_thing_page_with_many_flattrers(client):
    owner = factories.user("owner")
    thing = factories.thing(owner)
    viewer = factories.user("viewer")
    client.force_login(viewer)
    before = queries(client, f"/thing/{thing.id}/")
    for n in range(40):
        bulk_flattrs(factories.user(f"fan{n}", funds_cents=0), [thing])
    after = queries(client, f"/thing/{thing.id}/")
    # session, user, thing, owners, tags, counts, and the viewer's flattrs and subscription with
    # the recent flattrers (one statement); a repeat view skips the cached four (test_thing_cache.py)
    assert after == before == 7, (before, after)


def test_explore_page(client):
    fans = [factories.user(f"fan{n}", funds_cents=0) for n in range(5)]
    before = queries(client, "/explore/")
    made = bulk_things(200, "lots")
    for fan in fans:
        bulk_flattrs(fan, made[:50])
    for sort in ("trending", "flattred", "newest"):
        assert queries(client, f"/explore/?sort={sort}&q=lots") <= 4  # anonymous: no session row
    after = queries(client, "/explore/")
    # session, user, count, page, tags, counts of the page's things (none when the page is empty)
    assert before <= 4 and after == 4, (before, after)
