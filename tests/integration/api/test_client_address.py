"""Anonymous API calls are counted per client address; behind a proxy that is the address the
proxy appended to X-Forwarded-For, never one the client wrote there itself."""

import pytest
from django.test import Client

from ruisseau.web.adapter import AccountAdapter

pytestmark = pytest.mark.django_db

BEHIND_PROXY = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def behind_one_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = 1


def current(client: Client, forwarded_for: str) -> int:
    response = client.get("/rest/v2/categories", headers={**BEHIND_PROXY, "X-Forwarded-For": forwarded_for})
    assert response.status_code == 200
    return int(response["X-RateLimit-Current"])


def test_made_up_forwarded_addresses_share_the_real_clients_count(behind_one_proxy):
    client = Client()
    # The proxy appends the real address (203.0.113.7) after whatever the client sent.
    counts = [current(client, f"{made_up}, 203.0.113.7") for made_up in ("2.2.2.2", "3.3.3.3", "4.4.4.4")]
    assert counts == [1, 2, 3]
    assert current(client, "203.0.113.8") == 1  # another client is counted apart


def test_two_trusted_proxies_count_the_address_the_outer_one_appended(behind_one_proxy, settings):
    settings.TRUSTED_PROXIES = 2
    client = Client()
    assert [current(client, f"{made_up}, 198.51.100.4, 10.0.0.2") for made_up in ("5.5.5.5", "6.6.6.6")] == [1, 2]


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    client = Client()
    assert [current(client, made_up) for made_up in ("7.7.7.7", "8.8.8.8")] == [1, 2]


def test_sign_in_limits_count_the_same_address(behind_one_proxy, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"
