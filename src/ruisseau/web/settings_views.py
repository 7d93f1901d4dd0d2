"""The settings pages of the signed-in person (/settings/...). Everything acts on request.user:
no page takes another person's id, so nobody can reach someone else's settings."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.accounts import services
from ruisseau.accounts.export import export_user_data
from ruisseau.errors import InvalidInput
from ruisseau.web.templatetags.months import month
from ruisseau.web import avatars
from ruisseau.web.forms import CloseAccountForm, LanguageForm, PrivacyForm, ProfileForm


@login_required
def index(request):
    return redirect("web:settings_profile")


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                png = None
                if form.cleaned_data["picture"]:
                    png = avatars.process_upload(form.cleaned_data["picture"])
                services.update_profile(
                    user.id, display_name=form.cleaned_data["display_name"],
                    about=form.cleaned_data["about"], website=form.cleaned_data["website"],
                )
            except InvalidInput as error:
                form.add_error("picture" if "picture" in form.changed_data else None, str(error))
            else:
                if png is not None:
                    services.set_avatar(user.id, png)
                elif form.cleaned_data.get("generated_picture"):
                    services.set_avatar(user.id, None)
                messages.success(request, _("Your profile is saved."))
                return redirect("web:settings_profile")
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "about": user.about, "website": user.website})
    if not user.avatar_updated_at:
        del form.fields["generated_picture"]  # nothing uploaded: the generated picture is already shown
    return render(request, "web/settings/profile.html", {"form": form})


@login_required
def privacy(request):
    user = request.user
    form = PrivacyForm(request.POST or None, initial={"hide_given": user.hide_given, "hide_received": user.hide_received})
    if request.method == "POST" and form.is_valid():
        services.set_privacy(user.id, **form.cleaned_data)
        messages.success(request, _("Your privacy settings are saved."))
        return redirect("web:settings_privacy")
    return render(request, "web/settings/privacy.html", {"form": form})


@login_required
def language(request):
    form = LanguageForm(request.POST or None, initial={"language": request.user.language or request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        services.set_language(request.user.id, form.cleaned_data["language"])
        # The next page is already in the new language: UserLanguageMiddleware reads the account.
        return redirect("web:settings_language")
    return render(request, "web/settings/language.html", {"form": form})


@login_required
def export(request):
    return render(request, "web/settings/export.html")


@login_required
def export_json(request):
    data = export_user_data(request.user.id, now=timezone.now())
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="ruisseau-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def close(request):
    terms = services.closing_terms(request.user.id)
    form = CloseAccountForm(
        request.POST or None,
        user=request.user,
        initial={"expect_funds_cents": terms.funds_cents, "expect_earnings_cents": terms.earnings_cents},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.close_account(
                request.user.id,
                expect_funds_cents=form.cleaned_data["expect_funds_cents"],
                expect_earnings_cents=form.cleaned_data["expect_earnings_cents"],
            )
        except InvalidInput as error:
            messages.error(request, _closing_error(error, terms))
            return redirect("web:settings_close")
        logout(request)
        messages.success(request, _("Your account is closed. Thank you for the streams you fed."))
        return redirect("web:home")
    return render(request, "web/settings/close.html", {"form": form, "terms": terms})


def _closing_error(error: InvalidInput, terms) -> str:
    if error.code == "period_not_settled":
        return _("Your flattrs of %(period)s are being settled. Close your account once that period is settled.") % {
            "period": month(terms.blocked_by_period)
        }
    if error.code == "balances_changed":
        return _("Your balances changed since you looked: check them and confirm again.")
    return str(error)
