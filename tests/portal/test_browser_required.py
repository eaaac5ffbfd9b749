"""Where CI says the browser tests must run, a missing Chromium fails them instead of skipping."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run_one_browser_test(**env) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_DEBUG": "1", "CHROMIUM_PATH": "/nonexistent/chromium"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "tests/browser/test_csp.py"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_missing_chromium_fails_the_run_where_the_browser_is_required():
    result = run_one_browser_test(PORTAL_REQUIRE_BROWSER="1")
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 1, result.stdout[-3000:]
    assert "error" in summary and "skipped" not in summary, summary
    assert "PORTAL_REQUIRE_BROWSER=1: the browser tests must run here" in result.stdout


def test_elsewhere_a_missing_chromium_skips_with_the_install_command():
    result = run_one_browser_test(PORTAL_REQUIRE_BROWSER="")
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "skipped" in summary and "error" not in summary, summary
    assert "apt-get install chromium" in result.stdout


def test_ci_requires_the_browser():
    script = (ROOT / ".ci" / "run").read_text()
    require = script.index("export PORTAL_REQUIRE_BROWSER=1")
    assert require < script.index('echo "== make test (SQLite)"')
