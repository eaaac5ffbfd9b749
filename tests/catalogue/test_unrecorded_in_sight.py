"""Filters never hide unknowns: a programme that does not record a filtered fact follows the
matches, counted and named, unless the student asks to leave such programmes out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programmes.models import months_to_mask
from tests.conftest import titles, unrecorded_titles
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def facts():
    make_programme(
        title="Asks 6.5", ielts_overall=Decimal("6.5"), start_month_mask=months_to_mask([9])
    )
    make_programme(
        title="Asks 7.5", ielts_overall=Decimal("7.5"), start_month_mask=months_to_mask([1])
    )
    make_programme(title="Says nothing")
    make_programme(title="Has a placement", placement=True, ielts_overall=Decimal("6.0"))
    make_programme(title="Has no placement", placement=False, ielts_overall=Decimal("6.0"))


def test_an_ielts_limit_of_nine_shows_the_unrecorded_as_such(client, facts):
    response = client.get("/programmes/?max_ielts=9.0")
    assert titles(response) == ["Asks 6.5", "Asks 7.5", "Has a placement", "Has no placement"]
    assert unrecorded_titles(response) == ["Says nothing"]
    text = response.text
    assert "1 programme does not record its IELTS score yet" in text
    assert "4 programmes match your filters, 1 more may match" in text


def test_a_low_ielts_limit_keeps_the_unrecorded_after_the_matches(client, facts):
    response = client.get("/programmes/?max_ielts=6.0")
    assert titles(response) == ["Has a placement", "Has no placement"]
    assert unrecorded_titles(response) == ["Says nothing"]


def test_starts_in_september_keeps_unknown_start_months_in_sight(client, facts):
    response = client.get("/programmes/?start_month=9")
    assert titles(response) == ["Asks 6.5"]
    assert unrecorded_titles(response) == ["Has a placement", "Has no placement", "Says nothing"]
    assert "3 programmes do not record their start months yet" in response.text
    assert "Asks 7.5" not in response.text  # a recorded January start does not match


def test_placement_yes_never_lets_a_recorded_no_through(client, facts):
    response = client.get("/programmes/?placement=yes")
    assert titles(response) == ["Has a placement"]
    assert "Has no placement" not in unrecorded_titles(response)
    assert "Has no placement" not in response.text


def test_two_fact_filters_name_both_facts(client, facts):
    response = client.get("/programmes/?max_ielts=7.0&start_month=9")
    assert titles(response) == ["Asks 6.5"]
    assert set(unrecorded_titles(response)) == {
        "Says nothing",
        "Has a placement",
        "Has no placement",
    }
    assert "do not record their IELTS score or start months yet" in response.text


def test_the_student_can_leave_the_unrecorded_out_and_bring_them_back(client, facts):
    response = client.get("/programmes/?max_ielts=9.0&unrecorded=hide")
    assert titles(response) == ["Asks 6.5", "Asks 7.5", "Has a placement", "Has no placement"]
    assert unrecorded_titles(response) == []
    assert "Says nothing" not in response.text
    empty = client.get("/programmes/?max_ielts=4.0&unrecorded=hide")
    assert "No programme matches all of these filters" in empty.text
    assert 'href="?max_ielts=4.0">show them</a>' in empty.text


def test_counts_beside_the_filters_say_how_many_are_unknown(client, facts):
    text = client.get("/programmes/").text
    assert "Not recorded yet for 1 of 5 programmes" in text  # IELTS
    assert "Not recorded yet for 3 of 5 programmes" in text  # start months, placement
    # Counted over the other filters: a search leaves one programme, which records IELTS.
    narrowed = client.get("/programmes/?q=asks&max_ielts=6.0").text
    assert "Not recorded yet for 0" not in narrowed


def test_with_only_unrecorded_programmes_the_list_is_not_called_empty(client, facts):
    response = client.get("/programmes/?max_ielts=4.0")
    assert titles(response) == []
    assert unrecorded_titles(response) == ["Says nothing"]
    assert "No programme matches all of these filters" not in response.text
    assert "0 programmes match your filters, 1 more may match" in response.text


@pytest.mark.parametrize("value", ["maybe", "", "HIDE", "hide\x00", "<script>"])
def test_a_bad_unrecorded_choice_is_refused_and_the_unknowns_stay(client, facts, value):
    response = client.get("/programmes/", {"max_ielts": "9.0", "unrecorded": value})
    assert response.status_code == 200
    assert unrecorded_titles(response) == ["Says nothing"]
    if value:
        assert "Some filters were not applied" in response.text
