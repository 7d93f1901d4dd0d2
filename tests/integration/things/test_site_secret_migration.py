"""Migration 0004: every existing site gets its own signing secret (adding the column alone would
give them all the one default computed for the migration) and keeps attributing unsigned links."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("things", "0003_site_pages")], [("things", "0004_site_signatures")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_sites_each_get_their_own_secret_and_stay_unsigned():
    old = migrate(BEFORE)
    User, Site = old.get_model("accounts", "User"), old.get_model("things", "Site")
    owner = User.objects.create(username="migrated", email="migrated@example.org")
    for domain in ("one.example", "two.example"):
        Site.objects.create(domain=domain, owner_id=owner.id, token=domain, created_at=timezone.now())
    try:
        new = migrate(AFTER)
        rows = list(new.get_model("things", "Site").objects.order_by("domain").values_list("secret", "signed_only"))
    finally:
        migrate(AFTER)
    assert len(rows) == 2 and rows[0][0] != rows[1][0]
    assert all(re.fullmatch(r"[0-9a-f]{64}", secret) and not signed_only for secret, signed_only in rows)
