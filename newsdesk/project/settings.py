"""Django settings for newsdesk, read from the environment with safe production defaults.

- ``NEWSDESK_DATA_DIR``: where the SQLite database, the secret key and collected files live
  (default ``./data``).
- ``DATABASE_URL``: e.g. ``postgres://user:pass@host/db``; default SQLite in the data dir (WAL).
- ``NEWSDESK_DEBUG=1``: debug pages; off unless asked.
- ``NEWSDESK_ALLOWED_HOSTS``: comma-separated; default ``127.0.0.1,localhost``.
- ``NEWSDESK_SECRET_KEY``: overrides the key generated on first run in the data dir.

Limits (timeouts, sizes, intervals) live in ``newsdesk.limits``, each with its reason.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsdesk.core.llm import config_from_env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NEWSDESK_DATA_DIR", "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("NEWSDESK_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created with owner-only permissions; O_EXCL so two processes starting at once agree.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
        except FileExistsError:
            pass
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("NEWSDESK_DEBUG", "") in ("1", "true", "yes")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("NEWSDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    # The API docs page (/api/docs) then uses django-ninja's own static files, with no inline
    # script and nothing from a CDN, so it works under the Content-Security-Policy below.
    "ninja",
    "newsdesk.ingest",
    "newsdesk.stories",
    "newsdesk.search",
    "newsdesk.site",
    # The whole program: `newsdesk run`, `demo` and `worker` (newsdesk/project/apps.py).
    "newsdesk.project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # SECURE_CSP below on every response, cached ones included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outside the session and CSRF middleware, so it sees the cookies they set.
    "newsdesk.site.middleware.SharedCacheMiddleware",
    "newsdesk.site.middleware.RejectNulBytesMiddleware",
    "newsdesk.site.middleware.BadParameterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every response and 304 for a matching If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.project.urls"
WSGI_APPLICATION = "newsdesk.project.wsgi.application"

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
    {
        # The parts of pages rendered on most requests that reach Django: the story body,
        # story cards and the comments section (see newsdesk/site/jinja2env.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "site" / "jinja2", PACKAGE_DIR / "discussion" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "autoescape": True,
            "auto_reload": DEBUG,
            "environment": "newsdesk.site.jinja2env.environment",
        },
    },
]

_sqlite_path = DATA_DIR / "newsdesk.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (opening one and running the PRAGMAs costs CPU on every request;
    # docs/measurements.md); health checks drop a broken one.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
        # write lock up front, so two writers wait (busy timeout) instead of failing mid-way.
        # mmap: reads come straight from the page cache (faster searches: docs/measurements.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Tests run on a real file (not Django's shared in-memory database) so WAL, locking and
    # several threads behave as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("NEWSDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Redis when configured (shared by every web worker), local memory otherwise. Cached parts are
# keyed by what they show (e.g. a story's update time), so nothing needs invalidating by hand.
if redis_url := os.environ.get("NEWSDESK_REDIS_URL"):
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "NEWSDESK_REDIS_URL is set but the redis client is not installed: "
            "pip install 'newsdesk[redis]' (or unset NEWSDESK_REDIS_URL)"
        )
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Optional LLM briefs (off unless NEWSDESK_LLM_URL and NEWSDESK_LLM_MODEL are set; the key,
# if the endpoint needs one, in NEWSDESK_LLM_KEY). Every LLM sentence passes the faithfulness
# gate in newsdesk.core.faithfulness or is dropped; see newsdesk.core.brief_llm.
NEWSDESK_LLM = config_from_env()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: script, styles, images and fonts from this site only, and no inline
# script, style or event handler at all (the pages have none: the comments' script is
# discussion/static/discussion/discussion.js). Without a nonce the header is the same for
# every response, so a page served from the page cache or nginx's cache keeps a matching one.
# A link an outlet managed to make "javascript:" would not run even if it reached a page.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if os.environ.get("NEWSDESK_HTTPS", "") in ("1", "true", "yes"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "newsdesk": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG", "INFO")},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING"},
    },
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step

# --- Discussion: reader accounts, comments, moderation (newsdesk/discussion/) -------
# Everything the discussion app needs, in one block; its limits live in newsdesk/limits.py.
from newsdesk import limits  # noqa: E402 - the discussion's numbers, with their reasons

INSTALLED_APPS += ["newsdesk.discussion"]

# Argon2 (argon2-cffi) for new and changed passwords; the others stay so that hashes made before
# (createsuperuser on an older install) still verify, and are upgraded to Argon2 at next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Django's own checks on a new password, so sign-up, reset and change all refuse weak ones.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": limits.DISCUSSION_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "front"

# Password-reset mail (Django 6.1's MAILERS, which replaces EMAIL_BACKEND and EMAIL_*). By
# default it is printed on the console (the demo needs no mail server); set NEWSDESK_SMTP_HOST
# (and _PORT, _USER, _PASSWORD, _TLS=1 for STARTTLS or _SSL=1) to send it.
if os.environ.get("NEWSDESK_SMTP_HOST"):
    _MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["NEWSDESK_SMTP_HOST"],
            "port": int(os.environ.get("NEWSDESK_SMTP_PORT", "587")),
            "username": os.environ.get("NEWSDESK_SMTP_USER", ""),
            "password": os.environ.get("NEWSDESK_SMTP_PASSWORD", ""),
            "use_tls": os.environ.get("NEWSDESK_SMTP_TLS", "") in ("1", "true", "yes"),
            "use_ssl": os.environ.get("NEWSDESK_SMTP_SSL", "") in ("1", "true", "yes"),
            "timeout": 20,
        },
    }
else:
    _MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _MAILER}
DEFAULT_FROM_EMAIL = os.environ.get("NEWSDESK_FROM_EMAIL", "newsdesk <newsdesk@localhost>")
