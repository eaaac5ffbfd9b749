"""A shared-cache outage costs speed only: every request still works, nothing saved is lost.

Production runs Redis as the cache and ``portal.sessions.cached_db`` as the session store. Here
the cache points at a loopback port where nothing listens (so these run in the SQLite stage
too), through both the production backend (``portal.redis_cache``, which stops trying for a
while after a failure) and Django's plain one (the session store must not depend on the
former). ``test_cache_comes_back.py`` stops and restarts a real Redis.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal.redis_cache import CACHE_ERRORS
from programmes.models import Guide, Programme, SearchSynonym, Status, Suggestion
from tests.factories import (
    BACKENDS,
    GOOD_CORRECTION,
    add_to_shortlist,
    correction_form_url,
    free_port,
    good_row,
    make_programme,
    make_topic,
    redis_cache,
    shortlisted,
    to_csv,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(BACKENDS))
def cache_down(request, settings):
    """The shared cache and cached_db sessions, with nothing listening where the cache is."""
    settings.CACHES = redis_cache(free_port(), BACKENDS[request.param])
    settings.SESSION_ENGINE = "portal.sessions.cached_db"
    with pytest.raises(CACHE_ERRORS):
        cache.get("anything")


@pytest.fixture
def catalogue():
    topic = make_topic(name="Medical imaging", slug="medical-imaging")
    first = make_programme(title="Clinical AI", topics=[topic])
    second = make_programme(title="Health Data Science")
    Guide.objects.create(
        title="Choosing a course",
        slug="choosing",
        summary="How to choose.",
        body="Read the official page.",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    return first, second


def session_row(client) -> dict:
    """What the database holds for this visitor's session (the record, cache or not)."""
    key = client.cookies["sessionid"].value
    return Session.objects.get(pk=key).get_decoded()


# ----- visitors ----------------------------------------------------------------------------


