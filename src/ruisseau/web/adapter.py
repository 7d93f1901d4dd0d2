"""allauth hooks: usernames made from the email, ledger accounts opened at sign-up, emails sent in
the recipient's own language."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
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
            super().send_mail(template_prefix, email, context)
