"""Site management: add a domain, prove it, invite authors, set the site's share, sign links."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.utils.translation import gettext as _

from ruisseau.errors import NotFound, RuisseauError
from ruisseau.money import format_local
from ruisseau.things import proofs, sites
from ruisseau.things.site_models import Site, SiteAuthor, SiteProofMethod
from ruisseau.widgets.site_reads import author_report, site_report
from ruisseau.widgets.views.proofs import proof_allowed


@login_required
@require_http_methods(["GET", "POST"])
def site_list(request):
    context: dict = {}
    if request.method == "POST":
        try:
            site = sites.add_site(request.user.id, request.POST.get("domain", ""))
        except RuisseauError as exc:
            context["error"] = exc.words()
        else:
            return redirect("widgets:site", site_id=site.id)
    memberships = (SiteAuthor.objects.filter(user=request.user, site__verified_at__isnull=False)
                   .exclude(site__owner=request.user).select_related("site__owner"))
    context.update({
        "owned": Site.objects.filter(owner=request.user).order_by("domain"),
        "memberships": [
            {"author": m, **(author_report(m.site, request.user.id) if m.accepted else {})}
            for m in memberships
        ],
    })
    for row in context["memberships"]:
        row["revenue"] = format_local(row.get("revenue_cents", 0))
        row["share_percent"] = f"{row['author'].site.share_bps / 100:g}"
    return render(request, "widgets/sites.html", context, status=400 if "error" in context else 200)


def _proof_method_words() -> dict[str, str]:
    # The model's choice labels are English (the domain layer holds no translations): say them here.
    return {SiteProofMethod.DNS: _("DNS TXT record"), SiteProofMethod.WELL_KNOWN: _("File under /.well-known/"),
            SiteProofMethod.META: _("Meta tag on the home page")}


@login_required
@require_http_methods(["GET", "POST"])
def site_detail(request, site_id: int):
    try:
        site = sites.owned_site(site_id, request.user.id)
    except NotFound:
        raise Http404("No such site") from None
    method_words = _proof_method_words()
    context: dict = {"methods": list(method_words.items()), "dns_name": proofs.DNS_PREFIX + site.domain.split(":")[0],
                     "well_known": proofs.WELL_KNOWN_PATH, "verify_meta": proofs.VERIFY_META}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "verify" and not proof_allowed(request.user.id):
                context["error"] = _("Too many checks: wait a minute and try again.")
            elif action == "verify":
                site = sites.verify_site(site.id, request.user.id, request.POST.get("method", ""))
                context["message"] = "verified"
            elif action == "invite":
                sites.invite_author(site.id, request.user.id, request.POST.get("username", ""))
                context["message"] = "invited"
            elif action == "share":
                raw = request.POST.get("share_bps", "").strip()
                site = sites.set_share(site.id, request.user.id, _whole_number(raw))
                context["message"] = "share"
            elif action == "signed_only":
                site = sites.set_signed_only(site.id, request.user.id, request.POST.get("signed_only") == "1")
                context["message"] = "signed_only"
            elif action == "secret":
                site = sites.replace_secret(site.id, request.user.id)
                context["message"] = "secret"
            elif action == "attribute":
                raw = request.POST.get("thing_id", "").strip()
                sites.reattribute(site.id, request.user.id, _whole_number(raw), request.POST.get("username", ""))
                context["message"] = "attributed"
            else:
                context["error"] = "Unknown action"
        except RuisseauError as exc:
            context["error"] = exc.words()
    context["method_label"] = method_words.get(site.method, site.method)
    report = site_report(site)
    for row in report["revenue"]:
        row["amount"] = format_local(row["cents"] or 0)
    context.update(report)
    return render(request, "widgets/site.html", context, status=400 if "error" in context else 200)


@login_required
@require_POST
def accept_invitation(request, author_id: int):
    try:
        sites.accept_invitation(author_id, request.user.id)
    except NotFound:
        raise Http404("No such invitation") from None
    return redirect("widgets:sites")


def _whole_number(raw: str) -> int:
    """A field's ASCII digits as a number, else -1, which the services refuse with their own
    message (``"²".isdigit()`` is true, but ``int("²")`` fails)."""
    return int(raw) if re.fullmatch(r"[0-9]+", raw) else -1