def test_public_pages_answer(client, cache_down, catalogue):
    first, second = catalogue
    urls = [
        "/",
        "/programmes/",
        "/programmes/?q=clinical",
        "/search/?q=clinical",
        first.get_absolute_url(),
        "/universities/",
        first.university.get_absolute_url(),
        "/topics/medical-imaging/",
        "/guides/",
        "/guides/choosing/",
        "/about/data/",
        f"/compare/?p={first.pk}&p={second.pk}",
        "/sitemap.xml",
        "/robots.txt",
        "/guides/feed/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "Clinical AI" in client.get("/programmes/").text


def test_shortlist_add_is_saved_in_the_database(client, cache_down, catalogue):
    first, second = catalogue
    assert add_to_shortlist(client, first).status_code == 302
    assert add_to_shortlist(client, second).status_code == 302
    assert session_row(client)["shortlist"] == [first.pk, second.pk]
    assert shortlisted(client) == [first.pk, second.pk]


def test_shortlist_remove_and_clear_work(client, cache_down, catalogue):
    first, second = catalogue
    add_to_shortlist(client, first)
    add_to_shortlist(client, second)
    removed = client.post("/shortlist/remove/", {"programme": first.pk, "next": "/programmes/"})
    assert removed.status_code == 302
    assert session_row(client)["shortlist"] == [second.pk]
    assert client.post("/shortlist/clear/", {"next": "/programmes/"}).status_code == 302
    assert shortlisted(client) == []


def test_shortlist_with_javascript_answers_json(client, cache_down, catalogue):
    first, _ = catalogue
    response = client.post(
        "/shortlist/add/", {"programme": first.pk}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200
    assert response.json()["ids"] == [first.pk]


def test_a_session_saved_before_the_outage_is_read_during_it(client, settings, catalogue):
    first, _ = catalogue
    settings.SESSION_ENGINE = "portal.sessions.cached_db"  # on the working (local) cache
    add_to_shortlist(client, first)
    settings.CACHES = redis_cache(free_port())
    assert shortlisted(client) == [first.pk]


def test_a_save_the_cache_missed_moves_the_session_to_a_key_no_cache_has_seen(
    client, cache_down, catalogue
):
    """The cache may still hold (or bring back) the copy from before; it must never be read."""
    first, second = catalogue
    add_to_shortlist(client, first)
    before = client.cookies["sessionid"].value
    add_to_shortlist(client, second)
    after = client.cookies["sessionid"].value
    assert after != before
    assert session_row(client)["shortlist"] == [first.pk, second.pk]
    assert shortlisted(client) == [first.pk, second.pk]


def test_a_report_a_correction_is_taken(client, cache_down, catalogue):
    """Its per-address limit lives in the cache: without one, reports are taken, not refused."""
    first, _ = catalogue
    response = client.post(correction_form_url(first), GOOD_CORRECTION)
    assert response.status_code == 302
    assert Suggestion.objects.get().value == GOOD_CORRECTION["value"]


# ----- editors -----------------------------------------------------------------------------


PASSWORD = "pw-editor-1"


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", "editor@example.org", PASSWORD)


def log_in(client, password=PASSWORD):
    return client.post(
        "/admin/login/", {"username": "editor", "password": password, "next": "/admin/"}
    )


def test_admin_login_and_logout(client, cache_down, editor):
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.post("/admin/logout/").status_code == 200
    assert client.get("/admin/").status_code == 302  # to the login page


def test_failed_logins_still_lock_out(client, cache_down, editor, settings):
    """django-axes counts failures in the database, so the lockout holds without the cache."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert log_in(client, password="wrong").status_code in (200, 429)
    assert log_in(client).status_code == 429  # locked out, even with the right password


def admin_pages() -> list[str]:
    urls = ["/admin/", "/admin/password_change/", reverse("admin:programmes_programme_import")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(_superuser_request()):
            urls.append(reverse(f"{name}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"{name}_{view}", args=[obj.pk]))
    return urls


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.filter(is_superuser=True).first()
    return request


def test_every_admin_page_answers(client, cache_down, editor, catalogue):
    first, _ = catalogue
    client.post(
        correction_form_url(first), GOOD_CORRECTION
    )  # a visitor's report in the review queue
    SearchSynonym.objects.create(terms="EHR, electronic health records")
    log_in(client)
    pages = admin_pages()
    assert len(pages) > 20
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_admin_change_form_saves(client, cache_down, editor, catalogue):
    first, _ = catalogue
    log_in(client)
    response = client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "unpublish", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    assert Programme.objects.get(pk=first.pk).status == "draft"
    assert client.get(first.get_absolute_url()).status_code == 404


def test_csv_export_from_the_staff_url_and_the_admin_action(client, cache_down, editor, catalogue):
    first, second = catalogue
    log_in(client)
    response = client.get("/staff/export/programmes.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Clinical AI" in body and "Health Data Science" in body
    action = client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "export_csv", "_selected_action": [first.pk]},
    )
    assert action.status_code == 200
    body = b"".join(action.streaming_content).decode("utf-8-sig")
    assert "Clinical AI" in body and "Health Data Science" not in body


def test_csv_import_dry_run_then_apply(client, cache_down, editor, catalogue):
    first, _ = catalogue
    log_in(client)
    slug = first.university.slug
    row = good_row(uni_slug=slug, slug=first.slug, title="Clinical AI (renamed)")
    response = upload(client, to_csv([row]))
    assert response.status_code == 302
    review = client.get(response["Location"])
    assert "1 to update" in review.text
    assert Programme.objects.get(pk=first.pk).title == "Clinical AI"  # the dry run wrote nothing
    assert client.post(response["Location"]).status_code == 302
    assert Programme.objects.get(pk=first.pk).title == "Clinical AI (renamed)"
    assert "Clinical AI (renamed)" in client.get(first.get_absolute_url()).text


# ----- the rest of what uses the cache -----------------------------------------------------


def test_healthz_reports_the_cache_down_and_answers_200(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "cache": "down"}


def test_reading_an_official_page_keeps_its_per_host_interval(cache_down, pages, settings):
    from programmes.sources.fetch import Fetcher
    from tests.pages_server import Page

    settings.SOURCE_FETCH_MIN_INTERVAL = 1
    pages.routes["/a"] = Page("<html><body><p>Tuition fees: Home £12,000</p></body></html>")
    started = time.monotonic()
    with Fetcher() as fetcher:
        assert fetcher.fetch(pages.url("/a")).ok  # robots.txt, then the page
    assert time.monotonic() - started >= 1.0  # the per-process limit still holds


# ----- failing fast ------------------------------------------------------------------------


class SilentServer:
    """Accepts connections and never answers: a cache gone from the network, not refusing."""

    def __init__(self):
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self._sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_cache(settings):
    server = SilentServer()
    settings.CACHES = redis_cache(server.port, socket_timeout=0.3, retry_after=60)
    settings.SESSION_ENGINE = "portal.sessions.cached_db"
    yield server
    server.close()


def test_after_one_timeout_the_process_stops_waiting_for_the_cache(client, silent_cache, catalogue):
    """Each call would wait the socket timeout; one wait, then the process works without it."""
    first, second = catalogue
    assert client.get("/programmes/").status_code == 200
    assert len(silent_cache.connections) == 1
    assert add_to_shortlist(client, first).status_code == 302
    assert add_to_shortlist(client, second).status_code == 302
    assert shortlisted(client) == [first.pk, second.pk]
    assert client.get("/healthz").json()["checks"]["cache"] == "down"
    # Nothing tried the cache again (each try would open a connection and wait 0.3 s on it).
    assert len(silent_cache.connections) == 1


def test_after_the_pause_the_process_tries_the_cache_again(client, settings, catalogue):
    server = SilentServer()
    try:
        settings.CACHES = redis_cache(server.port, socket_timeout=0.2, retry_after=0.3)
        client.get("/programmes/")
        assert len(server.connections) == 1
        time.sleep(0.4)
        client.get("/programmes/")
        assert len(server.connections) == 2
    finally:
        server.close()
