"""Conditional GETs: a 304 only for a page that exists, in the version the visitor has."""

from __future__ import annotations

import pytest

from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def test_any_version_of_a_page_that_does_not_exist_is_a_404_not_a_304(client):
    response = client.get("/programmes/no-such/x/", headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_any_version_of_a_list_nobody_asked_for_yet_is_rendered_then_not_modified(client):
    make_programme(title="Clinical AI")
    response = client.get("/programmes/?nation=wales", headers={"If-None-Match": "*"})
    assert response.status_code == 304  # it exists: rendered and kept, not assumed


def test_any_version_of_a_list_with_errors_is_rendered_with_them(client):
    make_programme(title="Clinical AI")
    response = client.get("/programmes/?nation=nowhere", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert "nowhere" in response.text


def test_any_version_of_a_kept_page_is_not_modified(client):
    url = make_programme(title="Clinical AI").get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304


def test_the_etag_of_the_current_page_is_not_modified(client):
    url = make_programme(title="Clinical AI").get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200
