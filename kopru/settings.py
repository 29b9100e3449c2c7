"""Kopru settings: one file, every knob from the environment (see docs/operations.md).

KOPRU_ENV picks the defaults: "development" (the demo and local work), "test", or
"production" (secure cookies, HSTS, no debug; needs KOPRU_SECRET_KEY and KOPRU_ALLOWED_HOSTS).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KOPRU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name, default=None):
    return os.environ.get(f"KOPRU_{name}", default)


def env_bool(name, default=False):
    value = env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


KOPRU_ENV = env("ENV", "development")
if KOPRU_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("KOPRU_ENV must be development, test or production")
PRODUCTION = KOPRU_ENV == "production"

DEBUG = env_bool("DEBUG", default=KOPRU_ENV == "development")


def _secret_key():
    key = env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("KOPRU_SECRET_KEY must be set in production")
    # A local checkout keeps one generated key so sessions and the audit chain survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Keyed hash of the audit chain; changing it makes every earlier entry fail verification.
AUDIT_KEY = env("AUDIT_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kopru.core",
    "kopru.registry",
    "kopru.services",
    "kopru.health",
    "kopru.mhpss",
    "kopru.casework",
    "kopru.assistance",
    "kopru.education",
    "kopru.livelihoods",
    "kopru.community",
    "kopru.capacity",
    "kopru.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kopru.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kopru.core.middleware.MissionMiddleware",
    "kopru.core.middleware.AccessPolicyMiddleware",
    # Last, so that it sees the outcome of authentication for every request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kopru.urls"
WSGI_APPLICATION = "kopru.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kopru" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kopru.core.context_processors.kopru",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) under var/ by default; KOPRU_DATABASE_URL=postgres://... for PostgreSQL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kopru.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing; IMMEDIATE takes it at BEGIN, so a
        # transaction that reads then writes cannot deadlock against another writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif env_bool("DB_TRANSACTION_POOLING"):
    # PgBouncer in transaction mode cannot keep a server-side cursor across statements.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
OTP_TOTP_ISSUER = "Kopru"

# Lock-out after repeated failures (django-axes): per username and address.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Reverse proxies in front of Kopru (nginx: 1), so the real client address is used.
KOPRU_PROXY_COUNT = int(env("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "kopru.core.network.client_ip"

# --- Security headers and cookies -----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env("SESSION_HOURS", "10")) * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every asset is vendored, so nothing but our own origin is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("ru", _("Russian")),
]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "kopru" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the mission's zone (MissionMiddleware)
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kopru" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATIC_ROOT.mkdir(exist_ok=True)
# Outside production, files are served straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded documents (quotes, invoices, receipts): outside every served folder, read only
# through views that check access and audit.
UPLOAD_ROOT = Path(env("UPLOAD_DIR", VAR_DIR / "uploads"))
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))

# --- Background work ------------------------------------------------------------------------
# django.tasks API; the database backend needs no extra service (a db_worker runs the queue).
TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Messages to people ---------------------------------------------------------------------
# Reminders and notices go to the outbox table; this class delivers them (kopru.core.messaging).
KOPRU_MESSAGE_GATEWAY = env("MESSAGE_GATEWAY", "kopru.core.messaging.ConsoleGateway")

# --- Reporting ------------------------------------------------------------------------------
# The implementing organisation named in coordination exports (#org+impl).
KOPRU_ORGANISATION = env("ORGANISATION", "IOM")
# Reports and exports shared outside the mission hide people counts below this (REPORTING.md).
KOPRU_DISCLOSURE_THRESHOLD = int(env("DISCLOSURE_THRESHOLD", "5"))

# --- API ------------------------------------------------------------------------------------
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE
NINJA_MAX_PER_PAGE_SIZE = API_MAX_PAGE_SIZE

# --- Demo -----------------------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("KOPRU_DEMO_PASSWORD", "kopru-demo")
# How much of the demo year of services to generate (1 = the full year, ~19,000 events; the
# tests use a sliver).
DEMO_SCALE = float(env("DEMO_SCALE", "1"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {"kopru": {"level": env("LOG_LEVEL", "INFO")}},
}
