"""One settings module, read from the environment (see the README's configuration table).

With nothing set it runs on SQLite in ./var with Celery tasks executed in-process. Setting
DATABASE_URL switches to PostgreSQL (psycopg 3); setting CELERY_BROKER_URL switches to a real
broker and workers. DEBUG is off unless DJANGO_DEBUG=1 (which `make run` sets).
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DEBUG is off; set DJANGO_DEBUG=1 "
            "for a local run (make run does) or export a long random DJANGO_SECRET_KEY."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_countries",  # country names in the UI language (enforcement filters)
    "core",
    "reports",
    "config",
    "enforcement",
    "compliance",
    "biometrics",
    "biometrics.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "core.resilience.ServiceUnavailableMiddleware",
    "core.uploads.RequestSizeLimitMiddleware",
    "core.security.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out log-in (core.security)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.roles.role_context",
                "core.navigation.navigation_context",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
# The cache holds rate-limit counters; with several processes they must share it (CACHE_URL).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 5.0),
                "socket_connect_timeout": env_float("REDIS_SOCKET_TIMEOUT", 5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in throttling (django-axes) on every log-in form, the admin's included: after
# LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is refused for
# LOGIN_FAILURE_WINDOW seconds, even with the right password. Never per username alone, so nobody
# can lock a named account out for its owner; counted in the database (no cache needed), the
# address from core.security.client_address (DJANGO_TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_FAILURE_WINDOW", 900))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.security.client_address"
AXES_LOCKOUT_CALLABLE = "core.security.login_lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row (address, browser) per successful log-in: not needed to throttle
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("el", "Ελληνικά"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
# English dates day first, like the letters (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads (core/uploads.py): files are kept in memory only, in the fields a view declares, one
# per field, each up to UPLOAD_MAX_BYTES (a bigger one is dropped as it streams in); a body over
# REQUEST_MAX_BYTES is refused before it is read. Text fields: DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_HANDLERS = ["core.uploads.LimitedUploadHandler"]
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# The request form takes the most files: up to three selfies and an identity-document photo.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 4)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 4 * UPLOAD_MAX_BYTES + 2 * 1024 * 1024)

# Email: console locally, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Data protection requests <requests@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Who answers data-subject requests: the controller of the biometric store (GDPR Art. 13-15,
# 27, 37). Every letter prints these; with DEBUG off they are required (compliance.checks) and no
# final document is issued without them. `make run` (DEBUG on) uses the demo identity below.
_DEMO = DEBUG
CONTROLLER_NAME = env_str("CONTROLLER_NAME", "Example Face Search B.V. (demo)" if _DEMO else "")
CONTROLLER_ADDRESS = env_str("CONTROLLER_ADDRESS", "Keizersgracht 1\n1015 CC Amsterdam\nNetherlands" if _DEMO else "")
CONTROLLER_EMAIL = env_str("CONTROLLER_EMAIL", "privacy@face-search.example" if _DEMO else "")
CONTROLLER_DPO_NAME = env_str("CONTROLLER_DPO_NAME", "Data Protection Officer (demo)" if _DEMO else "")
CONTROLLER_DPO_EMAIL = env_str("CONTROLLER_DPO_EMAIL", "dpo@face-search.example" if _DEMO else "")
# The controller's country (ISO 3166-1 alpha-2: an EU/EEA state, GB or CH): deadlines roll forward
# over its public holidays (Reg. 1182/71 Art. 2(1); compliance/deadlines.py), never the requester's.
# Checked at start-up (compliance.E002), in debug too.
CONTROLLER_COUNTRY = env_str("CONTROLLER_COUNTRY", "NL" if _DEMO else "").strip().upper()
# Art. 27: required when the controller is not established in the EU/EEA ("name, address").
CONTROLLER_EU_REPRESENTATIVE = env_str("CONTROLLER_EU_REPRESENTATIVE")
# The legal bases the controller relies on for the store, as codes (compliance/reports/basis.py):
# Art. 6(1)(a)-(f) and Art. 9(2)(a)-(j), e.g. "6(1)(f),9(2)(e)".
STORE_LAWFUL_BASIS = env_list("STORE_LAWFUL_BASIS", ["6(1)(f)", "9(2)(e)"] if _DEMO else [])
# How long photos and face templates are kept: "until_erased" or a number of days after collection.
STORE_RETENTION = env_str("STORE_RETENTION", "until_erased" if _DEMO else "")
STORE_DPIA_REFERENCE = env_str("STORE_DPIA_REFERENCE", "DPIA-2026-01 (demo)" if _DEMO else "")

# Celery: with no broker, tasks run in-process and their errors propagate to the caller.
# Brokers (README, "Broker"): Redis (the default, and CI's) or RabbitMQ (amqp://, the production
# choice: a killed worker's task is redelivered as soon as its connection drops, instead of after
# Redis' visibility timeout). Tasks are acknowledged late and rejected when their worker is lost.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
BROKER_IS_REDIS = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
# RabbitMQ keeps no results: results then travel back to the caller (rpc://) unless configured.
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", CELERY_BROKER_URL if BROKER_IS_REDIS or not CELERY_BROKER_URL else "rpc://"
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A hung Redis must fail fast (health checks, form posts), not hold a web worker for a minute.
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 5.0)
# Redis redelivers an unacknowledged task (its worker died) only after this many seconds: keep it
# above the longest task, or a task still running is delivered twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    }
    if BROKER_IS_REDIS
    else {}
)
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_IMPORTS = ("reports.tasks",)
# The one beat schedule (`make beat`). Every task it sends is idempotent.
CELERY_BEAT_SCHEDULE = {
    # The one sweep for lost work (core.sweep): every app's registered sweeper sends again what a
    # lost message left waiting. Emails (outbox), identity checks, matching, drafts, erasures and
    # final documents (workflow; it also deletes access answers past their retention), reports.
    # Every minute, because the outbox needs it: an email whose task was lost or failed goes out
    # within a minute of its next attempt. The workflow and report sweepers run at the same pace
    # since each is a handful of indexed queries on small "waiting" sets, and each leaves work
    # younger than its grace period to its own task.
    "sweep": {"task": "core.sweep", "schedule": crontab(minute="*")},
    # An unverified request lives at most 7 days + 1 hour.
    "expire-unverified-requests": {"task": "compliance.workflow.expire_unverified", "schedule": crontab(minute=15)},
    # Pending uploads live one hour; photos of finished requests and orphan files are deleted.
    "delete-leftover-photos": {
        "task": "compliance.workflow.delete_leftover_photos",
        "schedule": crontab(minute="*/10"),
    },
    # Once a day, before the working day starts.
    "send-due-reminders": {"task": "compliance.workflow.send_due_reminders", "schedule": crontab(hour=7, minute=30)},
    # Applies the retention periods (compliance/retention.py) once a night.
    "retention-sweep": {"task": "compliance.retention.sweep", "schedule": crontab(hour=2, minute=45)},
    "biometrics-search-prune-changes": {
        "task": "biometrics.search_prune_changes",
        "schedule": crontab(hour=3, minute=30),
    },
}
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.roles.ApiRolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DPA enforcement and compliance tracker API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share a choice set or call theirs "kind"/"status": name each schema enum once.
    "ENUM_NAME_OVERRIDES": {
        "YesNoUnknownEnum": "enforcement.models.YesNoUnknown",
        "DatePrecisionEnum": "enforcement.dates.DatePrecision",
        "AuthorityKindEnum": "enforcement.models.Authority.Kind",
        "SourceKindEnum": "enforcement.models.Source.Kind",
        "DecisionKindEnum": "enforcement.models.Decision.Kind",
        "AppealEventKindEnum": "enforcement.models.AppealEvent.Kind",
        "CaseStatusEnum": "enforcement.models.Case.Status",
        "RequestStatusEnum": "compliance.models.RequestStatus",
        "RequestTypeEnum": "compliance.models.RequestType",
        "RightsOutcomeEnum": "compliance.models.RightsOutcome",
    },
}

# Face matching (see biometrics/ and the README for calibration).
FACE_TOLERANCE = env_float("FACE_TOLERANCE", 0.6)

# Ingestion of scraped photos: originals may be larger than citizens' uploads.
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 50 * 1024 * 1024)
INGEST_MAX_PIXELS = env_int("INGEST_MAX_PIXELS", 100_000_000)

# The face search index (biometrics/search/README.md): shards searched in parallel by workers.
FACE_SEARCH_SHARDS = env_int("FACE_SEARCH_SHARDS", 0)
FACE_SEARCH_QUEUE = env_str("FACE_SEARCH_QUEUE") or None
FACE_SEARCH_QUEUE_PER_SHARD = env_bool("FACE_SEARCH_QUEUE_PER_SHARD", False)
FACE_SEARCH_TIMEOUT = env_float("FACE_SEARCH_TIMEOUT", 60.0)

# Data-subject requests.
# Face-match bands for requests (calibrated in benchmarks/match_calibration.py; see the README):
# confident matches count as the requester's, possible ones only once staff confirm them.
FACE_MATCH_CONFIDENT = env_float("FACE_MATCH_CONFIDENT", 0.5)
FACE_MATCH_POSSIBLE = env_float("FACE_MATCH_POSSIBLE", 0.6)
# Confident matches may count as the requester's without a per-photo decision (staff may reject
# any), but only while the strangers expected among them in a store of this size (faces x the
# encoder's false-match rate, compliance/workflow/disclosure.py) stay at or below this number.
FACE_MATCH_AUTO_CONFIRM = env_bool("FACE_MATCH_AUTO_CONFIRM", True)
DISCLOSURE_MAX_EXPECTED_STRANGERS = env_float("DISCLOSURE_MAX_EXPECTED_STRANGERS", 0.01)
ANSWER_DOWNLOAD_MAX_AGE = env_int("ANSWER_DOWNLOAD_MAX_AGE", 7 * 24 * 3600)
ANSWER_PACKAGE_RETENTION_DAYS = env_int("ANSWER_PACKAGE_RETENTION_DAYS", 30)
ANSWERING_AUTOSTART = env_bool("ANSWERING_AUTOSTART", True)  # match the selfie as soon as the email is confirmed
COMPLIANCE_REMINDER_DAYS = env_int("COMPLIANCE_REMINDER_DAYS", 5)
# Retention per record kind (GDPR Art. 5(1)(e)), in days after the request was closed
# (completed, refused, withdrawn or expired); compliance/retention.py applies them every night.
# The reasons are in the README ("Retention").
# Match details (where each photo of the person was found, distances): long enough to answer
# the requester's questions or a complaint about the answer; their letter keeps the details.
RETENTION_MATCH_DAYS = env_int("RETENTION_MATCH_DAYS", 90)
# Everything that names the requester (name, email, messages, notes, refusal reasons, issued
# letters, the link between the request and the blocklisted file hashes): the accountability
# period (Art. 5(2)) and the time to defend a complaint to an authority or a court claim.
RETENTION_REQUEST_DAYS = env_int("RETENTION_REQUEST_DAYS", 3 * 365)
# Sent emails: their recipient and parameters (names, links) are cleared; kind, status and
# time stay as the proof that it went out.
RETENTION_SENT_EMAIL_DAYS = env_int("RETENTION_SENT_EMAIL_DAYS", 30)
COMPLIANCE_IDENTITY_TOLERANCE = env_float("COMPLIANCE_IDENTITY_TOLERANCE", 0.5)
# Rate limits of the citizen forms by scope, overriding compliance.ratelimit.DEFAULT_LIMITS:
# {"address": (count, window_seconds), ...}; empty keeps the defaults.
COMPLIANCE_RATE_LIMITS: dict[str, tuple[int, int]] = {}

# Security: the production values are the defaults; DEBUG relaxes only what breaks http://127.0.0.1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = not DEBUG and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Number of reverse proxies in front of the app; client addresses are read from X-Forwarded-For
# only when this is set (rate limiting, login throttling).
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
