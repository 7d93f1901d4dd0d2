"""Users (reference §7.4)."""

from __future__ import annotations

from ruisseau.api import queries, representations as rep
from ruisseau.api.http import Call, endpoint


@endpoint("GET")
def user(call: Call, username: str):
    return rep.full_user(queries.user_by_name(username), call.caller)


@endpoint("GET", token=True)
def me(call: Call):
    return rep.full_user(call.caller.user, call.caller)
