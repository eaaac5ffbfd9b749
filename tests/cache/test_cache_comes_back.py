"""A real Redis stopped and started again under the site: nothing saved is lost, caching resumes.

The test starts its own redis-server on a free loopback port (CI installs it; elsewhere the
tests skip with the install command, unless PORTAL_REQUIRE_REDIS=1 says they must run). It
restarts the server two ways: empty, and from the snapshot Redis writes when it shuts down
(what a default Redis does), which brings back the cached copy of a session from before the
outage: that copy must never undo what the visitor saved while Redis was down.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time

import pytest
import redis
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.factories import add_to_shortlist, free_port, make_programme, redis_cache, shortlisted

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SESSION_PREFIX = "django.contrib.sessions.cached_db"


class RedisServer:
    def __init__(self, directory):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.directory = directory
        self.process = None

    def start(self):
        command = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--dir", str(self.directory), "--dbfilename", "dump.rdb"]
        command += ["--save", "", "--appendonly", "no", "--logfile", "redis.log"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self, *, snapshot: bool):
        """SHUTDOWN SAVE writes the snapshot a restart loads; NOSAVE leaves nothing."""
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it exits
            self.client().shutdown(save=snapshot, nosave=not snapshot)
        self.process.wait(timeout=10)
        self.process = None

    def client(self):
        # No retries (redis-py's own client retries with back-off, seconds on a stopped server).
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    if not (shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server")):
        reason = "redis-server not found: install it with `apt-get install redis-server`"
        if os.environ.get("PORTAL_REQUIRE_REDIS", "") == "1":
            pytest.fail(f"{reason} (PORTAL_REQUIRE_REDIS=1: these tests must run here)")
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def site_on(redis_server, settings):
    # A short pause after a failure, so the test need not wait long for the cache to be retried.
    settings.CACHES = redis_cache(redis_server.port, retry_after=0.2)
    settings.SESSION_ENGINE = "portal.sessions.cached_db"
    return redis_server


def session_copies(server) -> set[bytes]:
    return set(server.client().scan_iter(f"*{SESSION_PREFIX}*"))


def wait_for_cache(client):
    deadline = time.monotonic() + 10
    while client.get("/healthz").json()["checks"]["cache"] != "ok":
        assert time.monotonic() < deadline, "the cache was not used again after it came back"
        time.sleep(0.05)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("snapshot", [True, False], ids=["from-its-snapshot", "empty"])
def test_a_shortlist_survives_redis_going_away_and_coming_back(client, site_on, snapshot):
    first = make_programme(title="Clinical AI")
    second = make_programme(title="Health Data Science")

    assert (
        add_to_shortlist(client, first).status_code == 302
    )  # Redis up: cached and in the database
    before_outage = client.cookies["sessionid"].value
    assert any(before_outage.encode() in key for key in session_copies(site_on))

    site_on.stop(snapshot=snapshot)
    assert shortlisted(client) == [first.pk]  # saved before, read while down
    assert add_to_shortlist(client, second).status_code == 302  # saved while down
    assert client.get("/healthz").json()["checks"]["cache"] == "down"

    site_on.start()
    copies = session_copies(site_on)
    # From its snapshot, Redis holds the copy from before the outage (one programme) again.
    assert any(before_outage.encode() in key for key in copies) == snapshot
    wait_for_cache(client)

    assert shortlisted(client) == [first.pk, second.pk]
    # Reading it back filled the cache again, under the key the visitor now holds.
    now = client.cookies["sessionid"].value
    assert any(now.encode() in key for key in session_copies(site_on))


def test_caching_resumes_after_redis_comes_back(client, site_on):
    make_programme(title="Clinical AI")
    assert client.get("/universities/").status_code == 200
    site_on.stop(snapshot=False)
    assert client.get("/universities/").status_code == 200
    site_on.start()
    wait_for_cache(client)
    keys_at_restart = set(site_on.client().scan_iter("*"))
    cold = queries(client, "/universities/")
    assert set(site_on.client().scan_iter("*")) - keys_at_restart  # written after the restart
    warm = queries(client, "/universities/")
    assert warm < cold


def test_an_editor_stays_logged_in_through_the_outage(client, site_on):
    User.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    login = {"username": "editor", "password": "pw-editor-1", "next": "/admin/"}
    assert client.post("/admin/login/", login).status_code == 302
    site_on.stop(snapshot=True)
    assert client.get("/admin/programmes/programme/").status_code == 200
    site_on.start()
    wait_for_cache(client)
    assert client.get("/admin/programmes/programme/").status_code == 200


def test_a_shortlist_saved_while_redis_refuses_writes_is_not_undone_by_its_old_copy(
    client, site_on
):
    """Out of memory and not evicting, Redis serves reads (the old copy) but refuses writes."""
    first = make_programme(title="Clinical AI")
    second = make_programme(title="Health Data Science")
    add_to_shortlist(client, first)
    site_on.client().config_set("maxmemory-policy", "noeviction")
    site_on.client().config_set("maxmemory", 1)
    assert add_to_shortlist(client, second).status_code == 302
    assert shortlisted(client) == [first.pk, second.pk]
    assert client.get("/healthz").json()["checks"]["cache"] == "down"


@pytest.mark.parametrize("snapshot", [True, False], ids=["from-its-snapshot", "empty"])
def test_an_edit_made_while_redis_is_down_shows_once_it_is_back(client, site_on, snapshot):
    """The edit could not bump the cached catalogue's version: the pages cached before the outage
    come back with a snapshot (or never left, across a network partition) and must not be shown.
    """
    programme = make_programme(title="Clinical AI")
    for _ in range(2):
        assert "Clinical AI" in client.get("/programmes/").text  # cached
    site_on.stop(snapshot=snapshot)
    programme.title = "Clinical AI (edited)"
    programme.save()
    assert "Clinical AI (edited)" in client.get("/programmes/").text  # from the database
    site_on.start()
    wait_for_cache(client)
    assert "Clinical AI (edited)" in client.get("/programmes/").text
