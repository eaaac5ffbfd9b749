"""The list page's university filter stays small: the universities with most matches plus the
selected ones, and a page listing every university (/programmes/universities/) for the rest."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from programmes.filters import UNIVERSITIES_SHOWN
from programmes.models import Nation, University
from tests.conftest import titles
from tests.factories import (
    HOSTILE_QUERIES,
    expected_outcome,
    make_programme,
    make_topic,
    make_university,
)
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

CHOOSER = "/programmes/universities/"


def facet_slugs(response) -> list[str]:
    """The university checkboxes on the list page, in order."""
    return re.findall(r'name="university" value="([^"]+)"', response.text)


def chooser_rows(response) -> dict[str, tuple[str, str]]:
    """University name -> (link in its row, matching count) on the chooser page."""
    rows = re.findall(
        r'<tr(?: class="chosen")?><th scope="row">(.*?)</th><td data-label="City">.*?</td>'
        r'<td class="num" data-label="Matching programmes">(\d+)</td></tr>',
        response.text,
    )
    out = {}
    for cell, count in rows:
        name = re.sub(r"<[^>]+>", "", cell).split(" Selected ")[0].strip()
        link = re.search(r'href="([^"]+)"', cell)
        out[name] = (link.group(1).replace("&amp;", "&") if link else "", count)
    return out


@pytest.fixture
def twelve():
    """Twelve universities: "Uni 01" has 12 programmes, "Uni 02" 11, … "Uni 12" one."""
    topic = make_topic(name="Genomics", slug="genomics")
    universities = []
    for n in range(1, 13):
        university = make_university(
            name=f"Uni {n:02d}",
            slug=f"uni-{n:02d}",
            nation=Nation.SCOTLAND if n == 12 else Nation.ENGLAND,
        )
        universities.append(university)
        for i in range(13 - n):
            make_programme(title=f"Course {n:02d}-{i:02d}", university=university)
    # The smallest university is the only one teaching genomics.
    make_programme(title="Genomics at 12", university=universities[-1], topics=[topic])
    return universities


def test_list_shows_only_the_universities_with_most_matches(client, twelve):
    response = client.get("/programmes/")
    assert facet_slugs(response) == [f"uni-{n:02d}" for n in range(1, UNIVERSITIES_SHOWN + 1)]
    assert "10 of 12: those with most matching programmes." in response.text
    assert 'Uni 01 <span class="count">(12)</span>' in response.text


def test_the_top_universities_follow_the_other_filters(client, twelve):
    response = client.get("/programmes/?topic=genomics")
    # Only one university has a genomics programme; the others would empty the list.
    assert facet_slugs(response) == ["uni-12"]
    assert 'Uni 12 <span class="count">(1)</span>' in response.text


def test_a_selected_university_outside_the_top_stays_shown_first_and_checked(client, twelve):
    response = client.get("/programmes/?university=uni-12&university=uni-01")
    slugs = facet_slugs(response)
    # Selected ones first (by name), then the rest of the top ten: eleven in all.
    assert slugs[:2] == ["uni-01", "uni-12"]
    assert slugs[2:] == [f"uni-{n:02d}" for n in range(2, 11)]
    assert '<li class="chosen"><input type="checkbox" name="university" value="uni-12"' in (
        response.text
    )
    assert "11 of 12: your choices first, then those with most matching programmes." in (
        response.text
    )
    # The form submits it as it stands; the box is a plain checkbox, so it can be unticked.
    assert form_data(response.text, "filters")["university"] == ["uni-01", "uni-12"]
    assert not re.search(r'value="uni-12"[^>]*disabled', response.text)


def test_filtering_by_a_university_outside_the_top_works(client, twelve):
    response = client.get("/programmes/?university=uni-12")
    assert titles(response) == ["Course 12-00", "Genomics at 12"]
    assert "2 programmes match your filters" in response.text


def test_the_facet_links_to_every_university_with_the_current_filters(client, twelve):
    response = client.get("/programmes/?nation=england&junk=1&page=2&max_fee_home=abc")
    # Junk, the page number and refused values are left out of the link.
    assert f'<a href="{CHOOSER}?nation=england">All 12 universities, with matches</a>' in (
        response.text
    )
    plain = client.get("/programmes/")
    assert f'<a href="{CHOOSER}">All 12 universities, with matches</a>' in plain.text


def test_the_list_page_does_not_grow_with_the_number_of_universities(client, twelve):
    before = len(client.get("/programmes/?sort=title").content)
    for n in range(13, 60):
        make_programme(university=make_university(name=f"Uni {n:02d}", slug=f"uni-{n:02d}"))
    response = client.get("/programmes/?sort=title")
    assert len(facet_slugs(response)) == UNIVERSITIES_SHOWN
    assert "All 59 universities" in response.text
    # The programme cards are the same (first page by title); only a few digits change.
    assert abs(len(response.content) - before) < 200


def test_every_university_is_listed_with_its_count_and_a_link_that_adds_it(client, twelve):
    response = client.get(f"{CHOOSER}?nation=england")
    rows = chooser_rows(response)
    assert list(rows) == [f"Uni {n:02d}" for n in range(1, 13)]
    assert rows["Uni 01"] == ("/programmes/?university=uni-01&nation=england", "12")
    # Counts follow the other filters: Uni 12 is in Scotland.
    assert rows["Uni 12"] == ("/programmes/?university=uni-12&nation=england", "0")
    followed = client.get(rows["Uni 03"][0])
    assert len(titles(followed)) == 10
    assert "10 programmes match your filters" in followed.text


def test_a_link_adds_the_university_to_those_already_chosen(client, twelve):
    response = client.get(f"{CHOOSER}?university=uni-12&sort=fee_home")
    rows = chooser_rows(response)
    assert rows["Uni 05"][0] == "/programmes/?university=uni-05&university=uni-12&sort=fee_home"
    followed = client.get(rows["Uni 05"][0])
    assert len(titles(followed)) == 2 + 8


def test_selected_universities_are_marked_with_a_link_that_removes_them(client, twelve):
    response = client.get(f"{CHOOSER}?university=uni-12&university=uni-01&topic=genomics")
    assert '<tr class="chosen"><th scope="row">Uni 12 <span class="tag">Selected</span>' in (
        response.text
    )
    rows = chooser_rows(response)
    assert rows["Uni 12"] == ("/programmes/?university=uni-01&topic=genomics", "1")
    assert rows["Uni 01"] == ("/programmes/?university=uni-12&topic=genomics", "0")
    assert 'Remove<span class="visually-hidden"> Uni 12 from your filters</span>' in (response.text)


def test_the_chooser_has_breadcrumbs_and_a_way_back_to_the_list(client, twelve):
    response = client.get(f"{CHOOSER}?nation=england&junk=yes")
    assert response.status_code == 200
    assert '<li><a href="/programmes/?nation=england">Programmes</a></li>' in response.text
    assert '<span aria-current="page">Universities</span>' in response.text
    assert '<a href="/programmes/?nation=england">Back to the 77 programmes matching' in (
        response.text
    )
    assert '<meta name="robots" content="noindex">' in response.text


def test_the_chooser_ignores_junk_parameters(client, twelve):
    plain = client.get(f"{CHOOSER}?nation=england").text
    assert client.get(f"{CHOOSER}?nation=england&utm_source=x&page=3&sort=").text == plain


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: q[:40])
def test_hostile_query_strings_on_the_chooser_never_give_a_server_error(client, query):
    make_programme(title="Survivor", university=make_university(name="Alpha", slug="alpha"))
    response = client.get(f"{CHOOSER}?{query}")
    assert response.status_code == 200
    assert "<h1>Filter programmes by university</h1>" in response.text
    _, refused = expected_outcome(query)
    assert ("Some filters were not applied" in response.text) is refused
    assert "Alpha" in chooser_rows(response)


@pytest.mark.parametrize(
    "query,message",
    [
        ("max_fee_home=abc", "Maximum home fee (£): Enter a whole number."),
        ("university=nowhere", "University: Select a valid choice. nowhere is not one of"),
        ("nation=atlantis", "Nation: Select a valid choice."),
    ],
)
def test_bad_values_on_the_chooser_are_explained_and_left_out_of_its_links(
    client, twelve, query, message
):
    response = client.get(f"{CHOOSER}?{query}&topic=genomics")
    assert message in response.text
    rows = chooser_rows(response)
    assert rows["Uni 12"] == ("/programmes/?university=uni-12&topic=genomics", "1")


def test_the_chooser_is_the_same_for_every_anonymous_visitor(twelve):
    first = Client().get(f"{CHOOSER}?nation=england")
    second = Client().get(f"{CHOOSER}?nation=england")
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.text
    assert 'method="post"' not in first.text


def test_the_chooser_gives_each_universitys_city(client, twelve):
    University.objects.filter(slug="uni-12").update(city="Dundee")
    text = client.get(CHOOSER).text
    assert re.search(r'>Uni 12</a></th><td data-label="City">Dundee</td>', text)
    assert text.count('<td data-label="City">Testford</td>') == 11
