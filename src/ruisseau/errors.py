"""Domain errors. Each carries a stable machine code (the v2 API's where one exists)
and a sentence a person can read. The web and API layers map codes to HTTP in one place."""

from __future__ import annotations


class RuisseauError(Exception):
    code = "invalid_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(RuisseauError):
    code = "invalid_parameters"


class NotFound(RuisseauError):
    code = "not_found"


class Forbidden(RuisseauError):
    code = "forbidden"
