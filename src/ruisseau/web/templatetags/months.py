"""A month for people, in the active language: "November 2026", "novembre 2026" — never the
"2026-11" that periods are written as in the API, the CLI and the database."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format

from ruisseau.periods import Period

register = template.Library()


@register.filter
def month(value: Period | date | str | None) -> str:
    """A Period, a period's first day or a ``YYYY-MM`` string as its month and year
    (YEAR_MONTH_FORMAT of the language)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = Period.parse(value)
    day = value.first_day if isinstance(value, Period) else value
    return date_format(day, "YEAR_MONTH_FORMAT")
