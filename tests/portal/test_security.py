"""Security headers on every page, production settings, the proxy boundary, lockout, static."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from portal.proxy import client_ip
from programmes.models import Guide, Status
from tests.factories import make_programme, make_topic

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "production-like-secret-" + "k3y!" * 12,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org,127.0.0.1",
}


@pytest.fixture
def catalogue():
    topic = make_topic(name="Genomics", slug="genomics")
    programme = make_programme(topics=[topic], fee_home=12000)
    guide = Guide(
        title="Choosing",
        slug="choosing",
        summary="How to choose.",
        body="## One\n\nText.",
        status=Status.PUBLISHED,
        published_at=datetime.date(2026, 1, 5),
    )
    guide.render_body()
    guide.save()
    return {"programme": programme, "topic": topic, "guide": guide}


def public_urls(catalogue) -> dict[str, str]:
    programme = catalogue["programme"]
    return {
        "home": reverse("home"),
        "programme_list": reverse("programme_list"),
        "programme_detail": programme.get_absolute_url(),
        "university_list": reverse("university_list"),
        "university_detail": programme.university.get_absolute_url(),
        "topic_detail": catalogue["topic"].get_absolute_url(),
        "compare": f"{reverse('compare')}?p={programme.pk}",
        "guide_list": reverse("guide_list"),
        "guide_detail": catalogue["guide"].get_absolute_url(),
        "guide_feed": reverse("guide_feed"),
        "about_data": reverse("about_data"),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots"),
        "healthz": reverse("healthz"),
        "admin_login": reverse("admin:login"),
    }


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "programme_list",
        "programme_detail",
        "university_list",
        "university_detail",
        "topic_detail",
        "compare",
        "guide_list",
        "guide_detail",
        "guide_feed",
        "sitemap",
        "robots",
        "healthz",
        "admin_login",
    ],
)
def test_every_page_carries_the_security_headers(client, catalogue, name):
    response = client.get(public_urls(catalogue)[name])
    assert response.status_code == 200
    assert_security_headers(response)


def test_not_found_pages_carry_the_security_headers_too(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_pages_have_no_inline_script_or_style(client, catalogue):
    """What lets the CSP forbid 'unsafe-inline': nothing on the pages needs it."""
    for name, url in public_urls(catalogue).items():
        if name in {"guide_feed", "sitemap", "robots", "healthz"}:
            continue
        text = client.get(url).text
        assert " style=" not in text, name
        assert "<style" not in text, name
        for tag in text.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/ld+json"' in opening, (name, opening)
        assert " onclick=" not in text and "javascript:" not in text, name


# ----- production settings -----------------------------------------------------------------


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FORWARDED_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_setting(name: str, **env) -> str:
    result = run_python(
        f"import django; django.setup(); from django.conf import settings; "
        f"print(repr(settings.{name}))",
        {**PRODUCTION, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            **PRODUCTION,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_https_only_with_a_year_of_hsts_by_default():
    assert production_setting("SECURE_SSL_REDIRECT") == "True"
    assert production_setting("SECURE_HSTS_SECONDS") == "31536000"
    assert production_setting("SESSION_COOKIE_SECURE") == "True"
    assert production_setting("CSRF_COOKIE_SECURE") == "True"
    assert production_setting("SESSION_COOKIE_HTTPONLY") == "True"


def test_hsts_max_age_and_ssl_redirect_are_configurable():
    assert production_setting("SECURE_HSTS_SECONDS", DJANGO_HSTS_SECONDS="600") == "600"
    assert production_setting("SECURE_SSL_REDIRECT", DJANGO_SECURE_SSL_REDIRECT="0") == "False"


def test_django_itself_never_trusts_x_forwarded_proto(client, settings):
    """Only gunicorn decides (from a trusted peer) whether a request came over HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/robots.txt"


def test_hsts_header_is_sent_on_https_responses(client, settings):
    settings.SECURE_HSTS_SECONDS = 600
    response = client.get("/robots.txt", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=600")


def test_healthz_answers_plain_http_for_load_balancer_probes(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


# ----- the proxy boundary, through a real gunicorn -----------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, log_path) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free loopback port, its output kept in ``log_path`` for failures.

    The port is free when chosen but another process may take it before gunicorn binds: that
    start is retried on a new port; any other failure raises with the log.
    """
    for _ in range(3):
        port = free_port()
        log = open(log_path, "ab")  # noqa: SIM115 - closed below, once gunicorn has stopped
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server.log = log
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return server, port
            except OSError:
                time.sleep(0.1)
        stop_gunicorn(server)
        output = log_path.read_text(errors="replace")
        if "Address already in use" not in output:
            break
    raise RuntimeError("gunicorn did not start; its log:\n" + output[-4000:])


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    server.log.close()


def gunicorn_status(tmp_path, forwarded_allow_ips: str, headers: dict) -> int:
    """Start gunicorn in production mode, GET /robots.txt once, return the status code."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FORWARDED_"))
    }
    env.update(
        PRODUCTION,
        WEB_CONCURRENCY="1",
        FORWARDED_ALLOW_IPS=forwarded_allow_ips,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
    )
    log_path = tmp_path / "gunicorn.log"
    server, port = start_gunicorn(env, log_path)
    try:

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/robots.txt",
            headers={"Host": "portal.example.org", **headers},
        )
        try:
            with opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            raise RuntimeError(
                f"no answer from gunicorn ({error}); its log:\n"
                + log_path.read_text(errors="replace")[-4000:]
            ) from error
    finally:
        stop_gunicorn(server)


