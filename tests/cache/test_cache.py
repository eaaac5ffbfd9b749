"""Public pages are served from the page cache; writes invalidate it; repeats get 304."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programmes import counts, search
from programmes.models import Programme, Status
from tests.factories import admin_form_data, change_url, make_programme, make_topic, make_university

CARD_TITLES = re.compile(r'<h3 class="card-title"><a href="([^"]+)"')

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def queries(client, url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return len(ctx.captured_queries), response


@pytest.fixture
def catalogue():
    topic = make_topic(name="Genomics", slug="genomics")
    uni = make_university(name="University of Glenmore", slug="glenmore")
    programmes = [
        make_programme(university=uni, topics=[topic], title=f"Clinical AI {n}", fee_home=9000)
        for n in range(25)
    ]
    counts.rebuild()  # as after the writes commit (programmes/counts.py)
    return programmes


@pytest.mark.parametrize("query", ["", "?topic=genomics&sort=fee_home", "?q=clinical&page=2"])
def test_warm_list_page_makes_no_queries(client, catalogue, query):
    cold, first = queries(client, f"/programmes/{query}")
    warm, second = queries(client, f"/programmes/{query}")
    # The list without a search reads the stored counts (programmes/counts.py): filter options,
    # counts, cards and their topics. A search also reads the synonym groups and the place and
    # mode words once (then cached with the catalogue), and counts and ranks from the stored
    # index (programmes/indexed_search.py): the index, the matching ids, those matching in the
    # title, the phrase (some title has every word), the title or university and topics (on
    # PostgreSQL these four in one query), and (page 2 goes past what those hold) the summary
    # too; then the cards and their topics.
    searched = 9 if search.parts_in_one_pass() else 12
    assert cold == (searched if "q=" in query else 5)
    assert warm == 0
    assert first.status_code == second.status_code == 200
    # The warm page is served from the rendered-page cache: same programmes, no rendering.
    assert second.context is None
    assert CARD_TITLES.findall(first.text) == CARD_TITLES.findall(second.text)


def test_same_filters_in_another_order_share_the_cache(client, catalogue):
    client.get("/programmes/?topic=genomics&nation=england")
    count, response = queries(client, "/programmes/?nation=england&topic=genomics&junk=1")
    assert count == 0
    assert response.context is None  # the page rendered for the first address
    assert response.text.count('class="card-title"') == 20
    assert "25 programmes" in response.text


@pytest.mark.parametrize("page", ["home", "detail", "university", "topic", "universities"])
def test_other_warm_pages_make_no_queries(client, catalogue, page):
    programme = catalogue[0]
    url = {
        "home": "/",
        "detail": programme.get_absolute_url(),
        "university": programme.university.get_absolute_url(),
        "topic": "/topics/genomics/",
        "universities": "/universities/",
    }[page]
    cold, _ = queries(client, url)
    warm, response = queries(client, url)
    assert cold > 0
    assert warm == 0
    assert response.status_code == 200


def test_admin_edit_shows_on_the_public_pages_at_once(client, catalogue):
    programme = catalogue[0]
    visitor = Client()
    assert "Clinical AI 0" in visitor.get(programme.get_absolute_url()).text
    assert "Clinical AI 0" in visitor.get("/universities/glenmore/").text

    editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    form = client.get(change_url(programme))
    response = client.post(
        change_url(programme), admin_form_data(form, title="Clinical Machine Learning")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert "MSc Clinical Machine Learning" in visitor.get(programme.get_absolute_url()).text
    listing = visitor.get("/universities/glenmore/")  # its first 12, by title
    assert "Clinical AI 0<" not in listing.text
    assert "Clinical AI 1<" in listing.text
    found = visitor.get("/programmes/?university=glenmore&q=machine")
    assert "MSc Clinical Machine Learning" in found.text


def test_admin_bulk_unpublish_hides_the_programme_at_once(client, catalogue):
    """Bulk actions write with bulk_update() (no model signals) and must still invalidate."""
    programme = catalogue[0]
    visitor = Client()
    assert visitor.get(programme.get_absolute_url()).status_code == 200
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    client.post(
        "/admin/programmes/programme/",
        {"action": "unpublish", "_selected_action": [programme.pk]},
    )
    assert Programme.objects.get(pk=programme.pk).status != Status.PUBLISHED
    assert visitor.get(programme.get_absolute_url()).status_code == 404


def test_shell_writes_invalidate_too(client, catalogue):
    """Any write path (shell, import, load_catalogue) goes through the model signals."""
    programme = catalogue[0]
    topic_page = client.get("/topics/genomics/").text
    assert "Clinical AI 0" in topic_page
    programme.topics.clear()  # an m2m change
    assert "Clinical AI 0<" not in client.get("/topics/genomics/").text
    programme.delete()
    assert client.get(programme.get_absolute_url()).status_code == 404


# ----- conditional GET ---------------------------------------------------------------------


def test_repeat_visit_with_if_none_match_gets_304_without_reading_anything(client, catalogue):
    for url in ("/", "/programmes/?topic=genomics", catalogue[0].get_absolute_url()):
        first = client.get(url)
        etag = first["ETag"]
        assert etag.startswith('W/"')
        assert first["Cache-Control"] == "public, max-age=60"
        count, again = queries(client, url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert count == 0


def test_catalogue_change_gives_a_new_etag(client, catalogue):
    etag = client.get("/programmes/")["ETag"]
    make_programme(title="Brand New Programme")
    response = client.get("/programmes/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Brand New Programme" in response.text
    assert response["ETag"] != etag


def test_every_visitor_shares_one_etag(catalogue):
    """Nothing on a public page is the visitor's own, so neither is its ETag."""
    mine = Client().get("/programmes/")["ETag"]
    other = Client()
    other.post("/shortlist/add/", {"programme": catalogue[0].pk})
    assert other.get("/programmes/", HTTP_IF_NONE_MATCH=mine).status_code == 304


# ----- configuration -----------------------------------------------------------------------


@pytest.mark.slow
def test_redis_url_switches_cache_and_sessions_to_redis():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert "portal.redis_cache.RedisCache" in lines
    assert "portal.sessions.cached_db" in lines
