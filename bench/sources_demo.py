"""check_sources end to end on loopback only: fixture course pages, a throwaway DB.

    .venv/bin/python bench/sources_demo.py

Serves a few course pages (and failing ones) from 127.0.0.1 on a free port, migrates a fresh
SQLite file in bench/out/, creates demo programmes whose URLs point only at that server (never
the real catalogue, whose URLs are public sites), then runs ``check_sources --all`` twice: the
first run proposes facts, the second costs 304s and proposes nothing new. Prints both outputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pages_server import Page, PagesServer, redirect, sleep_then  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
PY = str(ROOT / ".venv" / "bin" / "python")

SETUP = """
from programmes.models import Programme, Status, University
uni = University.objects.create(name="Demo University (loopback)", slug="demo", city="Testford",
                                nation="england")
base = {base!r}
def make(slug, official, sources=()):
    Programme.objects.create(
        university=uni, title="Demo " + slug, slug=slug, status=Status.PUBLISHED,
        official_url=base + official, source_urls="\\n".join(base + s for s in sources),
    )
make("ai-medicine", "/ai-medicine", ["/ai-medicine/fees"])
make("health-informatics", "/health-informatics")
make("online-hds", "/online-hds", ["/gone", "/brochure.pdf", "/slow", "/moved-inside"])
"""


def main() -> int:
    server = PagesServer()
    page = lambda name: Page((FIXTURES / name).read_text(), etag=f'"{name}"')  # noqa: E731
    server.routes.update(
        {
            "/ai-medicine": page("36-real-ish-course-page-1.html"),
            "/ai-medicine/fees": page("01-fee-table-status-by-mode.html"),
            "/health-informatics": page("37-real-ish-course-page-2.html"),
            "/online-hds": page("53-online-distance-learning.html"),
            "/brochure.pdf": Page(b"%PDF-1.7", headers={"Content-Type": "application/pdf"}),
            "/slow": sleep_then(4),
            "/moved-inside": redirect("http://127.0.0.2/"),
        }
    )
    server.start()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkstemp(prefix="sources-demo-", suffix=".sqlite3", dir=out)[1])
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{db}",
        "SOURCE_FETCH_ALLOWED_HOSTS": "127.0.0.1",
        "SOURCE_FETCH_TIMEOUT": "2",
        "DJANGO_CACHE_DIR": str(out / "sources-demo-cache"),
    }
    env.pop("REDIS_URL", None)

    def manage(*args, stdin=None):
        done = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
            [PY, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True,
            capture_output=True, check=False,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("shell", stdin=SETUP.format(base=server.url("")))
        for run in (1, 2):
            print(f"$ manage.py check_sources --all   (run {run})")
            print(manage("check_sources", "--all", "--workers", "2"))
        print(
            manage(
                "shell",
                "-c",
                "from programmes.models import Suggestion as S; "
                "[print(f'{s.programme.slug}: {s.field} = {s.value} {s.period} {s.year} "
                "<- {s.quote[:70]!r}') for s in S.objects.order_by('programme__slug','field')]",
            )
        )
    finally:
        server.stop()
        db.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
