"""Schemathesis generates requests from /rest/v2/openapi.json and sends them to a live server:
no answer may be a 5xx, and every answer must match the schema it documents."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ruisseau.flattrs.services import flattr_thing
from tests import factories
from tests.integration.api.conftest import make_token

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.mark.django_db(transaction=True)
def test_api_matches_its_description(live_server, settings):
    settings.PUBLIC_URL = live_server.url
    settings.API_BASE_URL = f"{live_server.url}/rest/v2"
    owner, fan = factories.user("alice"), factories.user("bob")
    thing = factories.thing(owner)
    factories.thing(owner)
    flattr_thing(fan.id, thing.id)
    headers = {"Authorization": f"Bearer {make_token(fan)}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/rest/v2/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=10, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
