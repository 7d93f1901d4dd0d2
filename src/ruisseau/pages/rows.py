"""Lists rendered in Python rather than through template tags: the dashboard's table of this
period's flattrs (kept per giver) and the thing page's recent flattrers.

A giver may have a thousand flattrs in a period. Rendered through template tags, each row cost
about 0.15 ms (variable lookups, escaping, localisation): most of the page's time. Here the value
and the words are formatted once per page and each date once per moment, and the only text that
comes from people, the titles, is escaped with ``html.escape``.

Rendering a thousand rows still took a few milliseconds, so the last table shown to each giver is
kept in this process together with everything it was made from: the rows as read from the
database on this very request (ids, titles, times, owners), the value, the language, the time
zone and the address of a thing page. The table is reused only when all of these are equal, so
it can never differ from a fresh rendering — whatever changed it (a flattr, a take-back, a new
budget, an edited title, an owner verified, a settlement, another process) changes the inputs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Up to this many rows are kept per process, over all givers (a row is about 300 bytes with its
# inputs, so a few megabytes); the givers seen least recently are dropped first.
MAX_KEPT_ROWS = 20_000

_kept: OrderedDict[int, tuple[tuple, list, SafeString]] = OrderedDict()
_kept_rows = [0]
_lock = threading.Lock()


def flattr_rows_html(user_id: int, flattrs: list, value_text: str) -> SafeString:
    """The ``<tr>`` rows for ``flattrs`` (tuples of giver_reads.FlattrRow's fields, in display order)."""
    thing_url = reverse("pages:thing", args=[1]).rsplit("1/", 1)[0] + "{}/"
    context = (value_text, get_language(), timezone.get_current_timezone_name(), thing_url)
    with _lock:
        kept = _kept.get(user_id)
        if kept is not None and kept[0] == context and kept[1] == flattrs:
            _kept.move_to_end(user_id)
            return kept[2]
    html = _render(flattrs, value_text, thing_url)
    with _lock:
        _forget(user_id)
        if len(flattrs) <= MAX_KEPT_ROWS:
            _kept[user_id] = (context, flattrs, html)
            _kept_rows[0] += len(flattrs)
            while _kept_rows[0] > MAX_KEPT_ROWS:
                _forget(next(iter(_kept)))
    return html


def _forget(user_id: int) -> None:
    kept = _kept.pop(user_id, None)
    if kept is not None:
        _kept_rows[0] -= len(kept[1])


def _render(flattrs, value_text: str, thing_url: str) -> SafeString:
    value = escape(value_text)
    no_owner = escape(_("no verified owner yet: will wait as a pledge"))
    pledge_badge = f' <span class="badge claimed">{no_owner}</span>'
    button = escape(_("Take back"))
    dates: dict = {}  # by the database's text of the moment
    rows = []
    here = timezone.get_current_timezone()  # once: localtime() looks it up again for every row
    for flattr_id, thing_id, title, created_at, has_verified_owner in flattrs:
        if created_at not in dates:
            moment = parse_datetime(created_at)
            if timezone.is_naive(moment):  # SQLite keeps UTC without saying so
                moment = moment.replace(tzinfo=UTC)
            dates[created_at] = escape(date_format(moment.astimezone(here).date(), "SHORT_DATE_FORMAT"))
        rows.append(
            f'<tr><td><a href="{thing_url.format(thing_id)}">{escape(title)}</a>'
            f'{"" if has_verified_owner else pledge_badge}</td><td>{dates[created_at]}</td>'
            f'<td class="num amount" data-flattr-value>{value}</td>'
            f'<td><button type="submit" name="flattr" value="{flattr_id}" class="button small">{button}</button></td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every piece above is escaped or our own


def recent_flattrers_html(recent: list) -> SafeString:
    """The thing page's ``<li>`` items for thing_reads.RecentFlattr rows. Through the template,
    twelve items (a URL and two localised dates each) cost about 1 ms, as much as the rest of the
    page's own markup."""
    # The profile URL's fixed part once, the username quoted as reverse() quotes it.
    profile_url = reverse("pages:profile", args=["-"]).rsplit("-/", 1)[0] + "{}/"
    here = timezone.get_current_timezone()
    items = []
    for username, name, created_at in recent:
        local = created_at.astimezone(here)
        url = profile_url.format(quote(username, safe=RFC3986_SUBDELIMS + "/~:@"))
        items.append(
            f'<li><a href="{escape(url)}">{escape(name)}</a> <time class="muted" datetime="{local.isoformat()}">'
            f"{escape(date_format(local, 'SHORT_DATE_FORMAT'))}</time></li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every piece above is escaped or our own
