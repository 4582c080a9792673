"""NetworkCRM settings: one file, every value from the environment.

Defaults suit a laptop (SQLite, a file-system Celery broker, e-mail written to files);
production sets the variables listed in `.env.example`. A malformed value stops start-up
with a sentence naming the variable (see `networkcrm.env`).
"""

from __future__ import annotations

import base64
import hashlib
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from networkcrm.env import Env, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# A development checkout has a .env (`make install` writes one with DEBUG=true);
# production sets real environment variables, which always win over the file.
read_env_file(BASE_DIR / ".env")
env = Env()

DEBUG = env.boolean("DEBUG", False)

SECRET_KEY = env.string("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: set SECRET_KEY to a long random "
            "string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "networkcrm.apps.NetworkCRMAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "axes",
    "accounts",
    "contacts",
    "goals",
    "kpis",
    "communities",
    "events",
    "content",
    "followups",
    "imports",
    "coaching",
    "webhooks",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "capture",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless it is marked with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Dates and times in the signed-in user's time zone (their profile's).
    "accounts.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes must come last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "networkcrm.urls"
WSGI_APPLICATION = "networkcrm.wsgi.application"
ASGI_APPLICATION = "networkcrm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file in `make run`: WAL lets readers and a
    # writer work at once, IMMEDIATE transactions avoid "database is locked" upgrades.
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries are short; PostgreSQL's JIT spent more time compiling the contact
    # search's COUNT than running it (see bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Keep connections between requests and tasks: opening one costs more than most pages'
    # queries. Health checks replace a connection the server has dropped.
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis and Celery -------------------------------------------------------------------
REDIS_URL = env.string("REDIS_URL")
if REDIS_URL:
    env.url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    REDIS_URL or "filesystem://",
    schemes=("redis", "rediss", "filesystem", "amqp", "amqps"),
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server: messages are files under var/celery/.
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # The file-system transport has no broadcast exchange for remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 30)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
HEARTBEAT_INTERVAL = env.integer("HEARTBEAT_INTERVAL", 60, minimum=1)
# The schedule lives here, in code; the database scheduler copies it into the
# django-celery-beat tables at start so operators can see it in the admin.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "followups.tasks.heartbeat",
        "schedule": float(HEARTBEAT_INTERVAL),
    },
    "strength-nightly": {
        "task": "contacts.tasks.strength_refresh_all",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
    # The digest's doorbell: the sweep finds due users in the database (followups/digest.py).
    "digest-sweep": {
        "task": "followups.tasks.digest_sweep",
        "schedule": float(env.integer("DIGEST_SWEEP_INTERVAL", 60, minimum=1)),
        "options": {"expires": 55},
    },
    # Weekly KPIs and the weekly summary: the sweep finds due users in the database (kpis.rollup).
    "kpi-sweep": {"task": "kpis.tasks.kpi_sweep", "schedule": 60.0, "options": {"expires": 55}},
    # Webhooks: lost and retried deliveries queued again, follow-ups due told (webhooks.delivery).
    "webhooks-sweep": {
        "task": "webhooks.tasks.webhooks_sweep",
        "schedule": float(env.integer("WEBHOOKS_SWEEP_INTERVAL", 30, minimum=1)),
        "options": {"expires": 25},
    },
    # Mailboxes and calendar subscriptions due for a sync (capture/sync.py).
    "capture-sync-sweep": {
        "task": "capture.tasks.sync_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# The daily digest (followups/digest.py). A claimed delivery belongs to one worker for the
# lease, then the sweep queues it again; links in the e-mail expire after DIGEST_LINK_DAYS.
DIGEST_LEASE_SECONDS = env.integer("DIGEST_LEASE_SECONDS", 600, minimum=1)
DIGEST_RETRY_PAUSE_SECONDS = env.integer("DIGEST_RETRY_PAUSE_SECONDS", 2, minimum=0)
DIGEST_LINK_DAYS = env.integer("DIGEST_LINK_DAYS", 7, minimum=1)
# How long a coach invitation link works.
COACH_INVITATION_DAYS = env.integer("COACH_INVITATION_DAYS", 14, minimum=1)
# Invitation e-mails (first sends and resends) one client may send in any 24 hours: the app
# mails any address a user types, so it must not become a way to mail someone all day.
COACH_INVITATIONS_PER_DAY = env.integer("COACH_INVITATIONS_PER_DAY", 5, minimum=1)
DIGEST_MAX_ITEMS = env.integer("DIGEST_MAX_ITEMS", 25, minimum=1)
DIGEST_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"

# Webhooks (webhooks/delivery.py). Targets on loopback, private, link-local and reserved
# networks are refused unless allowed here (webhooks/targets.py): all of them, or a list of
# networks such as "10.1.2.0/24,fd00::/8".
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.boolean("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
WEBHOOKS_ALLOWED_NETWORKS = env.strings("WEBHOOKS_ALLOWED_NETWORKS", [])
for _network in WEBHOOKS_ALLOWED_NETWORKS:
    try:
        ip_network(_network)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOKS_ALLOWED_NETWORKS must list networks such as 10.1.2.0/24, not {_network!r}."
        ) from None
WEBHOOKS_CONNECT_TIMEOUT = env.integer("WEBHOOKS_CONNECT_TIMEOUT", 5, minimum=1)
WEBHOOKS_READ_TIMEOUT = env.integer("WEBHOOKS_READ_TIMEOUT", 10, minimum=1)
# A failed attempt waits WEBHOOKS_RETRY_SECONDS, then twice that, four times… up to
# WEBHOOKS_MAX_ATTEMPTS attempts in all (about 4 hours at the defaults).
WEBHOOKS_RETRY_SECONDS = env.integer("WEBHOOKS_RETRY_SECONDS", 60, minimum=1)
WEBHOOKS_MAX_ATTEMPTS = env.integer("WEBHOOKS_MAX_ATTEMPTS", 8, minimum=1)
# A claimed delivery belongs to one worker this long; longer than the send task's time limit.
WEBHOOKS_LEASE_SECONDS = env.integer("WEBHOOKS_LEASE_SECONDS", 300, minimum=1)
# Delivered and failed deliveries are kept this long (the log on each endpoint's page).
WEBHOOKS_KEEP_DAYS = env.integer("WEBHOOKS_KEEP_DAYS", 30, minimum=1)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ProfileBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection, for AXES_COOLOFF_HOURS: an e-mail from one address after
# AXES_FAILURE_LIMIT failed logins (never the e-mail everywhere: a stranger could lock its
# owner out), and an address after AXES_ADDRESS_FAILURE_LIMIT on any e-mails (spraying).
# Axes has one limit for all parameters; accounts.axes.LockoutHandler gives each its own.
AXES_HANDLER = "accounts.axes.LockoutHandler"
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_ADDRESS_FAILURE_LIMIT = env.integer("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = env.integer("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.axes.username_from_request"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a proxy, count one hop (X-Forwarded-For) when told the proxy sets it.
AXES_IPWARE_PROXY_COUNT = 1 if env.boolean("BEHIND_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Security -----------------------------------------------------------------------------
# HTTPS_ONLY (on by default when DEBUG is off) turns on the SSL redirect, secure cookies
# and HSTS. Turn it off only to try a production build over plain http on localhost.
HTTPS_ONLY = env.boolean("HTTPS_ONLY", not DEBUG)
if env.boolean("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000, minimum=0) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions are written to the database and read from the cache first: every page needs the
# session, and the cache (Redis, or each process's memory) answers faster than a query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
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

# --- REST API (api/) --------------------------------------------------------------------------
# Requests a token (or a signed-in user) may make, e.g. "120/min"; empty turns the limit off.
API_RATE_LIMIT = env.string("API_RATE_LIMIT", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NetworkCRM API",
    "DESCRIPTION": "Your contacts, interactions, follow-ups, plan and KPIs. Authenticate with a "
    "personal access token from Settings → API tokens: `Authorization: Bearer <token>`. "
    "Errors are RFC 9457 problem details (application/problem+json).",
    # Bump with a line in api/CHANGELOG.md whenever api/schema.yaml changes (tests/api).
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CheckinStatusEnum": "contacts.models.CheckinStatus",
        "DueStatusEnum": ["overdue", "due"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    # The docs page's files come with drf-spectacular-sidecar: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date style (networkcrm/formats/): "25 Aug 2020", "25 Aug 2020, 14:05", "5 Dec" where the
# year is plain. Times show in the signed-in user's zone (accounts.middleware).
FORMAT_MODULE_PATH = ["networkcrm.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
IMPORT_MAX_BYTES = env.integer("IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)  # per upload

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "NetworkCRM <networkcrm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.string("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
    EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30, minimum=1)
else:
    # No SMTP server configured: every message is written to var/mail/ and echoed.
    EMAIL_BACKEND = "networkcrm.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Capture (forwarding address, mailboxes, calendars) ----------------------------------
# The forwarding address is log+<token>@CAPTURE_DOMAIN; the receiver (`manage.py
# capture_receive`) listens on CAPTURE_RECEIVER_HOST:CAPTURE_RECEIVER_PORT, speaking SMTP, or
# LMTP with CAPTURE_RECEIVER_LMTP=true (for a mail server's transport).
CAPTURE_DOMAIN = env.string("CAPTURE_DOMAIN", "localhost")
CAPTURE_RECEIVER_HOST = env.string("CAPTURE_RECEIVER_HOST", "127.0.0.1")
CAPTURE_RECEIVER_PORT = env.integer("CAPTURE_RECEIVER_PORT", 2525, minimum=1)
CAPTURE_RECEIVER_LMTP = env.boolean("CAPTURE_RECEIVER_LMTP", False)
CAPTURE_MAX_MESSAGE_BYTES = env.integer("CAPTURE_MAX_MESSAGE_BYTES", 25 * 1024 * 1024, minimum=1)
# A source that fails this many times in a row stops retrying and its user gets one e-mail.
CAPTURE_MAX_FAILURES = env.integer("CAPTURE_MAX_FAILURES", 5, minimum=1)
# Mailboxes and calendar subscriptions (capture/sync.py): how often each is read, and how long
# one sync owns its source before another may take it (longer than the sync task's time limit).
CAPTURE_MAILBOX_INTERVAL_MINUTES = env.integer("CAPTURE_MAILBOX_INTERVAL_MINUTES", 15, minimum=1)
CAPTURE_FEED_INTERVAL_MINUTES = env.integer("CAPTURE_FEED_INTERVAL_MINUTES", 60, minimum=1)
CAPTURE_SYNC_LEASE_SECONDS = env.integer("CAPTURE_SYNC_LEASE_SECONDS", 1200, minimum=1)
# Mailbox passwords and calendar addresses are encrypted at rest with these Fernet keys: the
# first encrypts, all decrypt (`manage.py rotate_capture_keys` re-encrypts under the first).
# Without any, one is derived from SECRET_KEY; set your own so a new SECRET_KEY keeps them.
CAPTURE_ENCRYPTION_KEYS = env.strings(
    "CAPTURE_ENCRYPTION_KEYS",
    [base64.urlsafe_b64encode(hashlib.sha256(b"capture:" + SECRET_KEY.encode()).digest()).decode()],
)
# A user's mail server or calendar address that resolves to this server's own network
# (loopback, private ranges) is refused unless this is on: on by default in development, for
# a mail server on the same machine.
CAPTURE_ALLOW_PRIVATE_HOSTS = env.boolean("CAPTURE_ALLOW_PRIVATE_HOSTS", DEBUG)

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO").upper()},
}
