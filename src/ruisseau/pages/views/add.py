"""Adding a thing by URL (prefilled from the page when it can be fetched) and claiming one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.errors import InvalidInput, RuisseauError
from ruisseau.flattrs.models import Pledge, PledgeState
from ruisseau.pages.forms import ThingForm, UrlForm
from ruisseau.pages.wording import explain
from ruisseau.periods import Period
from ruisseau.things import services as things
from ruisseau.things.catalogue import LANGUAGE_IDS
from ruisseau.things.fetch import FetchError, fetch


def _language_id(page_language: str) -> str:
    """Map a page's ``lang`` (fr, fr-FR, en_GB) to a v2 language id, or the default."""
    code = page_language.replace("-", "_").split("_")[0].lower()
    matches = sorted(lang for lang in LANGUAGE_IDS if lang.split("_")[0] == code)
    return matches[0] if matches else "en_GB"


@login_required
def add_thing(request):
    if request.method == "POST":
        return _create(request)
    url_form = UrlForm(request.GET or None)
    if not url_form.is_valid():
        return render(request, "pages/add.html", {"url_form": url_form})
    try:
        existing = things.find_by_url(url_form.cleaned_data["url"])
    except InvalidInput:
        url_form.add_error("url", _("This is not a web address Ruisseau can use: write it like https://example.org/page."))
        return render(request, "pages/add.html", {"url_form": url_form})
    if existing is not None and not existing.disabled:
        mine = things.controls(existing.id, request.user.id)
        return render(request, "pages/add.html", {"url_form": url_form, "existing": existing, "existing_is_mine": mine})
    initial = {"url": url_form.cleaned_data["url"], "title": "", "description": ""}
    fetch_error = ""
    try:
        page = fetch(url_form.cleaned_data["url"])
        initial.update(title=page.title[:200], description=page.description, language=_language_id(page.language))
    except FetchError as error:
        fetch_error = str(error)
    return render(
        request,
        "pages/add.html",
        {"url_form": url_form, "thing_form": ThingForm(initial=initial), "fetch_error": fetch_error},
    )


def _create(request):
    form = ThingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            thing = things.register_thing(
                data["url"], owner_id=request.user.id, title=data["title"], description=data["description"],
                category=data["category"], language=data["language"], tags=data["tags"],
            )
        except InvalidInput as error:
            form.add_error("url", error.words())  # the address is taken: the other fields were checked above
        else:
            messages.success(request, _("Thing added. You are its claimed owner: prove it is yours to be paid."))
            return redirect("pages:thing", thing.id)
    return render(request, "pages/add.html", {"url_form": UrlForm(), "thing_form": form}, status=400)


@login_required
def claim(request, thing_id: int):
    try:
        thing = things.get_thing(thing_id, include_disabled=False)
    except RuisseauError:
        raise Http404(_("No such thing.")) from None
    if request.method == "POST":
        try:
            things.claim_thing(thing.id, request.user.id)
        except RuisseauError as error:
            messages.error(request, explain(error))
        else:
            messages.success(request, _("You have claimed this thing. Prove it is yours to be paid."))
        return redirect("pages:claim", thing.id)
    waiting = Pledge.objects.filter(thing_id=thing.id, state=PledgeState.WAITING)
    owners = list(thing.owners.select_related("user"))
    context = {
        "thing": thing,
        "owners": owners,
        "has_verified": any(o.verified for o in owners),
        "is_claimant": thing.owners.filter(user_id=request.user.id).exists(),
        "pledges_waiting": waiting.count(),
        "pledgers": waiting.values("user_id").distinct().count(),
        "current_flattrs": thing.flattrs.filter(period=Period.containing(timezone.now()).first_day).count(),
    }
    return render(request, "pages/claim.html", context)

