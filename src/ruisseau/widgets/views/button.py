"""The iframe button (/button/view/) and its sign-in popup (/button/flattr/).

In the iframe: the count, and for a signed-in reader whether they flattred the page this period;
a click flattrs at once (a POST with a CSRF token). A reader who is not signed in — or whose
browser does not send our cookies inside third-party frames — gets a link that opens
/button/flattr/ in a popup: a first-party window where Lax cookies work, sign-in happens, the
reader confirms, and the popup tells the iframe the new count with postMessage.

For a reader without a session cookie the button touches neither the session nor the CSRF
machinery, so it sets no cookie and is cacheable like the badge.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ruisseau.errors import InvalidInput, RuisseauError
from ruisseau.widgets import counts, links, params as button_params
from ruisseau.widgets.fastpath import TAG_HEADER, tag_value
from ruisseau.widgets.services import flattr_with_button, flattred_this_period


_NONCE = re.compile(r"^[0-9a-f]{32}$")
_NONCE_SECONDS = 600


def _tell_the_button(nonce: str, message: dict) -> None:
    """Leave the result where the iframe that opened the popup polls for it (/button/state/).

    postMessage to ``window.opener`` is tried too, but a popup that went through the sign-in
    page has usually lost its opener (Cross-Origin-Opener-Policy), and a third-party iframe may
    not get our cookies at all; a random nonce the iframe chose needs neither."""
    if _NONCE.match(nonce):
        cache.set(f"widgets:nonce:{nonce}", message, _NONCE_SECONDS)


@require_GET
def state(request):
    """What the popup left for the button that opened it: {"done": false} until then."""
    nonce = request.GET.get("nonce", "")
    if not _NONCE.match(nonce):
        response = JsonResponse({"error": "invalid_parameters", "message": "nonce must be 32 hex digits"},
                                status=400)
    else:
        message = cache.get(f"widgets:nonce:{nonce}")
        response = JsonResponse({"done": True, **message} if message else {"done": False})
    response["Cache-Control"] = "no-store"
    return response


def _frameable(response):
    """Embeddable by any site (or the configured ones) — these views only."""
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; "
        f"form-action 'self'; frame-ancestors {settings.WIDGETS_FRAME_ANCESTORS}"
    )
    return response


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _context(request, params, *, error: str = "", done: bool = False) -> dict:
    key, thing_id, cached = counts.url_lookup(params.url)
    count = counts.flattr_count(thing_id) if thing_id else 0
    tags = {key: cached, **({counts.count_key(thing_id): count} if thing_id else {})}
    signed_in = _has_session(request) and request.user.is_authenticated
    return {
        "tags": tags,
        "p": params,
        "count": count,
        "thing_link": links.thing_page(thing_id) if thing_id else links.auto_submit(params.query()),
        "signed_in": signed_in,
        "flattred": signed_in and flattred_this_period(request.user.id, thing_id),
        "popup_url": reverse("widgets:button_flattr") + "?" + urlencode(params.query()),
        "state_url_js": json.dumps(reverse("widgets:button_state")),
        "self_url": request.get_full_path(),
        "error": error,
        "done": done,
    }


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def view(request):
    try:
        params = button_params.from_request(request)
    except InvalidInput as exc:
        return _frameable(render(request, "widgets/button_error.html", {"error": exc.words()}, status=400))
    error = ""
    if request.method == "POST":
        if not (_has_session(request) and request.user.is_authenticated):
            error = _("Sign in to flattr")
        else:
            try:
                flattr_with_button(request.user.id, params)
            except RuisseauError as exc:
                error = exc.words()
            else:
                return HttpResponseRedirect(request.get_full_path() + "&done=1")
    context = _context(request, params, error=error, done=request.GET.get("done") == "1")
    response = _frameable(render(request, "widgets/button.html", context))
    if context["signed_in"]:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={settings.WIDGETS_COUNT_TTL_SECONDS}"
        if request.method == "GET" and not context["error"] and not context["done"]:
            response[TAG_HEADER] = tag_value(context["tags"])
    return response


@require_http_methods(["GET", "POST"])
def popup(request):
    """First-party window: sign in if needed, confirm, flattr, tell the opener, close."""
    try:
        params = button_params.from_request(request)
    except InvalidInput as exc:
        return render(request, "widgets/popup.html", {"error": exc.words()}, status=400)
    if not request.user.is_authenticated:
        login = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
    context = _context(request, params)
    context["thing_id"] = counts.thing_id_for_url(params.url)
    if request.method == "POST":
        try:
            flattr_with_button(request.user.id, params)
        except RuisseauError as exc:
            context["error"] = exc.words()
        else:
            context = _context(request, params, done=True)
            context["done_message"] = {"flattr_button_event": "click_successful", "url": params.url,
                                       "count": context["count"]}
            _tell_the_button(request.GET.get("nonce", ""), context["done_message"])
    return render(request, "widgets/popup.html", context, status=400 if context.get("error") else 200)
