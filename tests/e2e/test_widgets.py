"""Buttons on someone else's page, in Chromium: the loader, the popup sign-in, a flattr, and a
shared blog whose authors are each paid for their own post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress

from ruisseau.flattrs.models import Flattr
from ruisseau.ledger.check import LEDGER_CHECKS, run_checks
from ruisseau.periods import Period
from ruisseau.settlement.checks import SETTLEMENT_CHECKS
from ruisseau.settlement.models import ThingRevenue
from ruisseau.settlement.run import settle_period
from ruisseau.things import sites
from ruisseau.things.models import Thing
from ruisseau.things.site_models import Site
from tests import factories
from tests.e2e.helpers import FITS_SCREEN, sign_in, watch_csp
from tests.integration.widgets.servers import PageServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def blog():
    server = PageServer()
    yield server
    server.close()


def host_page(live_url: str, body: str, query: str = "mode=auto") -> str:
    return f"""<!doctype html><html><head><title>Host</title>
<script>window.hostCounter = 0; function bump() {{ window.hostCounter += 1;
  document.getElementById('own').textContent = 'clicked ' + window.hostCounter; }}</script>
</head><body>
<button id="own-button" onclick="bump()">mine</button><span id="own"></span>
{body}
<script async src="{live_url}/js/load.js?{query}"></script>
</body></html>"""


ORIGINAL = """
<a class="FlattrButton" style="display:none;" href="/post/1" title="Post one" lang="en_GB"
   rev="flattr;uid:writer;category:text;tags:a,b;sig:0123abcd;">First <b>post</b> description</a>
<a class="FlattrButton" style="display:none;" href="/post/2" title="Post two"
   data-flattr-uid="writer" data-flattr-sig="4567ef" data-flattr-button="compact">Second</a>
"""
OURS = ('<span class="ruisseau-button" data-url="/post/3" data-title="Post three" data-theme="dark" '
        'data-sig="89abcd"></span>')


def reader_with_login():
    reader = factories.user("reader")
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    return reader


def test_loader_renders_original_and_own_markup_without_breaking_the_page(live_server, page, blog, screenshots):
    blog.pages["/"] = ("text/html", host_page(live_server.url, ORIGINAL + OURS))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(blog.url("/"))
    page.wait_for_function("document.querySelectorAll('iframe.FlattrButton').length === 3")
    frames = page.locator("iframe.FlattrButton")
    sizes = [(frames.nth(i).get_attribute("width"), frames.nth(i).get_attribute("height")) for i in range(3)]
    assert sizes == [("55", "62"), ("110", "20"), ("55", "62")]
    first = frames.nth(0).get_attribute("src")
    assert first.startswith(live_server.url + "/button/view/?")
    assert "url=" + "http%3A%2F%2F" + blog.host.replace(":", "%3A") + "%2Fpost%2F1" in first
    assert "uid=writer" in first and "category=text" in first and "description=First%20post%20description" in first
    assert "button=compact" in frames.nth(1).get_attribute("src")
    assert "theme=dark" in frames.nth(2).get_attribute("src")
    # The signature (docs/integrations.md §4) reaches the iframe from each kind of markup.
    assert "sig=0123abcd" in first and "sig=4567ef" in frames.nth(1).get_attribute("src")
    assert "sig=89abcd" in frames.nth(2).get_attribute("src")
    # Each iframe is a working button.
    for i in range(3):
        assert page.frame_locator("iframe.FlattrButton").nth(i).locator("#count").inner_text() == "0"
    page.click("#own-button")
    assert page.inner_text("#own") == "clicked 1"
    assert page.evaluate("typeof window.FlattrLoader.setup") == "function"
    assert errors == []
    page.screenshot(path=str(screenshots / "widgets-host-page.png"))


def test_manual_mode_waits_for_setup(live_server, page, blog):
    blog.pages["/"] = ("text/html", host_page(live_server.url, ORIGINAL, query="mode=manual"))
    page.goto(blog.url("/"))
    page.wait_for_function("window.FlattrLoader !== undefined")
    assert page.locator("iframe.FlattrButton").count() == 0
    page.evaluate("FlattrLoader.setup()")
    page.wait_for_function("document.querySelectorAll('iframe.FlattrButton').length === 2")


def test_reader_signs_in_through_the_popup_and_flattrs(live_server, page, blog, screenshots):
    reader_with_login()
    blog.pages["/"] = ("text/html", host_page(live_server.url, ORIGINAL))
    page.goto(blog.url("/"))
    page.wait_for_function("document.querySelectorAll('iframe.FlattrButton').length === 2")
    button = page.frame_locator("iframe.FlattrButton").nth(0)
    assert button.locator("#count").inner_text() == "0"
    with page.expect_popup() as popup_info:
        button.locator("#go").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert "/accounts/login/" in popup.url
    popup.fill("input[name=login]", "reader@example.test")
    popup.fill("input[name=password]", "pw-for-tests-1")
    popup.locator("form:has(input[name=password]) [type=submit]").click()
    popup.wait_for_url("**/button/flattr/**")
    popup.screenshot(path=str(screenshots / "widgets-popup.png"))
    popup.locator("button[name=flattr]").click()
    popup.wait_for_selector("#done")
    # The iframe learns the result without cookies (it is on another site) and shows it.
    button.locator("#go.done").wait_for()
    assert button.locator("#count").inner_text() == "1"
    thing = Thing.objects.get(url=f"http://{blog.host}/post/1")
    assert thing.title == "Post one" and Flattr.objects.filter(thing=thing).count() == 1
    page.screenshot(path=str(screenshots / "widgets-flattred.png"))


def test_shared_blog_pays_each_author_for_their_own_post(live_server, page, blog, settings):
    settings.SETTLE_AFTER_MINUTES = 0
    owner, ann, ben = factories.user("blogowner"), factories.user("ann"), factories.user("ben")
    site = sites.add_site(owner.id, blog.host)
    Site.objects.filter(id=site.id).update(verified_at=factories.at(), method="well_known", share_bps=1_000)
    for author in (ann, ben):
        sites.accept_invitation(sites.invite_author(site.id, owner.id, author.username).id, author.id)
    reader = reader_with_login()
    posts = """
