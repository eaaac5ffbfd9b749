"""The load test's view of the catalogue: the paths to rotate through, and a read-back of saves.

    python bench/load_editor.py plan             # JSON: public paths and every published programme
    python bench/load_editor.py check SAVES.json # the saves whose value the database lost

Run with the load test's production environment (DATABASE_URL, cache dir). The editing itself
happens in bench/load_test.py, through the admin's change form over HTTP, as an editor saves.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402

from programmes.models import Guide, Programme, Topic, University  # noqa: E402


def public_paths() -> list[str]:
    programmes = list(
        Programme.objects.published().select_related("university").order_by("pk")[:60]
    )
    ids = [p.pk for p in programmes]
    paths = ["/", "/programmes/", "/universities/", "/guides/", "/about/data/"]
    paths += [p.get_absolute_url() for p in programmes[:40]]
    paths += [f"/programmes/?page={n}" for n in range(2, 30, 3)]
    paths += [
        "/programmes/?nation=scotland",
        "/programmes/?mode=part-time&max_fee_home=20000",
        "/programmes/?topic=genomics&nation=england&sort=fee_home",
        "/programmes/?q=synthetic+health&max_ielts=6.5",
        "/programmes/?placement=yes&start_month=1",
        "/search/?q=health+data",
        "/search/?q=imaging",
    ]
    paths += [u.get_absolute_url() for u in University.objects.order_by("slug")[:10]]
    paths += [t.get_absolute_url() for t in Topic.objects.order_by("slug")[:8]]
    paths += [g.get_absolute_url() for g in Guide.objects.published()]
    paths += [
        "/compare/?" + "&".join(f"p={pk}" for pk in ids[n : n + size])
        for n, size in ((0, 2), (5, 3), (10, 4), (20, 4))
    ]
    return paths


def plan() -> dict:
    """Public paths for wrk, and each published programme by public URL (for the editor)."""
    programmes = {
        p.get_absolute_url(): {
            "pk": p.pk,
            "title": p.title,
            "university_url": p.university.get_absolute_url(),
            "admin_url": reverse("admin:programmes_programme_change", args=[p.pk]),
        }
        for p in Programme.objects.published().select_related("university")
    }
    return {"paths": public_paths(), "programmes": programmes}


def check(saves: list[dict]) -> list[dict]:
    """Saves whose programme does not hold the value saved last for it."""
    last = {s["pk"]: s for s in saves if s.get("saved")}
    stored = dict(Programme.objects.filter(pk__in=list(last)).values_list("pk", "title"))
    return [s for pk, s in last.items() if stored.get(pk) != s["value"]]


def main() -> None:
    command = sys.argv[1]
    if command == "plan":
        print(json.dumps(plan()))
    elif command == "check":
        print(json.dumps(check(json.loads(Path(sys.argv[2]).read_text()))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
