"""/healthz, error pages that survive a dead database, and structured logs."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError, connections

from portal.logging import JsonFormatter
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 1 on loopback: nothing listens, the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails the way a lost PostgreSQL connection does."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)


def test_healthz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_cache_as_degraded_not_unavailable(client, settings):
    """Every instance shares the cache: a 503 would make the balancer pull them all at once."""
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "down"},
        "failed": ["cache"],
    }


def test_healthz_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"] == {"database": "down", "cache": "ok"}


def test_public_pages_still_work_without_the_cache(client, settings):
    """An unreachable cache makes pages slower, never broken (and they carry no ETag)."""
    programme = make_programme(title="Clinical AI")
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/programmes/")
    assert response.status_code == 200
    assert "Clinical AI" in response.text
    assert not response.has_header("ETag")
    assert client.get(programme.get_absolute_url()).status_code == 200


def test_404_page_renders_while_the_database_is_down(client, database_down):
    # A returning visitor has a session cookie: the shortlist in the header would read it.
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_500_page_renders_while_the_database_is_down(client, database_down):
    client.raise_request_exception = False
    response = client.get("/programmes/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text


def test_json_log_lines_carry_level_logger_message_and_extras():
    record = logging.makeLogRecord(
        {
            "name": "portal.health",
            "levelname": "ERROR",
            "levelno": logging.ERROR,
            "msg": "health check %s failed",
            "args": ("cache",),
            "check": "cache",
        }
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "portal.health"
    assert entry["message"] == "health check cache failed"
    assert entry["check"] == "cache"
    assert "\n" not in line
