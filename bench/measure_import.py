"""Time a CSV import's preview and apply at the upload limit's size (bench/export_bench.py).

    python bench/measure_import.py ROWS   (production settings, DATABASE_URL a bench catalogue)

Builds a file of ROWS new draft programmes (labelled synthetic demo data) for one synthetic
university, previews it (``plan_import``, what the review page shows) and applies it in one
transaction, then rolls nothing back: run it against a throwaway catalogue. Prints one JSON
object: {"rows", "bytes", "preview_s", "apply_s", "errors"}. No network.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402

from programmes.exports import IMPORT_COLUMNS  # noqa: E402
from programmes.imports import apply_import, plan_import, read_csv  # noqa: E402
from programmes.models import University  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    university = University.objects.order_by("pk").first()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    stamp = time.time_ns()
    for i in range(rows):
        writer.writerow(
            {
                "university_slug": university.slug,
                "programme_slug": f"import-bench-{stamp}-{i}",
                "status": "draft",
                "title": f"Synthetic imported programme {i} (demo data)",
                "award": "MSc",
                "modes": "full-time",
                "fee_home_gbp": "9000",
                "official_course_url": "https://example.ac.uk/course",
            }
        )
    data = ("\ufeff" + out.getvalue()).encode()
    started = time.perf_counter()
    plan = plan_import(read_csv(data))
    preview = time.perf_counter() - started
    user = User.objects.filter(username="import-bench").first() or User.objects.create_superuser(
        "import-bench", password=None
    )
    started = time.perf_counter()
    apply_import(read_csv(data), user=user)
    applied = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": len(data),
                "preview_s": round(preview, 2),
                "apply_s": round(applied, 2),
                "errors": len(plan.errors),
            }
        )
    )


if __name__ == "__main__":
    main()
