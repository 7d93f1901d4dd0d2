"""Forms of the settings pages. They check the shape of the input; the services check the rules."""

from __future__ import annotations

from allauth.account.forms import ReauthenticateForm as PasswordCheckForm
from allauth.mfa.base.forms import ReauthenticateForm as CodeCheckForm
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SiteForm(forms.Form):
    """Labels without a trailing colon: the site's forms put the label above the field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProfileForm(SiteForm):
    display_name = forms.CharField(
        label=_("Display name"), max_length=100, required=False,
        help_text=_("Shown instead of your username. Leave empty to show your username."),
    )
    about = forms.CharField(label=_("Bio"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    picture = forms.FileField(
        label=_("Picture"), required=False,
        help_text=_("PNG, JPEG, GIF or WebP. It is cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    generated_picture = forms.BooleanField(
        label=_("Use a generated picture instead of the uploaded one"), required=False
    )


class PrivacyForm(SiteForm):
    hide_given = forms.BooleanField(
        label=_("Hide what I give"), required=False,
        help_text=_("Your flattrs are left out of your profile and of the lists of flattrers on thing pages."),
    )
    hide_received = forms.BooleanField(
        label=_("Hide what I receive"), required=False,
        help_text=_("Your revenue figures and who flattred your things are not shown on your profile."),
    )


class LanguageForm(SiteForm):
    language = forms.ChoiceField(label=_("Language of the site and of our emails"), choices=settings.LANGUAGES)


class CloseAccountForm(SiteForm):
    """Closing is for good, so it asks what turning two-factor on asks: the password, and the
    two-factor code when that is on. Both are checked by allauth's own re-authentication forms,
    with their rate limits (failed passwords count as failed sign-ins)."""

    expect_funds_cents = forms.IntegerField(widget=forms.HiddenInput)
    expect_earnings_cents = forms.IntegerField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Two-factor code"), required=True,
        help_text=_("The code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand: my account is closed for good and the amounts above stay as described."),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not is_mfa_enabled(user):
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check = PasswordCheckForm({"password": password}, user=self.user)
        if not check.is_valid():
            raise forms.ValidationError(check.errors["password"])
        return password

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if "password" not in self.cleaned_data:
            return code  # a wrong password: spend no recovery code and give no hint about the code
        check = CodeCheckForm({"code": code}, user=self.user)
        if not check.is_valid():
            raise forms.ValidationError(check.errors["code"])
        return code
