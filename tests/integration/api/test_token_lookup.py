"""The bearer-token lookup (api/auth.py) is one raw statement: it must refuse exactly what the
ORM lookup refused — expired, revoked, unknown tokens and closed or inactive users — at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from ruisseau.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def _me(api, raw):
    return api(raw).get("/user")


def test_a_live_token_answers_and_each_dead_one_is_refused_at_once(api, token):
    user = factories.user()
    raw = token(user, "flattr")
    assert _me(api, raw).status_code == 200
    AccessToken.objects.filter(user=user).update(expires=timezone.now() - timedelta(seconds=1))
    assert _me(api, raw).status_code == 401
    AccessToken.objects.filter(user=user).update(expires=timezone.now() + timedelta(hours=1))
    assert _me(api, raw).status_code == 200
    AccessToken.objects.filter(user=user).delete()  # revoked
    refused = _me(api, raw)
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert _me(api, "not-a-token").status_code == 401


def test_tokens_of_inactive_or_closed_users_are_refused(api, token):
    inactive, closed = factories.user(), factories.user()
    raw_inactive, raw_closed = token(inactive, "flattr"), token(closed, "flattr")
    User.objects.filter(id=inactive.id).update(is_active=False)
    User.objects.filter(id=closed.id).update(closed_at=timezone.now())
    assert _me(api, raw_inactive).status_code == 401
    assert _me(api, raw_closed).status_code == 401


def test_scopes_come_from_the_token(api, token):
    user, thing = factories.user(), factories.thing(factories.user())
    refused = api(token(user, "thing")).post(f"/things/{thing.id}/flattr")
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert api(token(user, "thing flattr")).post(f"/things/{thing.id}/flattr").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_between_calls_is_replaced(on_postgres, api, token):
    """The token lookup stands in for Django's SELECT 1 health check: a connection that died since
    the last request (database restart, failover) is replaced, and the call answers as usual."""
    import time

    import psycopg
    from django.db import close_old_connections, connection

    raw = token(factories.user(), "flattr")
    assert _me(api, raw).status_code == 200
    close_old_connections()  # what each request starts with (the test client skips it)
    dropped = connection.connection.info.backend_pid
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dropped])
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [dropped]).fetchone():
            time.sleep(0.01)
    answer = _me(api, raw)
    assert answer.status_code == 200, answer.content
    assert connection.connection.info.backend_pid != dropped
    close_old_connections()  # and a refused token is still refused on a replaced connection
    assert _me(api, "not-a-token").status_code == 401
