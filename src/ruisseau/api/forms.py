"""Forms of the developer and token pages."""

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ruisseau.api.scopes import SCOPES
from ruisseau.errors import shortened


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    redirect_uris = forms.CharField(
        label=_("Callback URLs"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. The authorisation request must name one of them exactly."),
    )
    public = forms.BooleanField(
        label=_("Public client (mobile or desktop app that cannot keep a secret; PKCE is then required)"),
        required=False,
    )

    def clean_redirect_uris(self) -> str:
        """One address a line, each with a scheme the server allows (http, https and any set in
        RUISSEAU_API_REDIRECT_SCHEMES) and, for http(s), a host: all the wrong lines in one
        message, rather than the provider's one error per word."""
        lines = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines() if line.strip()]
        wrong = [line for line in lines if not _is_callback(line)]
        if wrong:
            raise forms.ValidationError(
                _("Not a callback address: %(wrong)s. Write one full address a line, such as https://example.org/callback."),
                code="redirect_uri", params={"wrong": ", ".join(f"“{shortened(line)}”" for line in wrong)})
        return "\n".join(lines)


def _is_callback(line: str) -> bool:
    try:
        parts = urlsplit(line)
    except ValueError:
        return False
    if any(ch.isspace() for ch in line) or parts.scheme.lower() not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
        return False
    return bool(parts.netloc) or parts.scheme.lower() not in ("http", "https")


class PersonalTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “my backup script”."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, label) for name, label in SCOPES.items()],
    )
