"""Auto-submit links: /submit/auto?user_id=…&url=…&title=…&description=…&language=…&tags=…&category=…

A known URL redirects to its thing page (a path we build from the id: never a redirect to a
place the link names). An unknown URL shows a page to flattr it; the thing is created by that
first flattr (unclaimed unless the page is on a verified site of the named author)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from ruisseau.errors import InvalidInput, RuisseauError
from ruisseau.things.sites import site_author_for
from ruisseau.widgets import counts, links, params as button_params
from ruisseau.widgets.services import flattr_with_button

_UID_KEYS = ("user_id", "uid")


@require_http_methods(["GET", "POST"])
def auto_submit(request):
    try:
        params = button_params.from_request(request, uid_keys=_UID_KEYS)
    except InvalidInput as exc:
        return render(request, "widgets/submit.html", {"error": exc.words()}, status=400)
    thing_id = counts.thing_id_for_url(params.url)
    if request.method == "GET" and thing_id is not None:
        return HttpResponseRedirect(links.thing_page(thing_id))
    context = {"p": params, "login_url": _login_url(request), "site_author": site_author_for(params.url, params.uid)}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect(context["login_url"])
        try:
            flattr = flattr_with_button(request.user.id, params)
        except RuisseauError as exc:
            context["error"] = exc.words()
            return render(request, "widgets/submit.html", context, status=400)
        return HttpResponseRedirect(links.thing_page(flattr.thing_id))
    return render(request, "widgets/submit.html", context)


def _login_url(request) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
