"""Pages for people: registering applications (/apps), the applications you have authorised and
your personal access tokens. Views parse the form, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from ruisseau.api import tokens
from ruisseau.api.forms import ApplicationForm, PersonalTokenForm
from ruisseau.errors import RuisseauError


def _own_app(request, app_id: int):
    app = get_application_model().objects.filter(id=app_id, user=request.user).first()
    if app is None:
        raise Http404
    return app


@login_required
def app_list(request):
    apps = get_application_model().objects.filter(user=request.user).order_by("name")
    return render(request, "api/apps.html", {"apps": apps})


@login_required
def app_new(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Application = get_application_model()
        secret = tokens.new_client_secret()
        app = Application(
            user=request.user,
            name=form.cleaned_data["name"],
            redirect_uris=" ".join(form.cleaned_data["redirect_uris"].split()),
            client_type=Application.CLIENT_PUBLIC if form.cleaned_data["public"] else Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            client_secret=secret,
        )
        try:
            app.full_clean()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("redirect_uris" if field == "redirect_uris" else None, errors)
        else:
            app.save()
            shown_secret = secret if app.client_type == Application.CLIENT_CONFIDENTIAL else None
            return render(request, "api/app_detail.html", {"app": app, "secret": shown_secret, "created": True})
    return render(request, "api/app_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def app_detail(request, app_id: int):
    return render(request, "api/app_detail.html", {"app": _own_app(request, app_id)})


@login_required
@require_POST
def app_delete(request, app_id: int):
    _own_app(request, app_id).delete()
    messages.success(request, _("The application was deleted; its tokens no longer work."))
    return redirect("api:apps")


@login_required
def authorized(request):
    return render(request, "api/authorized.html", {"authorised": tokens.authorised_applications(request.user.id)})


@login_required
@require_POST
def revoke_app(request, app_id: int):
    tokens.revoke_application(request.user.id, app_id)
    messages.success(request, _("Access revoked."))
    return redirect("api:authorized")


@login_required
def token_list(request):
    form = PersonalTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = tokens.create_personal_token(request.user.id, form.cleaned_data["name"],
                                                     form.cleaned_data["scopes"])
        except RuisseauError as exc:
            form.add_error(None, exc.message)
        else:
            form = PersonalTokenForm()
    context = {"form": form, "new_token": new_token, "tokens": tokens.personal_tokens(request.user.id)}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_token(request, token_id: int):
    try:
        tokens.revoke_personal_token(request.user.id, token_id)
    except RuisseauError:
        raise Http404 from None
    messages.success(request, _("Token revoked."))
    return redirect("api:tokens")
