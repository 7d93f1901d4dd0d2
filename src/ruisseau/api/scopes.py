"""The four Flattr scopes, described for people (consent page, token pages)."""

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "flattr": _("Flattr things and manage your subscriptions"),
    "thing": _("Create, change and delete your things"),
    "email": _("Read your email address"),
    "extendedread": _("Read your private details (email, sign-up date) and your hidden things"),
}


def describe(scopes) -> list:
    return [SCOPES[s] for s in scopes if s in SCOPES]
