"""`make load`: 60 seconds at 32 connections across the public pages while an editor saves.

    .venv/bin/python bench/load_test.py [--seconds 60] [--connections 32]

A synthetic catalogue in bench/out/load.sqlite3, gunicorn with 2 workers in production mode
(normal cache; worker recycling switched off with --max-requests 0 so memory growth would
show), wrk rotating through ~80 public paths (a Lua script counts status classes), and at the
same time bench/load_editor.py saving a distinct value into a different programme 5 times a
second. Afterwards every saved value is read back from the database and through its public
page. Passes with zero 5xx, zero socket errors, no lost or stale edits; reports the workers'
RSS at the start and the end. Loopback only; stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

import common
from common import OUT, PY, ROOT, log

LUA = """
paths = %(paths)s
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(#paths)
  s2, s3, s4, s5 = 0, 0, 0, 0
end

function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("s2")
    t3 = t3 + thread:get("s3")
    t4 = t4 + thread:get("s4")
    t5 = t5 + thread:get("s5")
  end
  io.write(string.format("STATUS 2xx=%%d 3xx=%%d 4xx=%%d 5xx=%%d\\n", t2, t3, t4, t5))
end
"""


def editor(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own script
        [PY, str(ROOT / "bench" / "load_editor.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"load_editor {args[0]} failed:\n{result.stderr[-3000:]}")
    if result.stderr.strip():
        log("  editor: " + result.stderr.strip().replace("\n", "\n  editor: "))
    return result.stdout.strip().splitlines()[-1]


def rss_mb(master: int) -> dict[int, float]:
    return {
        pid: round(common.memory_kb(pid).get("VmRSS", 0) / 1024, 1)
        for pid in common.worker_pids(master)
    }


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bounded load + soak test of the portal.")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    database = OUT / "load.sqlite3"
    log("Load test: building the synthetic catalogue")
    common.build_catalogue(database, 3000, 100)
    shutil.rmtree(OUT / f"cache-{database.stem}", ignore_errors=True)
    common.collectstatic()
    env = common.production_env(database)
    paths = json.loads(editor(env, "paths"))
    lua = OUT / "rotate.lua"
    lua.write_text(LUA % {"paths": "{" + ", ".join(json.dumps(p) for p in paths) + "}"})
    run_id = time.strftime("%H%M%S")

    failures: list[str] = []
    try:
        proc, base = common.start_gunicorn(
            "load", env, workers=2, extra_args=("--max-requests", "0")
        )
        for path in paths:  # every worker has loaded its code; the cache holds every page
            for _ in range(2):
                fetch(base + path)
        rss_start = rss_mb(proc.pid)
        log(f"  workers' RSS at start: {rss_start} MB")
        samples: list[dict[int, float]] = []
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.wait(1.0):
                samples.append(rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        log(
            f"  {args.seconds} s: wrk {args.connections} connections over {len(paths)} paths, "
            "editor saving 5 programmes/s"
        )
        editor_out: dict[str, str] = {}
        editor_thread = threading.Thread(
            target=lambda: editor_out.update(
                saves=editor(env, "edit", str(args.seconds - 2), run_id)
            )
        )
        editor_thread.start()
        wrk_cmd = [wrk_bin, "--latency", "-t", "2", "-c", str(args.connections)]
        wrk_cmd += ["-d", f"{args.seconds}s", "--timeout", "10s", "-s", str(lua), base]
        wrk = subprocess.run(wrk_cmd, capture_output=True, text=True, check=True)  # noqa: S603
        editor_thread.join()
        stop_sampling.set()
        sampler.join()
        rss_end = rss_mb(proc.pid)

        saves = json.loads(editor_out["saves"])
        saves_file = OUT / "load-saves.json"
        saves_file.write_text(json.dumps(saves))
        lost = json.loads(editor(env, "check", str(saves_file)))
        stale = []
        for save in saves:
            status, body = fetch(base + save["url"])
            if status != 200 or save["value"] not in body:
                stale.append({**save, "status": status})
    finally:
        common.stop_all()

    out = wrk.stdout
    status = dict(re.findall(r"(\dxx)=(\d+)", out))
    counts = {key: int(value) for key, value in status.items()}
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.MULTILINE))
    log_5xx = len(re.findall(r"status=5\d\d", (OUT / "load.log").read_text()))
    peak = {pid: max((s.get(pid, 0) for s in samples), default=0) for pid in rss_end}
    save_ms = sorted(s["ms"] for s in saves)

    report = {
        "seconds": args.seconds,
        "connections": args.connections,
        "paths": len(paths),
        "requests": sum(counts.values()),
        "rps": rps,
        "status": counts,
        "socket_errors": socket_errors,
        "latency": latency,
        "server_log_5xx": log_5xx,
        "saves": len(saves),
        "save_ms_p50": save_ms[len(save_ms) // 2] if save_ms else None,
        "save_ms_max": save_ms[-1] if save_ms else None,
        "lost_edits": len(lost),
        "stale_pages": len(stale),
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "rss_peak_mb": peak,
    }
    (OUT / "load.json").write_text(json.dumps(report, indent=2) + "\n")

    log("")
    log(
        f"requests {report['requests']:,} in {args.seconds} s ({rps:.1f}/s), "
        f"p50 {latency.get('50')}, p90 {latency.get('90')}, p99 {latency.get('99')}"
    )
    log(f"status classes {counts}; socket errors {socket_errors}; 5xx in server log {log_5xx}")
    log(
        f"editor: {len(saves)} saves (p50 {report['save_ms_p50']} ms, max "
        f"{report['save_ms_max']} ms); lost edits {len(lost)}; stale public pages {len(stale)}"
    )
    for pid in rss_end:
        log(
            f"worker {pid}: RSS start {rss_start.get(pid)} MB, peak {peak[pid]} MB, "
            f"end {rss_end[pid]} MB"
        )
    if counts.get("5xx", 0) or log_5xx:
        failures.append(f"{counts.get('5xx', 0)} 5xx responses ({log_5xx} in the server log)")
    if socket_errors:
        failures.append(f"{socket_errors} socket errors")
    if not saves:
        failures.append("the editor saved nothing")
    if lost:
        failures.append(f"{len(lost)} lost edits, e.g. {lost[0]}")
    if stale:
        failures.append(f"{len(stale)} public pages without their saved value, e.g. {stale[0]}")
    if set(rss_start) != set(rss_end):
        failures.append(f"workers changed during the run: {rss_start} -> {rss_end}")
    for pid, start in rss_start.items():
        # "Flat": a worker ending more than 20% (and 10 MB) above where it started is growing.
        end = rss_end.get(pid, 0)
        if end > start * 1.2 and end - start > 10:
            failures.append(f"worker {pid} grew from {start} MB to {end} MB")
    for failure in failures:
        log(f"FAILED: {failure}")
    if not failures:
        log("PASSED: zero 5xx, no lost edits, memory flat.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
