"""Forms: parse and validate what people type; the services check the rules again."""

from __future__ import annotations

import functools
import uuid

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy as _

from ruisseau.errors import InvalidInput
from ruisseau.money import decimal_mark, format_local, parse_amount, plain_amount
from ruisseau.pages.wording import category_choices, language_choices
from ruisseau.things.urls import normalise_url

SUBSCRIPTION_CHOICES = [("3", _("3 months")), ("6", _("6 months")), ("12", _("12 months")), ("open", _("Until I cancel"))]


class AmountField(forms.CharField):
    """Euros and cents as typed (5, 5.50, 5,50 €) → integer cents."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except InvalidInput:
            raise forms.ValidationError(_("Write an amount in euros and cents, for example 5 or 5.50."), code="amount")


class BudgetForm(forms.Form):
    budget = AmountField(label=_("Monthly budget"))

    def clean_budget(self):
        cents = self.cleaned_data["budget"]
        low, high = settings.MIN_BUDGET_CENTS, settings.MAX_BUDGET_CENTS
        if not low <= cents <= high:
            raise forms.ValidationError(
                _("The monthly budget must be between %(low)s and %(high)s.") % {"low": format_local(low), "high": format_local(high)},
                code="range",
            )
        return cents


def new_token() -> str:
    return uuid.uuid4().hex


class TokenForm(forms.Form):
    """A form with an idempotency token: sending it twice moves the money once."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", new_token())
        super().__init__(*args, **kwargs)


class AddFundsForm(TokenForm):
    amount = AmountField(label=_("Amount to add"))


class MoveEarningsForm(TokenForm):
    amount = AmountField(label=_("Amount to move into funds"))


class SubscribeForm(forms.Form):
    months = forms.ChoiceField(label=_("Subscribe for"), choices=SUBSCRIPTION_CHOICES)

    def months_value(self) -> int | None:
        chosen = self.cleaned_data["months"]
        return None if chosen == "open" else int(chosen)


class UrlForm(forms.Form):
    url = forms.CharField(label=_("Address (URL) of the page"), max_length=2000)

    def clean_url(self) -> str:
        """An address typed without its scheme (``blog.example/post``) is taken as https, as a
        browser's address bar takes it."""
        url = self.cleaned_data["url"].strip()
        if "://" not in url and "." in url.split("/", 1)[0] and " " not in url:
            url = f"https://{url}"
        return url


class ThingForm(forms.Form):
    url = forms.CharField(label=_("Address (URL)"), max_length=2000)
    title = forms.CharField(label=_("Title"), max_length=200)
    # 1 000 characters, as the buttons' description (flattr-widgets.md)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=1000)
    category = forms.ChoiceField(label=_("Category"), choices=category_choices, initial="text")
    language = forms.ChoiceField(label=_("Language"), choices=language_choices, initial="en_GB")
    tags = forms.CharField(label=_("Tags, separated by commas"), max_length=1000, required=False)

    def clean_url(self) -> str:
        """The address as typed, refused here, by the field, when the service would refuse it."""
        url = self.cleaned_data["url"]
        try:
            normalise_url(url)
        except InvalidInput as error:
            raise forms.ValidationError(error.words(), code="url") from None
        return url


class ExploreForm(forms.Form):
    SORTS = [("trending", _("Trending")), ("flattred", _("Most flattred")), ("newest", _("Newest"))]
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=lambda: [("", _("All categories")), *category_choices()], required=False)
    language = forms.ChoiceField(label=_("Language"), choices=lambda: [("", _("All languages")), *language_choices()], required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)

    SELECTS = ("category", "language", "sort")

    def selects(self) -> dict[str, str]:
        """The three lists rendered, as ``{{ form.category }}`` would render them. Each is the
        same for everyone who chose the same value in the same language, and rendering one
        through Django's widget templates costs up to 2 ms (the languages have 45 options), so
        the renderings are kept."""
        language = get_language()
        return {name: _select_html(name, language, self.data.get(name, "") if self.is_bound else None)
                for name in self.SELECTS}


@functools.lru_cache(maxsize=512)  # bounded: the chosen value may be anything typed into the URL
def _select_html(name: str, language: str, value: str | None) -> str:
    with translation.override(language):
        form = ExploreForm({name: value} if value is not None else None)
        return str(form[name])


def amount_text(cents: int) -> str:
    """Cents as a person would type them back into an amount field: 5.00, or 5,00 in French."""
    return plain_amount(cents, decimal_mark(get_language()))
