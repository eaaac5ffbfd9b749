"""A visitor who has nothing to keep costs no session row, however often they press the
shortlist's buttons (one session per request was a cheap way to fill the database)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def session_rows() -> int:
    return Session.objects.count()


@pytest.mark.parametrize("action", ["clear", "remove"])
def test_pressing_clear_or_remove_on_an_empty_shortlist_stores_no_session(action):
    programme = make_programme()
    for _ in range(25):  # a fresh visitor each time, as a script would send them
        Client().post(f"/shortlist/{action}/", {"programme": programme.pk, "next": "/"})
    assert session_rows() == 0


def test_adding_stores_one_session_and_emptying_it_again_stores_no_more(client):
    first, second = make_programme(), make_programme()
    client.post("/shortlist/add/", {"programme": first.pk, "next": "/"})
    client.post("/shortlist/add/", {"programme": second.pk, "next": "/"})
    assert session_rows() == 1
    client.post("/shortlist/remove/", {"programme": first.pk, "next": "/"})
    assert client.get("/compare/")["Location"].endswith(f"p={second.pk}")
    client.post("/shortlist/clear/", {"next": "/"})
    assert client.get("/compare/").status_code == 200  # nothing saved: the empty comparison
    for _ in range(10):
        client.post("/shortlist/clear/", {"next": "/"})
    assert session_rows() <= 1
