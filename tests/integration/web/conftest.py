import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth and ruisseau.ratelimit count in the cache; each test starts with empty counters.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    """A signed-up person with a verified email address, as allauth would leave them."""
    user = factories.user("marie")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
