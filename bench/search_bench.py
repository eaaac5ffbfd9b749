"""`make bench-search`: the list page with and without a search at 500, 5,000 and 20,000
programmes, caches off, in one run.

For each size: a synthetic SQLite catalogue (``seed_synthetic``, which also builds the search
index) in bench/out/search-N.sqlite3, then bench/measure_search.py in a fresh process with
production settings and the data cache off (bench/cold_settings.py). No server, no network: the
pages are requested in-process. Bounded: ROUNDS requests per page per size (about 2 minutes on
two cores, most of it building the catalogues).

Targets at 20,000 programmes: a search (``q=health+data``) takes at most 1.5x the plain list,
and a search matching nothing takes less than the list; the list and the nation + topic filtered
list take at most 1.5x their own cost at 500 programmes (growth). Ratios are printed on medians
and on minimums (the minimum of the rounds is the figure least moved by other work on the
machine; the targets are checked on minimums). Writes bench/out/search-results.json and prints
two tables.

``--postgres URL`` (``make bench-search-pg``) measures the same on PostgreSQL, the production
database, emptying that database and seeding it at each size (search-results-postgresql.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time

import common
from common import OUT, PY, ROOT, log

SIZES = [(500, 40), (5000, 150), (20000, 300)]
ROUNDS = 25


def measure(database, rounds: int, postgres: str = "") -> dict:
    env = {
        **common.production_env(database, **({"DATABASE_URL": postgres} if postgres else {})),
        "DJANGO_SETTINGS_MODULE": "cold_settings",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    out = subprocess.run(  # noqa: S603 - our own script
        [PY, str(ROOT / "bench" / "measure_search.py"), str(rounds)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measure_search failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--reuse", action="store_true", help="Keep catalogues built before.")
    parser.add_argument(
        "--postgres",
        metavar="DATABASE_URL",
        default="",
        help="Measure on this PostgreSQL database instead (emptied first; make bench-search-pg).",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = {}
    common.collectstatic()
    for programmes, universities in SIZES:
        database = OUT / f"search-{programmes}.sqlite3"
        if args.postgres:
            build_postgres_catalogue(args.postgres, database, programmes, universities)
        else:
            common.build_catalogue(database, programmes, universities, reuse=args.reuse)
        log(f"Measuring {programmes:,} programmes ({args.rounds} rounds per page)")
        results[programmes] = measure(database, args.rounds, args.postgres)
    results_file = "search-results-postgresql.json" if args.postgres else "search-results.json"
    (OUT / results_file).write_text(json.dumps(results, indent=2) + "\n")
    log("")
    head = (
        f"{'programmes':>10} {'page':<16} {'results':>7} {'queries':>7} {'min ms':>7} "
        f"{'median ms':>9} {'p90 ms':>7} {'x list':>6} {'x list (min)':>12}"
    )
    log(head)
    log("-" * len(head))
    misses = []
    for size, run in results.items():
        pages = run["pages"]
        base = pages["list"]["median_ms"]
        base_min = pages["list"]["min_ms"]
        for name, page in pages.items():
            ratio = page["median_ms"] / base if base else 0
            ratio_min = page["min_ms"] / base_min if base_min else 0
            log(
                f"{size:>10,} {name:<16} {page['results'] or 0:>7} {page['queries']:>7} "
                f"{page['min_ms']:>7} {page['median_ms']:>9} {page['p90_ms']:>7} {ratio:>6.2f} "
                f"{ratio_min:>12.2f}"
            )
        load = ", ".join(f"{x:.1f}" for x in run["load_average"])
        log(f"{'':>10} (load average while measuring: {load} on {os.cpu_count()} CPUs)")
        if size == 20000:
            if pages["search"]["min_ms"] > 1.5 * base_min:
                misses.append("search at 20,000 is more than 1.5x the list")
            if pages["search_nothing"]["min_ms"] >= base_min:
                misses.append("a search matching nothing is not faster than the list")
    misses += growth_table(results)
    log(f"\nbench/out/{results_file} written; whole run {time.monotonic() - started:.0f} s.")
    for miss in misses:
        log(f"MISSED: {miss}")
    return 1 if misses else 0


def build_postgres_catalogue(url: str, database, programmes: int, universities: int) -> None:
    """The same synthetic catalogue in a PostgreSQL database: emptied, seeded, then vacuumed
    and analysed (what autovacuum does to a live database; without it the planner has no
    statistics on fresh tables)."""
    env = common.production_env(database, DATABASE_URL=url)
    log(f"  building a PostgreSQL catalogue: {programmes:,} programmes")
    common.manage(env, "migrate", "--noinput", quiet=True)
    common.manage(env, "flush", "--noinput", quiet=True)
    empty_index = "from django.db import connection; connection.cursor().execute('{}')"
    common.manage(env, "shell", "-c", empty_index.format("TRUNCATE programmes_search"), quiet=True)
    common.seed(env, programmes, universities)
    common.manage(env, "shell", "-c", empty_index.format("VACUUM ANALYZE"), quiet=True)


GROWTH_PAGES = ("list", "nation_topic", "search")
GROWTH_TARGET = 1.5


def growth_table(results: dict) -> list[str]:
    """Each page's cost at every size as a multiple of its cost at the smallest size."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return []
    smallest, largest = sizes[0], sizes[-1]
    log(f"\nGrowth: cost at each size / cost at {smallest:,} (min ms; median in brackets)")
    log(f"{'page':<16}" + "".join(f"{size:>18,}" for size in sizes))
    misses = []
    for name in GROWTH_PAGES:
        first = results[smallest]["pages"][name]
        cells = []
        for size in sizes:
            page = results[size]["pages"][name]
            by_min = page["min_ms"] / first["min_ms"] if first["min_ms"] else 0
            by_median = page["median_ms"] / first["median_ms"] if first["median_ms"] else 0
            cells.append(f"{by_min:>10.2f} ({by_median:.2f})")
        log(f"{name:<16}" + "".join(f"{c:>18}" for c in cells))
        top = results[largest]["pages"][name]["min_ms"] / first["min_ms"] if first["min_ms"] else 0
        if name != "search" and top > GROWTH_TARGET:
            misses.append(f"{name} at {largest:,} is {top:.2f}x its cost at {smallest:,}")
    return misses


if __name__ == "__main__":
    raise SystemExit(main())
