"""Subscriptions by thing id (reference §7.3); all need the flattr scope."""

from __future__ import annotations

from ruisseau.api import queries, representations as rep
from ruisseau.api.errors import ApiError
from ruisseau.api.http import Call, Reply, endpoint
from ruisseau.api.idempotency import idempotent
from ruisseau.flattrs import subscriptions as service


def _thing_id(raw: str) -> int:
    try:
        return queries.thing_by_id(int(raw)).id
    except ValueError:
        raise ApiError("not_found", "The requested thing could not be found") from None


@endpoint("POST", "PUT", "DELETE", scope="flattr")
def thing_subscription(call: Call, thing_id: str):
    tid = _thing_id(thing_id)
    user_id = call.caller.user_id
    if call.method == "POST":
        def act():
            service.subscribe(user_id, tid, None)  # API subscriptions run until cancelled
            thing = queries.thing_by_id(tid)
            return {"message": "ok", "description": "Successfully subscribed to Thing",
                    "thing": rep.mini_thing(thing, flattrs=thing.n_flattrs)}

        return idempotent(call, act)
    sub = queries.subscription_for(user_id, tid)
    if call.method == "PUT":
        sub = service.toggle_pause(user_id, sub.id)
        if sub.paused:
            return {"message": "paused", "description": "Subscription paused"}
        return {"message": "started", "description": "Subscription started"}
    service.cancel(user_id, sub.id)
    return Reply(status=204)


@endpoint("GET", scope="flattr")
def my_subscriptions(call: Call):
    return rep.subscriptions(queries.subscriptions_of(call.caller.user_id), call.caller)
