"""What search engines and link previews see: sitemap, robots.txt, canonical URLs, JSON-LD."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from programmes.models import Guide, Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def make_guide(**overrides) -> Guide:
    values = {
        "title": "Choosing",
        "slug": "choosing",
        "summary": "How to choose.",
        "body": "## One\n\nText.",
        "status": Status.PUBLISHED,
        "published_at": datetime.date(2026, 1, 5),
    }
    values.update(overrides)
    guide = Guide(**values)
    guide.render_body()
    guide.save()
    return guide


def json_ld(response) -> dict[str, dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    )
    parsed = [json.loads(block) for block in blocks]
    return {item["@type"]: item for item in parsed}


def head_tag(response, pattern: str) -> str | None:
    match = re.search(pattern, response.text)
    return unescape(match.group(1)) if match else None


# ----- sitemap and robots.txt --------------------------------------------------------------


def test_sitemap_lists_published_pages_with_last_modified_dates(client):
    topic = make_topic(name="Genomics", slug="genomics")
    shown = make_programme(topics=[topic])
    hidden = make_programme(status=Status.DRAFT, title="Secret Draft")
    guide = make_guide()
    make_guide(slug="draft-guide", status=Status.DRAFT, published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }
    paths = {loc.removeprefix("http://testserver") for loc in entries}
    assert {
        "/",
        "/programmes/",
        "/universities/",
        "/guides/",
        shown.get_absolute_url(),
        shown.university.get_absolute_url(),
        topic.get_absolute_url(),
        guide.get_absolute_url(),
    } <= paths
    assert hidden.get_absolute_url() not in paths
    assert "/guides/draft-guide/" not in paths
    assert all(lastmod is not None and lastmod.text for lastmod in entries.values())
    programme_lastmod = entries[f"http://testserver{shown.get_absolute_url()}"].text
    assert programme_lastmod == shown.updated.date().isoformat()


def test_robots_txt_keeps_crawlers_out_of_private_paths_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    for path in ("/staff/", "/compare/", "/shortlist/"):
        assert f"Disallow: {path}" in lines
    assert not any("admin" in line for line in lines)  # linked from nowhere; never disclosed
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# ----- canonical links and noindex ---------------------------------------------------------


def canonical(client, url: str) -> str:
    return head_tag(client.get(url), r'<link rel="canonical" href="([^"]*)">')


def test_list_has_one_canonical_url_per_filter_state(client):
    make_programme()
    same_state = [
        "/programmes/?topic=genomics&nation=scotland",
        "/programmes/?nation=scotland&topic=genomics&page=1",
        "/programmes/?nation=scotland&city=&topic=genomics&sort=title&utm_source=x",
    ]
    assert {canonical(client, url) for url in same_state} == {
        "http://testserver/programmes/?nation=scotland&topic=genomics"
    }
    assert canonical(client, "/programmes/?page=1") == "http://testserver/programmes/"


def test_other_pages_are_canonical_without_their_query_string(client):
    programme = make_programme()
    url = programme.get_absolute_url()
    assert canonical(client, f"{url}?utm_source=newsletter") == f"http://testserver{url}"


def robots_meta(client, url: str) -> str | None:
    return head_tag(client.get(url), r'<meta name="robots" content="([^"]*)">')


def test_deep_filter_combinations_are_not_indexed(client):
    for n in range(25):
        make_programme(title=f"Programme {n}", fee_home=9000)
    assert robots_meta(client, "/programmes/") is None
    assert robots_meta(client, "/programmes/?nation=england") is None
    assert robots_meta(client, "/programmes/?page=2") is None
    assert robots_meta(client, "/programmes/?nation=england&page=2") == "noindex"
    deep = "/programmes/?nation=england&mode=full-time&max_fee_home=10000"
    assert robots_meta(client, deep) == "noindex"


# ----- Open Graph / Twitter ----------------------------------------------------------------


def test_pages_have_open_graph_and_twitter_card_tags(client):
    programme = make_programme(title="Clinical AI", summary="A year of clinical machine learning.")
    home = client.get("/")
    assert head_tag(home, r'<meta name="twitter:card" content="([^"]*)">') == "summary"
    assert head_tag(home, r'<meta property="og:type" content="([^"]*)">') == "website"
    assert head_tag(home, r'<meta property="og:url" content="([^"]*)">') == "http://testserver/"
    detail = client.get(programme.get_absolute_url())
    title = head_tag(detail, r'<meta property="og:title" content="([^"]*)">')
    assert title == f"MSc Clinical AI at {programme.university.name}"
    description = head_tag(detail, r'<meta property="og:description" content="([^"]*)">')
    assert description == "A year of clinical machine learning."


# ----- JSON-LD -----------------------------------------------------------------------------


def test_programme_json_ld_describes_the_course_from_the_database(client):
    uni = make_university(name="University of Glenmore", website="https://www.glenmore.ac.uk")
    programme = make_programme(
        university=uni,
        title="Clinical AI",
        summary="Machine learning for clinicians.",
        offers_full_time=True,
        offers_part_time=True,
        offers_online=True,
        duration_full_time_months=12,
        duration_part_time_months=24,
        fee_home=14500,
        fee_international=31200,
        fee_year="2025/26",
        fee_period="full-course",
    )
    data = json_ld(client.get(programme.get_absolute_url()))
    course = data["Course"]
    assert course["@context"] == "https://schema.org"
    assert course["name"] == "MSc Clinical AI"
    assert course["description"] == "Machine learning for clinicians."
    assert course["url"] == f"http://testserver{programme.get_absolute_url()}"
    assert course["provider"] == {
        "@type": "CollegeOrUniversity",
        "name": "University of Glenmore",
        "url": "https://www.glenmore.ac.uk",
    }
    assert course["hasCourseInstance"] == [
        {"@type": "CourseInstance", "courseMode": "full-time", "duration": "P12M"},
        {"@type": "CourseInstance", "courseMode": "part-time", "duration": "P24M"},
        {"@type": "CourseInstance", "courseMode": "online"},
    ]
    offers = {offer["name"]: offer for offer in course["offers"]}
    home = offers["Home fee for the whole course"]
    assert home["price"] == 14500 and home["priceCurrency"] == "GBP"
    assert offers["International fee for the whole course"]["price"] == 31200
    assert all(offer["@type"] == "Offer" for offer in offers.values())


def test_unknown_facts_are_left_out_of_json_ld_never_zero(client):
    programme = make_programme(
        offers_full_time=True, duration_full_time_months=None, fee_home=None, fee_international=None
    )
    course = json_ld(client.get(programme.get_absolute_url()))["Course"]
    assert "offers" not in course
    assert course["hasCourseInstance"] == [{"@type": "CourseInstance", "courseMode": "full-time"}]
    partly = make_programme(fee_home=None, fee_international=28000, fee_period="full-course")
    offers = json_ld(client.get(partly.get_absolute_url()))["Course"]["offers"]
    assert [o["name"] for o in offers] == ["International fee for the whole course"]


def test_programme_json_ld_has_a_breadcrumb_trail(client):
    programme = make_programme(title="Clinical AI")
    crumbs = json_ld(client.get(programme.get_absolute_url()))["BreadcrumbList"]
    items = crumbs["itemListElement"]
    assert [(i["position"], i["name"]) for i in items] == [
        (1, "Home"),
        (2, "Programmes"),
        (3, programme.university.name),
        (4, "MSc Clinical AI"),
    ]
    assert items[-1]["item"] == f"http://testserver{programme.get_absolute_url()}"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    programme = make_programme(summary="Less </script><script>alert(1)</script> & more")
    response = client.get(programme.get_absolute_url())
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    ).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["description"] == programme.summary
