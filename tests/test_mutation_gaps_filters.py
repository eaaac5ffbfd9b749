"""The list filters, pinned where mutation testing found nothing checking them.

- A search inside the staff export keeps the export's own rows (drafts with status=all).
- ``likely_params`` (the cache's guess before validation) equals ``url_params`` for plainly
  written valid input, so a warm page is found without the database.
- The university facet labels and counts selected universities too; an unfiltered list says so.
"""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from programmes.filters import ProgrammeFilter
from programmes.models import Nation, Programme, Status
from tests.factories import make_programme, make_topic, make_university
from tests.test_export import URL as EXPORT_URL
from tests.test_export import exporter, read  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


def test_a_search_in_the_staff_export_keeps_the_drafts_status_all_asks_for(exporter):  # noqa: F811
    make_programme(title="Genomics Live")
    make_programme(title="Genomics Draft", status=Status.DRAFT)
    make_programme(title="Imaging Draft", status=Status.DRAFT)
    # Sorted by relevance (the rank query) and by title (the plain search filter) alike.
    for sort in ("relevance", "title"):
        rows = read(exporter.get(EXPORT_URL + f"?q=genomics&status=all&sort={sort}"))
        assert sorted(r["title"] for r in rows) == ["Genomics Draft", "Genomics Live"], sort
    rows = read(exporter.get(EXPORT_URL + "?q=genomics&status=draft"))
    assert [r["title"] for r in rows] == ["Genomics Draft"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=genomics",
        "q=genomics&sort=relevance",  # the sort a search implies: left out
        "q=genomics&sort=title",  # a search sorted by title: kept
        "sort=title",  # the default sort without a search: left out
        "sort=relevance",  # relevance without a search is not valid: guessed, never validated
        "sort=-verified&nation=scotland",
        "sort=fee_home&q=ai",
        "university=uni-b&university=uni-a&university=uni-b",
        "nation=wales&nation=england&mode=online",
        "q=%20genomics%20&nation=",
        "placement=yes&start_month=9&max_ielts=6.5",
    ],
)
def test_the_cache_guess_matches_the_validated_filters_for_plain_valid_input(query):
    # The university filter offers universities with a published programme.
    make_programme(university=make_university(name="Uni A", slug="uni-a"))
    make_programme(university=make_university(name="Uni B", slug="uni-b", nation=Nation.SCOTLAND))
    data = QueryDict(query)
    validated = ProgrammeFilter(data or None, queryset=Programme.objects.published())
    if query == "sort=relevance":
        # Not valid without a search: the guess keeps it and so simply misses.
        assert ProgrammeFilter.likely_params(data) == [("sort", "relevance")]
        assert validated.url_params() == []
    else:
        assert ProgrammeFilter.likely_params(data) == validated.url_params()


def test_implied_sorts_are_left_out_of_the_guess():
    guess = ProgrammeFilter.likely_params
    assert guess(QueryDict("q=ai&sort=relevance")) == [("q", "ai")]
    assert guess(QueryDict("q=ai&sort=title")) == [("q", "ai"), ("sort", "title")]
    assert guess(QueryDict("sort=title")) == []
    assert guess(QueryDict("sort=duration")) == [("sort", "duration")]
    assert guess(QueryDict("nation=wales&sort=title")) == [("nation", "wales")]


def facet_items(text: str) -> list[str]:
    """The list page's university checkboxes as "slug: label"."""
    items = re.findall(
        r'<input type="checkbox" name="university" value="([^"]+)"[^>]*>\s*'
        r'<label for="university-[^"]+">(.*?)</label>',
        text,
        re.S,
    )
    return [f"{slug}: {re.sub(r'<[^>]+>', '', label).strip()}" for slug, label in items]


def test_a_selected_university_with_no_match_is_labelled_with_its_name_and_zero(client):
    topic = make_topic(name="Genomics", slug="genomics")
    glasgow = make_university(name="Glasgow", slug="glasgow")
    leeds = make_university(name="Leeds", slug="leeds")
    make_programme(title="Imaging", university=glasgow)
    make_programme(title="Genomics", university=leeds, topics=[topic])
    response = client.get("/programmes/?university=glasgow&topic=genomics")
    assert facet_items(response.text) == ["glasgow: Glasgow (0)", "leeds: Leeds (1)"]


def test_an_unfiltered_list_says_it_shows_every_programme(client):
    make_programme(title="Imaging")
    text = client.get("/programmes/").text
    assert "<title>All programmes" in text
    assert "<summary>Filters</summary>" in text
    assert "1 programme\n" in text or "1 programme<" in text
    assert "match your filters" not in text
    filtered = client.get("/programmes/?mode=online").text
    assert "<title>Filtered programmes" in filtered
    assert "<summary>Filters (1 active)</summary>" in filtered


def shown_count(text: str, facet: str, value: str) -> str:
    match = re.search(
        rf'<label for="{facet}-{value}">[^<]*<span class="count">\((\d+)\)</span>', text
    )
    assert match, f"no {facet} choice {value}"
    return match.group(1)


def test_each_facet_counts_over_every_other_filter_but_its_own(client):
    """Choosing a topic leaves the other topics' counts as they were; choosing a university
    narrows the nation counts to it."""
    imaging = make_topic(name="Imaging", slug="imaging")
    genomics = make_topic(name="Genomics", slug="genomics")
    leeds = make_university(name="Leeds", slug="leeds", nation=Nation.ENGLAND)
    york = make_university(name="York", slug="york", nation=Nation.ENGLAND)
    dundee = make_university(name="Dundee", slug="dundee", nation=Nation.SCOTLAND)
    make_programme(title="A", university=leeds, topics=[imaging])
    make_programme(title="B", university=york, topics=[genomics])
    make_programme(title="C", university=york, topics=[genomics])
    make_programme(title="D", university=dundee, topics=[genomics])
    text = client.get("/programmes/?topic=imaging").text
    assert (shown_count(text, "topic", "imaging"), shown_count(text, "topic", "genomics")) == (
        "1",
        "3",
    )
    text = client.get("/programmes/?university=york").text
    assert (shown_count(text, "nation", "england"), shown_count(text, "nation", "scotland")) == (
        "2",
        "0",
    )


def test_a_sort_alone_is_not_a_filter(client):
    make_programme(title="Imaging")
    text = client.get("/programmes/?sort=duration").text
    assert "<title>All programmes" in text
    assert "<summary>Filters</summary>" in text
