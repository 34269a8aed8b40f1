"""Infoview settings, read from the environment.

Every variable is listed, with its default, in README.md. Local defaults are safe on a developer's
machine; production sets DEBUG=false and the variables the README names, and then
`python manage.py check --deploy` reports nothing.
"""

from datetime import timedelta

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

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
    # The project package itself, for its management commands (seed_scale).
    "infoview",
]

MIDDLEWARE = [
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

# django-axes: five wrong passwords for one account (or from one address) lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Language and time: British English by default, every string marked for translation.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English (UK)")), ("en", _("English (US)"))]
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
    "followups-reminders-dispatch": {
        "task": "followups.tasks.reminders_dispatch",
        "schedule": 60.0,
    },
    "followups-digests-schedule": {
        "task": "followups.tasks.digests_schedule",
        "schedule": crontab(minute="*/5"),
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
# and cached figures hold across them. Development without it uses each process's memory;
# production refuses to start without it.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "infoview"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif not DEBUG:
    raise ImproperlyConfigured("CACHE_URL (or REDIS_URL) must be set when DEBUG is false.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
    "api_token": env("RATE_LIMIT_API_TOKEN", "600/m"),
    "api_user": env("RATE_LIMIT_API_USER", "1200/m"),
    "webhook_test": env("RATE_LIMIT_WEBHOOK_TEST", "30/h"),
}

# REST API (/api/v1/): request bodies over this many bytes are refused with 413.
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(1024 * 1024)))
# A personal access token lives at most this many days.
API_TOKEN_MAX_DAYS = int(env("API_TOKEN_MAX_DAYS", "365"))

# Contacts: the largest file an import accepts (bytes); bigger uploads are refused unread.
CONTACTS_IMPORT_MAX_BYTES = int(env("CONTACTS_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

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
