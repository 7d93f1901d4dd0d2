import time

import pytest
from django.db import connection

from ruisseau import ratelimit


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run; `ruisseau serve` uses the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _rate_limit_window_held(monkeypatch):
    # Rate limits count in fixed windows aligned on the clock: a test whose requests straddle a
    # minute boundary would see its counter start again. Every test counts in one window.
    started = time.time()
    monkeypatch.setattr(ratelimit, "clock", lambda: started)


@pytest.fixture
def on_postgres():
    """Skip, saying why, where a test needs PostgreSQL's row locks and real concurrency."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite on it too: RUISSEAU_DATABASE_URL=postgres://...)")


@pytest.fixture
def demo_instance(settings):
    """What `ruisseau demo` turns on (RUISSEAU_DEMO): the sample blog, served and payable."""
    settings.DEMO = True
    settings.OWN_CONTENT_PATHS = ("/demo-blog/",)
