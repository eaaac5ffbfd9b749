"""Whatever the session holds under "shortlist", visitors see a clean list of distinct ids.

Session data outlives code versions and can be tampered with where sessions live in a shared
cache: bools, floats, duplicates, junk and too many ids are dropped, never shown or counted.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def with_stored_shortlist(client, value):
    session = client.session
    session["shortlist"] = value
    session.save()
    return client


def compare_redirect(client) -> str:
    response = client.get("/compare/")
    assert response.status_code == 302
    return response["Location"]


def header_count(client) -> str:
    """How many programmes the visitor's own shortlist page lists."""
    text = client.get("/shortlist/").text
    if "Your compare list is empty." in text:
        return "0"
    return str(text.split('<ul class="shortlist">', 1)[1].split("</ul>", 1)[0].count("<li>"))


@pytest.fixture
def two():
    # Ids 1-3 go to programmes nobody chose, so a junk value read as 1 or 2 (True, 1.5, 2.9)
    # cannot pass for a chosen one.
    for n in range(3):
        make_programme(title=f"Filler {n}")
    first, second = make_programme(title="First"), make_programme(title="Second")
    assert min(first.pk, second.pk) > 3
    return first, second


@pytest.mark.parametrize(
    "junk",
    [[True], [False, True], [1.0], [1.5, 2.9], [None], [[1]], [{"id": 1}], ["1e0"], [-1, 0]],
    ids=repr,
)
def test_junk_values_are_dropped(client, two, junk):
    first, second = two
    with_stored_shortlist(client, [*junk, first.pk, *junk, second.pk])
    assert compare_redirect(client) == f"/compare/?p={first.pk}&p={second.pk}"
    assert header_count(client) == "2"


def test_duplicates_count_once(client, two):
    first, second = two
    with_stored_shortlist(client, [first.pk, str(first.pk), second.pk, first.pk, second.pk])
    assert compare_redirect(client) == f"/compare/?p={first.pk}&p={second.pk}"
    assert header_count(client) == "2"


def test_at_most_four_are_kept(client):
    ids = [make_programme().pk for _ in range(6)]
    with_stored_shortlist(client, ids)
    assert compare_redirect(client) == "/compare/?" + "&".join(f"p={i}" for i in ids[:4])
    assert header_count(client) == "4"


@pytest.mark.parametrize("stored", ["12", 12, {"a": 1}, None, [2**63], ["x", "-3"]], ids=repr)
def test_a_stored_value_that_is_not_a_list_of_ids_is_an_empty_shortlist(client, stored):
    make_programme()
    with_stored_shortlist(client, stored)
    response = client.get("/compare/")
    assert response.status_code == 200  # nothing to redirect to
    assert header_count(client) == "0"


def test_adding_to_a_tampered_shortlist_keeps_it_clean(client, two):
    first, second = two
    with_stored_shortlist(client, [True, first.pk, first.pk, 2.5, 3.0])
    client.post("/shortlist/add/", {"programme": second.pk})
    assert client.session["shortlist"] == [first.pk, second.pk]


# ----- what the visitor is told ------------------------------------------------------------


def post(client, action: str, programme) -> dict:
    response = client.post(
        f"/shortlist/{action}/", {"programme": programme.pk}, headers={"X-Requested-With": "fetch"}
    )
    return response.json()


def test_each_outcome_says_what_happened(client, two):
    first, second = two
    assert (
        post(client, "add", first)["message"] == f"Added {first.full_title} to your compare list."
    )
    assert (
        post(client, "add", first)["message"]
        == f"{first.full_title} is already in your compare list."
    )
    assert (
        post(client, "remove", second)["message"] == "That programme was not in your compare list."
    )
    reply = post(client, "remove", first)
    assert (reply["message"], reply["ids"]) == ("Removed from your compare list.", [])


def test_large_ids_are_kept(client):
    # Ids grow past any small bound on a long-lived PostgreSQL database.
    big = make_programme(pk=10**12, title="Big id")
    with_stored_shortlist(client, [big.pk])
    assert compare_redirect(client) == f"/compare/?p={big.pk}"


def test_the_header_compare_link_points_at_the_shortlist(client, admin_client, two):
    first, _ = two
    link = 'class="compare-link"'
    for visitor in (client, admin_client):  # a cached page and a freshly rendered one
        text = visitor.get("/programmes/").text
        assert '<a href="/compare/" ' + link in text
    not_found = Client().get("/programmes/no-such/place/")  # rendered fresh, no session yet
    assert not_found.status_code == 404
    assert '<a href="/compare/" ' + link in not_found.text
    # The same link for a visitor with a shortlist (the page is the same for everyone; site.js
    # adds the programmes): /compare/ itself takes them to their comparison.
    with_stored_shortlist(client, [first.pk])
    assert '<a href="/compare/" ' + link in client.get("/programmes/").text
    assert compare_redirect(client) == f"/compare/?p={first.pk}"


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


def test_the_compare_list_has_one_name_on_every_page(client):
    import re

    from tests.factories import make_programme

    programme = make_programme()
    client.post("/shortlist/add/", {"programme": programme.pk})
    for url in ("/", "/programmes/", "/compare/", "/shortlist/", programme.get_absolute_url()):
        page = client.get(url, follow=True).content.decode()
        words = re.sub(r"<[^>]+>", " ", page).lower()  # what a visitor reads, not addresses
        assert "shortlist" not in words, url
    assert "Your compare list" in client.get("/shortlist/").content.decode()
