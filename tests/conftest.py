import os
from urllib.parse import urlsplit

import pytest


def _backends() -> dict[str, str]:
    """What this run really uses, read from Django's settings after they loaded."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    vendor = "postgresql" if "postgresql" in database["ENGINE"] else database["ENGINE"]
    vendor = vendor.rsplit(".", 1)[-1]
    where = f"{database.get('HOST') or ''}:{database.get('PORT') or ''}".strip(":")
    cache = settings.CACHES["default"]
    cache_name = f"{cache['BACKEND'].rsplit('.', 1)[-1]} {cache.get('LOCATION', '')}".strip()
    if "redis" not in cache["BACKEND"].lower():
        cache_name += " (tests use LocMemCache, see _cold_cache)"
    return {
        "database": f"{vendor} {where}".strip(),
        "cache": cache_name,
        "sessions": settings.SESSION_ENGINE,
    }


def _wrong_backends() -> list[str]:
    """DATABASE_URL / REDIS_URL set but not what the settings use: a run that proves nothing."""
    from django.conf import settings

    problems = []
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if database_url:
        wanted = urlsplit(database_url)
        database = settings.DATABASES["default"]
        if wanted.scheme.startswith("postgres"):
            if "postgresql" not in database["ENGINE"]:
                problems.append(
                    f"DATABASE_URL is PostgreSQL but the engine is {database['ENGINE']}"
                )
            elif (str(database.get("HOST")), str(database.get("PORT"))) != (
                wanted.hostname,
                str(wanted.port or 5432),
            ):
                problems.append("DATABASE_URL names another PostgreSQL server than the settings")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        cache = settings.CACHES["default"]
        if "redis" not in cache["BACKEND"].lower() or cache.get("LOCATION") != redis_url:
            problems.append(f"REDIS_URL is set but the cache is {cache['BACKEND']}")
    return problems


def pytest_report_header(config):
    return ", ".join(f"{name}: {value}" for name, value in _backends().items())


def pytest_sessionstart(session):
    problems = _wrong_backends()
    if problems:
        pytest.exit("Backends not in use as configured: " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Public pages show an edit at once unless a test asks for the refresh window
    # (tests/cache/test_previous_page_while_rendering.py): in production a kept page may miss
    # the edits of its last PUBLIC_PAGE_REFRESH_SECONDS.
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 0
    # Templates resolve {% static %} without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _cold_cache(settings):
    """Every test starts with an empty cache, so query counts are the cold-cache counts.

    The file-based default cache would be shared by test runs in parallel (SQLite and
    PostgreSQL): tests use local memory unless REDIS_URL asks for Redis.
    """
    from django.core.cache import cache

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def titles(response) -> list[str]:
    """Programme titles listed on a page, in order: on the list page, the matches (those that
    do not record a filtered fact follow them, see ``unrecorded_titles``)."""
    if "matched_cards" in response.context:
        return [p.title for p in response.context["matched_cards"]]
    return [p.title for p in response.context["page"].object_list]


def unrecorded_titles(response) -> list[str]:
    """The list page's programmes kept in sight after the matches: a filtered fact of theirs is
    not recorded yet."""
    return [p.title for p in response.context["unrecorded_cards"]]


@pytest.fixture
def pages(settings):
    """A fixture web server on 127.0.0.1 that the page reader is allowed to read.

    Only 127.0.0.1 is on the allow-list; politeness delays are off (one test measures them).
    """
    from tests.pages_server import PagesServer

    settings.SOURCE_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SOURCE_FETCH_MIN_INTERVAL = 0
    settings.SOURCE_FETCH_TIMEOUT = 5
    server = PagesServer().start()
    yield server
    server.stop()


@pytest.fixture
def exporter(client):
    """A client signed in as staff allowed to export."""
    # Models load only once Django is set up, after this module is imported.
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("exporter", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_programme"))
    client.force_login(user)
    return client
