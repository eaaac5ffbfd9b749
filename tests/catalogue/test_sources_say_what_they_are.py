"""Every source says what it is: the university's own site, another site, or a pre-release copy
(never linked). The official course page button is on the university's own domain, or the page
says the official page is not recorded; /about/data/ counts whose sources are all own-site."""

from __future__ import annotations

import pytest

from programmes import provenance
from tests.factories import make_programme, make_university

pytestmark = pytest.mark.django_db

DURHAM = provenance.university_domains("https://www.durham.ac.uk")


@pytest.mark.parametrize(
    "url,kind",
    [
        ("https://www.durham.ac.uk/study/courses/x/september-2026", provenance.OWN),
        ("https://durham.ac.uk/study/", provenance.OWN),
        ("https://apply.durham.ac.uk/", provenance.OWN),
        ("https://www.durham.ac.uk/dev-courses/courses/x/september-2025", provenance.PRE_RELEASE),
        ("https://staging.durham.ac.uk/study/", provenance.PRE_RELEASE),
        ("http://durhamacuk-cms01-dev.terminalfour.net/study/", provenance.PRE_RELEASE),
        ("https://www.prospects.ac.uk/universities/durham-university-3735/", provenance.OTHER),
        ("https://ambitio.club/course/durham/", provenance.OTHER),
        ("https://durham.ac.uk.evil.example/", provenance.OTHER),
        ("https://notdurham.ac.uk/", provenance.OTHER),
        # Real pages whose words only look like a pre-release marker.
        ("https://www.durham.ac.uk/study/test-and-measurement/", provenance.OWN),
        ("https://www.durham.ac.uk/events/preview-day/", provenance.OWN),
        ("https://www.durham.ac.uk/developers/", provenance.OWN),
        ("not a url", provenance.OTHER),
    ],
)
def test_each_source_is_classified(url, kind):
    assert provenance.classify(url, DURHAM) == kind


def test_a_domain_from_before_a_merger_counts_as_the_universitys_own():
    domains = provenance.university_domains("https://www.citystgeorges.ac.uk", "city.ac.uk")
    assert provenance.classify("http://www.city.ac.uk/courses/x", domains) == provenance.OWN


@pytest.fixture
def mixed(client):
    uni = make_university(name="Durham Test", website="https://www.durham.ac.uk")
    return make_programme(
        university=uni,
        official_url="https://www.durham.ac.uk/study/courses/x/",
        source_urls="\n".join(
            [
                "https://www.durham.ac.uk/dev-courses/courses/x/september-2025",
                "https://www.durham.ac.uk/study/courses/x/",
                "https://www.prospects.ac.uk/x",
            ]
        ),
    )


def test_the_detail_page_says_what_each_source_is_and_never_links_a_pre_release_copy(client, mixed):
    text = client.get(mixed.get_absolute_url()).text
    assert "dev-courses" not in text
    assert "A pre-release copy of a university page (not linked" in text
    assert "Another site (a listing or aggregator, not the university):" in text
    assert 'href="https://www.prospects.ac.uk/x"' in text
    assert "may differ from what the university publishes now" in text


def test_a_listing_is_never_offered_as_the_official_page(client):
    uni = make_university(name="Listed Test", website="https://www.listed.ac.uk")
    programme = make_programme(university=uni, official_url="https://www.prospects.ac.uk/x")
    text = client.get(programme.get_absolute_url()).text
    assert "Official course page<span" not in text
    assert "The official course page is not recorded yet." in text
    assert 'href="https://www.listed.ac.uk"' in text
    assert "https://www.prospects.ac.uk/x" not in text.split("Where these facts come from")[0]


def test_about_data_counts_whose_sources_are_all_the_universitys_own(client, mixed):
    make_programme(source_urls="https://www.example.ac.uk/course")
    text = client.get("/about/data/").text
    assert (
        "Facts for 1 of 2 published programmes come only from the universities’ own pages" in text
    )


def test_about_data_judges_the_same_source_by_each_programmes_own_university(client):
    page = "https://www.alpha.ac.uk/course"
    alpha = make_university(name="Alpha Test", website="https://www.alpha.ac.uk")
    beta = make_university(name="Beta Test", website="https://www.beta.ac.uk")
    for university in (alpha, alpha, beta):
        make_programme(university=university, source_urls=page)
    text = client.get("/about/data/").text
    assert "Facts for 2 of 3 published programmes come only from the universities" in text
