"""What the page cache and the ETag are keyed on: a cached page is only reused where it is right.

Pages hold absolute URLs (canonical link, share links), so the same path asked for on another
host or over HTTPS must not get a page rendered for the first. Notices such as "check the
official page" depend on today's date, so yesterday's ETag must not earn a 304 today.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def canonical(response) -> str:
    return response.text.split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]


@pytest.fixture
def programme():
    return make_programme(title="Clinical AI")


def test_the_same_path_over_https_gets_https_links(programme):
    plain = Client().get("/programmes/")
    assert canonical(plain) == "http://testserver/programmes/"
    for _ in range(2):
        secure = Client().get("/programmes/", secure=True)
        assert canonical(secure) == "https://testserver/programmes/"
    assert canonical(Client().get("/programmes/")) == "http://testserver/programmes/"


def test_the_same_path_on_another_host_gets_that_hosts_links(programme):
    assert canonical(Client().get("/programmes/")) == "http://testserver/programmes/"
    for _ in range(2):
        other = Client().get("/programmes/", HTTP_HOST="localhost")
        assert canonical(other) == "http://localhost/programmes/"
        assert "testserver" not in other.text


def test_compare_share_link_follows_the_host_and_scheme(programme):
    second = make_programme(title="Second")
    url = f"/compare/?p={programme.pk}&p={second.pk}"
    assert f"http://testserver{url}".replace("&", "&amp;") in Client().get(url).text
    secure = Client().get(url, secure=True, HTTP_HOST="localhost")
    assert f"https://localhost{url}".replace("&", "&amp;") in secure.text
    assert "http://testserver" not in secure.text


def test_yesterdays_etag_is_not_a_304_today(programme, monkeypatch):
    client = Client()
    url = programme.get_absolute_url()
    client.get(url)  # the first visit sets the CSRF cookie the ETag covers
    today = client.get(url)
    etag = today["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=1))
    tomorrow = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert tomorrow.status_code == 200
    assert "Clinical AI" in tomorrow.text
    assert tomorrow["ETag"] != etag
    assert client.get(url, HTTP_IF_NONE_MATCH=tomorrow["ETag"]).status_code == 304


def test_a_page_cached_yesterday_is_rendered_afresh_today(monkeypatch):
    """A programme verified 364 days ago needs no notice today, but does tomorrow."""
    today = timezone.localdate()
    programme = make_programme(
        title="Nearly due", last_verified=today - datetime.timedelta(days=365)
    )
    url = programme.get_absolute_url()
    assert "Check the official page" not in Client().get(url).text  # cached now

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=1))
    assert "Check the official page" in Client().get(url).text
