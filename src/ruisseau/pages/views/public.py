"""Explore and search, and people's public profiles."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ruisseau.accounts.models import User
from ruisseau.pages import explore as explore_query
from ruisseau.pages.forms import ExploreForm
from ruisseau.pages.thing_reads import profile_view
from ruisseau.pages.wording import category_label
from ruisseau.periods import Period

PER_PAGE = 20


def explore(request):
    form = ExploreForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = Period.containing(timezone.now())
    found = explore_query.matching(
        q=filters.get("q", ""), category=filters.get("category", ""), language=filters.get("language", ""))
    if form.errors:
        # A filter left out would list more than was asked for: show nothing and say why, by the field.
        found = found.none()
    things = explore_query.ordered(found, sort=filters.get("sort") or "trending", period=period)
    paginator = explore_query.CountedPaginator(things.prefetch_related("tags"), PER_PAGE, found)
    page = paginator.get_page(request.GET.get("page"))
    counts = explore_query.counts_for([t.id for t in page], period)
    for thing in page:
        thing.period_count, thing.total_count = counts.get(thing.id, (0, 0))
        thing.category_words = category_label(thing.category)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "pages/explore.html",
                  {"form": form, "selects": form.selects(), "page": page, "query": query.urlencode()})


def profile(request, username: str):
    person = get_object_or_404(User, username=username, is_active=True, closed_at__isnull=True)
    return render(request, "pages/profile.html", {"profile": profile_view(person, request.user), "person": person})


def whoami(request):
    """A trivial page that goes through everything a signed-in page goes through — the whole
    middleware, the session, the user — and renders a tiny template: the baseline that
    bench/pages.py compares the thing page and the dashboard with, besides /healthz. It shows
    only the visitor's own username (or a dash), so it tells nobody anything new."""
    return render(request, "pages/whoami.html")
