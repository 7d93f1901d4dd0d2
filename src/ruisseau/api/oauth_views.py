"""The OAuth2 endpoints, django-oauth-toolkit underneath, with Flattr's quirks on top
(reference §3): scopes separated by commas or pluses, a consent page in the site's style, and a
token answer shaped as Flattr clients parse it ({"access_token", "token_type": "bearer"})."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.forms import AllowForm
from oauth2_provider.views import AuthorizationView, TokenView

from ruisseau.api.errors import ERROR_URI
from ruisseau.api.scopes import describe

_SEPARATORS = re.compile(r"[\s,+]+")


def normalise_scope(raw: str) -> str:
    """`flattr,thing`, `flattr+thing`, `flattr thing` → `flattr thing` (reference §3.2)."""
    return " ".join(s for s in _SEPARATORS.split(raw or "") if s)


class ConsentForm(AllowForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].required = False  # a token with no scope reads public data only


class Authorize(AuthorizationView):
    template_name = "api/authorize.html"
    form_class = ConsentForm

    def get(self, request, *args, **kwargs):
        scope = request.GET.get("scope")
        if scope is not None and normalise_scope(scope) != scope:
            query = request.GET.copy()
            query["scope"] = normalise_scope(scope)
            return HttpResponseRedirect(f"{request.path}?{urlencode(list(query.items()))}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_labels"] = describe(kwargs.get("scopes") or [])
        return context


@method_decorator(csrf_exempt, name="dispatch")
class Token(TokenView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        try:
            body = json.loads(response.content or b"{}")
        except ValueError:
            return response
        if response.status_code == 200 and "access_token" in body:
            body = {"access_token": body["access_token"], "token_type": "bearer", "scope": body.get("scope", "")}
        elif "error" in body:
            body.setdefault("error_description", body["error"].replace("_", " "))
            body.setdefault("error_uri", ERROR_URI)
        response.content = json.dumps(body).encode()
        response["Content-Type"] = "application/json; charset=utf-8"
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        response["Expires"] = "Thu, 19 Nov 1981 08:52:00 GMT"
        return response
