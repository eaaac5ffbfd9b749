"""`make bench`: throughput, latency, queries and bytes per public page, against two floors.

1. A synthetic catalogue (``seed_synthetic --programmes 5000 --universities 150``) in its own
   SQLite file, bench/out/bench.sqlite3, plus a staff session allowed to export.
2. Two floors under the same gunicorn config as the portal (gunicorn.conf.py, 2 workers,
   production mode; worker recycling off for every server, see NO_RECYCLE), one view returning
   a short HttpResponse:
   - the floor with middleware, bench/floor_full/: portal.settings unchanged (the same
     MIDDLEWARE, apps, sessions, CSP) with a one-view URL map. The speed targets are ratios to
     this one: it is what any request through the project costs before a view does anything;
   - the bare floor, bench/floor/: no middleware, no apps (Django itself).
3. The portal twice, 2 workers each, production settings: "cold" with every cache switched off
   (bench/cold_settings.py: DummyCache, so no cache has seen any URL), "warm" with the normal
   cache after priming each URL (a warm page is served from the server's cache; wrk never sends
   If-None-Match, so no 304 shortcut is measured).
4. wrk (--latency, 2 threads, 16 connections, DURATION seconds) on each page; SQL queries and
   bytes per page measured once in-process (bench/measure_pages.py).
5. The growth table: catalogues of 500, 5,000 and 20,000 programmes, bytes and queries of every
   public page kind at each size (in-process, caches off), cold req/s of a few page kinds at each
   size (wrk, GROWTH_DURATION seconds), and the list page's HTML at the largest size over the
   smallest.

Writes bench/results.json ({"floor_rps", "floor_full_rps", "pages": {"<page>:<cold|warm>":
{...}}, "growth": {...}, "targets": {...}, "misses": [...], "run": {...}}) and prints the tables
with the targets beside the figures. Loopback only; every process it starts is stopped on exit.
About 4-5 minutes on two cores.

Knobs for a quick smoke run (arguments, or the environment variables in brackets):
``--duration`` (BENCH_DURATION), ``--growth-duration`` (BENCH_GROWTH_DURATION), ``--programmes``
(BENCH_PROGRAMMES), ``--growth-sizes`` (BENCH_GROWTH_SIZES, comma-separated), ``--results``
(BENCH_RESULTS, where the JSON goes), e.g.

    BENCH_DURATION=1 BENCH_GROWTH_DURATION=1 BENCH_PROGRAMMES=300 BENCH_GROWTH_SIZES=100,300 \\
        BENCH_RESULTS=bench/out/smoke.json .venv/bin/python bench/run_bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import common
from common import OUT, PY, ROOT, log

CONNECTIONS = 16
THREADS = 2
DURATION = 5
GROWTH_DURATION = 3
PROGRAMMES = 5000
GROWTH_SIZES = (500, 5000, 20000)
# Universities per catalogue size, as bench/search_bench.py builds them.
UNIVERSITIES = {500: 40, 5000: 150, 20000: 300}
# Speed targets: ratios to the floor with middleware (bench/floor_full/), at 5,000 programmes.
TARGETS = {"cold": 0.12, "warm": 0.80}
# Page weight: the list page's HTML at 20,000 programmes over its HTML at 500.
LIST_GROWTH_TARGET = 1.3
# Earlier checks, still printed: p99 under load and compressed bytes per page.
P99_TARGET_MS = 100
BYTES_TARGET = 30 * 1024
PUBLIC = common.PUBLIC_PAGES
# The staff export is measured cold only: it is never cached, so a warm run would repeat it.
STAFF = ["export_5000"]
# gunicorn.conf.py recycles a worker every ~2,000 requests (a leak guard). At floor speed that is
# a restart every second or two, both workers at once, so the floor would measure boot time:
# every server here runs with recycling off, the rest of the config unchanged.
NO_RECYCLE = ("--max-requests", "0")
# Page kinds whose cold req/s the growth table measures at every size.
# (Not the topic page: it lists every programme of the topic, ~5 MB at 20,000, and one run of it
# would take longer than the rest of the growth table; its bytes are in the table.)
GROWTH_RPS = ["list", "search", "university"]


def env_sizes(name: str, default: tuple[int, ...]) -> list[int]:
    value = os.environ.get(name, "").strip()
    return [int(x) for x in value.split(",") if x.strip()] if value else list(default)


def wrk(base: str, path: str, duration: int, cookie: str | None = None) -> dict:
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    # No If-None-Match or other conditional header: warm means the server's cache.
    args = [wrk_bin, "--latency", "-t", str(THREADS), "-c", str(CONNECTIONS)]
    args += ["-d", f"{duration}s", "--timeout", "10s"]
    if cookie:
        args += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(  # noqa: S603 - fixed argv
        [*args, base + path], capture_output=True, text=True, check=True
    ).stdout
    settle(base)
    return parse_wrk(out)


def settle(base: str) -> None:
    """Wait until the requests wrk left queued have been served.

    When wrk stops, up to CONNECTIONS requests sit in gunicorn's accept queue and the workers
    still serve them (a cold page at 16 connections: a second or more). Without waiting, the
    next page's run would spend its first second behind them. The queue is first in, first
    out: two probes in turn return only once everything before them has been served.
    """
    for _ in range(2):
        try:
            with urllib.request.urlopen(base + "/robots.txt", timeout=60) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError:
            pass  # the floors answer 404: served, which is all this waits for


def parse_wrk(out: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket:
        errors += sum(int(n) for n in socket.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": round(rps, 1),
        "p50_ms": round(common.wrk_ms(latency["50"]), 2) if "50" in latency else None,
        "p99_ms": round(common.wrk_ms(latency["99"]), 2) if "99" in latency else None,
        "errors": errors,
        "requests": requests,
    }


def measure_pages(env: dict, session: str, *, public_only: bool = False) -> dict:
    args = [PY, str(ROOT / "bench" / "measure_pages.py"), session]
    if public_only:
        args.append("--public-only")
    out = subprocess.run(  # noqa: S603 - our own script
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"measure_pages failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def prime(base: str, urls: dict[str, str], session: str, times: int = 3) -> None:
    for name, path in urls.items():
        export = name in STAFF
        headers = {"Cookie": f"sessionid={session}"} if export else {}
        for _ in range(1 if export else times):
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()


def cold_env_for(env: dict) -> dict:
    return {**env, "DJANGO_SETTINGS_MODULE": "cold_settings", "PYTHONPATH": str(ROOT / "bench")}


def floor_run(name: str, env: dict, module: str, duration: int) -> dict:
    proc, base = common.start_gunicorn(
        name,
        {**env, "DJANGO_SETTINGS_MODULE": f"{module}.settings"},
        app=f"{module}.wsgi",
        extra_args=(*NO_RECYCLE, "--pythonpath", "bench"),
    )
    try:
        return wrk(base, "/", duration)
    finally:
        common.stop(proc)


def catalogue(name: str, programmes: int) -> Path:
    database = OUT / f"{name}.sqlite3"
    universities = UNIVERSITIES.get(programmes, max(5, programmes // 33))
    common.build_catalogue(database, programmes, universities)
    shutil.rmtree(OUT / f"cache-{database.stem}", ignore_errors=True)
    return database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the portal against Django's floors.")
    parser.add_argument(
        "--duration", type=int, default=common.env_number("BENCH_DURATION", DURATION)
    )
    parser.add_argument(
        "--growth-duration",
        type=int,
        default=common.env_number("BENCH_GROWTH_DURATION", GROWTH_DURATION),
    )
    parser.add_argument(
        "--programmes", type=int, default=common.env_number("BENCH_PROGRAMMES", PROGRAMMES)
    )
    parser.add_argument(
        "--growth-sizes",
        type=lambda v: [int(x) for x in v.split(",")],
        default=env_sizes("BENCH_GROWTH_SIZES", GROWTH_SIZES),
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results.json"),
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    log(f"Bench: building the synthetic catalogue ({args.programmes:,} programmes)")
    database = catalogue("bench", args.programmes)
    common.collectstatic()
    session = common.exporter_session(database)
    env = common.production_env(database)
    cold_env = cold_env_for(env)
    measured = {
        "cold": measure_pages(cold_env, session),
        "warm": measure_pages(env, session),
    }
    urls = measured["warm"]["urls"]
    css_gzip = measured["warm"]["css_bytes_gzip"]

    results: dict[str, dict] = {}
    growth: dict[int, dict] = {}
    try:
        log(f"Floor with middleware: bench/floor_full (portal.settings), {args.duration} s")
        floor_full = floor_run("floor-full", env, "floor_full", args.duration)
        log(f"  {floor_full['rps']} req/s, p99 {floor_full['p99_ms']} ms")
        log(f"Bare floor: bench/floor (one view, no middleware), {args.duration} s")
        floor = floor_run("floor", env, "floor", args.duration)
        log(f"  {floor['rps']} req/s, p99 {floor['p99_ms']} ms")

        for cache, server_env in (("cold", cold_env), ("warm", env)):
            log(f"Portal, cache {cache}, {args.duration} s per page")
            extra = (*NO_RECYCLE, "--pythonpath", "bench") if cache == "cold" else NO_RECYCLE
            names = [*PUBLIC, *STAFF] if cache == "cold" else PUBLIC
            wanted = {name: urls[name] for name in names}
            proc, base = common.start_gunicorn(f"portal-{cache}", server_env, extra_args=extra)
            # Loads templates and code in every worker; with the cache on, fills it too.
            prime(base, wanted, session)
            for name, path in wanted.items():
                cookie = session if name in STAFF else None
                run = wrk(base, path, args.duration, cookie)
                page = measured[cache]["pages"][name]
                results[f"{name}:{cache}"] = {
                    "rps": run["rps"],
                    "ratio_to_floor": round(run["rps"] / floor["rps"], 3),
                    "ratio_to_floor_full": round(run["rps"] / floor_full["rps"], 3),
                    "p50_ms": run["p50_ms"],
                    "p99_ms": run["p99_ms"],
                    "errors": run["errors"],
                    "queries": page["queries"],
                    "bytes": page["bytes"],
                    "cache": cache,
                    "url": path,
                    "requests": run["requests"],
                    "status": page["status"],
                    "bytes_gzip_html_css": page["bytes_gzip"] + css_gzip,
                    "third_party_hosts": page["third_party"],
                }
                log(f"  {name:<14} {run['rps']:>8.1f} req/s  p99 {run['p99_ms']} ms")
            common.stop(proc)

        for size in sorted(set(args.growth_sizes)):
            main_figures = (measured["cold"], results) if size == args.programmes else None
            growth[size] = measure_growth(size, args.growth_duration, main_figures)
    finally:
        common.stop_all()

    growth_summary = summarise_growth(growth)
    details = {
        "floor": floor,
        "floor_full": floor_full,
        "css_bytes_gzip": css_gzip,
        "cpus": os.cpu_count(),
        "load_average_after": os.getloadavg(),
        "seconds": round(time.monotonic() - started, 1),
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_s": args.duration,
        "growth_duration_s": args.growth_duration,
        "programmes": args.programmes,
        "published": measured["cold"]["published"],
        "growth_sizes": sorted(set(args.growth_sizes)),
    }
    misses = print_table(floor, floor_full, results)
    misses += print_growth(growth, growth_summary)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    # `make load` keeps its figures under "load" in the same file: carry them over.
    previous = json.loads(args.results.read_text()) if args.results.exists() else {}
    args.results.write_text(
        json.dumps(
            {
                **({"load": previous["load"]} if "load" in previous else {}),
                "floor_rps": floor["rps"],
                "floor_full_rps": floor_full["rps"],
                "floors": {"full": floor_full, "bare": floor},
                "targets": {
                    "cold_ratio_to_floor_full": TARGETS["cold"],
                    "warm_ratio_to_floor_full": TARGETS["warm"],
                    "list_html_growth": LIST_GROWTH_TARGET,
                    "p99_ms": P99_TARGET_MS,
                    "bytes_gzip_html_css": BYTES_TARGET,
                },
                "pages": results,
                "growth": growth_summary,
                "misses": misses,
                "run": details,
            },
            indent=2,
        )
        + "\n"
    )
    (OUT / "bench-details.json").write_text(json.dumps(details, indent=2) + "\n")
    log(f"\n{args.results} written; whole run {details['seconds']} s.")
    for miss in misses:
        log(f"MISSED: {miss}")
    if not misses:
        log("Every target met.")
    return 0


def measure_growth(size: int, duration: int, main_figures: tuple[dict, dict] | None) -> dict:
    """Bytes and queries of every public page at ``size`` programmes, and a few cold req/s.

    ``main_figures`` (in-process measures and wrk results) when ``size`` is the main catalogue:
    those are reused rather than measured again.
    """
    if main_figures is not None:
        main_cold, results = main_figures
        rps = {
            name: {k: results[f"{name}:cold"][k] for k in ("rps", "p50_ms", "p99_ms", "errors")}
            for name in GROWTH_RPS
        }
        pages = {name: main_cold["pages"][name] for name in PUBLIC}
        return {
            "urls": main_cold["urls"],
            "pages": pages,
            "rps": rps,
            "published": main_cold["published"],
        }
    log(f"Growth: {size:,} programmes")
    database = catalogue(f"growth-{size}", size)
    env = cold_env_for(common.production_env(database))
    measured = measure_pages(env, "-", public_only=True)
    urls = measured["urls"]
    wanted = {name: urls[name] for name in GROWTH_RPS}
    proc, base = common.start_gunicorn(
        f"growth-{size}", env, extra_args=(*NO_RECYCLE, "--pythonpath", "bench")
    )
    try:
        prime(base, wanted, "-", times=2)
        rps = {}
        for name, path in wanted.items():
            run = wrk(base, path, duration)
            rps[name] = {k: run[k] for k in ("rps", "p50_ms", "p99_ms", "errors")}
            log(f"  {name:<14} {run['rps']:>8.1f} req/s cold")
    finally:
        common.stop(proc)
    return {
        "urls": urls,
        "pages": measured["pages"],
        "rps": rps,
        "published": measured["published"],
    }


def summarise_growth(growth: dict[int, dict]) -> dict:
    sizes = sorted(growth)
    summary: dict = {
        "sizes": sizes,
        "pages": {
            str(size): {
                name: {k: page[k] for k in ("status", "bytes", "queries", "checkboxes")}
                for name, page in run["pages"].items()
            }
            for size, run in growth.items()
        },
        "cold_rps": {str(size): run["rps"] for size, run in growth.items()},
        "urls": {str(size): run["urls"] for size, run in growth.items()},
        "published": {str(size): run["published"] for size, run in growth.items()},
    }
    if len(sizes) >= 2:
        small, large = growth[sizes[0]]["pages"], growth[sizes[-1]]["pages"]
        summary["html_ratio_largest_to_smallest"] = {
            name: round(large[name]["bytes"] / small[name]["bytes"], 2)
            for name in PUBLIC
            if small[name]["bytes"]
        }
        summary["list_html_ratio"] = summary["html_ratio_largest_to_smallest"].get("list")
    return summary


def _ok(met: bool) -> str:
    return "ok" if met else "MISS"


def print_table(floor: dict, floor_full: dict, results: dict) -> list[str]:
    log("")
    log(
        f"floor with middleware (bench/floor_full: portal.settings, one view): {floor_full['rps']} "
        f"req/s, p50 {floor_full['p50_ms']} ms, p99 {floor_full['p99_ms']} ms, "
        f"errors {floor_full['errors']}"
    )
    log(
        f"bare floor (bench/floor, no middleware): {floor['rps']} req/s, p50 {floor['p50_ms']} ms, "
        f"p99 {floor['p99_ms']} ms, errors {floor['errors']}"
    )
    log(
        f"targets: cold >= {TARGETS['cold']:.2f} and warm >= {TARGETS['warm']:.2f} "
        "of the floor with middleware ('x full')"
    )
    head = (
        f"{'page':<14} {'cache':<5} {'req/s':>8} {'x full':>7} {'target':>7} {'':>4} "
        f"{'x bare':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'queries':>7} {'HTML B':>8} "
        f"{'gz+css B':>8}"
    )
    log(head)
    log("-" * len(head))
    misses = []
    other = []
    for key, r in results.items():
        name = key.split(":")[0]
        public = name in PUBLIC
        target = TARGETS[r["cache"]] if public else None
        verdict = _ok(r["ratio_to_floor_full"] >= target) if public else ""
        log(
            f"{name:<14} {r['cache']:<5} {r['rps']:>8.1f} {r['ratio_to_floor_full']:>7.3f} "
            f"{(f'>={target:.2f}' if public else ''):>7} {verdict:>4} {r['ratio_to_floor']:>7.3f} "
            f"{r['p50_ms'] or 0:>7.1f} {r['p99_ms'] or 0:>7.1f} {r['errors']:>6} {r['queries']:>7} "
            f"{r['bytes']:>8} {r['bytes_gzip_html_css']:>8}"
        )
        if r["errors"]:
            misses.append(f"{key}: {r['errors']} errors")
        if not r["requests"]:
            misses.append(f"{key}: no request completed in the run")
        if not public:
            continue
        if r["ratio_to_floor_full"] < target:
            misses.append(
                f"{key}: {r['ratio_to_floor_full']:.3f} x floor with middleware < {target:.2f}"
            )
        if r["p99_ms"] is not None and r["p99_ms"] >= P99_TARGET_MS:
            other.append(f"{key}: p99 {r['p99_ms']} ms >= {P99_TARGET_MS} ms")
        if r["bytes_gzip_html_css"] >= BYTES_TARGET:
            other.append(f"{key}: {r['bytes_gzip_html_css']} B compressed >= 30 KB")
        if r["third_party_hosts"]:
            other.append(f"{key}: third-party requests to {r['third_party_hosts']}")
        if r["cache"] == "warm" and r["queries"]:
            log(
                f"{'':<14} note: warm {name} ran {r['queries']} queries (not wholly from the cache)"
            )
    if other:
        log(f"checks (p99 < {P99_TARGET_MS} ms, < 30 KB compressed, no third party):")
        for line in other:
            log(f"  {line}")
    return misses


def print_growth(growth: dict[int, dict], summary: dict) -> list[str]:
    sizes = summary["sizes"]
    if not sizes:
        return []
    log("")
    log(
        "Growth (caches off): HTML bytes and queries per page kind, in-process; "
        f"cold req/s of {', '.join(GROWTH_RPS)} with wrk"
    )
    head = f"{'page':<14}" + "".join(f" {f'{s:,} B':>10} {'q':>3}" for s in sizes)
    if len(sizes) >= 2:
        head += f" {f'{sizes[-1]:,}/{sizes[0]:,}':>12}"
    log(head)
    log("-" * len(head))
    ratios = summary.get("html_ratio_largest_to_smallest", {})
    for name in PUBLIC:
        line = f"{name:<14}"
        for size in sizes:
            page = growth[size]["pages"][name]
            line += f" {page['bytes']:>10} {page['queries']:>3}"
        if name in ratios:
            line += f" {ratios[name]:>11.2f}x"
        log(line)
    for name in GROWTH_RPS:
        cells = ", ".join(f"{size:,}: {growth[size]['rps'][name]['rps']}" for size in sizes)
        log(f"cold req/s {name}: {cells}")
    boxes = ", ".join(f"{s:,}: {growth[s]['pages']['list']['checkboxes']}" for s in sizes)
    log(f"checkboxes on the list page: {boxes}")
    misses = []
    ratio = summary.get("list_html_ratio")
    if ratio is not None:
        met = ratio <= LIST_GROWTH_TARGET
        log(
            f"list page HTML {sizes[-1]:,} / {sizes[0]:,} programmes: {ratio:.2f}x "
            f"(target <= {LIST_GROWTH_TARGET}x, at 20,000 / 500) {_ok(met)}"
        )
        if not met:
            misses.append(
                f"list page HTML at {sizes[-1]:,} is {ratio:.2f}x its size at {sizes[0]:,} "
                f"> {LIST_GROWTH_TARGET}x"
            )
    for size in sizes:
        for name, page in growth[size]["pages"].items():
            if page["status"] != 200:
                misses.append(f"growth {size:,} {name}: status {page['status']}")
    return misses


if __name__ == "__main__":
    sys.exit(main())
