"""Cross-site POST refusal (portal/same_origin.py), pinned where mutation testing found gaps.

A trusted origin written with a trailing slash or in capitals in the settings still matches, an
Origin header with a trailing slash is this site, and the decorator both refuses (in words or
JSON) and lets a same-site POST through without Django's CSRF token.
"""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal.same_origin import REFUSED, is_same_origin, require_same_origin

factory = RequestFactory()


def allowed(**headers) -> bool:
    return is_same_origin(factory.post("/shortlist/add/", **headers))


@pytest.mark.parametrize("trusted", ["https://Portal.example.org/", "https://portal.example.org//"])
def test_a_trusted_origin_written_with_a_trailing_slash_still_matches(settings, trusted):
    settings.CSRF_TRUSTED_ORIGINS = [trusted]
    assert allowed(HTTP_ORIGIN="https://portal.example.org")
    assert allowed(HTTP_REFERER="https://portal.example.org/programmes/")
    assert not allowed(HTTP_ORIGIN="https://other.example.org")


def test_an_origin_with_a_trailing_slash_is_this_site():
    assert allowed(HTTP_ORIGIN="http://testserver/")
    assert allowed(HTTP_ORIGIN=" http://testserver ")
    assert not allowed(HTTP_ORIGIN="http://testserver.evil.example/")


@pytest.mark.parametrize(
    "referer", ["/programmes/", "//testserver/programmes/", "http:/programmes/", "testserver"]
)
def test_a_referer_that_names_no_site_is_refused(referer):
    assert not allowed(HTTP_REFERER=referer)


def shortlist_like_view(request):
    return HttpResponse("changed")


def test_the_decorator_passes_same_site_posts_without_a_csrf_token():
    view = require_same_origin(shortlist_like_view)
    assert view.csrf_exempt is True
    request = factory.post("/shortlist/add/", HTTP_SEC_FETCH_SITE="same-origin")
    response = view(request)
    assert response.status_code == 200
    assert response.content == b"changed"


def test_the_decorator_refuses_cross_site_posts_in_words_and_in_json():
    view = require_same_origin(shortlist_like_view)
    page = view(factory.post("/shortlist/add/", HTTP_SEC_FETCH_SITE="cross-site"))
    assert page.status_code == 403
    assert page["Content-Type"] == "text/plain; charset=utf-8"
    assert page.content.decode() == REFUSED
    reply = view(
        factory.post(
            "/shortlist/add/", HTTP_SEC_FETCH_SITE="cross-site", HTTP_X_REQUESTED_WITH="fetch"
        )
    )
    assert reply.status_code == 403
    assert json.loads(reply.content) == {"ok": False, "message": REFUSED}
