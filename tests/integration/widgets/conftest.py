import pytest
from django.core.cache import cache

from tests.integration.widgets.servers import DnsServer, PageServer


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Counts are cached; each test starts from an empty cache like a fresh process.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_server(settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the test server is on loopback
    settings.SITE_PROOF_SCHEMES = ["http"]
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def dns_server(settings):
    server = DnsServer()
    settings.SITE_DNS_NAMESERVER = "127.0.0.1"
    settings.SITE_DNS_PORT = server.port
    settings.SITE_DNS_TIMEOUT_SECONDS = 2
    yield server
    server.close()
