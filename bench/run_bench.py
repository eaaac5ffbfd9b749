"""`make bench`: throughput, latency, queries and bytes per page, against Django's own floor.

1. A synthetic catalogue (``seed_synthetic --programmes 5000 --universities 150``) in its own
   SQLite file, bench/out/bench.sqlite3, plus a staff session allowed to export.
2. The floor: bench/floor/ (one view returning a short HttpResponse, no middleware) under the
   same gunicorn config as the portal (gunicorn.conf.py, 2 workers, production mode).
3. The portal twice, 2 workers each, production settings: "cold" with the data cache switched
   off (bench/cold_settings.py: DummyCache), "warm" with the normal cache after priming.
4. wrk (--latency, 2 threads, 16 connections, DURATION seconds) on each page; SQL queries and
   bytes per page measured once in-process (bench/measure_pages.py).

Writes bench/results.json ({"floor_rps", "pages": {"<page>:<cold|warm>": {...}}}) and prints a
table. Loopback only; every process it starts is stopped on exit. About 3 minutes.
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
import urllib.request

import common
from common import OUT, PY, ROOT, log

CONNECTIONS = 16
THREADS = 2
DURATION = 8
TARGETS = {"cold": 0.35, "warm": 0.80}
P99_TARGET_MS = 100
BYTES_TARGET = 30 * 1024
PUBLIC = ["home", "list", "list_filtered", "list_deep", "programme", "compare_4", "guide"]


def wrk(base: str, path: str, duration: int, cookie: str | None = None) -> dict:
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    args = [wrk_bin, "--latency", "-t", str(THREADS), "-c", str(CONNECTIONS)]
    args += ["-d", f"{duration}s", "--timeout", "10s"]
    if cookie:
        args += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(  # noqa: S603 - fixed argv
        [*args, base + path], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(out)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


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
        "p50_ms": round(_ms(latency["50"]), 2),
        "p99_ms": round(_ms(latency["99"]), 2),
        "errors": errors,
        "requests": requests,
    }


def measure_pages(env: dict, session: str) -> dict:
    out = subprocess.run(  # noqa: S603 - our own script
        [PY, str(ROOT / "bench" / "measure_pages.py"), session],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measure_pages failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def prime(base: str, urls: dict[str, str], session: str) -> None:
    for name, path in urls.items():
        export = name.startswith("export")
        headers = {"Cookie": f"sessionid={session}"} if export else {}
        for _ in range(1 if export else 3):
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the portal against Django's floor.")
    parser.add_argument("--duration", type=int, default=DURATION, help="Seconds per wrk run.")
    args = parser.parse_args(argv)
    started = time.monotonic()
    database = OUT / "bench.sqlite3"
    log("Bench: building the synthetic catalogue")
    common.build_catalogue(database, 5000, 150)
    shutil.rmtree(OUT / f"cache-{database.stem}", ignore_errors=True)
    common.collectstatic()
    session = common.exporter_session(database)
    env = common.production_env(database)
    cold_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "cold_settings",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    measured = {
        "cold": measure_pages(cold_env, session),
        "warm": measure_pages(env, session),
    }
    urls = measured["warm"]["urls"]
    css_gzip = measured["warm"]["css_bytes_gzip"]

    results: dict[str, dict] = {}
    try:
        log(f"Floor: bench/floor (one view, no middleware), {args.duration} s")
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "floor.settings"}
        proc, base = common.start_gunicorn(
            "floor", floor_env, app="floor.wsgi", extra_args=("--pythonpath", "bench")
        )
        floor = wrk(base, "/", args.duration)
        common.stop(proc)
        log(f"  floor: {floor['rps']} req/s, p50 {floor['p50_ms']} ms, p99 {floor['p99_ms']} ms")

        for cache, server_env in (("cold", cold_env), ("warm", env)):
            log(f"Portal, cache {cache}")
            extra = ("--pythonpath", "bench") if cache == "cold" else ()
            proc, base = common.start_gunicorn(f"portal-{cache}", server_env, extra_args=extra)
            # Loads templates and code in every worker; with the cache on, fills it too.
            prime(base, urls, session)
            for name, path in urls.items():
                cookie = session if name.startswith("export") else None
                run = wrk(base, path, args.duration, cookie)
                page = measured[cache]["pages"][name]
                results[f"{name}:{cache}"] = {
                    "rps": run["rps"],
                    "ratio_to_floor": round(run["rps"] / floor["rps"], 3),
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
    finally:
        common.stop_all()

    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"floor_rps": floor["rps"], "pages": results}, indent=2) + "\n"
    )
    details = {
        "floor": floor,
        "css_bytes_gzip": css_gzip,
        "cpus": os.cpu_count(),
        "load_average_after": os.getloadavg(),
        "seconds": round(time.monotonic() - started, 1),
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_s": args.duration,
    }
    (OUT / "bench-details.json").write_text(json.dumps(details, indent=2) + "\n")
    misses = print_table(floor, results)
    log(f"\nbench/results.json written; whole run {details['seconds']} s.")
    for miss in misses:
        log(f"MISSED: {miss}")
    return 0


def print_table(floor: dict, results: dict) -> list[str]:
    log("")
    log(
        f"floor (bench/floor, no middleware): {floor['rps']} req/s, p50 {floor['p50_ms']} ms, "
        f"p99 {floor['p99_ms']} ms, errors {floor['errors']}"
    )
    head = (
        f"{'page':<14} {'cache':<5} {'req/s':>8} {'x floor':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'queries':>7} {'HTML B':>8} {'gz+css B':>8}"
    )
    log(head)
    log("-" * len(head))
    misses = []
    for key, r in results.items():
        name = key.split(":")[0]
        log(
            f"{name:<14} {r['cache']:<5} {r['rps']:>8.1f} {r['ratio_to_floor']:>8.2f} "
            f"{r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['errors']:>6} {r['queries']:>7} "
            f"{r['bytes']:>8} {r['bytes_gzip_html_css']:>8}"
        )
        if name not in PUBLIC:
            continue
        if r["ratio_to_floor"] < TARGETS[r["cache"]]:
            misses.append(f"{key}: {r['ratio_to_floor']:.2f} x floor < {TARGETS[r['cache']]:.2f}")
        if r["p99_ms"] >= P99_TARGET_MS:
            misses.append(f"{key}: p99 {r['p99_ms']} ms >= {P99_TARGET_MS} ms")
        if r["errors"]:
            misses.append(f"{key}: {r['errors']} errors")
        if r["bytes_gzip_html_css"] >= BYTES_TARGET:
            misses.append(f"{key}: {r['bytes_gzip_html_css']} B compressed >= 30 KB")
        if r["third_party_hosts"]:
            misses.append(f"{key}: third-party requests to {r['third_party_hosts']}")
    return misses


if __name__ == "__main__":
    sys.exit(main())
