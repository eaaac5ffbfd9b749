"""The "editor" of the load test, and the paths the load generator rotates through.

    python bench/load_editor.py paths            # JSON list of public paths
    python bench/load_editor.py edit SECONDS RUN # save programmes for SECONDS; JSON of saves
    python bench/load_editor.py check SAVES.json # read every saved value back from the DB

Run with the load test's production environment (DATABASE_URL, cache dir). Each save writes a
distinct summary to a different published programme through ``Model.save()`` (the path the admin
takes, so the cache invalidation signals fire), so every saved value can be read back afterwards.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import OperationalError  # noqa: E402

from programmes.models import Guide, Programme, Topic, University  # noqa: E402

SAVES_PER_SECOND = 5


def public_paths() -> list[str]:
    programmes = list(
        Programme.objects.published().select_related("university").order_by("pk")[:60]
    )
    ids = [p.pk for p in programmes]
    paths = ["/", "/programmes/", "/universities/", "/guides/"]
    paths += [p.get_absolute_url() for p in programmes[:40]]
    paths += [f"/programmes/?page={n}" for n in range(2, 30, 3)]
    paths += [
        "/programmes/?nation=scotland",
        "/programmes/?mode=part-time&max_fee_home=20000",
        "/programmes/?topic=genomics&nation=england&sort=fee_home",
        "/programmes/?q=synthetic+health&max_ielts=6.5",
        "/programmes/?placement=yes&start_month=1",
    ]
    paths += [u.get_absolute_url() for u in University.objects.order_by("slug")[:10]]
    paths += [t.get_absolute_url() for t in Topic.objects.order_by("slug")[:8]]
    paths += [g.get_absolute_url() for g in Guide.objects.published()]
    paths += [
        "/compare/?" + "&".join(f"p={pk}" for pk in ids[n : n + size])
        for n, size in ((0, 2), (5, 3), (10, 4), (20, 4))
    ]
    return paths


def edit(seconds: float, run: str) -> list[dict]:
    # Programmes the load generator does not request, so each page read back shows one edit.
    targets = list(
        Programme.objects.published()
        .select_related("university")
        .order_by("-pk")[: int(seconds * SAVES_PER_SECOND) + 50]
    )
    saves = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline and n < len(targets):
        programme = targets[n]
        value = f"Load-test edit {run}-{n:05d}: generated demo data, not a real programme."
        programme.summary = value
        started = time.perf_counter()
        for attempt in range(5):
            try:
                programme.save()
                break
            except OperationalError as exc:  # "database is locked": report, retry
                print(f"save {n} attempt {attempt + 1}: {exc}", file=sys.stderr)
                time.sleep(0.2)
        else:
            raise SystemExit(f"save {n} failed five times")
        saves.append(
            {
                "pk": programme.pk,
                "value": value,
                "url": programme.get_absolute_url(),
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
        )
        n += 1
        time.sleep(max(0.0, 1 / SAVES_PER_SECOND - (time.perf_counter() - started)))
    return saves


def check(saves: list[dict]) -> list[dict]:
    stored = dict(
        Programme.objects.filter(pk__in=[s["pk"] for s in saves]).values_list("pk", "summary")
    )
    return [s for s in saves if stored.get(s["pk"]) != s["value"]]


def main() -> None:
    command = sys.argv[1]
    if command == "paths":
        print(json.dumps(public_paths()))
    elif command == "edit":
        print(json.dumps(edit(float(sys.argv[2]), sys.argv[3])))
    elif command == "check":
        print(json.dumps(check(json.loads(Path(sys.argv[2]).read_text()))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
