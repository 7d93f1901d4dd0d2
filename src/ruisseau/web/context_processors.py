"""What every page may name: the site's name and the operator's contact address."""

from __future__ import annotations

from django.conf import settings


def site(request) -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME, "CONTACT_EMAIL": settings.CONTACT_EMAIL}
