"""API errors: the documented body (`error`, `error_description`, `error_uri`) and status for each
code, in one place (reference §4). Domain errors are mapped here, never in views."""

from __future__ import annotations

from ruisseau.errors import RuisseauError

ERROR_URI = "https://developers.flattr.net/api"

# error code -> HTTP status (reference §4.2, §4.3)
STATUS = {
    "invalid_request": 400,
    "invalid_parameters": 400,
    "validation": 400,
    "unauthorized": 401,
    "no_means": 401,
    "rate_limit_exceeded": 403,
    "invalid_scope": 403,
    "insufficient_scope": 403,
    "forbidden": 403,
    "flattr_once": 403,
    "flattr_owner": 403,
    "thing_owner": 403,
    "subscribed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "idempotency_conflict": 409,
    "server_error": 500,
}

# Domain codes without a v2 equivalent, renamed to the closest documented one.
DOMAIN_TO_API = {
    "user_inactive": "forbidden",
    "not_flattred": "forbidden",
    "flattr_closed": "forbidden",
    "claimed": "validation",
    "invalid_budget": "invalid_parameters",
}


class ApiError(Exception):
    def __init__(self, code: str, description: str, *, status: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status or STATUS.get(code, 400)

    def body(self) -> dict:
        return {"error": self.code, "error_description": self.description, "error_uri": ERROR_URI}


def from_domain(exc: RuisseauError) -> ApiError:
    code = DOMAIN_TO_API.get(exc.code, exc.code)
    if code not in STATUS:
        code = "invalid_request"
    return ApiError(code, exc.message)


def not_found(description: str = "The resource was not found") -> ApiError:
    return ApiError("not_found", description)


def invalid(description: str) -> ApiError:
    return ApiError("invalid_parameters", description)
