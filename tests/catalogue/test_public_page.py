"""The public-page contract: one page for every visitor, one cache entry per meaning.

Public pages hold nothing that belongs to one visitor (no token, no shortlist state, no flash
message), so a page rendered once is served to everyone, under a key built from what the page
validated (programmes/cache.py). These tests pin that, and the shortlist that now works around
it: forms checked by origin, a personal page without JavaScript.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.same_origin import is_same_origin
from programmes.models import Guide, Status
from tests.factories import admin_form_data, change_url, make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def catalogue():
    topic = make_topic(name="Genomics", slug="genomics")
    uni = make_university(name="University of Glenmore", slug="glenmore")
    a = make_programme(university=uni, topics=[topic], title="Clinical AI", fee_home=9000)
    b = make_programme(university=uni, topics=[topic], title="Health Data Science")
    c = make_programme(university=uni, topics=[topic], title="Medical Imaging")
    guide = Guide(
        title="Choosing a programme",
        slug="choosing",
        summary="How to choose.",
        body="## One\n\nText.",
        status=Status.PUBLISHED,
        published_at=datetime.date(2026, 11, 1),
    )
    guide.render_body()
    guide.save()
    guide.topics.add(topic)
    archived = make_programme(university=uni, title="Old Programme", status=Status.ARCHIVED)
    return a, b, c, archived


def public_urls(catalogue) -> list[str]:
    a, b, c, archived = catalogue
    return [
        "/",
        "/programmes/",
        "/programmes/?topic=genomics&sort=fee_home",
        "/programmes/?q=clinical",
        a.get_absolute_url(),
        archived.get_absolute_url(),
        "/universities/",
        "/universities/glenmore/",
        "/topics/genomics/",
        f"/compare/?p={a.pk}&p={b.pk}",
        "/search/?q=health",
        "/guides/",
        "/guides/?topic=genomics",
        "/guides/choosing/",
        "/about/data/",
    ]


def visitor_with_a_shortlist(*ids) -> Client:
    client = Client()
    for pk in ids:
        client.post("/shortlist/add/", {"programme": pk}, **SAME_SITE)
    return client


def test_two_visitors_get_byte_identical_pages(catalogue):
    """A first-time visitor and one with a shortlist (and a pending flash message) get the
    same bytes, whichever of them asks first."""
    a, b, *_ = catalogue
    for url in public_urls(catalogue):
        chooser = visitor_with_a_shortlist(a.pk, b.pk)  # each add leaves a flash message
        first = chooser.get(url)
        newcomer = Client().get(url)
        assert first.status_code in (200, 410), url
        assert first.content == newcomer.content, url
        assert first["ETag"] == newcomer["ETag"], url
        assert "Added MSc" not in first.text
        assert "csrfmiddlewaretoken" not in first.text
        assert "In compare list" not in first.text


def test_public_pages_say_they_may_be_kept_and_set_no_cookie(catalogue):
    for url in public_urls(catalogue):
        response = Client().get(url)
        assert response["Cache-Control"] == "public, max-age=60", url
        assert response["ETag"].startswith('W/"'), url
        assert "Cookie" in response["Vary"], url  # signed-in staff get another page
        assert not response.cookies, url  # a CDN does not keep responses that set cookies


def served_from_cache(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(
    ("first", "same"),
    [
        ("/programmes/?topic=genomics", "/programmes/?topic=genomics&junk=1&utm_source=x"),
        ("/programmes/?topic=genomics", "/programmes/?topic=genomics&topic=genomics"),
        ("/programmes/?max_fee_home=10000", "/programmes/?max_fee_home=010000"),
        (
            "/programmes/?nation=england&topic=genomics",
            "/programmes/?topic=genomics&nation=england",
        ),
        ("/programmes/", "/programmes/?page=1&page=abc"),
        ("/search/?q=health", "/search/?q=%20%20health%20&junk=1"),
        ("/", "/?utm_campaign=autumn"),
        ("/guides/", "/guides/?junk=1"),
    ],
)
def test_junk_and_spelling_share_one_entry(client, catalogue, first, same):
    """The key is the validated state, so these addresses mean one page and one entry."""
    expected = client.get(first)
    count, response = served_from_cache(client, same)
    assert count == 0
    assert response.context is None  # not rendered: the entry made for the first address
    assert response.content == expected.content


def test_junk_never_reaches_the_page(client, catalogue):
    """Rendered from the validated filters, so what another visitor typed is not echoed."""
    client.get("/programmes/?max_fee_home=010000&junk=%3Cb%3E")
    text = Client().get("/programmes/?max_fee_home=10000").text
    assert 'value="10000"' in text and "010000" not in text
    assert "junk" not in text
    # What used to be a placeholder is now just text in the search box.
    marker = Client().get("/programmes/?q=__SHORTLIST_URL__").text
    assert 'value="__SHORTLIST_URL__"' in marker


def test_bad_input_is_shown_back_but_never_stored(client, catalogue):
    for url in (
        "/programmes/?max_fee_home=lots",
        "/programmes/?page=99999",
        "/compare/?p=abc&p=1",
        "/guides/?topic=no-such-topic",
        "/search/?q=" + "x" * 300,
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        assert not first.has_header("ETag"), url
        again = client.get(url)
        assert again.context is not None, url  # rendered afresh each time
    assert "lots" in client.get("/programmes/?max_fee_home=lots").text


def test_an_edit_refreshes_every_page_that_shows_the_programme(client, catalogue):
    a, b, c, _ = catalogue
    urls = [
        u
        for u in public_urls(catalogue)
        if not u.startswith(("/guides", "/about", "/universities/", "/search/"))
    ]
    urls += [b.get_absolute_url(), "/universities/glenmore/", "/search/?q=clinical"]
    urls.remove(catalogue[3].get_absolute_url())  # b: lists a as a similar programme
    for url in urls:
        assert "Clinical AI" in client.get(url).text, url
    editor = Client()
    editor.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    form = editor.get(change_url(a))
    saved = editor.post(change_url(a), admin_form_data(form, title="Clinical Machine Learning"))
    assert saved.status_code == 302
    urls.remove("/search/?q=clinical")  # now matched by the new title's words:
    urls.remove("/programmes/?q=clinical")
    for url in [*urls, "/search/?q=machine", "/programmes/?q=machine"]:
        text = client.get(url).text
        assert "Clinical Machine Learning" in text, url
        assert "Clinical AI<" not in text, url


def test_signed_in_staff_get_fresh_private_pages(catalogue):
    Client().get("/programmes/")
    staff = Client()
    staff.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    page = staff.get("/programmes/")
    assert page.context is not None
    assert set(page["Cache-Control"].split(", ")) == {"max-age=0", "no-cache", "private"}
    assert "Export these results (CSV)" in page.text
    assert "Export these results" not in Client().get("/programmes/").text


def test_a_304_is_only_for_the_same_page(client, catalogue):
    a, b, *_ = catalogue
    etag = client.get(a.get_absolute_url())["ETag"]
    assert client.get(a.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(b.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/programmes/", HTTP_IF_NONE_MATCH="*").status_code == 304


def test_a_made_up_address_is_not_stored(client, catalogue):
    for _ in range(2):
        response = client.get("/programmes/glenmore/no-such-programme/")
        assert response.status_code == 404
        assert not response.has_header("ETag")


# ----- the shortlist: no token in the page, refused from other sites ----------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": "not a url"},
    ],
    ids=repr,
)
@pytest.mark.parametrize("action", ["add", "remove", "clear"])
def test_a_cross_site_post_is_refused_and_changes_nothing(catalogue, headers, action):
    a, b, *_ = catalogue
    client = visitor_with_a_shortlist(a.pk)
    response = client.post(f"/shortlist/{action}/", {"programme": b.pk}, **headers)
    assert response.status_code == 403
    assert "came from another website" in response.text
    assert client.session["shortlist"] == [a.pk]
    refused = client.post(
        f"/shortlist/{action}/",
        {"programme": a.pk},
        headers={"X-Requested-With": "fetch"},
        **headers,
    )
    assert refused.status_code == 403
    assert refused.json()["ok"] is False
    assert client.session["shortlist"] == [a.pk]


@pytest.mark.parametrize(
    "headers",
    [
        SAME_SITE,
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/programmes/"},
        {},  # not a browser page: nothing to forge (and the session cookie is SameSite=Lax)
    ],
    ids=repr,
)
def test_a_post_from_the_site_itself_works_without_a_token(catalogue, headers):
    a, *_ = catalogue
    client = Client(enforce_csrf_checks=True)
    response = client.post("/shortlist/add/", {"programme": a.pk}, **headers)
    assert response.status_code == 302
    assert client.session["shortlist"] == [a.pk]


def test_origin_rules_on_literal_headers(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.org"]
    factory = RequestFactory()

    def allowed(**headers) -> bool:
        return is_same_origin(factory.post("/shortlist/add/", **headers))

    assert allowed(HTTP_ORIGIN="https://portal.example.org")
    assert allowed(HTTP_ORIGIN="HTTP://TESTSERVER")
    assert allowed(HTTP_SEC_FETCH_SITE="Same-Origin")
    assert not allowed(HTTP_ORIGIN="https://portal.example.org.evil.example")
    assert not allowed(HTTP_ORIGIN="")
    assert not allowed(HTTP_SEC_FETCH_SITE="")
    assert not allowed(HTTP_SEC_FETCH_SITE="same-origin, cross-site")
    assert not allowed(HTTP_REFERER="http://[::1")  # malformed: no origin at all


def test_the_shortlist_cookie_mirrors_the_session_for_the_script(catalogue):
    a, b, *_ = catalogue
    client = Client()
    added = client.post("/shortlist/add/", {"programme": a.pk}, **SAME_SITE)
    cookie = added.cookies["shortlist"]
    assert cookie.value == str(a.pk)
    assert cookie["samesite"] == "Lax" and not cookie["httponly"]
    client.post("/shortlist/add/", {"programme": b.pk}, **SAME_SITE)
    assert client.cookies["shortlist"].value == f"{a.pk}.{b.pk}"
    reply = client.post(
        "/shortlist/remove/", {"programme": a.pk}, headers={"X-Requested-With": "fetch"}
    )
    assert reply.json()["ids"] == [b.pk]
    assert reply.cookies["shortlist"].value == str(b.pk)
    cleared = client.post("/shortlist/clear/", **SAME_SITE)
    assert cleared.cookies["shortlist"].value == ""  # deleted
    # The server never reads it: a forged cookie changes nothing anyone sees.
    forged = Client()
    forged.cookies["shortlist"] = f"{a.pk}.<script>"
    assert forged.get("/shortlist/").text.count('<ul class="shortlist">') == 0
    assert forged.get("/programmes/").content == Client().get("/programmes/").content


def test_the_personal_shortlist_page(catalogue):
    a, b, c, archived = catalogue
    client = Client()
    empty = client.get("/shortlist/")
    assert empty.status_code == 200
    assert "Your compare list is empty." in empty.text
    assert empty["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in empty.text
    response = client.post(
        "/shortlist/add/", {"programme": a.pk, "next": "/topics/genomics/"}, **SAME_SITE
    )
    page = client.get(response["Location"])
    assert "Added MSc Clinical AI to your compare list." in page.text
    assert '<a href="/topics/genomics/">Back to where you were</a>' in page.text
    assert "Add at least one more" in page.text
    client.post("/shortlist/add/", {"programme": b.pk}, **SAME_SITE)
    page = client.get("/shortlist/")
    assert f'href="/compare/?p={a.pk}&amp;p={b.pk}">Compare these 2 programmes' in page.text
    # A programme unpublished since it was added drops off the page.
    b.status = Status.DRAFT
    b.save()
    assert "Health Data Science" not in client.get("/shortlist/").text


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "\x00",
        "/\\evil",
        "x" * 5000,
    ],
)
def test_the_shortlist_page_only_links_back_within_the_site(client, next_url):
    page = client.get("/shortlist/", {"next": next_url})
    assert page.status_code == 200
    assert "Back to where you were" not in page.text


def test_tampered_session_shortlist_on_the_personal_page(client, catalogue):
    a, *_ = catalogue
    session = SessionStore()
    session["shortlist"] = ["x", a.pk, a.pk, None, 10**30]
    session.save()
    client.cookies["sessionid"] = session.session_key
    page = client.get("/shortlist/")
    assert page.status_code == 200
    assert page.text.count("MSc Clinical AI</a>") == 1


def test_university_and_topic_pages_stay_bounded_and_link_to_the_rest(client):
    topic = make_topic(name="Genomics", slug="genomics")
    uni = make_university(name="University of Glenmore", slug="glenmore")
    for n in range(15):
        make_programme(university=uni, topics=[topic], title=f"Programme {n:02d}")
    for url, link in (
        ("/universities/glenmore/", "/programmes/?university=glenmore"),
        ("/topics/genomics/", "/programmes/?topic=genomics"),
    ):
        text = client.get(url).text
        assert text.count('class="card-title"') == 12, url
        assert "(12 of 15)" in text, url
        assert f'<a href="{link}">All 15 programmes' in text, url
        assert "Programme 11<" in text and "Programme 12<" not in text, url
        assert client.get(link).text.count('class="card-title"') == 15


def test_a_warm_list_page_is_found_without_validating_the_filters(monkeypatch):
    """The site's own list links are looked up before any validation (cache.kept_page):
    a warm hit by GET or HEAD builds no FilterSet, and a signed-in editor always gets one."""
    from programmes import views
    from programmes.filters import ProgrammeFilter

    make_programme(title="Clinical AI")
    url = "/programmes/?mode=full-time&sort=duration"
    first = Client().get(url)
    assert first.status_code == 200

    class Refused(ProgrammeFilter):
        def __init__(self, *args, **kwargs):
            raise AssertionError("the filters were validated for a warm page")

    monkeypatch.setattr(views, "ProgrammeFilter", Refused)
    again = Client().get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert Client().head(url).status_code == 200
    editor = Client()
    editor.force_login(User.objects.create_user("ed", password="pw", is_staff=True))
    with pytest.raises(AssertionError, match="validated"):
        editor.get(url)
