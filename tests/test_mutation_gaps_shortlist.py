"""The shortlist cookie and links, pinned where mutation testing found nothing checking them.

The ``shortlist`` cookie is what the header count and the buttons read after a browser
restart, so it must last as long as the session, be Secure whenever the session is, and be
removed with the same attributes it was set with. An empty shortlist links to plain
``/compare/``, not ``/compare/?``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import make_programme

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}
JSON = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json", **SAME_SITE}


def add(client, programme, **headers):
    return client.post("/shortlist/add/", {"programme": programme.pk}, **(headers or SAME_SITE))


def test_the_cookie_lasts_as_long_as_the_session(client):
    programme = make_programme(title="Clinical AI")
    cookie = add(client, programme).cookies["shortlist"]
    assert cookie.value == str(programme.pk)
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert cookie["samesite"].lower() == "lax"
    assert not cookie["httponly"]  # site.js reads it


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_cookie_is_secure_when_the_session_cookie_is(client):
    programme = make_programme(title="Clinical AI")
    response = add(client, programme)
    assert response.cookies["shortlist"]["secure"] is True
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True


@override_settings(SESSION_COOKIE_SECURE=False)
def test_the_cookie_is_not_secure_on_plain_http_development(client):
    programme = make_programme(title="Clinical AI")
    assert not add(client, programme).cookies["shortlist"]["secure"]


def test_clearing_removes_the_cookie_with_the_attributes_it_was_set_with(client):
    programme = make_programme(title="Clinical AI")
    add(client, programme)
    cookie = client.post("/shortlist/clear/", **SAME_SITE).cookies["shortlist"]
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    assert cookie["samesite"].lower() == "lax"


def test_an_emptied_shortlist_links_to_the_plain_compare_page(client):
    programme = make_programme(title="Clinical AI")
    assert add(client, programme, **JSON).json()["compare_url"] == f"/compare/?p={programme.pk}"
    reply = client.post("/shortlist/clear/", **JSON).json()
    assert reply["ids"] == []
    assert reply["compare_url"] == "/compare/"


def test_removing_the_only_programme_from_a_comparison_links_to_plain_compare(client):
    programme = make_programme(title="Clinical AI")
    text = client.get(f"/compare/?p={programme.pk}").text
    assert 'href="/compare/"' in text
    assert 'href="/compare/?"' not in text


def test_add_and_remove_report_their_outcome_as_documented():
    """shortlist.add returns "added", "already" or "full"; remove says whether it removed."""
    from programmes import shortlist

    session: dict = {}
    assert [shortlist.add(session, n) for n in (7, 7)] == ["added", "already"]
    for n in range(8, 8 + shortlist.MAX_SHORTLIST - 1):
        assert shortlist.add(session, n) == "added"
    assert shortlist.add(session, 99) == "full"
    assert shortlist.get(session) == list(range(7, 7 + shortlist.MAX_SHORTLIST))
    assert (shortlist.remove(session, 7), shortlist.remove(session, 7)) == (True, False)
    assert shortlist.get({}) == []
