"""Guide pages, the feed, draft previews and Markdown sanitising."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from programmes.markdown import render
from programmes.models import Guide, Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


def make_guide(**overrides) -> Guide:
    values = {
        "title": "Choosing a programme",
        "slug": "choosing",
        "summary": "How to choose.",
        "body": "## One\n\nText.\n\n## Two\n\nMore.\n\n## Three\n\nEnd.",
        "status": Status.PUBLISHED,
        "published_at": datetime.date(2026, 11, 1),
    }
    values.update(overrides)
    topics = values.pop("topics", [])
    programmes = values.pop("programmes", [])
    guide = Guide(**values)
    guide.render_body()
    guide.save()
    guide.topics.set(topics)
    guide.programmes.set(programmes)
    return guide


ACCEPTANCE_BODY = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"


def test_acceptance_payload_renders_with_nothing_executable(client):
    make_guide(slug="hostile", body=ACCEPTANCE_BODY)
    text = client.get("/guides/hostile/").text
    prose = text.split('<div class="prose">')[1].split("</div>")[0]
    assert "<script" not in prose
    assert "onerror" not in prose
    assert "javascript:" not in prose
    assert "<img" not in prose


@pytest.mark.parametrize(
    "body,forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ('<p onmouseover="x()">hover</p>', "onmouseover"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](JaVaScRiPt:alert(1))", "avascript:"),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<p style="background:url(javascript:alert(1))">s</p>', "style="),
        ("<style>body{display:none}</style>", "<style"),
        ("<svg><script>alert(1)</script></svg>", "<script"),
        ("<object data='x.swf'></object>", "<object"),
        ("<form action='https://evil.example'><input></form>", "<form"),
        ("<<script>script>alert(1)<</script>/script>", "<script"),
        ('<a href="vbscript:msgbox(1)">v</a>', "vbscript"),
        ('<img src="x" onerror="alert(1)"', "<img"),
    ],
)
def test_hostile_markdown_comes_out_harmless(body, forbidden):
    html = render(body).html
    assert forbidden.lower() not in html.lower()


def test_headings_get_anchors_and_long_guides_get_a_toc(client):
    make_guide(slug="long")
    text = client.get("/guides/long/").text
    assert '<h2 id="section-one">One</h2>' in text
    assert 'href="#section-one"' in text
    assert "On this page" in text


def test_short_guides_have_no_toc(client):
    make_guide(slug="short", body="## Only\n\nOne heading.")
    assert "On this page" not in client.get("/guides/short/").text


def test_reading_time_shows():
    assert render("word " * 450).reading_minutes == 3
    assert render("").reading_minutes == 1


def test_a_body_changed_outside_the_admin_is_what_readers_see(client):
    guide = make_guide(slug="stored")
    Guide.objects.filter(pk=guide.pk).update(body="## Changed without rendering")
    page = client.get("/guides/stored/").text
    assert '<h2 id="section-changed-without-rendering">Changed without rendering</h2>' in page


def test_guide_list_is_newest_first_and_filters_by_topic(client):
    topic = make_topic(slug="genomics", name="Genomics")
    make_guide(slug="old", title="Old guide", published_at=datetime.date(2025, 1, 1))
    make_guide(slug="new", title="New guide", topics=[topic])
    make_guide(slug="draft", title="Draft guide", status=Status.DRAFT)
    text = client.get("/guides/").text
    assert text.index("New guide") < text.index("Old guide")
    assert "Draft guide" not in text
    filtered = client.get("/guides/?topic=genomics").text
    assert "New guide" in filtered and "Old guide" not in filtered


@pytest.mark.parametrize("topic", ["nope", "%00", "<script>", "x" * 500, "%ff"])
def test_guide_list_with_bad_topic_shows_all(client, topic):
    make_guide()
    response = client.get(f"/guides/?topic={topic}")
    assert response.status_code == 200
    assert "Choosing a programme" in response.text


def test_guide_shows_related_programmes_as_cards(client):
    uni = make_university()
    named = make_programme(title="Named Programme", university=uni)
    make_programme(title="Hidden Draft", status=Status.DRAFT)
    make_guide(slug="g", programmes=[named])
    text = client.get("/guides/g/").text
    assert "Related programmes" in text
    assert "Named Programme" in text and "Hidden Draft" not in text


def test_programme_and_topic_pages_list_related_guides(client):
    topic = make_topic(slug="genomics", name="Genomics")
    programme = make_programme(topics=[topic])
    make_guide(slug="g", title="Genomics guide", topics=[topic])
    assert "Genomics guide" in client.get(programme.get_absolute_url()).text
    assert "Genomics guide" in client.get("/topics/genomics/").text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
def test_drafts_are_404_to_the_public(client, status):
    make_guide(slug="secret", status=status)
    assert client.get("/guides/secret/").status_code == 404
    user = User.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert client.get("/guides/secret/").status_code == 404


def test_staff_preview_drafts_with_a_banner(client):
    make_guide(slug="secret", status=Status.DRAFT, published_at=None)
    staff = User.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.get("/guides/secret/")
    assert response.status_code == 200
    assert "Draft preview" in response.text
    assert response["X-Robots-Tag"] == "noindex"


def test_feed_lists_published_guides(client):
    make_guide(slug="a", title="Published one")
    make_guide(slug="b", title="Draft one", status=Status.DRAFT)
    response = client.get("/guides/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["Published one"]


def test_shipped_guides_load_published_and_render(client):
    call_command("load_catalogue", verbosity=0)
    guides = Guide.objects.published()
    assert guides.count() >= 5
    for guide in guides:
        response = client.get(guide.get_absolute_url())
        assert response.status_code == 200
        assert guide.reading_minutes >= 1 and guide.toc_html


def test_guide_pages_query_counts_are_fixed(client, django_assert_max_num_queries):
    topic = make_topic()
    programmes = [make_programme(topics=[topic]) for _ in range(8)]
    make_guide(slug="g", topics=[topic], programmes=programmes[:2])
    for n in range(6):
        make_guide(slug=f"g{n}", topics=[topic])
    with django_assert_max_num_queries(6):
        client.get("/guides/g/")
    with django_assert_max_num_queries(4):  # guides, their topics, the topic menu
        client.get("/guides/")


def test_an_editors_top_heading_is_kept_one_level_down_and_in_the_contents(client):
    guide = make_guide(
        title="Funding your master's",
        body="# Loans\n\nText.\n\n## England\n\nMore.\n\n# Scholarships\n\nText.\n\n# Bursaries\n",
    )
    page = client.get(guide.get_absolute_url()).content.decode()
    assert page.count("<h1") == 1  # the guide's title only
    assert '<h2 id="section-loans">Loans</h2>' in page
    assert '<h3 id="section-england">England</h3>' in page
    assert 'href="#section-scholarships"' in page  # in the table of contents


def test_a_guide_whose_top_headings_are_sections_is_left_as_written(client):
    guide = make_guide(body="## Costs\n\nText.\n\n### Fees\n\nMore.\n")
    page = client.get(guide.get_absolute_url()).content.decode()
    assert '<h2 id="section-costs">Costs</h2>' in page
    assert '<h3 id="section-fees">Fees</h3>' in page
