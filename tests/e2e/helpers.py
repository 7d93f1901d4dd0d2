"""Steps the browser tests share: signing in, flattring in place, watching the console, reading a
downloaded CSV, checking that a page fits the screen."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.test import Client

# True when nothing sticks out sideways: the page is no wider than the window.
FITS_SCREEN = "document.documentElement.scrollWidth <= window.innerWidth"


def watch_csp(page) -> list[str]:
    """Collect the console's Content-Security-Policy complaints: the site must cause none."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def sign_in(context, live_server, user) -> None:
    """Sign ``user`` in through the session cookie of a ``force_login``-ed test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def flattr_in_place(page, url: str, button: str = "Flattr") -> str:
    """Flattr the thing at ``url`` with JavaScript on; return the value the page then shows."""
    page.goto(url)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector("[data-value-line]:not([hidden])")
    assert page.evaluate("window.stillTheSamePage === true"), "the flattr reloaded the page"
    return page.locator("[data-value]").inner_text()


def download_csv(page, link) -> list[list[str]]:
    """Click ``link`` (a locator), wait for the browser's download and return its CSV rows."""
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), encoding="utf-8") as downloaded:
        return list(csv.reader(io.StringIO(downloaded.read())))


# Boxes (.card) stacked one right under the other with no space between them: they read as one
# box with a line through it. Answers a description of each such pair.
TOUCHING_CARDS = """() => {
  const cards = [...document.querySelectorAll('.card')].filter(e => e.offsetParent);
  const out = [];
  for (const a of cards) for (const b of cards) {
    if (a === b || a.contains(b) || b.contains(a)) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const side = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const gap = rb.top - ra.bottom;
    if (side > 20 && gap > -1 && gap < 4) out.push(`${a.className} | ${b.className}`);
  }
  return out;
}"""
