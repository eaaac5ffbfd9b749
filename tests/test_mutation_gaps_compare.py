"""The compare page, pinned where mutation testing found nothing checking it.

``p`` values at the edges (0, 2**63, exactly 50 values, junk before a good value, long junk shown
cut short); the fee rows as the source states them and why a total is not compared; the official
page link; and the chart's whole layout, labels, text alternative and notes: what a reader, or a
screen reader, gets from the SVG.
"""

from __future__ import annotations

import html
import re

import pytest

from programmes import selectors
from programmes.compare import build_chart, parse_ids
from tests.factories import make_programme, make_university

pytestmark = pytest.mark.django_db

NOT_A_NUMBER = "is not a programme number"
TOO_MANY = "too many values were given"


# ----- parse_ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0", "-0", str(2**63), str(2**64 - 1), str(2**64)])
def test_zero_and_numbers_past_the_database_range_are_not_programme_numbers(raw):
    selection = parse_ids([raw])
    assert selection.ids == []
    assert selection.dropped == [(raw, NOT_A_NUMBER)]


def test_the_largest_database_number_is_a_programme_number():
    assert parse_ids([str(2**63 - 1), "1"]).ids == [2**63 - 1, 1]


def test_junk_before_good_values_does_not_stop_the_rest_being_read():
    selection = parse_ids(["abc", "7", "x", "8"])
    assert selection.ids == [7, 8]
    assert selection.dropped == [("abc", NOT_A_NUMBER), ("x", NOT_A_NUMBER)]


def test_a_long_bad_value_is_shown_cut_to_twenty_characters():
    raw = "abcdefghijklmnopqrstuvwxyz"
    assert parse_ids([raw]).dropped == [("abcdefghijklmnopqrst", NOT_A_NUMBER)]


def test_exactly_fifty_values_are_all_read_and_nothing_is_said_about_too_many():
    selection = parse_ids(["3"] * 50)
    assert (f"{0} more", TOO_MANY) not in selection.dropped
    assert [reason for _, reason in selection.dropped] == ["was listed twice"] * 49


def test_fifty_one_values_say_one_more_was_not_read():
    selection = parse_ids(["3"] * 51)
    assert selection.dropped[-1] == ("1 more", TOO_MANY)
    assert len(selection.dropped) == 50


def test_too_many_values_are_reported_on_the_page(client):
    response = client.get("/compare/?" + "&".join(["p=1"] * 52))
    assert "<code>2 more</code> too many values were given." in response.text


# ----- the table ---------------------------------------------------------------------------

ROW = re.compile(
    r'<tr(?: class="differs")?>\s*<th scope="row">([^<]+?)(?: <span.*?)?</th>(.*?)</tr>', re.S
)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def table_text(response) -> dict[str, list[str]]:
    """Each row's cells as a reader sees them (unknown facts keep their wording)."""
    body = response.text.split('<table class="compare">', 1)[1].split("</table>", 1)[0]
    return {
        label.strip(): [
            " ".join(html.unescape(TAG.sub("", cell)).split()) for cell in CELL.findall(cells)
        ]
        for label, cells in ROW.findall(body)
    }


@pytest.fixture
def pair():
    """One programme with fees on the comparison basis, one whose fee cannot be put on it."""
    first = make_programme(
        title="Clinical AI",
        university=make_university(name="Glenmore"),
        fee_home=9000,
        fee_international=30000,
        fee_period="full-course",
        fee_year="2026/27",
        duration_full_time_months=12,
        official_url="https://glenmore.example.ac.uk/clinical-ai",
    )
    second = make_programme(
        title="Health Data",
        university=make_university(name="Kirkby"),
        fee_home=10000,
        fee_international=None,
        fee_period="per-year",
        fee_year="2026/27",
        duration_full_time_months=18,
        official_url="",
    )
    return first, second


PART_YEAR = (
    "it is charged per year and the course lasts 18 months full-time, so how the part year is "
    "charged is not known"
)


def compare_page(client, programmes):
    response = client.get("/compare/?" + "&".join(f"p={p.pk}" for p in programmes))
    assert response.status_code == 200
    return response


def test_fee_rows_state_the_source_and_say_why_a_total_is_not_compared(client, pair):
    rows = table_text(compare_page(client, pair))
    assert [label for label in rows if "fee" in label.lower()] == [
        "Home fee (as the source states it)",
        "Home fee for the whole full-time course",
        "International fee (as the source states it)",
        "International fee for the whole full-time course",
    ]
    assert rows["Home fee (as the source states it)"] == [
        "£9,000 for the whole course (2026/27)",
        "£10,000 per year (2026/27)",
    ]
    assert rows["Home fee for the whole full-time course"] == [
        "£9,000 (2026/27)",
        f"Not compared: {PART_YEAR}.",
    ]
    assert rows["International fee (as the source states it)"] == [
        "£30,000 for the whole course (2026/27)",
        "Not recorded yet",
    ]
    # A fee that is simply not recorded has no "Not compared" note.
    assert rows["International fee for the whole full-time course"] == [
        "£30,000 (2026/27)",
        "Not recorded yet",
    ]


