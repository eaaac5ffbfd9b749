"""`make load`: 60 seconds at 32 connections on the public pages while an editor saves.

    .venv/bin/python bench/load_test.py [--seconds 60] [--connections 32] [--save-every 2]

A synthetic catalogue in bench/out/load.sqlite3, gunicorn with 2 workers in production mode
(normal cache; worker recycling switched off with --max-requests 0 so memory growth would show)
and, at the same time:

- wrk rotating through ~90 public paths (a Lua script counts status classes);
- an editor saving one programme every SAVE_EVERY seconds through the admin, over HTTP as a
  person does (GET the change form, POST it back with a new title, expect the redirect). It
  edits in turn the first four programmes of the list page, so each save lands on pages the
  load keeps hot: the programme's page, the list page, a compare page of all four, and the
  university's page;
- after each save completes, until the next one starts, those pages are fetched again and
  again: every fetch must show the title saved last for each programme it lists. A fetch that
  does not is a stale page, measured in seconds since the save completed. The page cache may
  serve the previous page while one visitor renders the new one, for at most
  PUBLIC_PAGE_MAX_AGE seconds (the bound a browser or CDN keeps a page anyway): a stale page
  past that bound fails the run. Right after each save the database is read directly (SQLite,
  read only): a save the admin confirmed that the database does not hold is a lost edit.

Passes with 0 errors (non-2xx/3xx answers to wrk, socket errors, 5xx in the server log, editor
or checker requests that failed), 0 lost edits, no page stale past the bound, public p99 under
150 ms (wrk's
latency over the rotation), and workers' memory flat. Prints PASS or FAIL for each; writes
bench/out/load.json and the "load" entry of bench/results.json. Bounded: wrk stops after
SECONDS, the editor before that; loopback only; every process it starts is stopped on exit.

Knobs for a smoke run: --seconds (LOAD_SECONDS), --connections (LOAD_CONNECTIONS),
--programmes (LOAD_PROGRAMMES), --save-every (LOAD_SAVE_EVERY), --results (LOAD_RESULTS), e.g.

    LOAD_SECONDS=10 LOAD_PROGRAMMES=300 LOAD_RESULTS=bench/out/smoke.json \\
        .venv/bin/python bench/load_test.py
"""

from __future__ import annotations

import argparse
import html
import http.client
import http.cookies
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import common
from common import OUT, PY, ROOT, log

sys.path.insert(0, str(ROOT))
# What a browser would submit from a form, read from the page (the tests' helper).
from tests.html_forms import form_data

SECONDS = 60
CONNECTIONS = 32
SAVE_EVERY = 2.0
PROGRAMMES = 3000
EDITED = 4  # programmes edited in turn: the first ones on the list page
P99_TARGET_MS = 150
# Staleness allowed after a save: the settings' PUBLIC_PAGE_MAX_AGE (its default here).
STALE_BOUND_SECONDS = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))

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


def load_editor(env: dict, *args: str) -> str:
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
    return result.stdout.strip().splitlines()[-1]


def rss_mb(master: int) -> dict[int, float]:
    return {
        pid: round(common.memory_kb(pid).get("VmRSS", 0) / 1024, 1)
        for pid in common.worker_pids(master)
    }


