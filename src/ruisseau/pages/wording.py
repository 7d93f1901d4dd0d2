"""Domain error codes in plain words, translated. The services' own messages are English and
written for developers and the API; people on the website read these."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info, gettext, gettext_lazy as _, gettext_noop

from ruisseau.errors import RuisseauError
from ruisseau.things.catalogue import CATEGORIES, LANGUAGES

PLAIN_WORDS = {
    "not_found": _("This thing does not exist, or it can no longer be flattred."),
    "user_inactive": _("Your account is not active, so it cannot flattr."),
    "flattr_owner": _("You own this thing: you cannot flattr your own things."),
    "flattr_once": _("You have already flattred this thing this month. You can flattr it again next month."),
    "no_means": _("Your funds do not cover your monthly budget. Add funds or lower your budget, then flattr."),
    "flattr_closed": _(
        "This flattr's month has closed and its money has been shared out: it can no longer be taken back."
    ),
    "rate_limited": _("You are flattring very fast. Wait a minute, then try again."),
    "thing_owner": _("You own this thing: you cannot subscribe to it."),
    "subscribed": _("You already subscribe to this thing."),
    "not_flattred": _("Flattr this thing first, then you can subscribe to it."),
    "invalid_budget": _("The monthly budget must be between %(low)s and %(high)s."),
    "claimed": _("This thing already has a verified owner. If it is yours, contact the operator at %(contact)s."),
    "payment_declined": _("The payment was declined: %(reason)s"),
    "insufficient_funds": _("You do not have that much in earnings."),
    "idempotency_conflict": _("This form was already sent with another amount. Please enter the amount again."),
}


def explain(error: RuisseauError, **values: str) -> str:
    """The plain sentence for a domain error; the service's own message when none is written."""
    text = PLAIN_WORDS.get(error.code)
    if text is None:
        return error.words()
    text = str(text)
    if "%(contact)s" in text:
        values = {"contact": settings.CONTACT_EMAIL, **values}
    return text % values if values else text


# Reasons a payment provider gives in English that a person may meet on the site: the sandbox's
# decline (for trying the failure). Other reasons (a real provider's) are shown as they come.
PROVIDER_REASONS = [gettext_noop("The sandbox card was declined (amounts ending in ,02 are)")]


def provider_reason(message: str) -> str:
    return gettext(message) if message in PROVIDER_REASONS else message


# Ledger reasons as the giver reads them on the funds page.
REASONS = {
    "topup": _("Funds added"),
    "settlement_fee": _("Platform fee"),
    "settlement_give": _("Your monthly giving"),
    "settlement_receive": _("Received from givers"),
    "earnings_to_funds": _("Earnings moved into funds"),
    "payout_pending": _("Payout requested"),
    "payout_posted": _("Payout sent"),
    "payout_voided": _("Payout failed, returned"),
    "refund": _("Refund"),
    "correction": _("Correction"),
}
ACCOUNTS = {"user_funds": _("Funds"), "user_earnings": _("Earnings")}

CATEGORY_LABELS = {
    "text": _("Text"),
    "images": _("Images"),
    "video": _("Video"),
    "audio": _("Audio"),
    "software": _("Software"),
    "people": _("People"),
    "rest": _("Other"),
}
# v2 API language ids whose ISO 639-1 code Django knows under another name.
_DJANGO_CODES = {"iw": "he", "in": "id", "no": "nb"}
# Names Django does not translate (it knows no plain "zh", no "mt", and leaves "nb" untranslated).
_OWN_NAMES = {"zh": _("Chinese"), "mt": _("Maltese"), "no": _("Norwegian")}


def category_label(category_id: str) -> str:
    return str(CATEGORY_LABELS.get(category_id, category_id))


def language_label(language_id: str) -> str:
    """The language's name in the visitor's language, from Django's own translated names."""
    code = language_id.split("_")[0]
    if code in _OWN_NAMES:
        return str(_OWN_NAMES[code])
    try:
        return str(get_language_info(_DJANGO_CODES.get(code, code))["name_translated"])
    except KeyError:
        return dict(LANGUAGES).get(language_id, language_id)


def category_choices():
    return [(c, category_label(c)) for c, _label in CATEGORIES]


def language_choices():
    return sorted(((code, language_label(code)) for code, _label in LANGUAGES), key=lambda c: c[1])
