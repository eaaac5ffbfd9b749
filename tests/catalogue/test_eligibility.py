"""Check my eligibility: my_ielts and my_degree on the list and the detail page say, per
programme, meets / below / not recorded, and can keep only the programmes I meet or that do
not say. Bad values are shown back, never a 500; unknown stays unknown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import titles
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def asks():
    return {
        "strict": make_programme(
            title="Strict",
            ielts_overall=Decimal("7.0"),
            ielts_min_component=Decimal("6.5"),
            min_degree="2:1",
        ),
        "gentle": make_programme(title="Gentle", ielts_overall=Decimal("6.0"), min_degree="2:2"),
        "silent": make_programme(title="Silent"),
    }


def card_checks(response, title):
    for card in [*response.context["matched_cards"], *response.context["unrecorded_cards"]]:
        if card.title == title:
            return [(check.fact, check.status, check.text) for check in card.checks]
    raise AssertionError(f"{title} not listed")


def test_each_card_says_meets_below_or_not_recorded(client, asks):
    response = client.get("/programmes/?my_ielts=6.5&my_degree=2:1")
    assert card_checks(response, "Strict") == [
        ("IELTS", "below", "below: needs IELTS 7.0 overall, with at least 6.5 in each part"),
        ("Degree", "meets", "meets: asks for Upper second-class honours (2:1)"),
    ]
    assert card_checks(response, "Gentle")[0] == ("IELTS", "meets", "meets: asks for 6.0 overall")
    assert card_checks(response, "Silent") == [
        ("IELTS", "unknown", "not recorded: check the official page"),
        ("Degree", "unknown", "minimum class not recorded: check the official page"),
    ]
    assert "below: needs IELTS 7.0 overall" in response.text
    # My answers do not filter the list by themselves.
    assert titles(response) == ["Gentle", "Silent", "Strict"]


def test_only_programmes_i_meet_or_that_do_not_say(client, asks):
    response = client.get("/programmes/?my_ielts=6.5&my_degree=2:2&eligible=yes")
    assert titles(response) == ["Gentle", "Silent"]
    top = client.get("/programmes/?my_ielts=9.0&my_degree=first&eligible=yes")
    assert titles(top) == ["Gentle", "Silent", "Strict"]


def test_another_qualification_is_never_called_a_match(client, asks):
    response = client.get("/programmes/?my_degree=other&eligible=yes")
    assert titles(response) == ["Gentle", "Silent", "Strict"]
    status = card_checks(response, "Strict")[0]
    assert status[1] == "unknown" and "or equivalent" in status[2]


def test_the_detail_page_checks_my_answers(client, asks):
    url = asks["strict"].get_absolute_url()
    response = client.get(url, {"my_ielts": "7.5", "my_degree": "2:2"})
    text = response.text
    assert "meets: asks for 7.0 overall, with at least 6.5 in each part" in text
    assert "below: asks for Upper second-class honours (2:1)" in text
    assert 'name="my_ielts"' in client.get(url).text  # the form is there without answers


def test_each_answer_is_its_own_shareable_page(client, asks):
    url = asks["strict"].get_absolute_url()
    first = client.get(url, {"my_ielts": "6.0"})
    second = client.get(url, {"my_ielts": "7.5"})
    assert "below: needs IELTS 7.0" in first.text
    assert "meets: asks for 7.0" in second.text
    # Junk beside the answers is the same page (kept once per answer, not per spelling).
    assert client.get(url, {"my_ielts": "7.5", "junk": "1"}).content == second.content


@pytest.mark.parametrize(
    "params",
    [
        {"my_ielts": "6.3"},
        {"my_ielts": "10"},
        {"my_ielts": "-1"},
        {"my_ielts": "NaN"},
        {"my_ielts": "6.5\x00"},
        {"my_degree": "2.1"},
        {"my_degree": "<script>alert(1)</script>"},
        {"my_degree": "FIRST"},
    ],
)
def test_bad_answers_are_shown_back_never_a_500(client, asks, params):
    listing = client.get("/programmes/", params)
    assert listing.status_code == 200
    assert "Some filters were not applied" in listing.text
    assert "<script>alert(1)</script>" not in listing.text
    detail = client.get(asks["strict"].get_absolute_url(), params)
    assert detail.status_code == 200
    assert "Check your answers" in detail.text
    assert "<script>alert(1)</script>" not in detail.text


def test_eligible_without_answers_filters_nothing(client, asks):
    assert titles(client.get("/programmes/?eligible=yes")) == ["Gentle", "Silent", "Strict"]


def test_the_lowest_component_cannot_be_above_the_overall(admin_client, asks):
    from django.core.exceptions import ValidationError

    programme = asks["gentle"]
    programme.ielts_min_component = Decimal("6.5")
    with pytest.raises(ValidationError) as caught:
        programme.full_clean()
    assert "ielts_min_component" in caught.value.message_dict
