from django import template
from django.conf import settings
from django.utils.translation import get_language

from ruisseau.money import format_cents

register = template.Library()


@register.filter
def cents(value):
    """Format integer cents for the active language: 1.58 € in English, 1,58 € in French."""
    if value in (None, ""):
        return ""
    decimal = "," if (get_language() or "en").startswith("fr") else "."
    return format_cents(int(value), settings.CURRENCY, decimal=decimal)
