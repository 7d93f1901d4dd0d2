from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ruisseau.errors import InvalidInput
from ruisseau.money import parse_amount


class AmountField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return 0
        try:
            return parse_amount(value)
        except InvalidInput as error:
            raise forms.ValidationError(error.words()) from None


class AutoTopUpForm(forms.Form):
    amount = AmountField(label=_("Add this amount automatically (leave empty to turn it off)"), required=False)

    def clean(self):
        data = super().clean()
        data["amount_cents"] = data.get("amount") or 0
        return data


class PayoutDetailsForm(forms.Form):
    account_holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC (optional, found from the IBAN when possible)"), max_length=11, required=False)
    country = forms.CharField(label=_("Country (two letters, e.g. FR)"), max_length=2, min_length=2)
    legal_name = forms.CharField(label=_("Legal name"), max_length=140, required=False)
    birth_date = forms.DateField(label=_("Date of birth (YYYY-MM-DD)"), required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if settings.PAYOUT_REQUIRE_IDENTITY:
            for field in ("legal_name", "birth_date", "address"):
                if not data.get(field):
                    self.add_error(field, _("This server needs it before a payout."))
        return data


class PayoutRequestForm(forms.Form):
    amount = AmountField(label=_("Amount"))
    attempt_key = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["amount_cents"] = data.get("amount") or 0
        return data
