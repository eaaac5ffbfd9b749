import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
    """Programme titles listed on a page, in order."""
    return [p.title for p in response.context["page"].object_list]


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
