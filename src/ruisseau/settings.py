"""Django settings, read once from the environment with defaults that work out of the box.

Every knob is an environment variable prefixed ``RUISSEAU_``; docs/configuration.md lists them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(f"RUISSEAU_{name}", default)


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(f"RUISSEAU_{name}")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"RUISSEAU_{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"RUISSEAU_{name} must be at least {minimum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"RUISSEAU_{name}")
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"RUISSEAU_{name} must be true or false, got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    configured = env_str("SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]

# --- Money and the rules of DESIGN.md §2–3 -------------------------------------------------
CURRENCY = env_str("CURRENCY", "EUR").upper()
FEE_BPS = env_int("FEE_BPS", 500, minimum=0)
MIN_BUDGET_CENTS = env_int("MIN_BUDGET_CENTS", 200, minimum=1)
MAX_BUDGET_CENTS = env_int("MAX_BUDGET_CENTS", 10_000, minimum=1)
MIN_PAYOUT_CENTS = env_int("MIN_PAYOUT_CENTS", 1_000, minimum=1)
MAX_TOPUP_CENTS = env_int("MAX_TOPUP_CENTS", 100_000, minimum=1)
PLEDGE_MONTHS = env_int("PLEDGE_MONTHS", 6, minimum=1)
# Clicks that began before midnight may still be committing: settle a period only this long after.
SETTLE_AFTER_MINUTES = env_int("SETTLE_AFTER_MINUTES", 15, minimum=0)
RECEIVE_REQUIRES_GIVING = env_bool("RECEIVE_REQUIRES_GIVING", True)
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox")
if FEE_BPS >= 10_000:
    raise ImproperlyConfigured("RUISSEAU_FEE_BPS must be below 10000 (100 %)")
if MAX_BUDGET_CENTS < MIN_BUDGET_CENTS:
    raise ImproperlyConfigured("RUISSEAU_MAX_BUDGET_CENTS must not be below RUISSEAU_MIN_BUDGET_CENTS")
if len(CURRENCY) != 3 or not CURRENCY.isalpha():
    raise ImproperlyConfigured(f"RUISSEAU_CURRENCY must be a three-letter code, got {CURRENCY!r}")

# --- Database ----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ruisseau.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so two transactions never both read a balance and then fail to upgrade to writing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("RUISSEAU_DATABASE_URL must be a sqlite:// or postgres:// URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and short-lived counters. Local memory by default (per process); a database table
# (`ruisseau manage createcachetable` first) shares counts between processes without Redis.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith("db://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": CACHE_URL.removeprefix("db://") or "ruisseau_cache"}}
else:
    raise ImproperlyConfigured("RUISSEAU_CACHE_URL must be locmem:// or db://TABLE")

# Fetching pages people name (prefill, ownership proof): see things/fetch.py.
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 5, minimum=1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 1_048_576, minimum=1024)
# Off in production: a URL from a user must never make the server call into its own network.
FETCH_ALLOW_PRIVATE = env_bool("FETCH_ALLOW_PRIVATE", False)

# --- Django ------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "oauth2_provider",
    "ruisseau.accounts",
    "ruisseau.ledger",
    "ruisseau.things",
    "ruisseau.flattrs",
    "ruisseau.settlement",
    "ruisseau.payments",
    "ruisseau.web",
    "ruisseau.pages",
    "ruisseau.api",
    "ruisseau.widgets",
    "ruisseau.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "ruisseau.urls"
WSGI_APPLICATION = "ruisseau.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # `ruisseau serve` fills it (collectstatic) before starting
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# Production hardening follows the public URL: HTTPS deployments get secure cookies and HSTS.
SECURE = PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if SECURE:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"ruisseau": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True}},
}

# The sections below belong to one area each (website, API, widgets, payments); keep each
# area's settings inside its own section so that work on one never collides with another.

# --- Website and accounts (allauth) --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ruisseau <noreply@localhost>")
# --- end of website section ------------------------------------------------------------------


# --- API and OAuth2 (django-oauth-toolkit) --------------------------------------------------
# --- end of API section ----------------------------------------------------------------------


# --- Buttons, badges, ownership proof and sites ----------------------------------------------
# How long a badge or button count may be stale in other processes (see widgets/counts.py).
WIDGETS_COUNT_TTL_SECONDS = env_int("WIDGETS_COUNT_TTL_SECONDS", 60, minimum=1)
# Browsers and proxies may serve a stale badge this long while they refetch it.
WIDGETS_STALE_SECONDS = env_int("WIDGETS_STALE_SECONDS", 600, minimum=0)
# Who may frame the iframe button (a CSP frame-ancestors source list); "*" = every site.
WIDGETS_FRAME_ANCESTORS = env_str("WIDGETS_FRAME_ANCESTORS", "*")
# Domain proofs: schemes tried for the home page and /.well-known/ file (tests use http).
SITE_PROOF_SCHEMES = env_list("SITE_PROOF_SCHEMES", "https")
# DNS TXT proofs: resolver address and port; empty = the system resolver.
SITE_DNS_NAMESERVER = env_str("SITE_DNS_NAMESERVER", "")
SITE_DNS_PORT = env_int("SITE_DNS_PORT", 53, minimum=1)
SITE_DNS_TIMEOUT_SECONDS = env_int("SITE_DNS_TIMEOUT_SECONDS", 5, minimum=1)
# Opt-in: send the session and CSRF cookies inside buttons framed by other sites (SameSite=None,
# HTTPS only), so a signed-in reader flattrs in one click there. Off, the button falls back to the
# sign-in popup, which works in every browser (docs/integrations.md, "Cookies and privacy").
WIDGETS_THIRD_PARTY_COOKIES = env_bool("WIDGETS_THIRD_PARTY_COOKIES", False)
if WIDGETS_THIRD_PARTY_COOKIES:
    if not SECURE:
        raise ImproperlyConfigured("RUISSEAU_WIDGETS_THIRD_PARTY_COOKIES needs an https RUISSEAU_PUBLIC_URL")
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
# --- end of widgets section ------------------------------------------------------------------


# --- Payments, payouts and refunds -----------------------------------------------------------
# --- end of payments section -----------------------------------------------------------------