def test_an_unrecorded_fee_links_to_the_official_page_not_a_note(client, pair):
    first, second = pair
    rows = table_text(compare_page(client, [second, first]))
    assert rows["International fee for the whole full-time course"] == [
        "Not recorded yet",
        "£30,000 (2026/27)",
    ]
    second.official_url = "https://kirkby.example.ac.uk/data"
    second.save()
    rows = table_text(compare_page(client, [second, first]))
    assert rows["International fee for the whole full-time course"][0] == (
        "Not recorded yet: check the official page for MSc Health Data, Kirkby"
    )


def test_the_official_course_page_row_links_to_each_page(client, pair):
    first, _ = pair
    response = compare_page(client, pair)
    assert (
        '<td><a href="https://glenmore.example.ac.uk/clinical-ai" rel="noopener">Official page'
        in response.text
    )
    assert table_text(response)["Official course page"] == [
        "Official page for MSc Clinical AI, Glenmore",
        "Not recorded yet",
    ]


# ----- the chart ---------------------------------------------------------------------------


def chart_for(programmes):
    found, _ = selectors.programmes_for_compare(ids=[p.pk for p in programmes])
    return build_chart(found)


def layout(chart):
    return [
        (group.title, group.y, [(b.label, b.kind, b.x, b.y, round(b.width, 2)) for b in group.bars])
        for group in chart.groups
    ]


def test_the_chart_layout_puts_each_bar_on_its_own_line_at_its_length(pair):
    chart = chart_for(pair)
    # Bars are 16 high with 4 between them, 10 more between programmes and 30 for each heading;
    # bars start 110 in (after the labels) and the longest is 200 long.
    assert layout(chart) == [
        (
            "Fees for the whole full-time course (£)",
            18,
            [
                ("1. home", "home", 110, 30, 60.0),
                ("1. intl.", "international", 110, 50, 200.0),
                ("2. home", "home", 110, 80, 0),
                ("2. intl.", "international", 110, 100, 0),
            ],
        ),
        (
            "Full-time duration (months)",
            148,
            [
                ("1. full-time", "duration", 110, 160, 133.33),
                ("2. full-time", "duration", 110, 184, 200.0),
            ],
        ),
    ]
    assert (chart.width, chart.height) == (460, 218)


def test_each_bar_has_its_label_before_it_and_its_value_just_after_it(pair):
    chart = chart_for(pair)
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [(b.label_x, b.text_y) for b in bars] == [
        (102, 42),
        (102, 62),
        (102, 92),
        (102, 112),
        (102, 172),
        (102, 196),
    ]
    assert [(round(b.text_x, 2), b.value_text) for b in bars] == [
        (176.0, "£9,000 (2026/27)"),
        (316.0, "£30,000 (2026/27)"),
        (116, "total not known"),
        (116, "not recorded yet"),
        (249.33, "12 months"),
        (316.0, "18 months"),
    ]


def test_the_chart_text_alternative_and_notes_say_every_figure_and_gap(pair):
    chart = chart_for(pair)
    assert chart.description == (
        "1. MSc Clinical AI, Glenmore: home fee £9,000 (2026/27) for the whole full-time course; "
        "international fee £30,000 (2026/27) for the whole full-time course; "
        "full-time duration 12 months. "
        "2. MSc Health Data, Kirkby: home fee £10,000 per year (2026/27), not charted because "
        f"{PART_YEAR}; international fee not recorded yet; full-time duration 18 months."
    )
    assert chart.notes == [
        f"2. Home fee £10,000 per year (2026/27): not charted because {PART_YEAR}."
    ]


def test_an_unknown_duration_draws_no_bar_and_says_so(pair):
    first, _ = pair
    unknown = make_programme(
        title="Imaging", university=make_university(name="Lowther"), duration_full_time_months=None
    )
    chart = chart_for([first, unknown])
    durations = chart.groups[1].bars
    assert [(round(b.width, 2), b.text_x, b.value_text) for b in durations] == [
        (200.0, 316.0, "12 months"),
        (0, 116, "not recorded yet"),
    ]
    assert chart.description.endswith(
        "2. MSc Imaging, Lowther: home fee not recorded yet; international fee not recorded yet; "
        "full-time duration not recorded yet."
    )
    assert chart.notes == []


def test_the_page_draws_the_chart_it_describes(client, pair):
    text = compare_page(client, pair).text
    assert '<svg viewBox="0 0 460 218" ' in text
    assert (
        '<text x="0" y="18.0" class="chart-heading">Fees for the whole full-time course (£)' in text
    )
    assert (
        '<rect x="110" y="50.0" width="200.0" height="16" class="bar bar-international"/>' in text
    )
    assert '<text x="102" y="112.0" class="chart-label" text-anchor="end">2. intl.</text>' in text
    assert '<text x="116.0" y="112.0" class="chart-value chart-unknown">not recorded yet' in text
    assert "<li>2. Home fee £10,000 per year (2026/27): not charted because" in text
