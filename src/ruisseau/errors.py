"""Domain errors. Each carries a stable machine code (the v2 API's where one exists)
and a sentence a person can read. The web and API layers map codes to HTTP in one place."""

from __future__ import annotations


class RuisseauError(Exception):
    code = "invalid_request"

    def __init__(self, message: str, *, code: str | None = None, params: dict[str, object] | None = None) -> None:
        """``message`` is English, for developers and the API. With ``params`` it is a template
        (``%(host)s``) marked with ``gettext_noop`` where it is raised, so that ``words()`` can
        give it to a person in their language."""
        self.template, self.params = message, dict(params or {})
        self.message = message % self.params if self.params else message
        super().__init__(self.message)
        if code is not None:
            self.code = code

    def words(self) -> str:
        """The message in the active language, for the website: the template translated, then
        filled. A message nobody translated comes back as it is."""
        from django.utils.translation import gettext

        text = gettext(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def shortened(text: str, limit: int = 40) -> str:
    """What somebody typed, cut for quoting it back in a message: the first ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


class InvalidInput(RuisseauError):
    code = "invalid_parameters"


class NotFound(RuisseauError):
    code = "not_found"


class Forbidden(RuisseauError):
    code = "forbidden"
