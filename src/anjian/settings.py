"""The one settings module. Every knob is an ``ANJIAN_*`` environment variable (see README)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

# Lets Django's generic classes (ModelForm[Enterprise], QuerySet[Region]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ANJIAN_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key comes from the environment, or is generated once into var/ (never committed)."""
    if key := os.environ.get("ANJIAN_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ANJIAN_DEBUG", False)
ALLOWED_HOSTS = env_list("ANJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# Node identity: GB/T 2260 code of the jurisdiction (000000 national) or a member unit's code.
NODE_CODE = os.environ.get("ANJIAN_NODE_CODE", "000000")
NODE_ROLE = os.environ.get("ANJIAN_NODE_ROLE", "national")
if NODE_ROLE not in {"national", "provincial", "member", "internet"}:
    raise ValueError(f"ANJIAN_NODE_ROLE must be national, provincial, member or internet, not {NODE_ROLE!r}")

# National cryptography (SM2/SM3/SM4) or international (Ed25519/SHA-256/AES-GCM), per node.
CRYPTO_SUITE = os.environ.get("ANJIAN_CRYPTO_SUITE", "gm")
if CRYPTO_SUITE not in {"gm", "intl"}:
    raise ValueError(f"ANJIAN_CRYPTO_SUITE must be gm or intl, not {CRYPTO_SUITE!r}")
# Audit events are kept online at least this long (Cybersecurity Law Art. 21: six months).
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("ANJIAN_AUDIT_RETENTION_DAYS", "180")))

# The Xinjiang Production and Construction Corps has no GB/T 2260 provincial code; 660000 is the
# customary value in national systems, configurable (domain/regions-and-industries.md 1.2).
CORPS_REGION_CODE = os.environ.get("ANJIAN_CORPS_REGION_CODE", "660000")

INSTALLED_APPS = [
    # First, so its createsuperuser (refused in production) replaces django.contrib.auth's.
    "anjian.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "anjian.core",
    "anjian.regions",
    "anjian.industries",
    "anjian.audit",
    "anjian.enterprises",
    "anjian.accidents",
    "anjian.hazards",
    "anjian.notices",
    "anjian.obligations",
    "anjian.analytics",
    "anjian.registration",
    "anjian.risks",
    "anjian.dangers",
    "anjian.dangerstats",
    "anjian.exchange",
    "anjian.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "anjian.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, so that its redirects and refusals still carry the security headers above.
    "anjian.accounts.middleware.AccountSecurityMiddleware",
]

