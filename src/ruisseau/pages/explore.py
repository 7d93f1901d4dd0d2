"""Explore and search: the query behind /explore/.

Filtering uses plain indexed columns (category, language, hidden); the words are matched by
``things.search`` (title, description, tags, owners' names; case and accents ignored) through
EXISTS, so a thing is never listed twice. Sorting by flattr counts groups the
flattrs table once; the counts shown on the page are computed for the page's rows only.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.functional import cached_property

from ruisseau.flattrs.models import Flattr
from ruisseau.periods import Period
from ruisseau.things.models import Thing
from ruisseau.things.search import words_match


def matching(*, q: str = "", category: str = "", language: str = "") -> QuerySet[Thing]:
    """The visible things the filters select, unordered: what the page count counts."""
    things = Thing.objects.filter(hidden=False)
    if category:
        things = things.filter(category=category)
    if language:
        things = things.filter(language=language)
    if q.split():
        things = things.filter(words_match(q.split()[:8]))
    return things


def ordered(things: QuerySet[Thing], *, sort: str = "trending", period: Period) -> QuerySet[Thing]:
    """``things`` by sort. A thing's rank is the number of its flattrs, this period's for
    trending: the join is restricted to the period's flattrs, not every flattr ever made, which
    would cost more with each month the site runs."""
    if sort == "newest":
        return things.order_by("-created_at", "-id")
    if sort == "flattred":
        return things.annotate(rank=Count("flattrs")).order_by("-rank", "-created_at", "-id")
    this_period = FilteredRelation("flattrs", condition=Q(flattrs__period=period.first_day))
    return (things.annotate(period_flattrs=this_period).annotate(rank=Count("period_flattrs"))
            .order_by("-rank", "-created_at", "-id"))


class CountedPaginator(Paginator):
    """Pages of an ordered queryset, counted on the unordered one: Django would count the
    annotated queryset, rank subqueries and all."""

    def __init__(self, object_list, per_page: int, counted: QuerySet):
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted.count()


def counts_for(thing_ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """(this period, all time) for the listed things, in one grouped query."""
    rows = (
        Flattr.objects.filter(thing_id__in=thing_ids)
        .values("thing_id")
        .annotate(total=Count("id"), current=Count("id", filter=Q(period=period.first_day)))
    )
    return {row["thing_id"]: (row["current"], row["total"]) for row in rows}
