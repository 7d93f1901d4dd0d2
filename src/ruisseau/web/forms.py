"""Forms of the settings pages. They check the shape of the input; the services check the rules."""

from __future__ import annotations

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
    expect_funds_cents = forms.IntegerField(widget=forms.HiddenInput)
    expect_earnings_cents = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I understand: my account is closed for good and the amounts above stay as described."),
        required=True,
    )
