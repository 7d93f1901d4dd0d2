from django import template
from django.conf import settings
from django.utils.translation import get_language

from ruisseau.money import format_money

register = template.Library()


@register.filter
def cents(value):
    """Integer cents in the active language: ``158`` → €1.58 in English, 1,58 € in French."""
    if value in (None, ""):
        return ""
    return format_money(int(value), settings.CURRENCY, get_language())
