"""Forms of the developer and token pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ruisseau.api.scopes import SCOPES


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


class PersonalTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “my backup script”."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, label) for name, label in SCOPES.items()],
    )
