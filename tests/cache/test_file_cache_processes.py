"""Without REDIS_URL, processes on one machine share the file cache: a write in one process
(an editor's save, a manage.py command) must reach the pages another process has cached.

Everything else in the suite uses a per-process memory cache (see _cold_cache in conftest), so
this test runs two real processes on an SQLite file and the file cache ``make run`` uses.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

READER = """
import sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
for line in sys.stdin:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(line.strip())
    seen = [word for word, title in (("old", "Old Title"), ("new", "New Title"))
            if title in response.text]
    print("RESULT", response.status_code, len(queries), "+".join(seen) or "none", flush=True)
"""

SETUP = """
from programmes.models import Programme, University
uni = University.objects.create(name="Glenmore", slug="glenmore", city="Testford",
                                nation="england", website="https://example.ac.uk")
Programme.objects.create(university=uni, title="Old Title", slug="p", status="published",
                         official_url="https://example.ac.uk/c")
"""

WRITE = """
from programmes.models import Programme
programme = Programme.objects.get(slug="p")
programme.title = "New Title"
programme.save()
"""


@pytest.fixture
def env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        # The write must show at once, not after the refresh window (tested on its own).
        PUBLIC_PAGE_REFRESH_SECONDS="0",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", SETUP]):
        done = subprocess.run(manage + command, cwd=ROOT, env=env, capture_output=True, timeout=180)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    return env


def test_a_write_in_one_process_reaches_pages_cached_by_another(env):
    reader = subprocess.Popen(
        [sys.executable, "-c", READER],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def get(url: str) -> list[str]:
            reader.stdin.write(url + "\n")
            reader.stdin.flush()
            # Log lines go to stdout too: read up to this request's result.
            while (line := reader.stdout.readline()) and not line.startswith("RESULT "):
                pass
            assert line, reader.stderr.read()[-3000:]
            return line.split()[1:]

        for url in ("/programmes/", "/programmes/glenmore/p/"):
            status, count, seen = get(url)
            assert (status, seen) == ("200", "old") and int(count) > 0
            # Served from the shared cache: no query at all.
            assert get(url) == ["200", "0", "old"]

        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", WRITE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]

        for url in ("/programmes/", "/programmes/glenmore/p/"):
            status, count, seen = get(url)
            # Rebuilt from the database, not the page cached before the write.
            assert (status, seen) == ("200", "new") and int(count) > 0
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
