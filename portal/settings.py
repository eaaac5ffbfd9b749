"""Settings for the portal: one file, configured by environment variables.

Local mode (``DJANGO_DEBUG=1``, what ``make run`` and ``make test`` use) needs no other
configuration. Production (``DJANGO_DEBUG=0``, the default) refuses to start without a secret
key and allowed hosts. See ``.env.example`` for every variable.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1 (got {raw!r}).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG=0) refuses to start "
            "without a secret key; set DJANGO_SECRET_KEY, or set DJANGO_DEBUG=1 for local mode."
        )
    SECRET_KEY = "local-mode-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Production mode (DJANGO_DEBUG=0) needs the host "
        "names the site answers to, comma-separated."
    )

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with the editors' AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "axes",
    "programmes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "programmes.seo.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One shared cache for every instance when REDIS_URL is set (Django's built-in backend).
# Sessions then live in the cache with the database behind it ("cached_db"), so a shortlist
# made on one instance is read on any other, and survives a cache flush or a cache outage
# (portal/sessions/cached_db.py falls back to the database). django-axes keeps its failed
# logins in the database (its default handler), so the lockout works without the cache too.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, made to stop trying for a few seconds after a failure.
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 3600,
            # Fail fast: a slow or absent cache degrades pages to the database, never hangs
            # them. A cache on the same network connects in a millisecond; after a call fails,
            # this process works without the cache for retry_after seconds, then tries again.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1,
                "retry_after": env_int("CACHE_RETRY_SECONDS", 5),
            },
        }
    }
    SESSION_ENGINE = "portal.sessions.cached_db"
else:
    # No shared cache server: files that every process on this machine shares (gunicorn's
    # workers, manage.py commands), so a write made in one is seen by all. A per-process
    # local-memory cache would let other workers serve pages from before the write.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    SESSION_ENGINE = "portal.sessions.db"
# Whole public pages cached for every visitor (see programmes/cache.py). Writes invalidate them
# at once; the timeout only bounds how long unused entries stay.
CATALOGUE_CACHE_SECONDS = env_int("CATALOGUE_CACHE_SECONDS", 3600)
# How long a browser or CDN may reuse a public page without asking again (then it revalidates
# with its ETag). Short, so an edit reaches every visitor within this many seconds.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 60)
# After an edit, a kept page rendered less than this many seconds ago is still served as it is
# (it misses at most the edits of those seconds; never more than PUBLIC_PAGE_MAX_AGE, the bound
# a browser or CDN keeps it anyway). Under a stream of edits each page is then rendered at most
# once per this many seconds, instead of once per edit. Signed-in staff always see a fresh page.
PUBLIC_PAGE_REFRESH_SECONDS = min(env_int("PUBLIC_PAGE_REFRESH_SECONDS", 10), PUBLIC_PAGE_MAX_AGE)

# Where the admin lives (no leading slash, trailing slash). Moving it cuts the noise of
# scripted logins; the real defence is the lockout below and strong passwords.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip()
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/") or ADMIN_URL == "/":
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_URL must look like 'admin/' or 'editors/desk/' (got {ADMIN_URL!r})."
    )

# The canonical origin for absolute links (canonical, Open Graph, JSON-LD, sitemap), e.g.
# https://portal.example.org. Empty: taken from each request.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")

AUTHENTICATION_BACKENDS = [
    # Refuses a username with too many failures from any addresses (portal/login_lockout.py).
    "portal.login_lockout.UsernameLockoutBackend",
    # Refuses to authenticate a locked-out username + address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Hashed files (name.0123abcd.css) never change: browsers and CDNs may keep them for a year.
# whitenoise marks them "immutable" itself; unhashed files get WHITENOISE_MAX_AGE.
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600)

# ----- security ----------------------------------------------------------------------------
# Headers that apply in every mode.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# What the site never uses, switched off for every page (portal.middleware).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Production defaults: HTTPS only. Behind a proxy that already redirects HTTP to HTTPS, set
# DJANGO_SECURE_SSL_REDIRECT=0 (an explicit choice, so check --deploy stops warning about it).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe /healthz over plain HTTP on the instance's own port.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload token only says the site consents; listing needs a submission to the browsers.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Deliberately unset: SECURE_PROXY_SSL_HEADER would make Django believe X-Forwarded-Proto
# from *anyone*, because gunicorn passes the header through from every peer. gunicorn itself
# sets wsgi.url_scheme to https only when the header comes from an address in
# FORWARDED_ALLOW_IPS (see gunicorn.conf.py), and request.is_secure() reads that.
SECURE_PROXY_SSL_HEADER = None

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in a hidden field (site.js posts the form's FormData), so no script
# ever needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SILENCED_SYSTEM_CHECKS = []
if os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "").strip() in _FALSE - {""}:
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content-Security-Policy (django-csp). The site loads only its own stylesheet and script,
# draws charts as inline SVG, and has no inline <script> or style="" anywhere; Django 5.2's
# admin has none either, so public pages and the admin share this one strict policy.
# (A <script type="application/ld+json"> block is data, never executed: script-src does not
# apply to it.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        **({"upgrade-insecure-requests": True} if SECURE_SSL_REDIRECT else {}),
    }
}

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for the same username from
# the same address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures for one username from any addresses before it is locked for the same cool-off
# (portal/login_lockout.py): guessing one editor's password from many addresses.
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.proxy.client_ip"
# Proxies whose X-Forwarded-For is believed: the same list gunicorn trusts.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1"])

LOGIN_URL = "admin:login"

# Logs go to stdout, one JSON object per line in production (what log shippers expect);
# DJANGO_LOG_FORMAT=plain for people reading a terminal (the local-mode default).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or plain (got {LOG_FORMAT!r}).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Malformed Host headers are routine noise on the public internet.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # django-axes logs a start-up banner on stdout in every process, which would corrupt
        # the output of commands meant for pipes (extract_facts --json).
        "axes.apps": {"level": "WARNING"},
        # One INFO line per request; check_sources reports each page itself.
        "httpx": {"level": "WARNING"},
    },
}

PROGRAMMES_PER_PAGE = 20

# ----- reading official pages (programmes/sources/fetch.py, manage.py check_sources) -----
# Hosts exempt from the fetcher's address and port rules. Empty in production: only tests set
# it (to 127.0.0.1) so fixture pages on loopback can be read. check --deploy warns when set.
SOURCE_FETCH_ALLOWED_HOSTS = env_list("SOURCE_FETCH_ALLOWED_HOSTS", [])
SOURCE_FETCH_USER_AGENT = os.environ.get(
    "SOURCE_FETCH_USER_AGENT",
    "AIHealthMastersPortal/1.0 (+{}/about/data/; checks course facts for editors)".format(
        SITE_URL or "https://portal.example.org"
    ),
)
# Seconds for one page in all (connect, redirects, body), and the most bytes read of one page.
SOURCE_FETCH_TIMEOUT = env_int("SOURCE_FETCH_TIMEOUT", 20)
SOURCE_FETCH_MAX_BYTES = env_int("SOURCE_FETCH_MAX_BYTES", 3 * 1024 * 1024)
# At most one request per this many seconds to one host (shared by every process via the cache).
SOURCE_FETCH_MIN_INTERVAL = env_int("SOURCE_FETCH_MIN_INTERVAL", 1)
# check_sources --due reads pages not read for this many days.
SOURCE_CHECK_DAYS = env_int("SOURCE_CHECK_DAYS", 7)
# Visitors' "Report a correction": reports accepted from one address per hour.
CORRECTION_REPORTS_PER_HOUR = env_int("CORRECTION_REPORTS_PER_HOUR", 5)
