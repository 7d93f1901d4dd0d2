"""Cookie and transport settings follow RUISSEAU_PUBLIC_URL (settings are read once, at import,
so each case imports them in a fresh interpreter)."""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({k: getattr(settings, k, None) "
    "for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
    "'SECURE_HSTS_SECONDS', 'EMAIL_BACKEND', 'EMAIL_USE_TLS', 'TRUSTED_PROXIES']}))"
)


def probe(tmp_path, **env) -> dict:
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("RUISSEAU_")}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "ruisseau.settings", "RUISSEAU_DATA_DIR": str(tmp_path), **env}
    out = subprocess.run([sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_https_deployments_get_secure_cookies_and_hsts(tmp_path):
    values = probe(tmp_path, RUISSEAU_PUBLIC_URL="https://ruisseau.example")
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["LANGUAGE_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["TRUSTED_PROXIES"] == 1  # the TLS proxy's X-Forwarded-For entry, the last one


def test_the_local_demo_works_over_plain_http(tmp_path):
    values = probe(tmp_path)
    assert not values["SESSION_COOKIE_SECURE"] and not values["LANGUAGE_COOKIE_SECURE"]
    assert values["TRUSTED_PROXIES"] == 0  # no proxy: X-Forwarded-For is the client's own words
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_smtp_is_chosen_by_setting(tmp_path):
    values = probe(tmp_path, RUISSEAU_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", RUISSEAU_EMAIL_USE_TLS="true")
    assert values["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and values["EMAIL_USE_TLS"] is True


def test_tls_and_ssl_together_are_refused(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as error:
        probe(tmp_path, RUISSEAU_EMAIL_USE_TLS="true", RUISSEAU_EMAIL_USE_SSL="true")
    assert "exclude each other" in error.value.stderr


def test_a_contact_address_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as error:
        probe(tmp_path, RUISSEAU_CONTACT_EMAIL="nobody")
    assert "RUISSEAU_CONTACT_EMAIL must be an email address, got 'nobody'" in error.value.stderr