class Http:
    """One request per connection (gunicorn's sync workers close after each), no redirects."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port

    def request(
        self, method: str, path: str, headers: dict | None = None, body: bytes | None = None
    ) -> tuple[int, http.client.HTTPMessage, str, float]:
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        return response.status, response.headers, text, (time.perf_counter() - started) * 1000


def set_cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


class Editor:
    """Saves through the admin's change form and checks every page that shows the programme."""

    def __init__(self, base: str, session: str, targets: list[dict], database: Path, run: str):
        self.http = Http(base)
        self.cookies = {"sessionid": session}
        self.targets = targets
        self.database = database
        self.run = run
        self.current = {t["pk"]: t["title"] for t in targets}  # the title each page must show
        # Every title each programme was given, in order, recorded before its POST is sent: a
        # page fetched while a newer save is in flight may rightly show the newer title.
        self.titles = {t["pk"]: [t["title"]] for t in targets}
        self.completed: dict[int, float] = {}  # when the save of that title completed
        self.lock = threading.Lock()
        self.compare_url = "/compare/?" + "&".join(f"p={t['pk']}" for t in targets)
        self.saves: list[dict] = []
        self.stale: list[dict] = []
        self.errors: list[dict] = []
        self.lost: list[dict] = []
        self.checks = 0
        self.check_ms: list[float] = []

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def save(self, n: int) -> None:
        target = self.targets[n % len(self.targets)]
        value = f"{target['title']} [load edit {self.run}-{n:04d}]"
        started = time.perf_counter()
        status, headers, page, _ = self.http.request(
            "GET", target["admin_url"], {"Cookie": self._cookie_header()}
        )
        self.cookies.update(set_cookies(headers))
        record = {"n": n, "pk": target["pk"], "value": value, "saved": False}
        if status != 200:
            self.errors.append({"what": "admin GET", "status": status, **record})
            self.saves.append(record)
            return
        fields = {**form_data(page, "programme_form"), "title": value, "_save": "Save"}
        with self.lock:
            self.titles[target["pk"]].append(value)
        status, headers, page, _ = self.http.request(
            "POST",
            target["admin_url"],
            {
                "Cookie": self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            urllib.parse.urlencode(fields, doseq=True).encode(),
        )
        record["ms"] = round((time.perf_counter() - started) * 1000, 1)
        record["status"] = status
        if status != 302:
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.DOTALL)
            detail = [re.sub(r"<[^>]+>", " ", e).strip() for e in errors][:3]
            self.errors.append({"what": "admin POST", "form_errors": detail, **record})
            self.saves.append(record)
            return
        record["saved"] = True
        with self.lock:  # from now on every page showing this programme must show ``value``
            self.current[target["pk"]] = value
            self.completed[target["pk"]] = time.monotonic()
        self.saves.append(record)
        stored = self._stored_title(target["pk"])
        if stored != value:
            self.lost.append({**record, "stored": stored})

    def _stored_title(self, pk: int) -> str | None:
        uri = f"file:{self.database}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=10) as db:
            row = db.execute(
                "SELECT title FROM programmes_programme WHERE id = ?", (pk,)
            ).fetchone()
        return row[0] if row else None

    def pages(self) -> list[tuple[str, str, list[int]]]:
        """(kind, path, programmes it must show) for every page that shows an edited one."""
        everyone = [t["pk"] for t in self.targets]
        pages = [("list", "/programmes/", everyone), ("compare", self.compare_url, everyone)]
        pages += [("programme", t["url"], [t["pk"]]) for t in self.targets]
        for url in dict.fromkeys(t["university_url"] for t in self.targets):
            pages.append(
                ("university", url, [t["pk"] for t in self.targets if t["university_url"] == url])
            )
        return pages

    def check_round(self, phase: str) -> None:
        for kind, path, pks in self.pages():
            with self.lock:  # only saves completed before this fetch starts must show
                expected = {pk: self.current[pk] for pk in pks}
                completed = {pk: self.completed.get(pk) for pk in pks}
            try:
                status, _, body, ms = self.http.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append({"what": f"check {kind}", "path": path, "error": repr(exc)})
                continue
            self.checks += 1
            self.check_ms.append(ms)
            if status != 200:
                self.errors.append({"what": f"check {kind}", "path": path, "status": status})
                continue
            for pk, title in expected.items():
                with self.lock:
                    history = self.titles.get(pk, [])
                    # This title or one saved since (a save in flight during the fetch).
                    fresh = history[history.index(title) :] if title in history else [title]
                if not any(html.escape(t) in body for t in fresh):
                    since = completed[pk]
                    self.stale.append(
                        {
                            "phase": phase,
                            "page": kind,
                            "path": path,
                            "pk": pk,
                            "expected": title,
                            "ms_after_save": round((time.monotonic() - since) * 1000)
                            if since
                            else None,
                        }
                    )

    def run_for(self, seconds: float, every: float) -> None:
        """Save every ``every`` seconds for ``seconds``; meanwhile check the pages non-stop.

        The checker runs in its own thread so that a slow page never delays a save.
        """
        stop = threading.Event()

        def check():
            while not stop.is_set():
                self.check_round("under load")
                stop.wait(0.05)

        checker = threading.Thread(target=check)
        checker.start()
        try:
            start = time.monotonic()
            deadline = start + seconds
            next_save = start + min(every, 2.0)  # let the load reach full speed first
            n = 0
            while next_save + every <= deadline:  # room left to check the save afterwards
                time.sleep(max(0.0, next_save - time.monotonic()))
                try:
                    self.save(n)
                except (OSError, http.client.HTTPException, AssertionError) as exc:
                    # Refused, reset, timed out, or a page without the form: an error, and go on.
                    self.errors.append({"what": "admin save", "n": n, "error": repr(exc)})
                n += 1
                # One save every ``every`` seconds; a save that overran does not cause a burst.
                next_save = max(next_save + every, time.monotonic())
            time.sleep(max(0.0, deadline - time.monotonic()))
        finally:
            stop.set()
            checker.join()


