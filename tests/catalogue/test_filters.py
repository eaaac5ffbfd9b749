"""Each filter alone and in combination, asserting exactly which programmes come back."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.http import QueryDict

from programmes.filters import ProgrammeFilter
from programmes.models import Nation, Programme, Status, months_to_mask
from tests.conftest import titles
from tests.factories import EXPORT_URL, make_programme, make_topic, make_university, read_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    edinburgh = make_university(
        name="University of Edinburgh", slug="edinburgh", city="Edinburgh", nation=Nation.SCOTLAND
    )
    glasgow = make_university(
        name="University of Strathclyde", slug="strathclyde", city="Glasgow", nation=Nation.SCOTLAND
    )
    london = make_university(
        name="University College London", short_name="UCL", slug="ucl", city="London"
    )
    swansea = make_university(
        name="Swansea University", slug="swansea", city="Swansea", nation=Nation.WALES
    )
    imaging = make_topic(name="Medical imaging", slug="medical-imaging")
    genomics = make_topic(name="Genomics", slug="genomics")
    make_programme(
        title="Alpha Imaging AI",
        university=edinburgh,
        topics=[imaging],
        fee_home=12000,
        fee_international=30000,
        duration_full_time_months=12,
        offers_full_time=True,
        start_month_mask=months_to_mask([9]),
        ielts_overall=Decimal("6.5"),
        placement=True,
        award="MSc",
    )
    make_programme(
        title="Beta Genomic Medicine",
        university=glasgow,
        topics=[genomics],
        fee_home=9000,
        fee_international=25000,
        fee_period="full-course",
        duration_full_time_months=24,
        offers_part_time=True,
        start_month_mask=months_to_mask([1, 9]),
        ielts_overall=Decimal("7.0"),
        award="MRes",
        summary="Sequencing data and clinical decisions.",
    )
    make_programme(
        title="Gamma Health Informatics",
        university=london,
        topics=[imaging, genomics],
        fee_home=None,
        duration_full_time_months=None,
        offers_online=True,
        award="PGDip",
    )
    make_programme(
        title="Delta Digital Health", university=swansea, fee_home=15000, fee_period="full-course"
    )
    make_programme(title="Hidden Draft", university=edinburgh, status=Status.DRAFT)
    make_programme(title="Old Archived", university=glasgow, status=Status.ARCHIVED)


def get(client, query=""):
    # A search naming a place ("genomic glasgow") is read as that place's filter: followed.
    response = client.get(f"/programmes/?{query}", follow=True)
    assert response.status_code == 200
    return response


ALL = [
    "Alpha Imaging AI",
    "Beta Genomic Medicine",
    "Delta Digital Health",
    "Gamma Health Informatics",
]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ALL),
        ("nation=scotland", ["Alpha Imaging AI", "Beta Genomic Medicine"]),
        ("nation=wales", ["Delta Digital Health"]),
        (
            "nation=scotland&nation=wales",
            ["Alpha Imaging AI", "Beta Genomic Medicine", "Delta Digital Health"],
        ),
        ("city=Glasgow", ["Beta Genomic Medicine"]),
        ("university=ucl", ["Gamma Health Informatics"]),
        ("university=ucl&university=swansea", ["Delta Digital Health", "Gamma Health Informatics"]),
        ("topic=genomics", ["Beta Genomic Medicine", "Gamma Health Informatics"]),
        (
            "topic=genomics&topic=medical-imaging",
            ["Alpha Imaging AI", "Beta Genomic Medicine", "Gamma Health Informatics"],
        ),
        ("award=MRes", ["Beta Genomic Medicine"]),
        (
            "award=MSc&award=PGDip",
            ["Alpha Imaging AI", "Delta Digital Health", "Gamma Health Informatics"],
        ),
        ("mode=full-time", ["Alpha Imaging AI"]),
        ("mode=part-time", ["Beta Genomic Medicine"]),
        ("mode=online", ["Gamma Health Informatics"]),
        ("max_fee_home=12000", ["Alpha Imaging AI", "Beta Genomic Medicine"]),
        ("max_fee_home=8999", []),
        ("max_fee_international=25000", ["Beta Genomic Medicine"]),
        ("max_duration=12", ["Alpha Imaging AI"]),
        ("placement=yes", ["Alpha Imaging AI"]),
        ("max_ielts=6.5", ["Alpha Imaging AI"]),
        ("max_ielts=7.0", ["Alpha Imaging AI", "Beta Genomic Medicine"]),
        ("start_month=1", ["Beta Genomic Medicine"]),
        ("start_month=9", ["Alpha Imaging AI", "Beta Genomic Medicine"]),
        ("q=imaging", ["Alpha Imaging AI", "Gamma Health Informatics"]),
        ("q=UCL", ["Gamma Health Informatics"]),
        ("q=sequencing", ["Beta Genomic Medicine"]),
        ("q=GENOMIC+glasgow", ["Beta Genomic Medicine"]),  # cities are searched too
        ("q=genomic+strathclyde", ["Beta Genomic Medicine"]),
        ("nation=scotland&max_fee_home=10000&topic=genomics", ["Beta Genomic Medicine"]),
        ("nation=scotland&mode=full-time&placement=yes&max_ielts=6.5", ["Alpha Imaging AI"]),
    ],
)
def test_filters_return_exactly_the_matching_published_programmes(
    client, catalogue, query, expected
):
    assert titles(get(client, query)) == expected


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("title", ALL),
        (
            "fee_home",
            [
                "Beta Genomic Medicine",
                "Alpha Imaging AI",
                "Delta Digital Health",
                "Gamma Health Informatics",
            ],
        ),
        (
            "-fee_home",
            [
                "Delta Digital Health",
                "Alpha Imaging AI",
                "Beta Genomic Medicine",
                "Gamma Health Informatics",
            ],
        ),
        (
            "fee_international",
            [
                "Beta Genomic Medicine",
                "Alpha Imaging AI",
                "Delta Digital Health",
                "Gamma Health Informatics",
            ],
        ),
        (
            "duration",
            [
                "Alpha Imaging AI",
                "Beta Genomic Medicine",
                "Delta Digital Health",
                "Gamma Health Informatics",
            ],
        ),
    ],
)
def test_sorting_puts_unknown_values_last(client, catalogue, sort, expected):
    assert titles(get(client, f"sort={sort}")) == expected


def test_facet_counts_show_matches_beside_each_choice(client, catalogue):
    response = get(client, "nation=scotland")
    counts = response.context["counts"]
    # Nation counts ignore the nation filter itself; others respect it.
    assert counts["nation"] == {"scotland": 2, "england": 1, "wales": 1}
    assert counts["topic"] == {"medical-imaging": 1, "genomics": 1}
    assert counts["university"] == {"edinburgh": 1, "strathclyde": 1}
    assert 'Medical imaging <span class="count">(1)</span>' in response.text


def test_result_count_and_clear_filters_link(client, catalogue):
    response = get(client, "nation=scotland")
    assert "2 programmes match your filters" in response.text
    assert 'href="/programmes/">Clear filters' in response.text


def test_filter_state_survives_in_the_form(client, catalogue):
    response = get(client, "topic=genomics&max_fee_home=12000&sort=fee_home")
    assert 'value="genomics" id="topic-genomics" checked' in response.text
    assert 'value="12000"' in response.text
    assert '<option value="fee_home" selected>' in response.text


def test_a_search_in_the_staff_export_keeps_the_drafts_status_all_asks_for(exporter):
    make_programme(title="Genomics Live")
    make_programme(title="Genomics Draft", status=Status.DRAFT)
    make_programme(title="Imaging Draft", status=Status.DRAFT)
    # Sorted by relevance (the rank query) and by title (the plain search filter) alike.
    for sort in ("relevance", "title"):
        rows = read_export(exporter.get(EXPORT_URL + f"?q=genomics&status=all&sort={sort}"))
        assert sorted(r["title"] for r in rows) == ["Genomics Draft", "Genomics Live"], sort
    rows = read_export(exporter.get(EXPORT_URL + "?q=genomics&status=draft"))
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