def test_spoofed_forwarded_proto_from_an_untrusted_address_is_ignored(tmp_path):
    # The client (127.0.0.1) is not the configured proxy: its header must not make the plain
    # HTTP request look secure, so the production SSL redirect still applies.
    status = gunicorn_status(tmp_path, "192.0.2.10", {"X-Forwarded-Proto": "https"})
    assert status == 301


def test_forwarded_proto_from_the_trusted_proxy_counts_as_https(tmp_path):
    assert gunicorn_status(tmp_path, "127.0.0.1", {"X-Forwarded-Proto": "https"}) == 200
    assert gunicorn_status(tmp_path, "127.0.0.1", {}) == 301


# ----- admin location and login lockout ----------------------------------------------------


@pytest.mark.slow
def test_admin_prefix_is_configurable_and_not_named_in_robots_txt():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "from django.test import Client; print(reverse('admin:index')); "
        "print(Client().get('/robots.txt').content.decode())"
    )
    result = run_python(code, {"DJANGO_DEBUG": "1", "DJANGO_ADMIN_URL": "editors/desk/"})
    assert result.returncode == 0, result.stderr
    assert "/editors/desk/" in result.stdout.splitlines()
    robots = result.stdout.split("\n", 1)[1]
    assert "editors" not in robots and "admin" not in robots  # a moved admin stays unnamed
    assert "Disallow: /staff/" in robots


@pytest.mark.slow
def test_admin_prefix_must_be_a_relative_path_with_a_trailing_slash():
    result = run_python(
        "import django; django.setup()", {"DJANGO_DEBUG": "1", "DJANGO_ADMIN_URL": "/admin"}
    )
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must look like" in result.stderr


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_repeated_failed_logins_lock_out_that_user_from_that_address(client, settings):
    User.objects.create_superuser("editor", "editor@example.org", "right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    locked = login(client, "editor", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while the lockout lasts.
    again = login(client, "editor", "right-password-1")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, settings):
    User.objects.create_superuser("editor", "editor@example.org", "right-password-1")
    User.objects.create_superuser("other", "other@example.org", "right-password-2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", "wrong")
    assert login(client, "editor", "right-password-1").status_code == 429
    # The same user from another address, and another user from this one, still get in.
    assert login(client, "editor", "right-password-1", "203.0.113.7").status_code == 302
    client.logout()
    assert login(client, "other", "right-password-2").status_code == 302


def test_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "198.51.100.4"
    proxied = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9, 10.0.0.1"
    )
    assert client_ip(proxied) == "198.51.100.9"


# ----- static files ------------------------------------------------------------------------


def test_hashed_static_files_are_compressed_and_cached_forever(settings, tmp_path):
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p for p in (tmp_path / "css").iterdir() if p.name.startswith("site.")]
    names = {p.name for p in hashed}
    css = next(n for n in names if n.endswith(".css") and n.count(".") == 2)
    assert f"{css}.br" in names and f"{css}.gz" in names

    middleware = WhiteNoiseMiddleware(get_response=lambda _request: None)
    request = RequestFactory().get(f"/static/css/{css}", HTTP_ACCEPT_ENCODING="gzip, br")
    response = middleware(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "max-age=315360000" in cache_control


def test_robots_txt_does_not_name_the_admin(client):
    body = client.get("/robots.txt").content.decode()
    assert "/admin" not in body
    assert "Disallow: /staff/" in body


@pytest.mark.parametrize("allowed,warned", [(["*"], True), (["10.0.0.0/16"], False)])
def test_check_deploy_warns_when_every_peer_may_claim_an_address(settings, allowed, warned):
    from programmes.checks import forwarded_allow_ips

    settings.FORWARDED_ALLOW_IPS = allowed
    assert [w.id for w in forwarded_allow_ips()] == (["programmes.W002"] if warned else [])


def test_failures_for_one_username_from_many_addresses_lock_it_everywhere(client, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    User.objects.create_superuser("editor", "editor@example.org", "right-password-1")
    for n in range(6):  # one failure each from six addresses: axes alone never locks
        assert login(client, "editor", "wrong", f"198.51.100.{n + 1}").status_code == 200
    refused = login(client, "editor", "right-password-1", "203.0.113.50")
    assert refused.status_code == 200  # the sign-in form again, not the admin
    assert "_auth_user_id" not in client.session
    # Other editors are not affected.
    User.objects.create_superuser("other", "other@example.org", "right-password-2")
    assert login(client, "other", "right-password-2", "203.0.113.50").status_code == 302


def test_the_username_lock_ends_after_the_cool_off(client, settings):
    from django.core.cache import cache

    settings.LOGIN_USERNAME_FAILURE_LIMIT = 3
    User.objects.create_superuser("editor", "editor@example.org", "right-password-1")
    for n in range(3):
        login(client, "editor", "wrong", f"198.51.100.{n + 1}")
    assert login(client, "editor", "right-password-1", "203.0.113.50").status_code == 200
    cache.clear()  # what the cool-off's expiry does
    assert login(client, "editor", "right-password-1", "203.0.113.50").status_code == 302


def test_a_successful_sign_in_clears_the_username_count(client, settings):
    from portal.login_lockout import failures

    User.objects.create_superuser("editor", "editor@example.org", "right-password-1")
    login(client, "editor", "wrong", "198.51.100.1")
    assert failures("editor") == 1
    assert login(client, "editor", "right-password-1", "198.51.100.2").status_code == 302
    assert failures("editor") == 0
