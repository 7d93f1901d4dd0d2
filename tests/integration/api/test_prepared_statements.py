"""On PostgreSQL the statements every API click runs — the token lookup and the one-statement click —
are prepared once per connection (ruisseau.db.prepared_cursor), and not at all with
RUISSEAU_DATABASE_PREPARED_STATEMENTS off (for poolers that cannot keep them)."""

import pytest
from django.db import connection

from tests import factories

pytestmark = pytest.mark.django_db


def _prepared() -> dict[str, int]:
    """Each prepared statement of this connection (its first words) and how often it ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return {" ".join(sql.split())[:40]: runs for sql, runs in cursor.fetchall()}


def _click_six_times(api, token):
    owner = factories.user()
    for _ in range(6):  # psycopg prepares what a connection ran 5 times
        giver, thing = factories.user(), factories.thing(owner)
        assert api(token(giver, "flattr")).post(f"/things/{thing.id}/flattr").status_code == 200


def test_the_token_lookup_and_the_click_are_prepared(on_postgres, api, token):
    _click_six_times(api, token)
    prepared = _prepared()
    assert any(sql.startswith("SELECT t.id, t.scope") for sql in prepared), prepared
    assert any(sql.startswith("WITH new AS ( INSERT INTO") for sql in prepared), prepared


def test_nothing_is_prepared_with_the_setting_off(on_postgres, api, token, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    before = _prepared()
    _click_six_times(api, token)
    assert _prepared() == before
