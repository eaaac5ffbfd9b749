"""One cache entry per page, however the host is spelled; absolute links on DJANGO_SITE_URL."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import make_guide, make_programme

pytestmark = pytest.mark.django_db


def page_entries() -> int:
    return sum(1 for key in cache._cache if ":page:" in key)  # LocMemCache's own store


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.mark.parametrize(
    "spellings",
    [
        ["localhost", "LOCALHOST", "localhost.", "Localhost:80"],
        ["127.0.0.1", "127.0.0.1.", "127.0.0.1:80"],
    ],
)
def test_spellings_of_one_host_share_one_entry(client, locmem, spellings):
    url = make_programme(title="Clinical AI").get_absolute_url()
    for host in spellings:
        assert client.get(url, HTTP_HOST=host).status_code == 200
    assert page_entries() == 1


def test_with_a_site_url_every_host_shares_one_entry(client, locmem, settings):
    settings.SITE_URL = "https://portal.example.org"
    url = make_programme(title="Clinical AI").get_absolute_url()
    for host in ("localhost", "127.0.0.1:8000", "LOCALHOST:81"):
        client.get(url, HTTP_HOST=host)
    assert page_entries() == 1


def test_the_feed_links_to_the_site_url_whatever_host_was_asked(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    guide = make_guide(title="Choosing a course")
    feed = client.get("/guides/feed/", HTTP_HOST="127.0.0.1").content.decode()
    assert f"https://portal.example.org{guide.get_absolute_url()}" in feed
    assert "https://portal.example.org/guides/feed/" in feed
    assert "127.0.0.1" not in feed


def test_the_compare_share_link_is_on_the_site_url(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    first, second = make_programme(), make_programme()
    page = client.get(f"/compare/?p={first.pk}&p={second.pk}", HTTP_HOST="127.0.0.1")
    assert f"https://portal.example.org/compare/?p={first.pk}&amp;p={second.pk}" in (
        page.content.decode()
    )
    assert "http://127.0.0.1/compare/" not in page.content.decode()
