"""Real-browser tests: Playwright (Python) driving Debian's Chromium against the live server.

Browsers cannot be downloaded here, so Playwright launches the system Chromium by path. Where
it is missing the tests are skipped with the command that installs it, except where
PORTAL_REQUIRE_BROWSER=1 (CI sets it in .ci/run): there a missing browser fails the run, so a
green CI always means the browser tests ran.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def browser_required() -> bool:
    return os.environ.get("PORTAL_REQUIRE_BROWSER", "") == "1"


def _missing(reason: str):
    if browser_required():
        pytest.fail(f"{reason} (PORTAL_REQUIRE_BROWSER=1: the browser tests must run here)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(
            "Chromium not found: install it with `apt-get install chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
    try:
        from playwright import sync_api
    except ImportError:
        _missing("Playwright is not installed: run `make install`.")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[320, 375, 1280], ids=["small-phone", "phone", "desktop"])
def page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.width = request.param
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.width}.png"), full_page=True)
