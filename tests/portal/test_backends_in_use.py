"""The suite runs on the backends it is given, and says which: a PostgreSQL + Redis stage that
quietly ran on SQLite and local memory would prove nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="DATABASE_URL is not set")
def test_database_url_is_the_database_in_use():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is set")
def test_without_database_url_the_database_is_sqlite():
    assert connection.vendor == "sqlite"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_redis_url_is_the_cache_in_use():
    import redis

    cache.set("backend-probe", "written through Django", 30)
    raw = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
    keys = list(raw.scan_iter(match="*backend-probe*"))
    assert keys, "the value Django cached is not in the Redis at REDIS_URL"
    assert settings.SESSION_ENGINE == "portal.sessions.cached_db"


WRONG_SETTINGS = """
from portal.settings import *  # noqa
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
"""


@pytest.mark.parametrize(
    "variable,value,message",
    [
        ("REDIS_URL", "redis://127.0.0.1:9/0", "REDIS_URL is set but the cache is"),
        ("DATABASE_URL", "postgres://u:p@127.0.0.1:9/x", "DATABASE_URL is PostgreSQL but"),
    ],
)
def test_the_suite_refuses_to_run_when_a_backend_it_was_given_is_not_used(
    tmp_path, variable, value, message
):
    (tmp_path / "ignoring_settings.py").write_text(WRONG_SETTINGS)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {variable: value, "DJANGO_DEBUG": "1", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--ds=ignoring_settings",
            "-q",
            "tests/catalogue/test_model_rules.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    assert message in result.stdout + result.stderr


def test_the_header_names_the_backends():
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "tests/catalogue/test_model_rules.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    header = next(line for line in result.stdout.splitlines() if line.startswith("database: "))
    assert connection.vendor.replace("sqlite", "sqlite3") in header
    assert ("RedisCache" if os.environ.get("REDIS_URL") else "FileBasedCache") in header