<article><h2>Ann's post</h2><a class="FlattrButton" href="/ann/1" title="Ann one" rev="flattr;uid:ann;"></a></article>
<article><h2>Ben's post</h2><a class="FlattrButton" href="/ben/1" title="Ben one" rev="flattr;uid:ben;"></a></article>"""
    blog.pages["/"] = ("text/html", host_page(live_server.url, posts))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", reader.email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    page.goto(blog.url("/"))
    page.wait_for_function("document.querySelectorAll('iframe.FlattrButton').length === 2")
    for i in range(2):
        button = page.frame_locator("iframe.FlattrButton").nth(i)
        with page.expect_popup() as popup_info:
            button.locator("#go").click()
        popup = popup_info.value
        popup.locator("button[name=flattr]").click()
        popup.wait_for_selector("#done")
        button.locator("#go.done").wait_for()
        popup.close()
    # Authors must give to receive (DESIGN.md §3.4): each flattrs something this period too.
    other = factories.thing(factories.user(), url="https://elsewhere.example/x")
    for user in (owner, ann, ben):
        Flattr.objects.create(user=user, thing=other, period=Flattr.objects.first().period,
                              created_at=Flattr.objects.first().created_at)
    period = Period.from_date(Flattr.objects.first().period)
    settle_period(period, now=(period + 1).start + timedelta(hours=1))
    paid = {(r.thing.title, r.user.username): r.revenue_cents for r in ThingRevenue.objects.all()}
    assert set(paid) >= {("Ann one", "ann"), ("Ann one", "blogowner"), ("Ben one", "ben"), ("Ben one", "blogowner")}
    assert ("Ann one", "ben") not in paid and ("Ben one", "ann") not in paid
    # The reader's 5.00 € budget less the 5 % fee is 4.75 € over two flattrs: 2.38 € (the earliest
    # gets the leftover cent) and 2.37 €; each author keeps 90 %, the site owner 10 %.
    assert paid[("Ann one", "ann")] + paid[("Ann one", "blogowner")] == 238
    assert paid[("Ben one", "ben")] + paid[("Ben one", "blogowner")] == 237
    assert (paid[("Ann one", "ann")], paid[("Ann one", "blogowner")]) == (214, 24)
    assert (paid[("Ben one", "ben")], paid[("Ben one", "blogowner")]) == (213, 24)
    assert all(result.ok for result in run_checks(LEDGER_CHECKS + SETTLEMENT_CHECKS))


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_snippets_and_verify_pages_fit_the_screen(live_server, browser, screenshots, width, height):
    """The snippets are long lines of markup: they wrap inside their boxes, the page does not widen."""
    owner = factories.user("fitowner")
    thing = factories.thing(owner, url="https://blog.example/" + "a-rather-long-path/" * 6 + "?with=a&query=too")
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
    sign_in(context, live_server, owner)
    page = context.new_page()
    try:
        csp_problems = watch_csp(page)
        for name in ("snippets", "verify"):
            page.goto(f"{live_server.url}/thing/{thing.id}/{name}/")
            page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate(FITS_SCREEN), (name, page.evaluate("document.documentElement.scrollWidth"))
        assert csp_problems == []
    finally:
        context.close()
