"""Counts the public sees (universities list, home page topics) count published programmes only."""

import re

import pytest

from programmes.models import Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


def university_row_count(html: str, name: str) -> int:
    row = re.search(rf">{re.escape(name)}</a></th>.*?<td class=\"num\"[^>]*>(\d+)</td>", html, re.S)
    assert row, f"{name} not listed"
    return int(row.group(1))


def topic_count(html: str, name: str) -> int:
    found = re.search(rf">{re.escape(name)}</a> <span class=\"count\">(\d+)</span>", html)
    assert found, f"{name} not listed"
    return int(found.group(1))


def test_universities_page_counts_only_published_programmes(client):
    uni = make_university(name="Glenmore University", slug="glenmore")
    other = make_university(name="Other University", slug="other")
    for n in range(2):
        make_programme(university=uni, title=f"Published {n}")
    make_programme(university=uni, title="Draft", status=Status.DRAFT)
    make_programme(university=uni, title="Archived", status=Status.ARCHIVED)
    make_programme(university=other, title="Elsewhere")
    html = client.get("/universities/").text
    assert university_row_count(html, "Glenmore University") == 2
    assert university_row_count(html, "Other University") == 1


def test_home_page_topic_counts_are_published_programmes_only(client):
    genomics = make_topic(name="Genomics", slug="genomics")
    imaging = make_topic(name="Imaging", slug="imaging")
    make_programme(title="Published one", topics=[genomics, imaging])
    make_programme(title="Published two", topics=[genomics])
    make_programme(title="Draft", topics=[genomics, imaging], status=Status.DRAFT)
    make_programme(title="Archived", topics=[genomics], status=Status.ARCHIVED)
    html = client.get("/").text
    assert topic_count(html, "Genomics") == 2
    assert topic_count(html, "Imaging") == 1


def test_home_page_programme_count_leaves_out_drafts_and_archived(client):
    make_programme(title="Published")
    make_programme(title="Draft", status=Status.DRAFT)
    make_programme(title="Archived", status=Status.ARCHIVED)
    assert "1 programme from UK universities" in client.get("/").text
