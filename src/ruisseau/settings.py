"""Django settings, read once from the environment with defaults that work out of the box.

Every knob is an environment variable prefixed ``RUISSEAU_``; docs/configuration.md lists them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ruisseau.datadir import configured_data_dir


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


DATA_DIR = configured_data_dir()
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
# The name people know the site by (emails, the authenticator app) and where they reach its operator.
SITE_NAME = env_str("SITE_NAME", "Ruisseau").strip() or "Ruisseau"
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "contact@ruisseau.example").strip()
if "@" not in CONTACT_EMAIL[1:-1] or any(c.isspace() or c in "<>\"" for c in CONTACT_EMAIL):
    raise ImproperlyConfigured(f"RUISSEAU_CONTACT_EMAIL must be an email address, got {CONTACT_EMAIL!r}")

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
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
except ValueError:  # the URL itself is not repeated: it may hold a password
    raise ImproperlyConfigured(
        "RUISSEAU_DATABASE_URL must be a sqlite:///path or postgres://user:password@host:port/name URL"
    ) from None
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
# The statements every API call runs (token lookup, the click) and the busy pages' reads are prepared once per connection on
# PostgreSQL (ruisseau.db.prepared_cursor). Turn off behind a transaction-pooling PgBouncer older
# than 1.21 or without max_prepared_statements, which cannot keep a prepared statement.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares what a server-binding cursor has run 5 times (its default); Django's own
    # cursors bind in the client and never prepare, so only prepared_cursor()'s statements are.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
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
FORMAT_MODULE_PATH = ["ruisseau.formats"]  # English dates that read the same on both sides of the Atlantic
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
# Proxies in front of Ruisseau that append the client's address to X-Forwarded-For (ratelimit.client_ip):
# an https PUBLIC_URL means one TLS proxy; 0 ignores the header (Ruisseau faces the Internet itself).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1 if SECURE else 0, minimum=0)

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
LOGIN_REDIRECT_URL = "/dashboard/"  # a person signing in comes for their month: the dashboard
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("RUISSEAU_EMAIL_USE_TLS and RUISSEAU_EMAIL_USE_SSL exclude each other")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ruisseau <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ACCOUNT_ADAPTER = "ruisseau.web.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_CHANGE_EMAIL = True  # one address per person: changing it replaces the old one once confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or email changes
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth counts in the cache (see CACHE_URL): per IP and per email ("key").
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "10/h/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# The language cookie follows the session cookie: secure on an https:// PUBLIC_URL.
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)

# The website's own templates (allauth's pages and elements restyled, 404/500) take precedence.
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "web" / "overrides"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "django.template.context_processors.i18n",
    "ruisseau.web.context_processors.site",
]
MIDDLEWARE = [
    *MIDDLEWARE,
    "ruisseau.web.middleware.UserLanguageMiddleware",
    "ruisseau.web.middleware.ContentSecurityPolicyMiddleware",
]
# --- end of website section ------------------------------------------------------------------


# --- API and OAuth2 (django-oauth-toolkit) --------------------------------------------------
# Absolute URLs in API answers (`resource`, `link`, `Location`) are built from these bases.
# Paths on PUBLIC_URL that stand for someone else's pages and may become things (the demo blog);
# any other address of this instance is refused as a thing, except /thing/<id>/ which names <id>.
# The demo instance (``ruisseau demo`` sets RUISSEAU_DEMO): only there is the sample blog served
# and its pages, on this server's own address, can become things. A production instance must not
# let anyone be paid for a page the operator ships.
DEMO = env_bool("DEMO", False)
OWN_CONTENT_PATHS = ("/demo-blog/",) if DEMO else ()
API_BASE_URL = env_str("API_BASE_URL", f"{PUBLIC_URL}/rest/v2").rstrip("/")
# Calls per window and per access token (else per client address), as X-RateLimit-* report them.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 1000, minimum=1)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 3600, minimum=1)
API_PAGE_MAX = 100  # largest `count` a list answers with
API_BULK_MAX = env_int("API_BULK_MAX", 100, minimum=1)  # URLs in one POST /flattr/bulk


def _pkce_required(client_id: str) -> bool:
    # Imported late: settings load before the apps. Public clients (no secret) must use PKCE.
    from ruisseau.api.oauth_policy import pkce_required

    return pkce_required(client_id)


OAUTH2_PROVIDER = {
    "SCOPES": {
        "flattr": "Flattr things and manage your subscriptions",
        "thing": "Create, change and delete your things",
        "email": "Read your email address",
        "extendedread": "Read your private details (email, sign-up date) and your hidden things",
    },
    "DEFAULT_SCOPES": [],
    # Flattr tokens are valid until the user revokes them (reference §3.3).
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_TOKEN_EXPIRE_SECONDS", 10 * 365 * 24 * 3600, minimum=60),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 300,
    "PKCE_REQUIRED": _pkce_required,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https", *env_list("API_REDIRECT_SCHEMES", "")],
    "OAUTH2_BACKEND_CLASS": "ruisseau.api.oauth_backend.FormOrJsonOAuthLibCore",
    "REQUEST_APPROVAL_PROMPT": "auto",
}
# Named so that the API's personal-token model can point at oauth-toolkit's (swappable) model.
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
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
# The provider itself is RUISSEAU_PAYMENT_PROVIDER above ("sandbox" or "stripe"); docs/payments.md.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Empty means Stripe's own servers; tests point both at a local fake (localstripe).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# The card fee shown to people and charged on top of the amount added (Stripe's EEA card price).
CARD_FEE_BPS = env_int("CARD_FEE_BPS", 150, minimum=0)
CARD_FEE_FIXED_CENTS = env_int("CARD_FEE_FIXED_CENTS", 25, minimum=0)
PAYOUT_REQUIRE_IDENTITY = env_bool("PAYOUT_REQUIRE_IDENTITY", False)
# The operator's own bank account, debited by the SEPA credit-transfer file of payouts.
SEPA_DEBTOR_NAME = env_str("SEPA_DEBTOR_NAME", "")
SEPA_DEBTOR_IBAN = env_str("SEPA_DEBTOR_IBAN", "")
SEPA_DEBTOR_BIC = env_str("SEPA_DEBTOR_BIC", "")
if PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "RUISSEAU_PAYMENT_PROVIDER=stripe needs RUISSEAU_STRIPE_SECRET_KEY, RUISSEAU_STRIPE_PUBLISHABLE_KEY "
        "and RUISSEAU_STRIPE_WEBHOOK_SECRET (see docs/payments.md)"
    )
# --- end of payments section -----------------------------------------------------------------
