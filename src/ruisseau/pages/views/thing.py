"""The thing page, the flattr button and subscribing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruisseau import ratelimit
from ruisseau.errors import RuisseauError
from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.money import format_local
from ruisseau.pages.forms import SubscribeForm
from ruisseau.pages.rows import recent_flattrers_html
from ruisseau.pages.thing_reads import thing_counts, thing_view
from ruisseau.pages.value import value_if_one_more_cents, value_now_cents
from ruisseau.pages.views.common import back, wants_json
from ruisseau.pages.wording import category_label, explain, language_label
from ruisseau.periods import Period

FLATTR_LIMIT_PER_MINUTE = 30


def thing(request, thing_id: int):
    period = Period.containing(timezone.now())
    view = thing_view(thing_id, request.user, period)
    budget = request.user.budget_cents if request.user.is_authenticated else 0
    context = {
        "view": view,
        "thing": view.thing,
        "category": category_label(view.thing.category),
        "language": language_label(view.thing.language),
        "subscribe_form": SubscribeForm(),
        "value_now": value_now_cents(budget, view.viewer.period_flattrs) if view.viewer.flattr_id else None,
        "value_if_flattred": value_if_one_more_cents(budget, view.viewer.period_flattrs),
        "recent_flattrers": recent_flattrers_html(view.recent),
    }
    return render(request, "pages/thing.html", context)


@require_POST
def flattr(request, thing_id: int):
    if not request.user.is_authenticated:
        return _answer(request, thing_id, error=_("Sign in to flattr."), status=401)
    decision = ratelimit.hit("flattr", str(request.user.id), limit=FLATTR_LIMIT_PER_MINUTE, window_seconds=60)
    if not decision.allowed:
        return _answer(request, thing_id, error=str(explain(RuisseauError("", code="rate_limited"))), status=429)
    try:
        made = flattrs.flattr_thing(request.user.id, thing_id)
    except RuisseauError as error:
        status = 404 if error.code == "not_found" else 402 if error.code == "no_means" else 403
        return _answer(request, thing_id, error=explain(error), status=status)
    return _answer(request, thing_id, done=_("Flattred! Thank you."), flattr_id=made.id)


def _answer(request, thing_id: int, *, done: str = "", error: str = "", status: int = 200, flattr_id: int = 0):
    """JSON for the flattr script, a message and a redirect for a plain form."""
    if wants_json(request):
        body = {"ok": not error, "message": error or done}
        if flattr_id:
            period = Period.containing(timezone.now())
            period_count, total_count = thing_counts(thing_id, period)
            mine = request.user.flattrs.filter(period=period.first_day).count()
            body.update(
                take_back_url=reverse("pages:take_back", args=[flattr_id]),
                period_count=period_count,
                total_count=total_count,
                counts_html=render_to_string(
                    "pages/_counts.html", {"period_count": period_count, "total_count": total_count}
                ),
                period_flattrs=mine,
                value=format_local(value_now_cents(request.user.budget_cents, mine)),
            )
        return JsonResponse(body, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return back(request, "pages:thing", thing_id)


@login_required
@require_POST
def subscribe(request, thing_id: int):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 3, 6 or 12 months, or until you cancel."))
        return back(request, "pages:thing", thing_id)
    try:
        subscriptions.subscribe(request.user.id, thing_id, form.months_value())
    except RuisseauError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        messages.error(request, explain(error))
    else:
        messages.success(request, _("Subscribed: this thing will be flattred automatically from next month."))
    return back(request, "pages:thing", thing_id)
