import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Counts are cached; each test starts from an empty cache like a fresh process.
    cache.clear()
    yield
    cache.clear()
