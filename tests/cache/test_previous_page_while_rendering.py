"""After an edit, a page rendered less than PUBLIC_PAGE_REFRESH_SECONDS ago is served as it is;
past that, one visitor renders each page and the others get the previous page for at most
PUBLIC_PAGE_MAX_AGE seconds, or wait briefly for the new one. Staff always see the edit."""

from __future__ import annotations

import threading
import time
import types

import pytest
from django.contrib.auth.models import User
from django.test import Client

from portal import page_cache
from programmes import views
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def another_visitor_is_rendering(monkeypatch):
    """Every page's render lock is held by someone else."""
    monkeypatch.setattr(page_cache, "_lock", lambda request, lock_key: False)
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.1)


def renamed(programme, title: str):
    programme.title = title
    programme.save()  # bumps the catalogue version, as every write does


def test_the_previous_page_is_served_while_another_visitor_renders_the_new_one(
    client, another_visitor_is_rendering
):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    assert "Clinical AI" in client.get(url).content.decode()
    renamed(programme, "Clinical Machine Learning")
    page = client.get(url).content.decode()
    assert "Clinical AI" in page and "Clinical Machine Learning" not in page


def _clock_moved_on(monkeypatch, seconds: float) -> None:
    real = time.time
    monkeypatch.setattr(
        page_cache,
        "time",
        types.SimpleNamespace(
            time=lambda: real() + seconds, monotonic=time.monotonic, sleep=time.sleep
        ),
    )


def test_the_previous_page_is_never_served_past_the_bound(
    client, settings, monkeypatch, another_visitor_is_rendering
):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    client.get(url)
    renamed(programme, "Clinical Machine Learning")
    # Longer than the bound later, and with edits still coming (the latest just now): the kept
    # page misses an edit older than the bound, so it is not served.
    _clock_moved_on(monkeypatch, settings.PUBLIC_PAGE_MAX_AGE + 1)
    other = make_programme(title="Radiology Data Science")
    renamed(other, "Radiology AI")
    assert "Clinical Machine Learning" in client.get(url).content.decode()


def test_the_previous_page_says_its_age_so_browsers_and_cdns_keep_it_no_longer(
    client, settings, monkeypatch, another_visitor_is_rendering
):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    fresh = client.get(url)
    assert "Age" not in fresh
    renamed(programme, "Clinical Machine Learning")
    _clock_moved_on(monkeypatch, 20)
    previous = client.get(url)
    assert "Clinical AI" in previous.content.decode()
    assert 20 <= int(previous["Age"]) <= 22
    assert f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in previous["Cache-Control"]


def test_without_another_render_in_flight_the_first_visitor_after_an_edit_sees_it(client):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    client.get(url)
    renamed(programme, "Clinical Machine Learning")
    assert "Clinical Machine Learning" in client.get(url).content.decode()


def test_staff_see_their_edit_at_once_even_while_others_get_the_previous_page(
    client, another_visitor_is_rendering
):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    Client().get(url)  # an anonymous visitor leaves the page in the cache
    renamed(programme, "Clinical Machine Learning")
    client.force_login(User.objects.create_user("edith", password="pw", is_staff=True))
    assert "Clinical Machine Learning" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_visitors_asking_for_the_same_new_page_cause_one_render(monkeypatch):
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    release = threading.Event()
    renders: list[str] = []
    real_render = views.render

    def slow_render(request, template, *args, **kwargs):
        renders.append(template)
        if len(renders) == 1:
            release.wait(5)  # the first visitor's render is still going...
        return real_render(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", slow_render)
    answers: dict[str, str] = {}

    def visit(name: str) -> None:
        answers[name] = Client().get(url).content.decode()

    first = threading.Thread(target=visit, args=("first",))
    first.start()
    while not renders:
        time.sleep(0.01)
    second = threading.Thread(target=visit, args=("second",))
    second.start()
    time.sleep(0.3)  # ...while the second visitor arrives and waits for it
    release.set()
    first.join(5)
    second.join(5)
    assert len(renders) == 1
    assert answers["first"] == answers["second"]
    assert "Clinical AI" in answers["second"]


def test_a_page_rendered_within_the_refresh_window_is_served_as_it_is_after_an_edit(
    client, settings
):
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 10
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    client.get(url)
    renamed(programme, "Clinical Machine Learning")
    page = client.get(url).content.decode()
    assert "Clinical AI" in page and "Clinical Machine Learning" not in page


def test_past_the_refresh_window_the_next_visitor_gets_the_edit(client, settings, monkeypatch):
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 10
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    client.get(url)
    renamed(programme, "Clinical Machine Learning")
    later = time.time() + 11
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert "Clinical Machine Learning" in client.get(url).content.decode()


def test_the_refresh_window_never_hides_an_edit_from_staff(client, settings):
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 10
    programme = make_programme(title="Clinical AI")
    url = programme.get_absolute_url()
    Client().get(url)
    renamed(programme, "Clinical Machine Learning")
    client.force_login(User.objects.create_user("edith", password="pw", is_staff=True))
    assert "Clinical Machine Learning" in client.get(url).content.decode()


def test_the_refresh_window_is_never_longer_than_the_public_max_age(monkeypatch):
    import importlib

    from portal import settings as portal_settings

    monkeypatch.setenv("PUBLIC_PAGE_REFRESH_SECONDS", "600")
    monkeypatch.setenv("PUBLIC_PAGE_MAX_AGE", "60")
    try:
        reloaded = importlib.reload(portal_settings)
        assert reloaded.PUBLIC_PAGE_REFRESH_SECONDS == 60
    finally:
        monkeypatch.undo()
        importlib.reload(portal_settings)


def test_pages_rendered_together_are_not_all_rendered_again_together(client, settings, monkeypatch):
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 10
    programmes = [make_programme(title=f"Clinical AI {n}") for n in range(30)]
    for programme in programmes:
        client.get(programme.get_absolute_url())
    for programme in programmes:
        renamed(programme, f"{programme.title} (renamed)")
    later = time.time() + 7.5  # past some pages' windows (5 to 10 s), within others'
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    renamed_shown = [
        "(renamed)" in client.get(programme.get_absolute_url()).content.decode()
        for programme in programmes
    ]
    assert any(renamed_shown) and not all(renamed_shown)
