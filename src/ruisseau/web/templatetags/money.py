from django import template

from ruisseau.money import format_local

register = template.Library()


@register.filter
def cents(value):
    """Integer cents in the active language: ``158`` → €1.58 in English, 1,58 € in French."""
    if value in (None, ""):
        return ""
    return format_local(int(value))
