from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def avatar_url(user) -> str:
    """The address of ``user``'s picture (uploaded or generated); changes when a new one is uploaded."""
    url = reverse("web:avatar", args=[user.id])
    stamp = getattr(user, "avatar_updated_at", None)
    return f"{url}?v={int(stamp.timestamp())}" if stamp else url