ROOT_URLCONF = "anjian.urls"
WSGI_APPLICATION = "anjian.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
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
                "anjian.core.navigation.context_processor",
                "anjian.notices.context_processors.unread_notices",
            ],
        },
    }
]

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ANJIAN_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'anjian.sqlite3'}",
        conn_max_age=int(os.environ.get("ANJIAN_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["anjian.accounts.backends.RoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password policy (MLPS 1.1, accounts/passwords.py). Anjian@2026 (the demo password) satisfies it.
PASSWORD_MIN_LENGTH = int(os.environ.get("ANJIAN_PASSWORD_MIN_LENGTH", "10"))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ANJIAN_PASSWORD_MAX_AGE_DAYS", "90"))  # 0: never expires
PASSWORD_HISTORY_COUNT = int(os.environ.get("ANJIAN_PASSWORD_HISTORY", "5"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "anjian.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "anjian.accounts.passwords.CharacterClassValidator"},
    {"NAME": "anjian.accounts.passwords.UsernameValidator"},
    {"NAME": "anjian.accounts.passwords.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout (MLPS 1.2, accounts/lockout.py): this many failures within the period lock the account,
# and separately the source address, for the period; correct passwords are refused meanwhile.
LOCKOUT_FAILURES = int(os.environ.get("ANJIAN_LOCKOUT_FAILURES", "5"))
LOCKOUT_MINUTES = int(os.environ.get("ANJIAN_LOCKOUT_MINUTES", "30"))
# Second factor (MLPS 1.4): government and administrator users must enrol a TOTP device. On by
# default in production (DEBUG off); off under `make run` (DEBUG on) so a newcomer can log in.
REQUIRE_2FA = env_bool("ANJIAN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "安全生产监管信息平台"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("ANJIAN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is an idle timeout, not an absolute one
# Absolute session lifetime (MLPS 1.2): a session ends this long after sign-in, however active.
SESSION_MAX_HOURS = int(os.environ.get("ANJIAN_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("ANJIAN_HTTPS", False)
# Reverse proxies whose X-Real-IP header names the client (addresses or networks). Empty: the
# header is ignored, so a client cannot forge its address into the audit log, lockout or token checks.
TRUSTED_PROXIES = env_list("ANJIAN_TRUSTED_PROXIES", "")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: no inline scripts or styles anywhere, nothing from other origins
# (the extranet is offline); a configured map tile server is the one exception.
_TILE_ORIGIN = "/".join(os.environ.get("ANJIAN_MAP_TILE_URL", "").split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ANJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("ANJIAN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Upload and import limits: a file larger than this is refused before it is parsed.
IMPORT_MAX_BYTES = int(os.environ.get("ANJIAN_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("ANJIAN_IMPORT_MAX_ROWS", "20000"))
# Attachments and other uploaded documents (licences, reports, photos).
UPLOAD_MAX_BYTES = int(os.environ.get("ANJIAN_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# The map boundary file: a government system must publish an approved standard map with its
# review number (审图号). The packaged outline is a schematic for demos only.
MAP_GEOJSON_URL = os.environ.get("ANJIAN_MAP_GEOJSON_URL", "/static/vendor/china-provinces.json")
MAP_REVIEW_NUMBER = os.environ.get("ANJIAN_MAP_REVIEW_NUMBER", "")
MAP_TILE_URL = os.environ.get("ANJIAN_MAP_TILE_URL", "")  # empty: no external tiles

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "anjian.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "anjian.core.drf.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "anjian.core.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "anjian.core.drf.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "anjian API — 国家安全生产监管信息平台",
    "DESCRIPTION": "Every endpoint answers only within the caller's data scope (分级属地监管).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANJIAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Accident reporting (Decree 493; domain/accident-reporting-decree493.md section 7).
# Missing persons count with the deaths when grading: national statistical practice, configurable.
ACCIDENT_MISSING_AS_DEATHS = env_bool("ANJIAN_ACCIDENT_MISSING_AS_DEATHS", True)
# The grade band table, as JSON ([{"grade": "larger", "deaths": 3, "serious_injuries": 10,
# "direct_loss_yuan": 10000000}, ...]); empty: the table of Art. 3 (accidents/grading.py).
ACCIDENT_GRADE_BANDS = json.loads(os.environ.get("ANJIAN_ACCIDENT_GRADE_BANDS", "null"))
# Time limits: the unit to the county-level department (Art. 9), each further level (Art. 11).
ACCIDENT_FIRST_REPORT_MINUTES = int(os.environ.get("ANJIAN_ACCIDENT_FIRST_REPORT_MINUTES", "60"))
ACCIDENT_ESCALATION_MINUTES = int(os.environ.get("ANJIAN_ACCIDENT_ESCALATION_MINUTES", "120"))
# Supplementary reports on casualties (Art. 13): 30 days, 7 for road traffic and fire accidents
# (GB 6441 has no "road traffic" class: vehicle injury stands for it).
ACCIDENT_SUPPLEMENT_DAYS = int(os.environ.get("ANJIAN_ACCIDENT_SUPPLEMENT_DAYS", "30"))
ACCIDENT_SHORT_SUPPLEMENT_DAYS = int(os.environ.get("ANJIAN_ACCIDENT_SHORT_SUPPLEMENT_DAYS", "7"))
ACCIDENT_SHORT_WINDOW_TYPES = env_list("ANJIAN_ACCIDENT_SHORT_WINDOW_TYPES", "vehicle_injury,fire")
# Investigation report deadline (Art. 29): 60 days, one extension of at most 60 days.
ACCIDENT_INVESTIGATION_DAYS = int(os.environ.get("ANJIAN_ACCIDENT_INVESTIGATION_DAYS", "60"))
ACCIDENT_INVESTIGATION_MAX_EXTENSION_DAYS = int(
    os.environ.get("ANJIAN_ACCIDENT_INVESTIGATION_MAX_EXTENSION_DAYS", "60")
)

DEMO_PASSWORD = os.environ.get("ANJIAN_DEMO_PASSWORD", "Anjian@2026")

# In-app notices: an SMS gateway as a dotted path to a callable taking the new notice, called after
# commit (e.g. "myorg.sms.send"); empty: no SMS.
NOTICE_SMS_HOOK = os.environ.get("ANJIAN_SMS_HOOK", "")

# --- dangers ---
# Hidden dangers (Order No. 16; domain/hidden-dangers-order16.md). The regulator's on-site review of
# a closure application of a listed major hidden danger (Art. 23): 10 days, per province.
DANGER_REVIEW_DAYS = int(os.environ.get("ANJIAN_DANGER_REVIEW_DAYS", "10"))
# Rectification deadline reminders to the responsible person this many days before the deadline.
DANGER_REMIND_DAYS = int(os.environ.get("ANJIAN_DANGER_REMIND_DAYS", "3"))
# An overdue major hidden danger is escalated one regulator level up (county → city → province)
# for every this many days overdue.
DANGER_ESCALATE_DAYS = int(os.environ.get("ANJIAN_DANGER_ESCALATE_DAYS", "7"))
# Roles that may add items to the sector hidden-danger checklists (regulators only).
DANGER_CHECKLIST_EDITOR_ROLES = env_list("ANJIAN_DANGER_CHECKLIST_EDITOR_ROLES", "data_officer")

# --- dangerstats ---
# Hidden danger statistical tables (Order 16 Art. 14): the quarterly table is due by this day of the
# first month of the next quarter, the annual one by this month-day of the next year.
DANGER_STATS_QUARTERLY_DUE_DAY = int(os.environ.get("ANJIAN_DANGER_STATS_QUARTERLY_DUE_DAY", "15"))
DANGER_STATS_ANNUAL_DUE = os.environ.get("ANJIAN_DANGER_STATS_ANNUAL_DUE", "01-31")
# PostgreSQL work_mem for the statistics aggregation (a hash table of the groups; see dangerstats/stats.py).
DANGER_STATS_WORK_MEM = os.environ.get("ANJIAN_DANGER_STATS_WORK_MEM", "64MB")

# --- monitoring ---
# Sensor ingest (monitoring/): the MQTT broker and the shared subscription several workers split.
MONITORING_MQTT_URL = os.environ.get("ANJIAN_MQTT_URL", "mqtt://127.0.0.1:1883")
MONITORING_MQTT_SHARE = os.environ.get("ANJIAN_MQTT_SHARE", "anjian")
# Raw readings kept (days; coal mines must keep 3 months), hourly rollups kept (days; 2 years).
MONITORING_RAW_DAYS = int(os.environ.get("ANJIAN_MONITORING_RAW_DAYS", "90"))
MONITORING_ROLLUP_DAYS = int(os.environ.get("ANJIAN_MONITORING_ROLLUP_DAYS", "730"))
# A sensor is offline after this many missed reporting cycles (domain/coal-mine-monitoring.md s. 4).
MONITORING_OFFLINE_CYCLES = int(os.environ.get("ANJIAN_MONITORING_OFFLINE_CYCLES", "3"))
MONITORING_DEFAULT_CYCLE_S = int(os.environ.get("ANJIAN_MONITORING_DEFAULT_CYCLE_S", "30"))
# Readings stamped further than this in the future are refused (clock skew of gateways).
MONITORING_FUTURE_TOLERANCE_S = int(os.environ.get("ANJIAN_MONITORING_FUTURE_TOLERANCE_S", "300"))
# Escalation of unacknowledged alarms: minutes after opening at which the county, the city and the
# provincial regulator are notified (the enterprise's duty officers are notified at once).
MONITORING_ESCALATION_MINUTES = [int(m) for m in env_list("ANJIAN_MONITORING_ESCALATION_MINUTES", "15,30,60")]
# Online-rate target shown beside the achieved rate (percent).
MONITORING_ONLINE_TARGET = float(os.environ.get("ANJIAN_MONITORING_ONLINE_TARGET", "99.5"))

# --- exchange ---
# Data exchange between nodes (docs/exchange.md): batch size (records, bytes), HTTP timeout in
# seconds, a CA bundle for the peers' HTTPS certificates (empty: the system store), the worker's
# polling interval and longest back-off in seconds, and the clock skew accepted on pull requests.
EXCHANGE_BATCH_RECORDS = int(os.environ.get("ANJIAN_EXCHANGE_BATCH_RECORDS", "1000"))
EXCHANGE_BATCH_BYTES = int(os.environ.get("ANJIAN_EXCHANGE_BATCH_BYTES", str(4 * 1024 * 1024)))
EXCHANGE_TIMEOUT = float(os.environ.get("ANJIAN_EXCHANGE_TIMEOUT", "30"))
EXCHANGE_CA_FILE = os.environ.get("ANJIAN_EXCHANGE_CA_FILE", "")
EXCHANGE_WORKER_INTERVAL = float(os.environ.get("ANJIAN_EXCHANGE_WORKER_INTERVAL", "10"))
EXCHANGE_BACKOFF_MAX = float(os.environ.get("ANJIAN_EXCHANGE_BACKOFF_MAX", "300"))
EXCHANGE_CLOCK_SKEW = int(os.environ.get("ANJIAN_EXCHANGE_CLOCK_SKEW", "300"))

# --- risks ---
# The regulators' four-colour map lists and marks at most this many enterprises (highest risk
# first); the counts by colour always cover every enterprise in scope.
RISK_MAP_MAX_ENTERPRISES = int(os.environ.get("ANJIAN_RISK_MAP_MAX_ENTERPRISES", "2000"))
