"""The page reader end to end on a loopback replica of a university site (``make bench-sources``).

    .venv/bin/python bench/sources_bench.py

Serves tests/replica.py from 127.0.0.1 on a free port (a sitemap index, course pages in and out
of scope linking to shared fees, English-band and how-to-apply pages, hostile pages), migrates a
throwaway SQLite file in bench/out/, and runs, as an operator would:

1. ``discover_programmes --university loopback``: leads proposed;
2. every lead accepted (draft programmes), then ``check_sources --all``: pages read and refused,
   facts proposed per programme, from which page;
3. ``check_sources --all`` again: unchanged pages cost a 304 and propose nothing.

Prints each command's output, the facts per programme and the time of each step. Loopback only:
the programmes' URLs all point at the replica. The per-host politeness interval is off here
(SOURCE_FETCH_MIN_INTERVAL=0; tests measure it), the per-page time limit is 3 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import replica  # noqa: E402
from tests.pages_server import PagesServer  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")

SETUP = """
from programmes.models import University
University.objects.create(
    name="University of Loopback (invented, for the benchmark)", slug={slug!r}, city="Testford",
    nation="england", website={base!r} + "/", course_index_url={base!r} + "/sitemap.xml",
)
"""
ACCEPT = """
from programmes.models import ProgrammeLead
from programmes.sources.discover import accept_lead
for lead in ProgrammeLead.objects.filter(status="open").order_by("pk"):
    programme = accept_lead(lead, user=None)
    print(f"accepted: {lead.title} -> draft programme {programme.pk}")
"""
FACTS = """
from collections import defaultdict
from programmes.models import Programme, Suggestion
rows = defaultdict(list)
for s in Suggestion.objects.select_related("programme").order_by("programme__title", "field"):
    page = s.source_url.rsplit("/", 1)[-1] or s.source_url
    rows[str(s.programme)].append(f"{s.field}={s.value} ({page})")
for programme in Programme.objects.order_by("title"):
    found = rows.get(str(programme), [])
    print(f"{programme}: {len(found)} fact(s)")
    for line in found:
        print("    " + line)
"""


def main() -> int:
    server = PagesServer()
    server.start()
    server.routes.update(replica.routes(server.url("")))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkstemp(prefix="sources-bench-", suffix=".sqlite3", dir=out)[1])
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{db}",
        "SOURCE_FETCH_ALLOWED_HOSTS": "127.0.0.1",
        "SOURCE_FETCH_TIMEOUT": "3",
        "SOURCE_FETCH_MIN_INTERVAL": "0",
        "DJANGO_CACHE_DIR": str(out / "sources-bench-cache"),
    }
    env.pop("REDIS_URL", None)
    times: list[tuple[str, float]] = []

    def manage(label: str, *args: str, stdin: str | None = None) -> str:
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
            [PY, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True,
            capture_output=True, check=False,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        if "Traceback" in done.stderr:
            raise SystemExit(f"manage.py {' '.join(args)} printed a traceback:\n{done.stderr}")
        if label:
            times.append((label, time.monotonic() - started))
            print(f"$ manage.py {' '.join(args)}\n{done.stdout}")
        return done.stdout

    try:
        manage("", "migrate", "--noinput", "-v", "0")
        manage("", "shell", stdin=SETUP.format(slug=replica.SLUG, base=server.url("")))
        manage("discover", "discover_programmes", "--university", replica.SLUG)
        manage("accept leads", "shell", stdin=ACCEPT)
        manage("check_sources (first)", "check_sources", "--all", "--workers", "2")
        manage("check_sources (again)", "check_sources", "--all", "--workers", "2")
        print("Facts proposed per programme (field=value (page)):")
        print(manage("", "shell", stdin=FACTS))
        requests = len(server.log)
        print(f"HTTP requests the replica served: {requests}")
        for label, seconds in times:
            print(f"{label:24} {seconds:6.1f} s")
    finally:
        server.stop()
        db.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
