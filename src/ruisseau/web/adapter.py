"""allauth hooks: usernames made from the email, ledger accounts opened at sign-up, emails sent in
the recipient's own language."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils import translation

from ruisseau import ratelimit
from ruisseau.accounts.services import username_from_email
from ruisseau.ledger import accounts as ledger_accounts


def site_language(code: str | None) -> str | None:
    """``code`` if the site speaks it (``fr-ca`` → ``fr``), else None."""
    if not code:
        return None
    short = code.split("-")[0].lower()
    return short if short in dict(settings.LANGUAGES) else None


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        if not user.username:
            user.username = username_from_email(user.email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # The language the person signed up in is theirs until they change it in settings.
        user.language = site_language(translation.get_language()) or settings.LANGUAGE_CODE
        if commit:
            user.save()
            ledger_accounts.open_user_accounts(user.id)
        return user

    def get_client_ip(self, request) -> str:
        # allauth's login and sign-up limits count the same address as Ruisseau's own limits.
        return ratelimit.client_ip(request)

    def send_mail(self, template_prefix, email, context) -> None:
        user = context.get("user")
        language = site_language(getattr(user, "language", None)) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, "current_site": email_site()})


def email_site() -> SimpleNamespace:
    """What allauth's emails call the site ("Hello from …!"): its name, not the host it runs on
    (there is no django.contrib.sites here, so allauth would fall back to the request's host for
    both). The domain stays the request's, as the links in the same email."""
    request = allauth_context.request
    domain = request.get_host() if request is not None else urlsplit(settings.PUBLIC_URL).netloc
    return SimpleNamespace(name=settings.SITE_NAME, domain=domain)
