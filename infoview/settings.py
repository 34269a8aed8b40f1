"""Infoview settings, read from the environment.

Every variable is listed, with its default, in README.md. Local defaults are safe on a developer's
machine; production sets DEBUG=false and the variables the README names, and then
`python manage.py check --deploy` reports nothing.
"""

import json
from datetime import timedelta

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from infoview import localdb
from infoview.env import BASE_DIR, env, env_bool, env_list, var_dir
from infoview.local import FILE_BROKER_URL, broker_folders, uses_file_broker

# Importing this module only reads: it starts no server and makes no folder. The entry points do
# that first, through infoview.local.prepare().
VAR_DIR = var_dir()


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address people use to reach the site, for links in emails (invitations, password resets).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "accounts",
    "contacts",
    "interviews",
    "followups",
    "reports",
    "privacy",
    # django-ninja, for its Swagger UI files (served from static, never a CDN).
    "ninja",
    "api",
    "webhooks",
    "anymail",
    "inbound",
    # The project package itself, for its management commands (seed_scale).
    "infoview",
]

MIDDLEWARE = [
    # First, so that its latency covers every other middleware too (infoview/metrics.py).
    "infoview.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # After the CSP middleware (it gives Django's debug pages a policy) and authentication.
    "infoview.hostile.HostileInputMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during log-in into its response.
    "axes.middleware.AxesMiddleware",
]
# `make bench` measures each request's CPU time and queries in the server (servertiming.py).
if env_bool("SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "infoview.servertiming.ServerTimingMiddleware")

ROOT_URLCONF = "infoview.urls"
WSGI_APPLICATION = "infoview.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.workspaces",
            ],
        },
    },
]

# Database: DATABASE_URL when set; otherwise, while debugging, the private PostgreSQL under var/
# (infoview/localdb.py), which the entry points have started.
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is false.")
    DATABASE_URL = localdb.database_url(localdb.default_root(), start=False)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "infoview.hashers.Argon2idPasswordHasher",  # OWASP's costs; see infoview/hashers.py
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
INVITATION_LIFETIME = timedelta(days=7)

# django-axes, with the lock of accounts/lockout.py: five wrong passwords for one account, or
# twenty from one client address (any accounts), start a 15-minute cool-off; a browser that has
# logged in to the account before is never held up, and a password reset ends the cool-off.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(env("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "infoview.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions are written to PostgreSQL and read from the shared cache (Redis) first: one query
# fewer on every signed-in page (about 600 of the floor page's 17,350 Python calls, and its
# PostgreSQL round trip). A session the cache lost (Redis restarted) is read from the database.
# infoview/sessions.py: Django's cached_db, with a log-in's new session written once.
SESSION_ENGINE = "infoview.sessions"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Language and time: British English by default, every string marked for translation.
LANGUAGE_CODE = "en-gb"
# Language names in their own language: someone who cannot read the current one still finds theirs.
LANGUAGES = [("en-gb", "English (UK)"), ("en", "English (US)"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Inputs, text areas and drop-downs written in Python, the same markup as Django's widget
# templates (infoview/fields.py): through the engine each cost ~0.5 ms, a drop-down more per option.
FORM_RENDERER = "infoview.fields.WidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: nothing inline, scripts only with the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Mail: SMTP when EMAIL_HOST is set, otherwise printed to the console (Django 6.1's MAILERS).
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": int(env("EMAIL_TIMEOUT", "20")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# An email service provider instead of SMTP: EMAIL_BACKEND names a django-anymail backend
# (e.g. anymail.backends.postmark.EmailBackend; pip install django-anymail==15.2) and ANYMAIL
# holds its settings as JSON. The outbox sends through it like through SMTP.
if env("EMAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND")}}
    ANYMAIL = json.loads(env("ANYMAIL", "{}"))
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Infoview <infoview@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: Redis when CELERY_BROKER_URL is set; otherwise, while debugging, kombu's filesystem
# transport under var/ (its folders made by infoview.local.prepare()).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
if not CELERY_BROKER_URL and not DEBUG:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set when DEBUG is false.")
if uses_file_broker():
    _folders = broker_folders(VAR_DIR)
    CELERY_BROKER_URL = FILE_BROKER_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_folders["queue"]),
        "data_folder_out": str(_folders["queue"]),
        "processed_folder": str(_folders["processed"]),
        "control_folder": str(_folders["control"]),
        "store_processed": False,
    }
    del _folders
else:
    # Far-future work waits in the database, so nothing on the broker needs to wait longer
    # than this before a lost message is delivered again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# The outbox (accounts/outbox/): every email is a row sent by a worker. A worker holds a row
