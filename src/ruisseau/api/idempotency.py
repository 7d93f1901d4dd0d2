"""Idempotency-Key on money-moving calls (flattr, flattr by URL, bulk, subscribe).

The key is reserved before acting (a unique row per user and key), so two concurrent calls with
one key cannot both act; the answer — success or documented error — is stored and replayed. The
same key with a different request is a conflict, never a silent replay of something else."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction

from ruisseau.api.errors import ApiError, from_domain, invalid
from ruisseau.api.models import IdempotentRequest
from ruisseau.errors import RuisseauError

HEADER = "Idempotency-Key"
_META_KEY = "HTTP_IDEMPOTENCY_KEY"  # how WSGI names the header


def idempotent(call, act):
    """Run ``act()`` (returning a JSON-able body) at most once per Idempotency-Key."""
    from ruisseau.api.http import Reply

    key = call.request.META.get(_META_KEY)  # not request.headers: that copies every header first
    if key is None:
        return act()
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise invalid("Idempotency-Key must be 1 to 200 printable characters")
    fingerprint = hashlib.sha256(
        b"\n".join([call.method.encode(), call.request.path.encode(), call.request.body])
    ).hexdigest()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(user_id=call.caller.user_id, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return _replay(call.caller.user_id, key, fingerprint, Reply)
    try:
        body = act()
    except (ApiError, RuisseauError) as exc:
        error = exc if isinstance(exc, ApiError) else from_domain(exc)
        _store(record, error.status, error.body())
        raise error from None
    except BaseException:
        record.delete()  # nothing was answered: let a retry act
        raise
    _store(record, 200, body)
    return body


def _store(record: IdempotentRequest, status: int, body) -> None:
    IdempotentRequest.objects.filter(pk=record.pk).update(status=status, body=body)


def _replay(user_id: int, key: str, fingerprint: str, reply_class):
    record = IdempotentRequest.objects.get(user_id=user_id, key=key)
    if record.fingerprint != fingerprint:
        raise ApiError("idempotency_conflict", "This Idempotency-Key was used for a different request")
    if record.status is None:
        raise ApiError("idempotency_conflict", "A request with this Idempotency-Key is still running")
    return reply_class(record.body, status=record.status, headers={"Idempotent-Replayed": "true"})
