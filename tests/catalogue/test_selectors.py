"""Gaps mutation testing found in programmes/selectors.py: what the site search, the correction
form, the 410 page, the home page, guide pages and the data page show, in what order, and how
many queries they cost whatever the number of rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes import search, selectors
from programmes.models import Programme, SearchSynonym, Status
from tests import factories
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>')
LIST_ITEM = re.compile(r'<li><a href="[^"]+">([^<]+)</a>')


def make_guide(
    title: str, *, day: int = 1, summary: str = "Summary.", body: str = "Text.", **links
):
    return factories.make_guide(
        title=title, summary=summary, body=body, published_at=datetime.date(2026, 1, day), **links
    )


def section(text: str, heading_id: str) -> str:
    assert f'id="{heading_id}"' in text, heading_id
    return text.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code in (200, 410)
    return len(ctx.captured_queries)


# ----- site search (/search/) --------------------------------------------------------------


def searched(client, q: str):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


def test_site_search_finds_programmes_and_guides_through_a_synonym(client):
    SearchSynonym.objects.create(terms="artificial intelligence; AI")
    make_programme(title="Artificial Intelligence in Medicine")
    make_programme(title="Epidemiology")
    make_guide("Artificial intelligence at work")
    text = searched(client, "AI").text
    assert CARD_TITLE.findall(section(text, "search-programmes")) == [
        "MSc Artificial Intelligence in Medicine"
    ]
    assert LIST_ITEM.findall(section(text, "search-guides")) == ["Artificial intelligence at work"]


def test_site_search_reads_the_synonyms_once_even_without_a_shared_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    SearchSynonym.objects.create(terms="artificial intelligence; AI")
    make_programme(title="Artificial Intelligence in Medicine")
    with CaptureQueriesContext(connection) as ctx:
        assert searched(client, "AI").status_code == 200
    table = SearchSynonym._meta.db_table
    assert sum(table in q["sql"] for q in ctx.captured_queries) == 1


def test_site_search_lists_the_best_match_first_then_equal_matches_by_title(client):
    uni = make_university(name="Glenmore", slug="glenmore")
    # Created against title order, so neither creation order nor title order alone passes;
    # titles of one length rank the same (shorter titles rank a little higher).
    make_programme(title="Statistics", summary="Includes genomics.", university=uni)
    make_programme(title="Zulu Genomics", university=uni)
    make_programme(title="Alfa Genomics", university=uni)
    text = searched(client, "genomics").text
    assert CARD_TITLE.findall(section(text, "search-programmes")) == [
        "MSc Alfa Genomics",
        "MSc Zulu Genomics",
        "MSc Statistics",
    ]


def test_site_search_shows_ten_programmes_and_counts_them_all(client):
    uni = make_university(name="Glenmore", slug="glenmore")
    for n in range(11):
        make_programme(title=f"Genomics {n:02d}", university=uni)
    text = searched(client, "genomics").text
    programmes = section(text, "search-programmes")
    assert CARD_TITLE.findall(programmes) == [f"MSc Genomics {n:02d}" for n in range(10)]
    assert 'Programmes <span class="count">(11)</span>' in text
    assert "All 11 matching programmes, with filters" in programmes


def test_site_search_totals_every_group(client):
    make_topic(name="Genomics", slug="genomics")
    institute = make_university(name="Genomics Institute", slug="genomics-institute")
    make_programme(title="Data Science", university=institute)
    make_programme(title="Clinical Genomics")
    make_programme(title="Epidemiology")
    make_guide("Genomics for beginners", day=2)
    make_guide("Reading genomics papers", day=3)
    make_guide("Choosing a programme", day=4)
    text = searched(client, "genomics").text
    assert 'Programmes <span class="count">(2)</span>' in text
    assert 'Guides <span class="count">(2)</span>' in text
    assert 'Universities <span class="count">(1)</span>' in text
    assert 'Topics <span class="count">(1)</span>' in text
    assert "6 results for “genomics”" in text


def test_site_search_lists_guides_newest_first_then_by_title(client):
    make_guide("Zulu genomics", day=5)
    make_guide("Alpha genomics", day=5)
    make_guide("Middle genomics", day=9)
    text = searched(client, "genomics").text
    assert LIST_ITEM.findall(section(text, "search-guides")) == [
        "Middle genomics",
        "Alpha genomics",
        "Zulu genomics",
    ]


def test_site_search_query_count_does_not_grow_with_matching_guides(client):
    for n in range(3):  # enough results that no "Did you mean" is looked for
        make_programme(title=f"Genomics {n}")
    make_guide("Genomics one", summary="About genomics.", body="Genomics.")
    one = count_queries(client, "/search/", q="genomics")
    for n in range(3):
        make_guide(f"Genomics more {n}", day=2 + n)
    assert count_queries(client, "/search/", q="genomics") == one
    assert 'Guides <span class="count">(4)</span>' in searched(client, "genomics").text


# ----- search_programmes with what the visitor typed ---------------------------------------


def test_search_programmes_parses_typed_text_with_the_synonyms():
    SearchSynonym.objects.create(terms="artificial intelligence; AI")
    wanted = make_programme(title="Artificial Intelligence in Medicine")
    make_programme(title="Epidemiology")
    assert [p.pk for p in search.search_programmes(query="AI")] == [wanted.pk]
    assert [p.pk for p in search.search_programmes(query="AI", ranked=False)] == [wanted.pk]
    assert list(search.search_programmes(query=search.parse("AI"))) == []  # no synonyms


# ----- the correction form -----------------------------------------------------------------


def test_correction_forms_reach_the_programme_at_that_university_with_that_slug(client):
    north = make_university(name="North University", slug="north")
    south = make_university(name="South University", slug="south")
    make_programme(title="Genomics", university=north)
    make_programme(title="Imaging", university=north)
    make_programme(title="Genomics", university=south, award="PGDip")
    for path, shown in [
        ("north/genomics", "MSc Genomics, North University"),
        ("north/imaging", "MSc Imaging, North University"),
        ("south/genomics", "PGDip Genomics, South University"),
    ]:
        response = client.get(f"/programmes/{path}/correction/")
        assert response.status_code == 200, path
        assert f"<title>Report a correction: {shown} ·" in response.text


def test_the_correction_form_reads_the_programme_and_its_university_in_one_query(client):
    programme = make_programme(title="Genomics", topics=[make_topic(), make_topic()])
    url = f"/programmes/{programme.university.slug}/genomics/correction/"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    # No session cookie: the one query is the programme joined to its university.
    assert len(ctx.captured_queries) == 1


# ----- the 410 page's other programmes at the university ---------------------------------


def test_a_gone_programme_offers_four_of_its_universitys_programmes_by_title(client):
    uni = make_university(name="Glenmore", slug="glenmore")
    gone = make_programme(title="Gone", university=uni, status=Status.ARCHIVED)
    for title in ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]:
        make_programme(title=title, university=uni)
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert LIST_ITEM.findall(section(response.text, "similar-title")) == [
        "MSc Alpha",
        "MSc Bravo",
        "MSc Charlie",
        "MSc Delta",
    ]


def test_the_410_page_query_count_does_not_grow_with_the_universitys_programmes(client):
    uni = make_university(name="Glenmore", slug="glenmore")
    gone = make_programme(title="Gone", university=uni, status=Status.ARCHIVED)
    make_programme(title="Alpha", university=uni)
    one = count_queries(client, gone.get_absolute_url())
    for title in ["Bravo", "Charlie", "Delta"]:
        make_programme(title=title, university=uni)
    assert count_queries(client, gone.get_absolute_url()) == one


# ----- similar programmes ------------------------------------------------------------------


def test_similar_programmes_sharing_as_many_topics_are_listed_by_title(client):
    topics = [make_topic(), make_topic()]
    programme = make_programme(title="Subject", topics=topics)
    make_programme(title="Zulu", topics=topics[:1])
    make_programme(title="Mike", topics=topics[:1])
    make_programme(title="Alpha", topics=topics[:1])
    text = client.get(programme.get_absolute_url()).text
    similar = LIST_ITEM.findall(section(text, "similar-title"))
    assert similar == ["MSc Alpha", "MSc Mike", "MSc Zulu"]


# ----- topic counts ------------------------------------------------------------------------


def test_the_home_page_counts_zero_for_a_topic_with_only_drafts(client):
    drafts_only = make_topic(name="Drafts only", slug="drafts-only")
    one = make_topic(name="One published", slug="one-published")
    make_programme(topics=[drafts_only], status=Status.DRAFT)
    make_programme(topics=[one, drafts_only], status=Status.ARCHIVED)
    make_programme(topics=[one])
    text = client.get("/").text
    assert '<a href="/topics/drafts-only/">Drafts only</a> <span class="count">0</span>' in text
    assert '<a href="/topics/one-published/">One published</a> <span class="count">1</span>' in text


def test_site_search_counts_zero_for_a_topic_with_no_published_programme(client):
    make_topic(name="Genomics", slug="genomics")
    text = searched(client, "genomics").text
    assert '<a href="/topics/genomics/">Genomics</a> <span class="muted">(0 programmes)' in text


# ----- guide pages -------------------------------------------------------------------------


def test_the_guide_list_is_newest_first_then_by_title(client):
    make_guide("Zulu", day=5)
    make_guide("Alpha", day=5)
    make_guide("Middle", day=9)
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', client.get("/guides/").text)
    assert titles == ["Middle", "Alpha", "Zulu"]


def related_on_guide(client, guide) -> list[str]:
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    return CARD_TITLE.findall(section(response.text, "related-title"))


def test_a_guide_lists_the_programmes_it_names_by_title(client):
    zulu = make_programme(title="Zulu")
    alpha = make_programme(title="Alpha")
    guide = make_guide("Choosing", programmes=[zulu, alpha])
    assert related_on_guide(client, guide) == ["MSc Alpha", "MSc Zulu"]


def test_topic_pages_list_the_three_newest_guides_then_by_title(client):
    topic = make_topic(name="Genomics", slug="genomics")
    make_programme(topics=[topic])
    make_guide("Oldest", day=1, topics=[topic])
    make_guide("Zulu", day=5, topics=[topic])
    make_guide("Alpha", day=5, topics=[topic])
    make_guide("Newest", day=9, topics=[topic])
    text = client.get("/topics/genomics/").text
    assert LIST_ITEM.findall(section(text, "guides-title")) == ["Newest", "Alpha", "Zulu"]


def test_topic_page_query_count_does_not_grow_with_its_guides(client):
    topic = make_topic(name="Genomics", slug="genomics")
    make_programme(topics=[topic])
    make_guide("First", day=1, topics=[topic])
    one = count_queries(client, "/topics/genomics/")
    make_guide("Second", day=2, topics=[topic])
    make_guide("Third", day=3, topics=[topic])
    assert count_queries(client, "/topics/genomics/") == one
    text = client.get("/topics/genomics/?x=1").text
    assert LIST_ITEM.findall(section(text, "guides-title")) == ["Third", "Second", "First"]


# ----- compare and the data page -----------------------------------------------------------


def test_programmes_for_compare_explains_only_the_archived_programmes_asked_for():
    live = make_programme(title="Live")
    asked = make_programme(title="Gone asked", status=Status.ARCHIVED)
    make_programme(title="Gone not asked", status=Status.ARCHIVED)
    programmes, archived = selectors.programmes_for_compare(ids=[live.pk, asked.pk])
    assert [p.pk for p in programmes] == [live.pk]
    assert list(archived) == [asked.pk]


def test_about_data_counts_published_and_verified_programmes(client):
    verified = make_programme(fee_home=9000)
    Programme.objects.filter(pk=verified.pk).update(last_verified=datetime.date.today())
    make_programme(fee_home=9000)
    make_programme()
    make_programme(fee_home=1, status=Status.DRAFT)
    text = client.get("/about/data/").text
    assert "Live figures for the 3 published programmes. 1 of them was verified" in text
    home_fee = text.split("Home fee</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+ of \d+)", home_fee) == ["2 of 3", "1 of 3"]
