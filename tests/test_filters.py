"""Each filter alone and in combination, asserting exactly which programmes come back."""

from decimal import Decimal

import pytest

from programmes.models import Nation, Status, months_to_mask
from tests.conftest import titles
from tests.factories import make_programme, make_topic, make_university

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
    response = client.get(f"/programmes/?{query}")
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
