"""Proving that a page is yours, and the snippets/discovery links offered on a thing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods
from django.utils.translation import gettext as _

from ruisseau import ratelimit
from ruisseau.errors import NotFound, RuisseauError
from ruisseau.things import proofs
from ruisseau.things.services import get_thing
from ruisseau.widgets import links, snippets as thing_snippets


PROOFS_PER_MINUTE = 10


def proof_allowed(user_id: int) -> bool:
    """Each check fetches a page somebody named: a few a minute per user is plenty."""
    return ratelimit.hit("widgets-proof", str(user_id), limit=PROOFS_PER_MINUTE, window_seconds=60).allowed


def _thing_or_404(thing_id: int):
    try:
        return get_thing(thing_id)
    except NotFound:
        raise Http404("No such thing") from None


@login_required
@require_http_methods(["GET", "POST"])
def verify_thing(request, thing_id: int):
    thing = _thing_or_404(thing_id)
    context = {"thing": thing, "thing_link": links.thing_page(thing.id),
               "snippets": thing_snippets.for_thing(thing, request.user.username),
               "verified": thing.owners.filter(user=request.user, verified=True).exists()}
    status = 200
    if request.method == "POST" and not proof_allowed(request.user.id):
        context["error"], status = _("Too many checks: wait a minute and try again."), 429
    elif request.method == "POST":
        try:
            proofs.prove_page(thing.id, request.user.id)
        except RuisseauError as exc:
            context["error"], status = exc.words(), 400
        else:
            context["verified"] = True
            context["just_verified"] = True
        try:
            context["found"] = proofs.discover(thing.url)
        except RuisseauError:
            pass
    return render(request, "widgets/verify_thing.html", context, status=status)


@require_GET
def snippets(request, thing_id: int):
    thing = _thing_or_404(thing_id)
    username = request.user.username if request.user.is_authenticated else ""
    return render(request, "widgets/snippets.html", {
        "thing": thing, "thing_link": links.thing_page(thing.id),
        "snippets": thing_snippets.for_thing(thing, username),
        "payment_link": thing_snippets.payment_link(thing, username),
    })
