"""Public pages of the website. Views parse, call one service, render."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from ruisseau.accounts import services as account_services
from ruisseau.accounts.models import Avatar, User
from ruisseau.web import overview
from ruisseau.web.adapter import site_language
from ruisseau.web.avatars import generated_svg


def home(request):
    return render(request, "web/home.html", overview.home(timezone.now()))


FAVICON = (Path(__file__).parent / "static" / "web" / "favicon.ico").read_bytes()


def package_file(data: bytes, content_type: str) -> HttpResponse:
    """A file shipped in the package at a fixed address (no collectstatic needed), cacheable for
    a day by anyone: the favicon, Flattr's old badge images."""
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page's <link rel="icon"> says: the logo."""
    return package_file(FAVICON, "image/vnd.microsoft.icon")


def health(request):
    return JsonResponse({"status": "ok"})


def privacy(request):
    return render(request, "web/privacy.html")


@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice on the signed-in person's account."""
    response = django_set_language(request)
    language = site_language(request.POST.get("language"))
    if language and request.user.is_authenticated:
        account_services.set_language(request.user.id, language)
    return response


def avatar(request, user_id: int):
    """The uploaded picture, or one generated from the user id; 404 for unknown or closed accounts."""
    user = User.objects.filter(id=user_id, closed_at__isnull=True).only("id", "avatar_updated_at").first()
    if user is None:
        raise Http404
    stored = Avatar.objects.filter(user_id=user_id).only("png").first() if user.avatar_updated_at else None
    if stored is not None:
        response = HttpResponse(bytes(stored.png), content_type="image/png")
    else:
        seed = f"{settings.SECRET_KEY[:8]}:{user_id}"  # not guessable from the id alone, stable per site
        response = HttpResponse(generated_svg(seed), content_type="image/svg+xml")
    # The URL carries ?v=<upload time>, so a new picture gets a new address.
    response["Cache-Control"] = "public, max-age=86400"
    return response
