import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run; `ruisseau serve` uses the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def on_postgres():
    """Skip, saying why, where a test needs PostgreSQL's row locks and real concurrency."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite on it too: RUISSEAU_DATABASE_URL=postgres://...)")
