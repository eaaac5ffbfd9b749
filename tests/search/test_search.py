"""Full-text search: matching, ranking, synonyms, typos, site search and keeping the index in step.

These run on whichever database is configured (SQLite FTS5 by default, PostgreSQL in CI) and
expect the same results on both: the parity tests pin exact orders.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes import counts, search
from programmes.models import SearchSynonym, Status, Topic
from tests.conftest import titles
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


# The text search itself: the words as typed (places and modes not read as filters, see
# test_queries_students_type.py) and every word must match (no partial matches).
AS_TYPED = {"as_typed": "1", "match": "all"}


def found(client, q: str, **params) -> list[str]:
    response = client.get("/programmes/", {"q": q, **AS_TYPED, **params})
    assert response.status_code == 200
    return titles(response)


@pytest.fixture
def catalogue():
    ml = make_topic(name="Machine learning", slug="machine-learning", also_known_as="ML")
    ehr = make_topic(
        name="Electronic health records", slug="electronic-health-records", also_known_as="EHR"
    )
    SearchSynonym.objects.create(terms="artificial intelligence; AI")
    kings = make_university(name="King's College London", short_name="KCL", city="London")
    edinburgh = make_university(name="University of Edinburgh", city="Edinburgh")
    queens = make_university(name="Queen's University Belfast", city="Belfast")
    return {
        "title": make_programme(title="Health Data Science", university=edinburgh),
        "summary": make_programme(
            title="Population Studies", summary="Applied health data science for the NHS."
        ),
        "ai": make_programme(title="Artificial Intelligence in Medicine", university=kings),
        "described": make_programme(title="Clinical Computing", summary="Uses AI on scans."),
        "trains": make_programme(title="Leadership", summary="Trains leaders in the NHS."),
        "imaging": make_programme(title="Medical Imaging", university=queens),
        "epi": make_programme(title="Epidemiology"),
        "ml": make_programme(title="Predictive Modelling", topics=[ml]),
        "ehr": make_programme(title="Clinical Records", topics=[ehr]),
    }


# ----- matching ----------------------------------------------------------------------------


def test_a_title_match_comes_before_a_summary_match(client, catalogue):
    assert found(client, "health data science")[:2] == ["Health Data Science", "Population Studies"]


def test_whole_words_only_so_ai_is_not_found_inside_trains(client, catalogue):
    results = found(client, "AI")
    assert "Leadership" not in results
    assert results[0] == "Artificial Intelligence in Medicine"


def test_stemming_finds_other_forms_of_a_word(client, catalogue):
    assert found(client, "image") == ["Medical Imaging"]


def test_the_last_word_matches_as_a_prefix(client, catalogue):
    assert found(client, "epidem") == ["Epidemiology"]


def test_short_last_words_are_not_prefixes(client, catalogue):
    assert found(client, "Le") == []


def test_accents_and_apostrophes_are_folded(client, catalogue):
    assert found(client, "Queens") == ["Medical Imaging"]
    assert found(client, "quéen's belfast") == ["Medical Imaging"]


def test_topic_synonyms_match_the_topic(client, catalogue):
    assert found(client, "ML") == ["Predictive Modelling"]
    assert found(client, "EHR") == ["Clinical Records"]
    assert found(client, "electronic health records") == ["Clinical Records"]


def test_search_synonyms_work_both_ways(client, catalogue):
    assert found(client, "artificial intelligence") == [
        "Artificial Intelligence in Medicine",
        "Clinical Computing",
    ]


def test_university_short_names_are_synonyms(client, catalogue):
    assert found(client, "KCL") == ["Artificial Intelligence in Medicine"]
    assert found(client, "kings college london medicine") == ["Artificial Intelligence in Medicine"]


def test_an_editors_new_synonym_applies_at_once(client, catalogue):
    assert found(client, "radiology") == []
    SearchSynonym.objects.create(terms="radiology; medical imaging")
    assert found(client, "radiology") == ["Medical Imaging"]


# ----- sorting and combining ---------------------------------------------------------------


def test_relevance_is_the_default_sort_with_a_search(client, catalogue):
    response = client.get("/programmes/", {"q": "health data science"})
    assert response.context["filter"].sort_key == "relevance"
    assert 'value="relevance" selected' in response.text


def test_other_sorts_still_apply_with_a_search(client, catalogue):
    assert found(client, "artificial intelligence", sort="title") == [
        "Artificial Intelligence in Medicine",
        "Clinical Computing",
    ]


def test_without_a_search_relevance_falls_back_to_title(client, catalogue):
    response = client.get("/programmes/", {"sort": "relevance"})
    assert response.status_code == 200
    assert titles(response) == sorted(titles(response))


def test_search_combines_with_filters_and_facet_counts(client, catalogue):
    response = client.get("/programmes/", {"q": "medicine", "university": "kings-college-london"})
    assert titles(response) == ["Artificial Intelligence in Medicine"]
    counts = response.context["counts"]
    assert counts["university"] == {"kings-college-london": 1}
    assert counts["nation"] == {"england": 1}


def test_search_applies_to_the_csv_export(client, catalogue):
    staff = User.objects.create_superuser("staff", "s@example.com", "pw")
    client.force_login(staff)
    response = client.get("/staff/export/programmes.csv", {"q": "epidem"})
    body = b"".join(response.streaming_content).decode()
    assert "Epidemiology" in body
    assert "Medical Imaging" not in body


def test_drafts_are_never_found(client, catalogue):
    make_programme(title="Secret Epidemiology", status=Status.DRAFT)
    assert found(client, "epidemiology") == ["Epidemiology"]


# ----- typos -------------------------------------------------------------------------------


def test_a_misspelt_search_offers_a_did_you_mean_link(client, catalogue):
    response = client.get("/programmes/", {"q": "edinbrugh", "award": "MSc"})
    assert titles(response) == []
    assert "Did you mean" in response.text
    link = re.search(r'Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', response.text)
    assert link.group(2) == "Edinburgh"
    assert "q=Edinburgh" in link.group(1) and "award=MSc" in link.group(1)
    # The suggestion names a university: followed, it is read as that university's filter.
    followed = client.get(link.group(1).replace("&amp;", "&"), follow=True)
    assert titles(followed) == ["Health Data Science"]


def test_no_suggestion_when_the_words_are_known(client, catalogue):
    response = client.get("/programmes/", {"q": "epidemiology"})
    assert "Did you mean" not in response.text


# ----- site search -------------------------------------------------------------------------


def test_site_search_groups_programmes_guides_universities_and_topics(client, catalogue):
    from programmes.models import Guide

    guide = Guide(
        title="Applying from abroad",
        slug="applying",
        summary="Fees and entry.",
        body="You will need a Student visa.",
        status=Status.PUBLISHED,
        published_at="2026-11-01",
    )
    guide.render_body()
    guide.save()
    response = client.get("/search/", {"q": "visa"})
    assert response.status_code == 200
    assert "Applying from abroad" in response.text
    assert 'Guides <span class="count">(1)</span>' in response.text
    response = client.get("/search/", {"q": "edinburgh"})
    results = response.context["results"]
    assert [u.name for u in results["universities"]] == ["University of Edinburgh"]
    assert [p.title for p in results["programmes"]] == ["Health Data Science"]
    assert "/programmes/?q=edinburgh" in response.text
    response = client.get("/search/", {"q": "ML"})
    assert [t.name for t in response.context["results"]["topics"]] == ["Machine learning"]


def test_every_page_has_a_header_search_box(client, catalogue):
    response = client.get("/guides/")
    assert 'action="/programmes/#results"' in response.text
    assert 'id="site-q" name="q"' in response.text


def test_the_header_and_home_boxes_are_one_search(client, catalogue):
    import re

    home = client.get("/").text
    actions = re.findall(r'<form[^>]*action="([^"]+)"[^>]*role="search"', home)
    # The header's box and the home box: one list, landing on the results.
    assert actions == ["/programmes/#results", "/programmes/#results"]
    listing = client.get("/programmes/", {"q": "health"}, follow=True).text
    assert 'href="/search/?q=' in listing  # guides, universities and topics one link away


# ----- hostile input -----------------------------------------------------------------------

HOSTILE = [
    '"',
    '"health',
    '"health data"',
    "-health",
    "health -data",
    "health OR data",
    "AND",
    "OR OR",
    "NOT",
    "NEAR(",
    "NEAR(health data, 2)",
    "*",
    "heal*",
    "^health",
    "title:health",
    "{title}: health",
    "health:*A",
    "a & b | !c <-> d",
    "x\x00y",
    "\x00",
    "😀 health 😀",
    "صحة البيانات",
    "\u202ehealth\u202c",
    "שלום health",
    "health " * 40,
    "x" * 199,
    " ".join(f"word{n}" for n in range(15)),
    "'; DROP TABLE programmes_search; --",
    "\\",
    "()",
    "((((",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_searches_never_fail_on_the_list(client, catalogue, q):
    response = client.get("/programmes/", {"q": q}, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("q", HOSTILE + ["x" * 250])
def test_hostile_searches_never_fail_on_site_search(client, catalogue, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_a_search_over_200_characters_is_refused_with_a_message(client, catalogue):
    response = client.get("/search/", {"q": "x" * 250})
    assert "at most 200 characters" in response.text
    response = client.get("/programmes/", {"q": "x" * 250})
    assert "Some filters were not applied" in response.text


def test_more_than_ten_words_are_cut_with_a_message(client, catalogue):
    response = client.get("/programmes/", {"q": " ".join(["health"] * 9 + ["data", "x", "y"])})
    assert "Only the first 10 words" in response.text


@pytest.mark.parametrize("raw", HOSTILE)
def test_engine_queries_are_built_only_from_words(raw):
    query = search.parse(raw)
    fts = query.fts5()
    # Every word is a quoted string of letters and digits; outside them only our operators.
    assert all(re.fullmatch(r"[^\W_]+", w) for w in re.findall(r'"([^"]*)"', fts))
    assert set(re.sub(r'"[^"]*"', " ", fts).replace("(", " ").replace(")", " ").split()) <= {
        "AND",
        "OR",
        "*",
    }
    operands = [w for w in re.split(r"[\s()&|]+", query.tsquery()) if w]
    assert all(re.fullmatch(r"[^\W_]+(:\*)?", w) for w in operands)


# ----- the index kept in step --------------------------------------------------------------


def test_an_admin_edit_is_searchable_at_once(admin_client, catalogue):
    from tests.factories import admin_form_data, change_url

    programme = catalogue["epi"]
    url = change_url(programme)
    data = admin_form_data(admin_client.get(url), title="Genomic Epidemiology")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert found(admin_client, "genomic") == ["Genomic Epidemiology"]


def test_university_and_topic_renames_reach_the_index(client, catalogue):
    university = catalogue["title"].university
    university.name = "Caledonian Institute"
    university.save()
    assert found(client, "caledonian") == ["Health Data Science"]
    topic = Topic.objects.get(slug="machine-learning")
    topic.name = "Statistical learning"
    topic.save()
    assert found(client, "statistical") == ["Predictive Modelling"]
    topic.delete()
    assert found(client, "statistical") == []


def test_topic_changes_reach_the_index(client, catalogue):
    topic = make_topic(name="Genomics", slug="genomics")
    catalogue["epi"].topics.add(topic)
    assert found(client, "genomics") == ["Epidemiology"]
    topic.programmes.clear()
    assert found(client, "genomics") == []


def test_a_deleted_programme_leaves_the_index(client, catalogue):
    pk = catalogue["epi"].pk
    catalogue["epi"].delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM programmes_search WHERE programme_id = %s", [pk])
        assert cursor.fetchone()[0] == 0
    assert found(client, "epidemiology") == []


def test_the_loader_indexes_the_catalogue(client):
    call_command("load_catalogue", stdout=io.StringIO())
    ai = found(client, "AI")
    assert ai[0] == "Artificial Intelligence and Digital Health"
    assert "Digital Health Leadership" not in ai  # its summary says "trains", not "AI"
    assert len(found(client, "ML")) >= 5
    assert found(client, "health data science")[:7] == ["Health Data Science"] * 7


def test_the_csv_import_indexes_new_and_changed_rows(client, catalogue):
    from programmes.imports import apply_import, read_csv
    from tests.factories import good_row, to_csv

    make_university(slug="uni")
    user = User.objects.create_superuser("importer", password="pw")
    apply_import(read_csv(to_csv([good_row(title="Genomic Medicine")])), user=user)
    assert found(client, "genomic") == ["Genomic Medicine"]
    apply_import(read_csv(to_csv([good_row(title="Pathology Informatics")])), user=user)
    assert found(client, "genomic") == []
    assert found(client, "pathology") == ["Pathology Informatics"]


def test_rebuild_command_restores_a_lost_index(client, catalogue):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programmes_search")
    assert found(client, "epidemiology") == []
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found(client, "epidemiology") == ["Epidemiology"]


# ----- query counts ------------------------------------------------------------------------


def count_queries(client, url, params) -> int:
    from django.core.cache import cache

    cache.clear()  # cold: nothing read from the catalogue cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_search_query_count_is_fixed(client, catalogue):
    for n in range(30):
        make_programme(title=f"Health Data Science {n}")
    # Cold pages, while the stored index is not built (it is asked for, and not there): filter
    # options (2), synonyms, the place and mode words, the stored index, the count with the
    # universities' and nations' facet (one grouped query), the topics' facet, the page's ids
    # by rank, their cards, their topics.
    assert count_queries(client, "/programmes/", {"q": "health data"}) == 10
    assert count_queries(client, "/programmes/", {"q": "health science"}) == 10
    assert count_queries(client, "/programmes/", {"q": "health", "sort": "title"}) == 9
    # No results: no topics to prefetch, the "Did you mean" vocabulary is read (3 queries,
    # then cached with the catalogue), and one count per filter in use says what removing it
    # would show. A search alone that matches nothing counts no facets (all would be 0).
    assert count_queries(client, "/programmes/", {"q": "zzzz"}) == 11
    # (Several words with no full match lead to the partial matches: asked for every word.)
    assert count_queries(client, "/programmes/", {"q": "zzzz epidemiology", "match": "all"}) == 11
    # From the stored index (programmes/indexed_search.py): filter options (2), synonyms, the
    # place and mode words, the index, the matching ids, those matching in the title, the
    # phrase in the title (asked only when some title has every word), in the title or the
    # university and topics (PostgreSQL finds all four in one pass: one query); the cards,
    # their topics. No count or facet over the matches.
    counts.rebuild()
    ranked = 8 if search.parts_in_one_pass() else 11
    assert count_queries(client, "/programmes/", {"q": "health data"}) == ranked
    assert count_queries(client, "/programmes/", {"q": "health science"}) == ranked
    # Sorted by title: the page is read sorted from the programmes, counts from the index.
    assert count_queries(client, "/programmes/", {"q": "health", "sort": "title"}) == 8
    assert count_queries(client, "/programmes/", {"q": "zzzz"}) == 10


def test_site_search_query_count_is_fixed(client, catalogue):
    first = count_queries(client, "/search/", {"q": "health"})
    for n in range(30):
        make_programme(title=f"Health Data Science {n}")
    assert count_queries(client, "/search/", {"q": "health data"}) == first


# ----- parity: the same order on SQLite and PostgreSQL --------------------------------------


def test_the_same_query_gives_the_same_order_on_both_databases(client):
    genomic = make_topic(name="Genomic medicine", slug="genomic-medicine")
    make_programme(title="Population Health", summary="Includes genomic medicine.")
    make_programme(title="Clinical Studies", topics=[genomic])
    make_programme(title="Medicine with Genomic Data")
    make_programme(title="Genomic Medicine and Data Science")
    make_programme(title="Genomic Medicine")
    make_programme(title="Unrelated")
    assert found(client, "genomic medicine") == [
        "Genomic Medicine",  # the title is the search
        "Genomic Medicine and Data Science",  # the words as typed, in the title
        "Medicine with Genomic Data",  # every word in the title
        "Clinical Studies",  # in its topics
        "Population Health",  # in its summary only
    ]


def test_online_finds_distance_courses(client, catalogue):
    make_programme(title="Remote Analytics", offers_online=True)
    assert found(client, "online") == ["Remote Analytics"]


def test_a_bulk_publish_makes_a_draft_findable(admin_client, catalogue):
    from django.urls import reverse

    draft = make_programme(title="Pathogen Genomics", status=Status.DRAFT)
    assert found(admin_client, "pathogen") == []
    response = admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert found(admin_client, "pathogen genomics") == ["Pathogen Genomics"]
