"""The creator dashboard (/creator/): the signed-in person's revenue, never anyone else's."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from ruisseau.settlement.statements import owner_revenue
from ruisseau.web import charts
from ruisseau.web.creator import creator_overview
from ruisseau.money import format_money, plain_amount

# ``revenue`` is for reading and spreadsheets (a point as the decimal mark, whatever the page's
# language: a comma would need quoting and breaks imports); ``revenue_cents`` is the exact figure.
CSV_HEADER = ["period", "thing_id", "url", "title", "flattrs", "revenue", "currency", "revenue_cents"]


@login_required
def dashboard(request):
    overview = creator_overview(request.user.id, timezone.now())
    language = get_language()
    chart = charts.bars([
        (str(line.period), line.revenue_cents, format_money(line.revenue_cents, settings.CURRENCY, language))
        for line in overview.chart
    ])
    return render(request, "web/creator.html", {
        "o": overview, "chart": chart, "chart_width": charts.WIDTH, "chart_height": charts.HEIGHT,
        "receive_requires_giving": settings.RECEIVE_REQUIRES_GIVING,
    })


@login_required
def revenue_csv(request):
    """One row per period and thing: period, thing id, url, title, flattrs, revenue (4.21, and its
    currency), revenue in cents."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ruisseau-revenue.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in owner_revenue(request.user.id):
        writer.writerow([
            f"{row.period:%Y-%m}", row.thing_id, _cell(row.thing.url), _cell(row.thing.title),
            row.flattr_count, plain_amount(row.revenue_cents), settings.CURRENCY,
            row.revenue_cents,
        ])
    return response


def _cell(text: str) -> str:
    """Titles come from other people's pages: keep a spreadsheet from reading one as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
