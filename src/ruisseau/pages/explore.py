"""Explore and search: the query behind /explore/.

Filtering uses plain indexed columns (category, language, hidden) and ``icontains`` for the text;
tags match through EXISTS so a thing is never listed twice. Sorting by flattr counts groups the
flattrs table once; the counts shown on the page are computed for the page's rows only.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from ruisseau.flattrs.models import Flattr
from ruisseau.periods import Period
from ruisseau.things.models import Tag, Thing


def search(*, q: str = "", category: str = "", language: str = "", sort: str = "trending", period: Period):
    things = Thing.objects.filter(hidden=False)
    if category:
        things = things.filter(category=category)
    if language:
        things = things.filter(language=language)
    for word in q.split()[:8]:
        tagged = Tag.objects.filter(things=OuterRef("pk"), name__iexact=word)
        things = things.filter(Q(title__icontains=word) | Q(description__icontains=word) | Exists(tagged))
    if sort == "newest":
        return things.order_by("-created_at", "-id")
    if sort == "flattred":
        return things.annotate(rank=Count("flattrs")).order_by("-rank", "-created_at", "-id")
    return things.annotate(rank=Count("flattrs", filter=Q(flattrs__period=period.first_day))).order_by(
        "-rank", "-created_at", "-id"
    )


def counts_for(thing_ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """(this period, all time) for the listed things, in one grouped query."""
    rows = (
        Flattr.objects.filter(thing_id__in=thing_ids)
        .values("thing_id")
        .annotate(total=Count("id"), current=Count("id", filter=Q(period=period.first_day)))
    )
    return {row["thing_id"]: (row["current"], row["total"]) for row in rows}