def pick_targets(http: Http, programmes: dict[str, dict], count: int) -> list[dict]:
    """The first ``count`` programmes the list page shows, in its order."""
    status, _, body, _ = http.request("GET", "/programmes/")
    if status != 200:
        raise RuntimeError(f"/programmes/ answered {status}")
    found = []
    for href in re.findall(r'href="(/programmes/[^"?#]+/)"', body):
        if href in programmes and href not in found:
            found.append(href)
    if len(found) < count:
        raise RuntimeError(f"the list page shows only {len(found)} programmes")
    return [{**programmes[url], "url": url} for url in found[:count]]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def _ms(value: str | None) -> float | None:
    return None if value is None else round(common.wrk_ms(value), 2)


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - a script's steps in order
    parser = argparse.ArgumentParser(description="Bounded load test of the portal while editing.")
    parser.add_argument("--seconds", type=int, default=common.env_number("LOAD_SECONDS", SECONDS))
    parser.add_argument(
        "--connections", type=int, default=common.env_number("LOAD_CONNECTIONS", CONNECTIONS)
    )
    parser.add_argument(
        "--programmes", type=int, default=common.env_number("LOAD_PROGRAMMES", PROGRAMMES)
    )
    parser.add_argument(
        "--save-every",
        type=float,
        default=common.env_number("LOAD_SAVE_EVERY", SAVE_EVERY, float),
        help="Seconds between two saves.",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=Path(os.environ.get("LOAD_RESULTS") or ROOT / "bench" / "results.json"),
    )
    args = parser.parse_args(argv)
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    database = OUT / "load.sqlite3"
    log(f"Load test: building the synthetic catalogue ({args.programmes:,} programmes)")
    common.build_catalogue(database, args.programmes, max(10, args.programmes // 30))
    shutil.rmtree(OUT / f"cache-{database.stem}", ignore_errors=True)
    common.collectstatic()
    env = common.production_env(database)
    plan = json.loads(load_editor(env, "plan"))
    session = common.staff_session(database, "bench-editor", superuser=True)
    run_id = time.strftime("%H%M%S")

    failures: list[str] = []
    try:
        proc, base = common.start_gunicorn(
            "load", env, workers=2, extra_args=("--max-requests", "0")
        )
        http = Http(base)
        targets = pick_targets(http, plan["programmes"], EDITED)
        editor = Editor(base, session, targets, database, run_id)
        paths = list(dict.fromkeys([*plan["paths"], *(p for _, p, _ in editor.pages())]))
        lua = OUT / "rotate.lua"
        lua.write_text(LUA % {"paths": "{" + ", ".join(json.dumps(p) for p in paths) + "}"})
        for path in paths:  # every worker has loaded its code; the cache holds every page
            for _ in range(2):
                http.request("GET", path)
        editor.check_round("before")
        if editor.stale or editor.errors:
            raise RuntimeError(f"pages wrong before any edit: {editor.stale or editor.errors}")
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
            f"  {args.seconds} s: wrk {args.connections} connections over {len(paths)} paths; "
            f"an editor saving one of {EDITED} programmes every {args.save_every:g} s through "
            f"the admin, checking {len(editor.pages())} pages between saves"
        )
        editor_thread = threading.Thread(
            target=editor.run_for, args=(args.seconds - 0.5, args.save_every)
        )
        wrk_cmd = [wrk_bin, "--latency", "-t", "2", "-c", str(args.connections)]
        wrk_cmd += ["-d", f"{args.seconds}s", "--timeout", "10s", "-s", str(lua), base]
        wrk_proc = subprocess.Popen(wrk_cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603
        editor_thread.start()
        try:
            wrk_out, _ = wrk_proc.communicate(timeout=args.seconds + 60)
        finally:
            if wrk_proc.poll() is None:
                wrk_proc.kill()
                wrk_proc.wait()
        editor_thread.join(timeout=60)
        stop_sampling.set()
        sampler.join()
        rss_end = rss_mb(proc.pid)
        editor.check_round("after")  # the load has stopped: the last save must show too

        saves_file = OUT / "load-saves.json"
        saves_file.write_text(json.dumps(editor.saves))
        lost_at_end = json.loads(load_editor(env, "check", str(saves_file)))
    finally:
        common.stop_all()

    status = dict(re.findall(r"(\dxx)=(\d+)", wrk_out))
    counts = {key: int(value) for key, value in status.items()}
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk_out
    )
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk_out).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", wrk_out, re.MULTILINE))
    p50, p99 = _ms(latency.get("50")), _ms(latency.get("99"))
    log_5xx = len(re.findall(r"status=5\d\d", (OUT / "load.log").read_text()))
    peak = {pid: max((s.get(pid, 0) for s in samples), default=0) for pid in rss_end}
    saved = [s for s in editor.saves if s.get("saved")]
    stale_ms = [s["ms_after_save"] for s in editor.stale if s["ms_after_save"] is not None]
    stale_max = round(max(stale_ms) / 1000, 2) if stale_ms else 0
    past_bound = [
        s
        for s in editor.stale
        if s["ms_after_save"] is None or s["ms_after_save"] > STALE_BOUND_SECONDS * 1000
    ]
    save_ms = sorted(s["ms"] for s in editor.saves if "ms" in s)
    lost = editor.lost + [s for s in lost_at_end if s["n"] not in {x["n"] for x in editor.lost}]
    public_errors = counts.get("4xx", 0) + counts.get("5xx", 0) + socket_errors
    errors = public_errors + len(editor.errors) + log_5xx

    report = {
        "seconds": args.seconds,
        "connections": args.connections,
        "programmes": args.programmes,
        "save_every_s": args.save_every,
        "paths": len(paths),
        "requests": sum(counts.values()),
        "rps": rps,
        "status": counts,
        "socket_errors": socket_errors,
        "latency": latency,
        "p50_ms": p50,
        "p99_ms": p99,
        "server_log_5xx": log_5xx,
        "errors": errors,
        "editor_errors": editor.errors[:20],
        "saves": len(editor.saves),
        "saves_confirmed": len(saved),
        "save_ms_p50": percentile(save_ms, 0.5),
        "save_ms_max": save_ms[-1] if save_ms else None,
        "lost_edits": len(lost),
        "lost": lost[:20],
        "checks": editor.checks,
        "check_ms_p50": percentile(editor.check_ms, 0.5),
        "check_ms_p99": percentile(editor.check_ms, 0.99),
        "stale_pages": len(editor.stale),
        "stale_seconds_max": stale_max,
        "stale_bound_seconds": STALE_BOUND_SECONDS,
        "stale_past_bound": len(past_bound),
        "stale": editor.stale[:20],
        "edited": [t["url"] for t in editor.targets],
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "rss_peak_mb": peak,
        "targets": {
            "errors": 0,
            "lost_edits": 0,
            "stale_past_bound": 0,
            "p99_ms_below": P99_TARGET_MS,
        },
    }

    log("")
    log(
        f"public: {report['requests']:,} requests in {args.seconds} s ({rps:.1f}/s), "
        f"p50 {latency.get('50')}, p90 {latency.get('90')}, p99 {latency.get('99')}"
    )
    log(f"status classes {counts}; socket errors {socket_errors}; 5xx in server log {log_5xx}")
    log(
        f"editor: {len(editor.saves)} saves through the admin ({len(saved)} confirmed; p50 "
        f"{report['save_ms_p50']} ms, max {report['save_ms_max']} ms), {len(editor.errors)} "
        f"failed requests"
    )
    log(
        f"checks: {editor.checks} fetches of the edited programmes' pages (p50 "
        f"{report['check_ms_p50']} ms, p99 {report['check_ms_p99']} ms); stale {len(editor.stale)}"
        f" (at most {stale_max} s after the save; bound {STALE_BOUND_SECONDS} s)"
    )
    for pid in rss_end:
        log(
            f"worker {pid}: RSS start {rss_start.get(pid)} MB, peak {peak[pid]} MB, "
            f"end {rss_end[pid]} MB"
        )

    verdicts = [
        ("errors", errors == 0, f"{errors} (target 0)"),
        ("lost edits", not lost, f"{len(lost)} (target 0)"),
        (
            "staleness",
            not past_bound,
            f"{stale_max} s at most, {len(past_bound)} past the {STALE_BOUND_SECONDS} s bound",
        ),
        ("public p99", p99 is not None and p99 < P99_TARGET_MS, f"{p99} ms (< {P99_TARGET_MS})"),
    ]
    if not saved:
        failures.append("the editor saved nothing")
    if editor.errors:
        failures.append(f"editor or checker request failed, e.g. {editor.errors[0]}")
    if public_errors or log_5xx:
        failures.append(
            f"public: {counts.get('4xx', 0)} 4xx, {counts.get('5xx', 0)} 5xx "
            f"({log_5xx} 5xx in the server log), {socket_errors} socket errors"
        )
    if lost:
        failures.append(f"{len(lost)} lost edits, e.g. {lost[0]}")
    if past_bound:
        failures.append(f"{len(past_bound)} pages stale past the bound, e.g. {past_bound[0]}")
    if set(rss_start) != set(rss_end):
        failures.append(f"workers changed during the run: {rss_start} -> {rss_end}")
    memory_flat = True
    for pid, start in rss_start.items():
        # "Flat": a worker ending more than 20% (and 10 MB) above where it started is growing.
        end = rss_end.get(pid, 0)
        if end > start * 1.2 and end - start > 10:
            memory_flat = False
            failures.append(f"worker {pid} grew from {start} MB to {end} MB")
    verdicts.append(("memory flat", memory_flat, "workers within 20% / 10 MB of their start"))
    if p99 is None or p99 >= P99_TARGET_MS:
        failures.append(f"public p99 {p99} ms, target < {P99_TARGET_MS} ms")
    report["passed"] = all(ok for _, ok, _ in verdicts) and not failures
    report["failures"] = failures

    (OUT / "load.json").write_text(json.dumps(report, indent=2) + "\n")
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    results["load"] = report
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n")

    log("")
    for name, ok, detail in verdicts:
        log(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    for failure in failures:
        log(f"FAILED: {failure}")
    log(
        f"{'PASS' if report['passed'] else 'FAIL'}: bench/out/load.json and {args.results} written."
    )
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
