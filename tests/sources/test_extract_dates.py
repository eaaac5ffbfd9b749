"""Deadlines, applications opening, the next intake and the lowest IELTS component, read from
page text (pure: no database, no network)."""

from __future__ import annotations

import pytest

from programmes.sources.extract import extract


def facts(page: str, *fields: str) -> dict:
    found = {f.field: f.value for f in extract(page)}
    return {name: found[name] for name in fields if name in found}


DATES = ("deadline_home", "deadline_international", "applications_open", "next_intake")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "<p>Application deadline: 31 July 2026</p>",
            {"deadline_home": "2026-07-31", "deadline_international": "2026-07-31"},
        ),
        (
            "<p>The closing date for applications is 1st March 2027.</p>",
            {"deadline_home": "2027-03-01", "deadline_international": "2027-03-01"},
        ),
        (
            "<p>International applicants: apply by 30 June 2026. UK applicants: apply by "
            "31 August 2026.</p>",
            {"deadline_international": "2026-06-30", "deadline_home": "2026-08-31"},
        ),
        (
            "<p>Deadlines: overseas students 30/06/2026; home students 31/08/2026.</p>",
            {"deadline_international": "2026-06-30", "deadline_home": "2026-08-31"},
        ),
        (
            "<p>Applications open on 1 October 2025 and close on 30 June 2026.</p>",
            {
                "applications_open": "2025-10-01",
                "deadline_home": "2026-06-30",
                "deadline_international": "2026-06-30",
            },
        ),
        (
            "<h3>Start date</h3><p>September 2026</p>",
            {"next_intake": "2026-09"},
        ),
        (
            "<p>Start dates: January 2027 and September 2026.</p>",
            {"next_intake": "2026-09"},
        ),
    ],
)
def test_dates_as_universities_write_them(page, expected):
    assert facts(page, *DATES) == expected


@pytest.mark.parametrize(
    "page",
    [
        "<p>Scholarship deadline: 31 March 2026.</p>",
        "<p>The deadline for accommodation applications is 30 June 2026.</p>",
        "<p>Stage 1: applications received by 3 November 2025; deadline 15 December 2025.</p>",
        "<p>Please submit your documents by the deadline of 31 July 2026.</p>",
        "<p>Application deadline: 31 February 2026.</p>",  # no such day
        "<p>Application deadline: July 2026.</p>",  # no day: an editor asks
        "<p>Deadline: 31 July 2026. Deadline: 31 August 2026.</p>",  # two: a conflict
        "<p>This page was last updated on 12 May 2026.</p>",
        "<p>Open day: Saturday 14 March 2026.</p>",
        "<p>Graduation: July 2027.</p>",
        "<p>The application deadline is 31 July 2026 for our scholarship.</p>",
    ],
)
def test_dates_that_are_not_a_course_deadline_or_intake_are_not_proposed(page):
    assert facts(page, "deadline_home", "deadline_international", "next_intake") == {}


@pytest.mark.parametrize(
    ("page", "overall", "lowest"),
    [
        ("<p>IELTS 6.5 overall with no less than 6.0 in each component.</p>", 6.5, 6.0),
        ("<p>An IELTS score of 6.0 with no element below 5.5.</p>", 6.0, 5.5),
        ("<p>IELTS: 7.0 overall (minimum 6.5 in all skills).</p>", 7.0, 6.5),
        ("<p>IELTS 6.5 overall. A minimum of 6.0 is required in each sub-score.</p>", 6.5, 6.0),
        ("<p>IELTS 6.5 overall, 6.0 in writing and 5.5 in the other components.</p>", 6.5, 5.5),
        ("<p>IELTS 6.5 overall (6.0 in writing).</p>", 6.5, None),  # the others: not said
        ("<p>IELTS 6.5 overall with no less than 7.0 in each component.</p>", 6.5, None),
        (
            "<h3>IELTS (Academic)</h3><table><tr><th>Element</th><th>Score</th></tr>"
            "<tr><td>Listening</td><td>7.0</td></tr><tr><td>Writing</td><td>6.5</td></tr>"
            "<tr><td>Reading</td><td>7.0</td></tr><tr><td>Speaking</td><td>7.0</td></tr>"
            "<tr><td>Total</td><td>7.0</td></tr></table>",
            7.0,
            6.5,
        ),
    ],
)
def test_the_lowest_ielts_component_beside_the_overall_score(page, overall, lowest):
    found = facts(page, "ielts_overall", "ielts_min_component")
    assert found.get("ielts_overall") == overall
    assert found.get("ielts_min_component") == lowest


def test_a_date_beside_one_for_a_named_group_is_the_other_groups():
    page = "<p>Apply by 31 July 2027 (international applicants: 30 June 2027).</p>"
    assert facts(page, "deadline_home", "deadline_international") == {
        "deadline_home": "2027-07-31",
        "deadline_international": "2027-06-30",
    }
