"""Malformed and hostile query strings: a page with errors shown or the value ignored; no 500."""

import pytest

from programmes.models import Nation
from tests.conftest import titles
from tests.factories import (
    HOSTILE_QUERIES,
    expected_outcome,
    make_programme,
    make_university,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: q[:40])
def test_hostile_query_strings_never_give_a_server_error(client, query):
    # Whole-course fees and 12 months: the same amounts whichever basis the fee filters use.
    fees = {"fee_period": "full-course", "duration_full_time_months": 12}
    make_programme(title="Survivor", fee_home=10000, **fees)
    make_programme(
        title="Highland",
        university=make_university(nation=Nation.SCOTLAND),
        fee_home=20000,
        **fees,
    )
    response = client.get(f"/programmes/?{query}")
    assert response.status_code == 200
    assert "<h1>Programmes</h1>" in response.text
    listed, refused = expected_outcome(query)
    assert titles(response) == listed
    assert ("Some filters were not applied" in response.text) is refused


@pytest.mark.parametrize(
    "query,message",
    [
        ("max_fee_home=abc", "Enter a whole number."),
        ("max_fee_home=-5", "Ensure this value is greater than or equal to 0."),
        ("max_duration=0", "Ensure this value is greater than or equal to 1."),
        ("nation=atlantis", "Select a valid choice."),
        ("q=%00", "Null characters are not allowed."),
        ("q=" + "x" * 300, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_values_are_shown_as_errors_beside_the_field(client, query, message):
    response = client.get(f"/programmes/?{query}")
    assert "Some filters were not applied" in response.text
    assert message in response.text


def test_invalid_filter_is_ignored_while_valid_ones_apply(client):
    make_programme(title="Cheap", fee_home=5000, fee_period="full-course")
    make_programme(title="Dear", fee_home=50000, fee_period="full-course")
    response = client.get("/programmes/?max_fee_home=10000&max_duration=abc")
    assert [p.title for p in response.context["page"].object_list] == ["Cheap"]


def test_hostile_text_is_escaped_in_the_page(client):
    response = client.get("/programmes/?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    "page,expected_page",
    [("abc", 1), ("0", 1), ("-3", 1), ("999999", 2), ("99999999999999999999999", 2), ("2", 2)],
)
def test_pagination_edges_land_on_a_real_page(client, page, expected_page):
    for n in range(25):
        make_programme(title=f"Programme {n:02d}")
    response = client.get(f"/programmes/?page={page}")
    assert response.status_code == 200
    assert response.context["page"].number == expected_page
    assert len(response.context["page"].object_list) == (20 if expected_page == 1 else 5)
