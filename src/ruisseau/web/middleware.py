"""Site-wide response policies: the Content-Security-Policy and the signed-in person's language."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils import translation

from ruisseau.web.adapter import site_language

# No inline scripts or styles anywhere, nothing from other origins. `data:` images are allowed
# for the two-factor QR code allauth renders as a data URI. form-action is left out on purpose:
# browsers apply it to the redirect after a form post, which would break the OAuth consent
# form that sends people back to an application's own address.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


def csp_policy(policy: str | None):
    """Give one view its own Content-Security-Policy, or none at all with ``None``.

    For pages that must differ from the site's: the embeddable button (framed by other sites),
    the widget loader. Usage: ``@csp_policy("default-src 'none'; frame-ancestors *")``.
    A view may instead set the ``Content-Security-Policy`` header itself: the middleware never
    replaces a header that is already there."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = view(*args, **kwargs)
            response.csp_policy = policy
            return response

        wrapper.csp_policy = policy
        return wrapper

    return decorate


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        policy = getattr(response, "csp_policy", self.policy)
        if policy:
            response["Content-Security-Policy"] = policy
        return response


class UserLanguageMiddleware:
    """A signed-in person sees the site in the language saved on their account, whatever the
    browser says; the language cookie follows, so the choice stays after signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a request carrying a session can be signed in. Looking at request.user otherwise
        # would read the session and add "Vary: Cookie" to cookie-free public responses
        # (badges, buttons), which shared caches then cannot share.
        user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        language = site_language(user.language) if user is not None and user.is_authenticated else None
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=False, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
