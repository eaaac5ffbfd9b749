"""The compare table: every row's label, each programme's fact, "differs" and the best marks.

Fee rows are left to tests/catalogue/test_compare.py (their wording follows the fee basis); a
fact that is not known is checked only as "marked unknown", whatever words say so.
"""

import datetime
import html
import re

import pytest

from programmes.models import Nation, months_to_mask
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<tr( class="differs")?>\s*<th scope="row">([^<]+?)(?: <span class="differs-mark">differs'
    r'</span>)?(?: <span class="row-missing">[^<]*</span>)?</th>(.*?)</tr>',
    re.S,
)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
UNKNOWN = re.compile(r'<span class="unknown">.*?</span>', re.S)
TAG = re.compile(r"<[^>]+>")


def table(client, programmes) -> dict[str, tuple[bool, list[str]]]:
    response = client.get("/compare/?" + "&".join(f"p={p.pk}" for p in programmes))
    assert response.status_code == 200
    body = response.text.split('<table class="compare">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for differs, label, cells in ROW.findall(body):
        texts = []
        for cell in CELL.findall(cells):
            cell = UNKNOWN.sub("?", cell)
            cell = re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)
            texts.append(" ".join(html.unescape(TAG.sub("", cell)).split()))
        rows[label.strip()] = (bool(differs), texts)
    return rows


@pytest.fixture
def pair():
    genomics = make_topic(name="Genomics", slug="genomics")
    imaging = make_topic(name="Imaging", slug="imaging")
    first = make_programme(
        title="First",
        university=make_university(name="Aberdeen Test", city="Aberdeen", nation=Nation.SCOTLAND),
        award="MSc",
        offers_full_time=True,
        offers_part_time=True,
        duration_full_time_months=12,
        duration_part_time_months=24,
        start_month_mask=months_to_mask([9]),
        min_degree="2:1",
        ielts_overall="6.5",
        placement=True,
        topics=[genomics, imaging],
        last_verified=datetime.date(2026, 6, 1),
        official_url="https://aberdeen.example.ac.uk/first",
    )
    second = make_programme(
        title="Second",
        university=make_university(name="York Test", city="York", nation=Nation.ENGLAND),
        award="PGDip",
        offers_online=True,
        duration_part_time_months=36,
        start_month_mask=months_to_mask([1, 9]),
        placement=False,
        official_url="",
    )
    return first, second


def test_every_row_shows_each_programmes_fact(client, pair):
    rows = table(client, pair)
    assert [label for label in rows if "fee" not in label.lower()] == [
        "University",
        "City and nation",
        "Award",
        "Study modes",
        "Full-time duration",
        "Part-time duration",
        "Start months",
        "Minimum degree",
        "IELTS",
        "Who it is for",
        "Work experience required",
        "Next intake",
        "Application deadlines",
        "Placement or industry project",
        "Topics",
        "Last verified",
        "International: money to show for the visa",
        "International: paid when you apply for the visa",
        "Official course page",
    ]
    expected = {
        "University": (True, ["Aberdeen Test", "York Test"]),
        "City and nation": (True, ["Aberdeen, Scotland", "York, England"]),
        "Award": (True, ["MSc", "PGDip"]),
        "Study modes": (True, ["Full-time, Part-time", "Online / distance"]),
        # One side not recorded: not "differs" (the row says which programme does not record it).
        "Full-time duration": (False, ["12 months", "?"]),
        "Part-time duration": (True, ["24 months Shortest", "36 months"]),
        "Start months": (True, ["September", "January, September"]),
        "IELTS": (False, ["6.5 overall", "?"]),
        "Placement or industry project": (True, ["Yes", "No"]),
        "Topics": (False, ["Genomics, Imaging", "?"]),
        "Last verified": (True, ["1 June 2026", "Not yet verified"]),
        "Official course page": (False, ["Official page", "?"]),
    }
    for label, want in expected.items():
        assert rows[label] == want, label
    differs, degree = rows["Minimum degree"]
    assert not differs and degree[1] == "?" and "2:1" in degree[0]


def test_rows_that_agree_are_not_marked_and_best_needs_a_difference(client):
    uni = make_university(name="Same University", city="Leeds")
    programmes = [
        make_programme(
            university=uni,
            duration_full_time_months=12,
            duration_part_time_months=24,
            offers_full_time=True,
        )
        for _ in range(2)
    ]
    rows = table(client, programmes)
    assert rows["University"] == (False, ["Same University", "Same University"])
    assert rows["Study modes"] == (False, ["Full-time", "Full-time"])
    # Equal durations: nothing is "Shortest".
    assert rows["Full-time duration"] == (False, ["12 months", "12 months"])
    assert rows["Part-time duration"] == (False, ["24 months", "24 months"])


def test_shortest_marks_every_programme_that_ties_for_it(client):
    programmes = [
        make_programme(duration_full_time_months=months, duration_part_time_months=None)
        for months in (12, 18, 12)
    ]
    rows = table(client, programmes)
    assert rows["Full-time duration"] == (
        True,
        ["12 months Shortest", "18 months", "12 months Shortest"],
    )
    # One known value only: nothing to compare it with.
    assert rows["Part-time duration"] == (False, ["?", "?", "?"])
