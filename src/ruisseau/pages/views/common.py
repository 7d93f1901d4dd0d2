"""Helpers shared by the pages' views."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def wants_json(request) -> bool:
    """The flattr script asks for JSON; a plain form post gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def back(request, fallback: str, *args) -> HttpResponseRedirect:
    """Redirect to the form's ``next`` field when it is a local address, else to ``fallback``."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = resolve_url(fallback, *args)
    return HttpResponseRedirect(target)
