"""Rendered pages are cached for anonymous visitors and personalised per request."""

import pytest
from django.test import Client

from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def add(client, programme):
    client.get("/programmes/")  # a page with a form hands out the CSRF cookie
    token = client.cookies["csrftoken"].value
    return client.post(
        "/shortlist/add/",
        {"programme": programme.pk, "next": "/programmes/", "csrfmiddlewaretoken": token},
    )


def test_a_cached_page_shows_each_visitor_their_own_shortlist():
    chosen = make_programme(title="Chosen")
    make_programme(title="Other")
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    bob.get("/programmes/")  # renders and caches the page
    add(alice, chosen)
    page = alice.get("/programmes/")
    # Served from the rendered-page cache: only the small messages template was rendered.
    assert [t.name for t in page.templates] == ["includes/messages.html"]
    assert '<span class="badge" data-shortlist-count>1</span>' in page.text
    assert page.text.count("In compare list") == 1
    assert page.text.count("Add to compare") == 1
    assert f"/compare/?p={chosen.pk}" in page.text
    assert "Added MSc Chosen to your shortlist." in page.text
    fresh = bob.get("/programmes/")
    assert '<span class="badge" data-shortlist-count>0</span>' in fresh.text
    assert "In compare list" not in fresh.text
    assert "Added MSc Chosen" not in fresh.text
    # Each programme's own form: Alice removes the chosen one and adds the other one.
    assert 'In compare list<span class="visually-hidden">: remove MSc Chosen,' in page.text
    assert 'Add to compare<span class="visually-hidden">: MSc Other,' in page.text
    assert fresh.text.count("Add to compare") == 2


def test_forms_on_a_cached_page_carry_the_visitors_own_working_token():
    programme = make_programme()
    Client().get("/programmes/")  # someone else caches the page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/programmes/")
    assert "__CSRF_TOKEN__" not in page.text and "<!--cmp:" not in page.text
    token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = visitor.post(
        "/shortlist/add/", {"programme": programme.pk, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert visitor.session["shortlist"] == [programme.pk]


def test_signed_in_staff_get_a_fresh_page_with_staff_links(admin_client):
    make_programme()
    Client().get("/programmes/")
    page = admin_client.get("/programmes/")
    assert page.context is not None
    assert "Export these results (CSV)" in page.text


def test_no_placeholder_ever_reaches_a_visitor(client):
    programme = make_programme()
    for url in ("/", "/programmes/", programme.get_absolute_url(), "/universities/"):
        for _ in range(2):
            text = client.get(url).text
            assert "__SHORTLIST_URL__" not in text
            assert "<!--shortlist-count-->" not in text and "<!--messages-->" not in text
