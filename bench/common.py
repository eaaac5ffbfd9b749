"""Helpers shared by the bench scripts: databases, production-mode gunicorn, sessions, memory.

Everything runs on loopback. Every process started here is registered and stopped by
``stop_all()`` (called in ``finally``, at exit and on SIGTERM/SIGINT): nothing outlives a run.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# The interpreter running the bench (make runs .venv/bin/python) and its gunicorn: a worktree
# without its own .venv can run the bench with another checkout's.
PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "127.0.0.1"

# One key per run: sessions written by a manage.py subprocess must verify in gunicorn.
SECRET_KEY = "bench-" + secrets.token_urlsafe(40)

_started: list[subprocess.Popen] = []


# The public page kinds the bench measures, in the order its tables print them.
PUBLIC_PAGES = [
    "home",
    "list",
    "list_filtered",
    "list_deep",
    "search",
    "programme",
    "university",
    "topic",
    "compare_4",
    "guide_list",
    "guide",
    "about_data",
]


def env_number(name: str, default, kind=int):
    """A knob from the environment (BENCH_*, LOAD_*), or the default when unset."""
    value = os.environ.get(name, "").strip()
    return kind(value) if value else default


def wrk_ms(value: str) -> float:
    """A wrk latency such as "850.00us", "2.01s" or "1.20m", in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(database: Path, **extra: str) -> dict[str, str]:
    """Production settings (DJANGO_DEBUG=0) on loopback, against ``database``.

    Plain HTTP on loopback, so the SSL redirect is off (an explicit production choice the
    settings support); cookies stay Secure, which only changes the Set-Cookie flag.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_CACHE_DIR": str(OUT / f"cache-{database.stem}"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        for line in result.stdout.splitlines():
            if not line.startswith("{") and " INFO " not in line:
                log("    " + line)
    return result.stdout


def build_catalogue(
    database: Path, programmes: int, universities: int, *, reuse: bool = False
) -> None:
    """A fresh SQLite file holding a synthetic catalogue (``seed_synthetic``)."""
    marker = database.with_suffix(".done")
    wanted = f"{programmes}/{universities}"
    if reuse and database.exists() and marker.exists() and marker.read_text() == wanted:
        log(f"  reusing {database.relative_to(ROOT)} ({programmes:,} programmes)")
        # Migrations added since it was built (the data stays; new tables start empty).
        manage(production_env(database), "migrate", "--noinput", quiet=True)
        # And the stored counts in the shape this code reads (a new field starts empty).
        manage(production_env(database), "rebuild_catalogue_counts", quiet=True)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for path in (database, marker, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)
    env = production_env(database)
    log(f"  building {database.relative_to(ROOT)}: {programmes:,} programmes")
    manage(env, "migrate", "--noinput", quiet=True)
    seed(env, programmes, universities)
    marker.write_text(wanted)


def seed(env: dict[str, str], programmes: int, universities: int) -> None:
    """A labelled synthetic catalogue (``seed_synthetic``) in the database ``env`` names."""
    manage(
        env,
        "seed_synthetic",
        "--programmes",
        str(programmes),
        "--universities",
        str(universities),
        "--topics-from-vocabulary",
    )


def collectstatic() -> None:
    """Production templates need whitenoise's manifest of hashed static files."""
    env = production_env(OUT / "unused.sqlite3")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", quiet=True)


_SESSION_SCRIPT = """
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore
User = get_user_model()
user, _ = User.objects.get_or_create(username=%(username)r, defaults={"is_staff": True})
user.is_staff = True
user.is_superuser = %(superuser)r
user.set_unusable_password()
user.save()
for codename in %(permissions)r:
    user.user_permissions.add(Permission.objects.get(codename=codename))
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(json.dumps({"session": store.session_key}))
"""


def staff_session(
    database: Path, username: str, *, superuser: bool = False, permissions: tuple[str, ...] = ()
) -> str:
    """A session key for a staff user, stored in ``database``.

    Written straight into the sessions table (database sessions, as production without Redis
    uses), so no login form, CSRF or lockout logic is involved.
    """
    script = _SESSION_SCRIPT % {
        "username": username,
        "superuser": superuser,
        "permissions": list(permissions),
    }
    out = manage(production_env(database), "shell", "-c", script, quiet=True)
    line = [x for x in out.splitlines() if x.startswith('{"session"')][-1]
    return json.loads(line)["session"]


def exporter_session(database: Path) -> str:
    """A session for a staff user holding programmes.export_programme (the CSV export)."""
    return staff_session(database, "bench-exporter", permissions=("export_programme",))


def start_gunicorn(
    name: str,
    env: dict[str, str],
    app: str = "portal.wsgi",
    workers: int = 2,
    extra_args: tuple[str, ...] = (),
) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's gunicorn.conf.py (production config) on a free loopback port."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)}
    OUT.mkdir(parents=True, exist_ok=True)
    logfile = (OUT / f"{name}.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - fixed argv
        [GUNICORN, "--config", "gunicorn.conf.py", *extra_args, app],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _started.append(proc)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited; see {logfile.name}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:  # noqa: S310
                response.read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError(f"gunicorn {name} did not answer within 30 s; see {logfile.name}")
    # Every worker must have booted before measuring.
    deadline = time.monotonic() + 20
    while len(worker_pids(proc.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc, base


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc in _started:
        _started.remove(proc)


def stop_all() -> None:
    for proc in list(_started):
        stop(proc)


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def worker_pids(master_pid: int) -> list[int]:
    """gunicorn's workers: the master's children."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since the process started), in kB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out
