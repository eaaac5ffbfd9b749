"""Time the list page with and without a search, in-process, caches off (bench/search_bench.py).

    python bench/measure_search.py ROUNDS

Runs under bench/cold_settings.py (production settings, DummyCache: every catalogue read goes
to the database). Each page is requested twice to warm code paths (queries are counted on the
second), then ROUNDS times in turn
(pages interleaved, so a noisy neighbour slows all of them alike). Prints one JSON object:
{"programmes": n, "load_average": [...], "pages": {name: {"url", "status", "results", "queries",
"min_ms", "median_ms", "p90_ms"}}}. Django's test client: no network at all.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cold_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from programmes.models import Programme  # noqa: E402

PAGES = {
    "list": "/programmes/",
    "nation_topic": "/programmes/?nation=scotland&topic=machine-learning",
    "search": "/programmes/?q=health+data",
    "search_one_word": "/programmes/?q=imaging",
    "search_nothing": "/programmes/?q=zzqxv",
    "site_search": "/search/?q=health+data",
}


def _context(response, key):
    try:
        return response.context[key]
    except (KeyError, TypeError):
        return None


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    setup_test_environment()  # so responses carry their template context (result counts)
    client = Client(HTTP_HOST="127.0.0.1")
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    out: dict[str, dict] = {}
    for name, url in PAGES.items():
        client.get(url)  # first request: per-process memos (the suggestion vocabulary) fill
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        page = _context(response, "page")
        results = _context(response, "results") or {}
        out[name] = {
            "url": url,
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "results": page.paginator.count if page is not None else results.get("programme_count"),
        }
    for _ in range(rounds):
        for name, url in PAGES.items():
            started = time.perf_counter()
            client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
    for name, values in timings.items():
        values.sort()
        out[name]["min_ms"] = round(values[0], 1)
        out[name]["median_ms"] = round(statistics.median(values), 1)
        out[name]["p90_ms"] = round(values[int(len(values) * 0.9) - 1], 1)
    print(
        json.dumps(
            {"programmes": Programme.objects.count(), "load_average": os.getloadavg(), "pages": out}
        )
    )


if __name__ == "__main__":
    main()
