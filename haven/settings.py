"""Haven's one settings module.

Everything that differs between machines comes from environment variables (README,
"Configuration", lists them all). There are two profiles:

* ``development`` (the default): SQLite under ``var/``, console email, plain HTTP on
  127.0.0.1, a secret key generated once into ``var/secret_key``.
* ``production``: every secret and host must be given; PostgreSQL only; secure cookies,
  HSTS and HTTPS redirects on. A missing or malformed value stops start-up with a message
  rather than running half-configured.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PROFILE = env_str("HAVEN_PROFILE", "development")
if PROFILE not in {"development", "production"}:
    raise ImproperlyConfigured(f"HAVEN_PROFILE must be development or production, not {PROFILE!r}.")
PRODUCTION = PROFILE == "production"

DATA_DIR = Path(env_str("HAVEN_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    key = env_str("HAVEN_SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("HAVEN_SECRET_KEY must be at least 50 characters.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("HAVEN_SECRET_KEY is required in the production profile.")
    # Development: one random key per checkout, kept out of the repository.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = (not PRODUCTION) and env_bool("HAVEN_DEBUG", False)

ALLOWED_HOSTS = env_list(
    "HAVEN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("HAVEN_ALLOWED_HOSTS is required in the production profile.")

# The address people use to reach Haven; links in emails are built from it.
BASE_URL = env_str("HAVEN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("HAVEN_BASE_URL must start with https:// in production.")
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "haven.core",
    "haven.accounts",
    "haven.access",
    "haven.audit",
    "haven.notifications",
    "haven.drafts",
    "haven.configuration",
    "haven.people",
    "haven.chronology",
    "haven.jobs",
    "haven.workforce",
    "haven.programmes",
    "haven.documents",
    "haven.safeguarding",
    "haven.cases",
    "haven.frontdoor",
    "haven.thresholds",
    "haven.tasks",
    "haven.reports",
    "haven.scale",
    # Last, so that Haven's own widget templates (haven/core/templates/django/forms/) win.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "haven.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "haven.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "haven.core.middleware.NoStoreMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

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
                "csp.context_processors.nonce",
                "haven.core.context_processors.haven",
            ],
        },
    }
]
# Forms render their widgets with the project's own engine, so the templates above can
# replace Django's slower ones (see haven/core/templates/django/forms/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{DATA_DIR / 'haven.sqlite3'}"
_db_url = env_str("DATABASE_URL", None if PRODUCTION else _default_db)
if not _db_url:
    raise ImproperlyConfigured("DATABASE_URL is required in the production profile.")
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if PRODUCTION:
        raise ImproperlyConfigured("The production profile needs PostgreSQL (DATABASE_URL).")
    # Our SQLite backend keeps the audit table append-only through flushes (tests).
    _db["ENGINE"] = "haven.core.db.sqlite3"
    _db["CONN_MAX_AGE"] = 0
    # Tests use an in-memory database; named explicitly so that parallel test workers do
    # too (pytest-django only recognises Django's own SQLite engine by name).
    _db["TEST"] = {"NAME": ":memory:"}
    _db["OPTIONS"] = {
        # Writers take the lock at BEGIN, so two appends to the audit chain never interleave.
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=10000"
        ),
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite.")
else:
    # No just-in-time compilation: Haven's queries run in milliseconds, and compiling one
    # whose plan merely looks expensive (a report over a year, say) cost more than running
    # it, 0.5 s of a 0.8 s report at a million people. A pooler that refuses startup
    # options (PgBouncer by default) needs ALTER DATABASE … SET jit = off instead.
    _options = _db.setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The concern report index carries extra columns (INCLUDE) so that PostgreSQL answers the
# reports from the index alone; SQLite has no such columns and builds the plain index, as
# intended, so its warning about them says nothing worth acting on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Authentication ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "haven.accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and a check against common passwords; no composition rules (NCSC guidance).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"

# Lock-out: five failures for one account from one address, then thirty minutes' rest.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "haven.accounts.views.sign_in_username"
AXES_LOCKOUT_CALLABLE = "haven.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("HAVEN_PROXY_COUNT", 1 if PRODUCTION else 0)

OTP_TOTP_ISSUER = env_str("HAVEN_TOTP_ISSUER", "Haven")
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Sessions ---------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The absolute limit: a session never outlives 12 hours, however active.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-haven" if PRODUCTION else "haven_session"
CSRF_COOKIE_NAME = "__Host-haven-csrf" if PRODUCTION else "haven_csrf"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
DEFAULT_IDLE_TIMEOUT_MINUTES = 30
IDLE_WARNING_SECONDS = 120
STEP_UP_MAX_AGE = timedelta(minutes=15)
DRAFT_MAX_AGE = timedelta(days=7)
INVITATION_LIFETIME = timedelta(hours=72)

# --- Security headers -------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("HAVEN_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("HAVEN_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Requests larger than this are refused before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
MAX_REQUEST_BYTES = env_int("HAVEN_MAX_REQUEST_BYTES", 30 * 1024 * 1024)

# --- Email ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("HAVEN_EMAIL_FROM", "Haven <haven@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("HAVEN_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("HAVEN_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("HAVEN_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("HAVEN_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("HAVEN_EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
FORMAT_MODULE_PATH = ["haven.core.formats"]

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files live outside the web root and are only ever served through an access check.
MEDIA_ROOT = Path(env_str("HAVEN_FILES_DIR", str(DATA_DIR / "files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The document vault (haven.documents.storage): the same folder by default; point it at an
    # S3-compatible backend to keep documents there. Never given a public URL.
    "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HAVEN_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO: only its warnings are news.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
