"""The filters in use, shown above the results as chips a student removes in one click; the
empty state names the filters that emptied it; the keyboard reaches the results at once."""

from __future__ import annotations

import html
import re

import pytest

from programmes.models import Nation
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    scot = make_university(name="University of Glenford", nation=Nation.SCOTLAND, city="Glenford")
    eng = make_university(name="University of Testshire", nation=Nation.ENGLAND)
    imaging = make_topic(name="Medical imaging", slug="medical-imaging")
    make_programme(title="Clinical AI", university=scot, offers_part_time=True, topics=[imaging])
    make_programme(title="Health Data Science", university=eng, offers_full_time=True)
    make_programme(title="Digital Health", university=eng, offers_part_time=True)


def chips(response) -> list[tuple[str, str]]:
    """(label, link) of each chip, as a visitor reads and follows them."""
    found = re.findall(r'<a class="chip" href="([^"]*)">(.*?)<span class="chip-x"', response.text)
    return [(html.unescape(label), html.unescape(link)) for link, label in found]


def test_every_active_filter_is_a_chip_whose_link_removes_just_it(client, catalogue):
    response = client.get("/programmes/?nation=scotland&mode=part-time&q=clinical")
    assert chips(response) == [
        ("Search: “clinical”", "/programmes/?nation=scotland&mode=part-time#results"),
        ("Scotland", "/programmes/?q=clinical&mode=part-time#results"),
        ("Part-time", "/programmes/?q=clinical&nation=scotland#results"),
    ]
    assert 'href="/programmes/#results">Clear all filters</a>' in response.text
    # Following a chip's link drops that filter only.
    after = client.get(chips(response)[1][1].split("#")[0])
    assert [label for label, _ in chips(after)] == ["Search: “clinical”", "Part-time"]


def test_no_filters_no_chips(client, catalogue):
    response = client.get("/programmes/")
    assert chips(response) == []
    assert "Clear all filters" not in response.text


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("max_fee_home=12000", "Home fee at most £12,000"),
        ("open=yes", "Still open for applications"),
        ("start_month=9", "Starts in: September"),
        ("topic=medical-imaging", "Medical imaging"),
        ("unrecorded=hide&max_ielts=7.0", "Leaving out programmes that do not record a fact"),
    ],
)
def test_chips_say_the_filter_in_words(client, catalogue, query, label):
    assert any(text.startswith(label) for text, _ in chips(client.get(f"/programmes/?{query}")))


def test_the_empty_state_names_each_filter_with_what_removing_it_would_show(client, catalogue):
    response = client.get("/programmes/?nation=scotland&mode=full-time")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())
    assert "No programme matches all of these filters." in text
    assert "Without Full-time : 1 programme" in text
    assert "Without Scotland : 1 programme" in text
    assert 'href="/programmes/?mode=full-time#results">Without Scotland</a>' in response.text


def test_a_skip_link_reaches_the_results_and_applying_filters_lands_on_them(client, catalogue):
    response = client.get("/programmes/")
    assert '<a class="skip-link" href="#results">Skip to results</a>' in response.text
    assert 'id="results" tabindex="-1"' in response.text
    assert 'action="/programmes/#results"' in response.text


def test_one_and_many_are_said_right(client, catalogue):
    one = client.get("/programmes/?nation=scotland")
    assert "1 programme matches your filters" in " ".join(one.text.split())
    two = client.get("/programmes/?nation=england")
    assert "2 programmes match your filters" in " ".join(two.text.split())


def test_study_mode_is_any_of_those_ticked(client, catalogue):
    from tests.conftest import titles

    both = client.get("/programmes/?mode=part-time&mode=full-time")
    assert sorted(titles(both)) == ["Clinical AI", "Digital Health", "Health Data Science"]
    assert [label for label, _ in chips(both)] == ["Full-time", "Part-time"]
    assert 'id="mode-part-time" checked' in both.text and 'id="mode-full-time" checked' in both.text
    one = client.get("/programmes/?mode=part-time")
    assert sorted(titles(one)) == ["Clinical AI", "Digital Health"]
    assert client.get("/programmes/?mode=sometimes").status_code == 200  # said, not a 500
    assert "Some filters were not applied" in client.get("/programmes/?mode=sometimes").text


def test_under_a_part_time_filter_cards_show_the_part_time_length(client):
    make_programme(
        title="Part-time Health AI",
        offers_part_time=True,
        duration_full_time_months=12,
        duration_part_time_months=24,
    )
    text = " ".join(client.get("/programmes/?mode=part-time").text.split())
    assert "<dt>Part-time</dt><dd>24 months" in text
    assert 'Home fee <span class="muted">(full-time)</span>' in text
    text = " ".join(client.get("/programmes/").text.split())
    assert "<dt>Full-time</dt><dd>12 months" in text


def test_a_topic_without_programmes_offers_the_nearest_topics(client):
    from programmes.models import Status

    empty = make_topic(name="Federated learning", slug="federated-learning")
    near = make_topic(name="Privacy", slug="privacy")
    far = make_topic(name="Genomics", slug="genomics")
    make_programme(title="Draft FL", status=Status.DRAFT, topics=[empty, near])
    make_programme(title="Private Data", topics=[near])
    make_programme(title="Genome AI", topics=[far])
    text = " ".join(client.get("/topics/federated-learning/").text.split())
    assert "No published programmes cover this topic yet." in text
    assert 'The nearest topics with programmes: <a href="/topics/privacy/">Privacy</a> (1).' in text
    assert "Draft FL" not in text