# for SEND_LEASE seconds (longer than a whole SMTP exchange at EMAIL_TIMEOUT); temporary
# refusals are retried from RETRY_BASE seconds, doubling up to RETRY_MAX, MAX_ATTEMPTS times;
# a repeatable email (reminder, digest) whose outcome is unknown is sent once more after
# UNKNOWN_RESEND_DELAY seconds; a worker waits RECORD_PATIENCE seconds for the database to
# come back to record what the mail server said.
OUTBOX_SEND_LEASE_SECONDS = int(env("OUTBOX_SEND_LEASE_SECONDS", "120"))
OUTBOX_RETRY_BASE_SECONDS = int(env("OUTBOX_RETRY_BASE_SECONDS", "30"))
OUTBOX_RETRY_MAX_SECONDS = int(env("OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "10"))
OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS = int(env("OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS", "600"))
OUTBOX_RECORD_PATIENCE_SECONDS = int(env("OUTBOX_RECORD_PATIENCE_SECONDS", "300"))
# Import jobs (contacts/importing/heartbeat.py): the task running a job beats every HEARTBEAT
# seconds; a queued or running job with no beat for LEASE seconds is queued again from its
# committed offset, at most MAX_REQUEUES times, then marked failed with the reason.
IMPORTS_HEARTBEAT_SECONDS = int(env("IMPORTS_HEARTBEAT_SECONDS", "10"))
IMPORTS_LEASE_SECONDS = int(env("IMPORTS_LEASE_SECONDS", "60"))
IMPORTS_MAX_REQUEUES = int(env("IMPORTS_MAX_REQUEUES", "3"))
# Follow-up reminders: the first retry after an SMTP error waits this long, then doubles.
FOLLOWUPS_RETRY_BACKOFF_SECONDS = int(env("FOLLOWUPS_RETRY_BACKOFF_SECONDS", "5"))
# Beat keeps its last-run times here; its scheduler makes the folder when it starts (a clean
# clone that uses Redis has no var/celery/ at all).
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULER = "infoview.celery:BeatScheduler"
# The one beat schedule. Each entry names a task that decides from the database what is due.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-invitations": {
        "task": "accounts.tasks.invitations_purge_expired",
        "schedule": crontab(minute=17, hour=3),
    },
    "accounts-outbox-dispatch": {
        "task": "accounts.tasks.outbox_dispatch",
        "schedule": 20.0,
    },
    "contacts-imports-sweep": {
        "task": "contacts.tasks.imports_sweep",
        "schedule": 30.0,
    },
    "followups-reminders-dispatch": {
        "task": "followups.tasks.reminders_dispatch",
        "schedule": 60.0,
    },
    "followups-digests-schedule": {
        "task": "followups.tasks.digests_schedule",
        "schedule": crontab(minute="*/5"),
    },
    "contacts-merge-undos-purge": {
        "task": "contacts.tasks.merge_undos_purge",
        "schedule": crontab(minute=7),
    },
    "privacy-retention-apply": {
        "task": "privacy.tasks.retention_apply",
        "schedule": crontab(minute=41, hour=2),
    },
    "webhooks-deliveries-dispatch": {
        "task": "webhooks.tasks.deliveries_dispatch",
        "schedule": 30.0,
    },
    "webhooks-followups-due-sweep": {
        "task": "webhooks.tasks.followups_due_sweep",
        "schedule": 60.0,
    },
    "contacts-imports-purge": {
        "task": "contacts.tasks.imports_purge",
        "schedule": crontab(minute=11),
    },
    "webhooks-deliveries-purge": {
        "task": "webhooks.tasks.deliveries_purge",
        "schedule": crontab(minute=23, hour=4),
    },
}

# Webhooks (webhooks/delivery.py). Retries back off from the base, doubling up to the cap, for
# RETRY_FOR seconds after the event; an endpoint is switched off (and its admins emailed) when
# every attempt has failed for DISABLE_AFTER seconds or DISABLE_AFTER_FAILURES times in a row.
WEBHOOKS_RETRY_BASE_SECONDS = int(env("WEBHOOKS_RETRY_BASE_SECONDS", "30"))
WEBHOOKS_RETRY_MAX_SECONDS = int(env("WEBHOOKS_RETRY_MAX_SECONDS", str(4 * 60 * 60)))
WEBHOOKS_RETRY_FOR_SECONDS = int(env("WEBHOOKS_RETRY_FOR_SECONDS", str(24 * 60 * 60)))
WEBHOOKS_DISABLE_AFTER_SECONDS = int(env("WEBHOOKS_DISABLE_AFTER_SECONDS", str(24 * 60 * 60)))
WEBHOOKS_DISABLE_AFTER_FAILURES = int(env("WEBHOOKS_DISABLE_AFTER_FAILURES", "100"))
WEBHOOKS_TIMEOUT_SECONDS = float(env("WEBHOOKS_TIMEOUT_SECONDS", "10"))
WEBHOOKS_LOG_DAYS = int(env("WEBHOOKS_LOG_DAYS", "30"))
# Only for tests and local experiments: lets webhooks go to plain http:// and to loopback and
# private addresses. Never in production (it would let admins probe the internal network).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
if WEBHOOKS_ALLOW_PRIVATE and not DEBUG:
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_PRIVATE cannot be used when DEBUG is false.")

