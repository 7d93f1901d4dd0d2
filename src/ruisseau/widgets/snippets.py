"""Copy-paste snippets for a thing: buttons, badge, and rel="payment" discovery links."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from ruisseau.things.models import Thing


def payment_link(thing: Thing, username: str = "") -> str:
    query = {"url": thing.url}
    if username:
        query = {"user_id": username, **query}
    return settings.PUBLIC_URL + reverse("widgets:submit_auto") + "?" + urlencode(query)


def for_thing(thing: Thing, username: str = "") -> dict[str, str]:
    base = settings.PUBLIC_URL
    pay = escape(payment_link(thing, username), quote=True)
    url = escape(thing.url, quote=True)
    title = escape(thing.title, quote=True)
    uid = f' data-uid="{escape(username, quote=True)}"' if username else ""
    button_query = escape(urlencode({"url": thing.url, **({"uid": username} if username else {})}), quote=True)
    badge = f"{base}{reverse('widgets:badge', args=[thing.id])}"
    thing_page = f"{base}/thing/{thing.id}/"
    return {
        "loader": (f'<script async src="{base}/js/load.js"></script>\n'
                   f'<span class="ruisseau-button" data-url="{url}"{uid} data-title="{title}"></span>'),
        "iframe": (f'<iframe src="{base}/button/view/?{button_query}" width="55" height="62" '
                   f'style="border:0;overflow:hidden" title="Flattr"></iframe>'),
        "badge": f'<a href="{thing_page}"><img src="{badge}" alt="Flattr this" height="20"></a>',
        "html_head": f'<link rel="payment" href="{pay}" type="text/html" title="Flattr this!">',
        "atom": f'<link rel="payment" href="{pay}" type="text/html" title="Flattr this!"/>',
        "rss": (f'<!-- on <rss>: xmlns:atom="http://www.w3.org/2005/Atom" -->\n'
                f'<atom:link rel="payment" href="{pay}" type="text/html" title="Flattr this!"/>'),
        "podcast": (f'<!-- on <rss>: xmlns:podcast="https://podcastindex.org/namespace/1.0" -->\n'
                    f'<podcast:funding url="{pay}">Flattr this episode</podcast:funding>'),
        "owner_meta": f'<meta name="ruisseau:owner" content="{escape(username or "YOUR-USER-NAME", quote=True)}">',
    }