# Cache: Redis on CACHE_URL (or REDIS_URL), shared by every process and node, so rate limits
# and cached figures hold across them. Development without it uses files under var/, shared
# by `make run`'s processes as Redis would be: a write on the worker (an import) gives the
# workspace a new data version that the web process sees at once, where each process's own
# memory kept the web's cached searches and figures for up to an hour. Production refuses to
# start without it.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "infoview.cache.KeptClientsRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "infoview"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif not DEBUG:
    raise ImproperlyConfigured("CACHE_URL (or REDIS_URL) must be set when DEBUG is false.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Past it a third of the entries go: a data version among them only makes the
            # figures kept under it be worked out again.
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# The number of reverse proxies in front of the app that append to X-Forwarded-For. Zero (the
# default) ignores the header: the client's address is then the connection's own.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Rate limits, "count/period" (s, m, h, d), per client address unless the view says otherwise.
# An empty value turns one off. See infoview/ratelimit.py and the README's environment table.
RATE_LIMITS = {
    "signup": env("RATE_LIMIT_SIGNUP", "10/h"),
    "login": env("RATE_LIMIT_LOGIN", "30/m"),
    "password_reset": env("RATE_LIMIT_PASSWORD_RESET", "10/h"),
    "invitation": env("RATE_LIMIT_INVITATION", "50/h"),
    "import_upload": env("RATE_LIMIT_IMPORT_UPLOAD", "30/h"),
    "calendar_feed": env("RATE_LIMIT_CALENDAR_FEED", "60/m"),
    "calendar_feed_address": env("RATE_LIMIT_CALENDAR_FEED_ADDRESS", "300/m"),
    "api_token": env("RATE_LIMIT_API_TOKEN", "600/m"),
    "api_user": env("RATE_LIMIT_API_USER", "1200/m"),
    "webhook_test": env("RATE_LIMIT_WEBHOOK_TEST", "30/h"),
}

# REST API (/api/v1/): request bodies over this many bytes are refused with 413.
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(1024 * 1024)))
# A personal access token lives at most this many days.
API_TOKEN_MAX_DAYS = int(env("API_TOKEN_MAX_DAYS", "365"))
# /metrics (Prometheus): answered to this bearer token, or to these client addresses or
# networks (comma-separated, e.g. "10.0.0.0/8,127.0.0.1"); off (404) when neither is set.
METRICS_TOKEN = env("METRICS_TOKEN")
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", [])

# Contacts: the largest file an import accepts (bytes); bigger uploads are refused unread.
CONTACTS_IMPORT_MAX_BYTES = int(env("CONTACTS_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# Uploads: a finished import's summary and rows in error are kept this many days, then the
# whole job goes; a preview never confirmed goes after this many hours (docs/privacy.md).
IMPORT_RETENTION_DAYS = int(env("IMPORT_RETENTION_DAYS", "7"))
IMPORT_PREVIEW_HOURS = int(env("IMPORT_PREVIEW_HOURS", "24"))
# Key of the suppression list's HMAC hashes (erased people). Empty: derived from SECRET_KEY.
# Set it in production, and keep it when SECRET_KEY rotates, or erased people match no more.
SUPPRESSION_KEY = env("SUPPRESSION_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Inbound mail (docs/mail.md): the BCC drop addresses, the SMTP receiver and the ESP webhooks.
INBOUND_DOMAIN = env("INBOUND_DOMAIN", "inbound.localhost").lower()
INBOUND_SMTP_HOST = env("INBOUND_SMTP_HOST", "127.0.0.1")
INBOUND_SMTP_PORT = int(env("INBOUND_SMTP_PORT", "2525"))
INBOUND_MAX_BYTES = int(env("INBOUND_MAX_BYTES", str(10 * 1024 * 1024)))
INBOUND_MAX_RECIPIENTS = int(env("INBOUND_MAX_RECIPIENTS", "50"))
INBOUND_THANK_YOU_DAYS = int(env("INBOUND_THANK_YOU_DAYS", "7"))
# A webhook older than this (by the provider's own timestamp) is refused as a replay.
INBOUND_WEBHOOK_MAX_AGE = int(env("INBOUND_WEBHOOK_MAX_AGE", "900"))
# "user:password" the ESP sends as HTTP basic auth; the webhooks answer 404 until it is set.
INBOUND_WEBHOOK_SECRET = env("INBOUND_WEBHOOK_SECRET")
ANYMAIL = {
    "WEBHOOK_SECRET": INBOUND_WEBHOOK_SECRET,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("INBOUND_MAILGUN_SIGNING_KEY"),
    # Attachments of Brevo's inbound mail are fetched with it; Infoview keeps none.
    "BREVO_API_KEY": env("BREVO_API_KEY"),
    # Confirming an SNS subscription needs boto3: confirm it once in the AWS console.
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
}
