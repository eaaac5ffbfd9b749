"""The fact extractor and ``manage.py extract_facts`` (pure functions: no network, no database)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from programmes.sources.extract import FEE_FIELDS, FIELDS, extract, page_text, read_page

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "extract"


def _bench():
    spec = importlib.util.spec_from_file_location("extract_bench", ROOT / "bench/extract_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _json_lines(*args, stdin: str | None = None) -> list[dict]:
    out = io.StringIO()
    if stdin is not None:
        old = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
        try:
            call_command("extract_facts", "--json", "-", stdout=out)
        finally:
            sys.stdin = old
    else:
        call_command("extract_facts", "--json", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


COURSE_PAGE = """
<html><body><nav>Fees £1</nav><main><h1>MSc Health Data Science</h1>
<h2>Tuition fees 2026/27</h2>
<table><tr><th>Fee status</th><th>Full-time</th><th>Part-time</th></tr>
<tr><td>Home</td><td>£12,500 per year</td><td>£6,250</td></tr>
<tr><td>International</td><td>£30,100 per year</td><td>£15,050</td></tr></table>
<p>English: IELTS 6.5 overall with at least 6.0 in each component.</p>
<p>Duration: 1 year full-time, 2 years part-time.</p>
<p>A Master's loan of up to £12,858 is available.</p>
</main></body></html>
"""


def test_json_output_follows_the_contract_exactly(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(COURSE_PAGE)
    rows = _json_lines(str(page))
    by_field = {row["field"]: row for row in rows}
    assert by_field["fee_home_gbp"] == {
        "field": "fee_home_gbp",
        "value": 12500,
        "period": "per-year",
        "year": "2026/27",
        "quote": "Home | Full-time: £12,500 per year | Part-time: £6,250",
    }
    assert by_field["fee_international_gbp"]["value"] == 30100
    assert by_field["ielts_overall"] == {
        "field": "ielts_overall",
        "value": 6.5,
        "quote": "English: IELTS 6.5 overall with at least 6.0 in each component.",
    }
    assert by_field["duration_full_time_months"]["value"] == 12
    assert by_field["duration_part_time_months"]["value"] == 24
    for row in rows:
        assert row["field"] in FIELDS
        assert row["quote"]
        expected_keys = ["field", "value", "quote"]
        if row["field"].startswith("fee_"):
            expected_keys = ["field", "value", "period", "year", "quote"]
        assert list(row) == expected_keys


def test_reads_standard_input():
    rows = _json_lines(stdin="Tuition fees 2026/27\nHome: £13,250\n")
    assert rows == [
        {
            "field": "fee_home_gbp",
            "value": 13250,
            "period": None,
            "year": "2026/27",
            "quote": "Home: £13,250",
        }
    ]


def test_lists_are_lists_as_the_csv_holds_them():
    rows = _json_lines(
        stdin="<p>Start dates: September and January</p><p>Study mode: full-time</p>"
    )
    values = {row["field"]: row["value"] for row in rows}
    assert values == {"start_months": ["January", "September"], "modes": ["full-time"]}


def test_human_output_says_when_nothing_is_found(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<p>Nothing to see here.</p>")
    out = io.StringIO()
    call_command("extract_facts", str(page), stdout=out)
    assert out.getvalue().strip() == "No facts found."


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("extract_facts", "/nonexistent/page.html")


def test_scripts_navigation_and_footers_are_not_read():
    text = page_text(
        "<body><script>fee=£99,999</script><nav>Menu</nav><p>Body text</p><footer>©</footer></body>"
    )
    assert text == "Body text"


def test_non_fees_are_never_proposed():
    assert (
        extract(
            "<p>A £5,000 scholarship, a £2,000 deposit, a bench fee of £3,000 and living costs of "
            "£15,600 a year. Tuition fees are on our fees page.</p>"
        )
        == []
    )


def test_part_time_fees_are_not_proposed_as_the_fee():
    facts = extract("<h3>Fees 2026/27</h3><p>Home fee: £4,500 per year part-time.</p>")
    assert [f.field for f in facts] == []


def test_two_different_fees_for_one_status_are_a_conflict_and_neither_is_proposed():
    facts = extract("<h3>Fees</h3><p>Home students: £12,000.</p><p>UK students: £13,000.</p>")
    assert facts == []


def test_the_latest_academic_year_wins():
    facts = extract(
        "<h2>Tuition fees</h2><table><tr><th>Year</th><th>Home</th></tr>"
        "<tr><td>2025/26</td><td>£12,000</td></tr><tr><td>2026/27</td><td>£12,500</td></tr></table>"
    )
    assert [(f.value, f.year) for f in facts] == [(12500, "2026/27")]


def test_benchmark_targets_are_met_on_the_labelled_fragments():
    bench = _bench()
    cases = bench.load_cases()
    assert len(cases) >= 60
    summary = bench.summary(bench.score(cases)[0])
    assert summary["fees_precision"] >= 0.95
    assert summary["ielts_precision"] >= 0.95
    assert summary["overall_recall"] >= 0.8


def test_rest_of_uk_fees_are_a_note_beside_the_home_fee_never_the_home_fee():
    facts = extract(
        "<h3>Tuition fees 2026/27</h3><table><tr><th>Fee status</th><th>Fee</th></tr>"
        "<tr><td>Scotland</td><td>£11,800</td></tr><tr><td>Rest of UK</td><td>£13,200</td></tr>"
        "</table>"
    )
    assert [(f.field, f.value) for f in facts] == [("fee_home_gbp", 11800)]
    assert facts[0].quote == "Scotland | Fee: £11,800 … Rest of UK | Fee: £13,200"
    assert extract("<p>Tuition fee for rest of UK students: £9,250.</p>") == []


def test_deeply_nested_or_broken_markup_is_read_without_crashing():
    deep = "<div>" * 20000 + "<h3>Fees 2026/27</h3><p>Home £12,000</p>" + "</div>" * 20000
    assert [(f.field, f.value) for f in extract(deep)] == [("fee_home_gbp", 12000)]
    assert extract("<table><tr><td><p>£<b>12,000</td></tr></table></i></html><") == []
    assert extract("\x00\x01 not html at all") == []


def test_a_table_row_with_a_long_label_and_many_fees_is_read_in_linear_time():
    # A hostile page: a 6,000-character row label beside 2,000 fee cells. Each amount used to
    # re-read the label (quadratic: about half a minute); now the label is read once.
    label = "Tuition fee for home students " * 200
    cells = "".join(f"<td>£{10_000 + i:,}</td>" for i in range(2000))
    page = f"<table><tr><th>{label}</th>{cells}</tr></table>"
    started = time.monotonic()
    extract(page, time_limit=60)  # the time box is not what this measures
    assert time.monotonic() - started < 8


@pytest.mark.parametrize(
    "page",
    [
        "<p>IELTS " + "6" * 60_000 + "</p>",  # was 10 s: the score's look-ahead rescanned digits
        "<p>" + "IELTS 6.5 overall " * 20_000 + "</p>",
        "<table>" + "<tr><td>" * 3_000 + "Fees £12,000" + "</td></tr>" * 3_000 + "</table>",
        "".join(f"<p>Full-time {n} years tuition fee £{10_000 + n}</p>" for n in range(20_000)),
        # Brackets that never close after a length: an aside's look-ahead rescanned each one.
        "<p>Duration: 1 year full-time " + "(1 " * 30_000 + "</p>",
        # 3,000 fees in one sentence (each looked back over the sentence: 12 s), over a long
        # line saying how fees are charged (read once per line, not once per fee).
        "<p>" + " ".join(f"Fee £{10_000 + i:,}" for i in range(3_000)) + "</p>"
        "<p>The course fee is charged per annum " + "x " * 100_000 + "</p>",
    ],
    ids=[
        "ielts-then-digits",
        "repeated-ielts",
        "nested-tables",
        "many-fee-lines",
        "open-brackets",
        "many-fees-in-one-sentence",
    ],
)
def test_hostile_pages_within_the_caps_are_read_in_about_a_second(page):
    started = time.monotonic()
    extract(page)
    assert time.monotonic() - started < 2


def test_reading_stops_at_the_time_limit_with_a_reason():
    from programmes.sources.extract import TooSlow

    page = "".join(f"<p>Tuition fee £{10_000 + n}</p>" for n in range(5_000))
    with pytest.raises(TooSlow, match="longer than"):
        extract(page, time_limit=0.0)
    # The limit is per call: the next page starts afresh.
    facts = extract("<h3>Tuition fees 2026/27</h3><p>Home students: £12,000 per year</p>")
    assert [(f.field, f.value) for f in facts] == [("fee_home_gbp", 12000)]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<p>The programme lasts for 24 months.</p>", {"duration_full_time_months": 24}),
        (
            "<p>Fees 2026/27 Home/EU £11,000 Overseas £25,000</p>",
            {"fee_home_gbp": 11000, "fee_international_gbp": 25000},
        ),
        (
            "Fees 2026/27\nScotland/RUK\n£9,000\nInternational\n£22,000",
            {"fee_home_gbp": 9000, "fee_international_gbp": 22000},
        ),
        ("Entry requirements: IELTS6.5 overall.", {"ielts_overall": 6.5}),
        (
            "| Fee status | Full-time |\n|---|---|\n| Home | £12,000 |\n"
            "| International | £30,000 |",
            {"fee_home_gbp": 12000, "fee_international_gbp": 30000},
        ),
    ],
    ids=["lasts-for", "home-eu-then-overseas", "labels-on-own-lines", "glued", "pipe-table"],
)
def test_ways_universities_write_facts(page, expected):
    found = {f.field: f.value for f in extract(page)}
    assert {k: found.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "Full-time\n1 year\nPart-time\nTypically 2 years",
            {"duration_full_time_months": 12, "duration_part_time_months": 24},
        ),
        (
            "<p>The comprehensive 1-year MSc Data Science programme spans machine learning.</p>",
            {"duration_full_time_months": 12},
        ),
        (
            "<p>It is undertaken over two academic years part-time.</p>",
            {"duration_part_time_months": 24},
        ),
        ("<p>A student living 12 months in Oxford will need £15,000.</p>", {}),
    ],
    ids=["mode-above-value", "length-of-the-course", "academic-years", "living-costs"],
)
def test_durations_as_course_pages_write_them(page, expected):
    assert _durations(page, one_programme=True) == expected


FACULTY_FEE_TABLE = (
    "<h2>Taught postgraduate tuition fees 2026/27</h2><table>"
    "<tr><th>Full-time</th><th>Home</th><th>Overseas</th></tr>"
    "<tr><td>MSc Data Science</td><td>£14,900</td><td>£34,550</td></tr>"
    "<tr><td>MSc Computer Science</td><td>£14,250</td><td>£30,900</td></tr>"
    "<tr><td>PGDip Data Science</td><td>£9,900</td><td>£22,000</td></tr></table>"
)


def test_a_fee_table_of_several_programmes_is_no_one_programmes_fee():
    assert [f.field for f in extract(FACULTY_FEE_TABLE) if f.field in FEE_FIELDS] == []


def test_a_fee_table_of_several_programmes_gives_the_row_naming_the_programme():
    facts, _ = read_page(FACULTY_FEE_TABLE, programme_title="MSc Computer Science")
    assert [(f.field, f.value) for f in facts if f.field in FEE_FIELDS] == [
        ("fee_home_gbp", 14250),
        ("fee_international_gbp", 30900),
    ]


@pytest.mark.parametrize(
    "page",
    [
        "<h2>Home postgraduate research fees for 2025/26</h2><ul><li>Full-time: £4,863</li></ul>",
        "<p>UK students pay a tuition fee of £4,786 a year for a PhD or other research degree.</p>",
        "<p>If you are a UK student joining a full-time taught course, the standard tuition fee "
        "will be £9,535 per year. Exceptions will apply across our courses.</p>",
    ],
)
def test_research_degree_rates_and_general_standard_fees_are_not_a_programmes_fee(page):
    assert [f.field for f in extract(page) if f.field in FEE_FIELDS] == []


def test_a_sentence_listing_several_ielts_levels_gives_no_score():
    page = (
        "<p>IELTS Academic ** IELTS 6.5 with no less than 6.0 in each component IELTS 7.0 with "
        "no less than 6.5 in each component IELTS 7.0 with no less than 7.0 in each component</p>"
    )
    assert [f.field for f in extract(page) if f.field.startswith("ielts")] == []


def test_ielts_spelled_out_and_a_conditional_offer_beside_it():
    page = (
        "<ul><li>IELTS (International English Language Testing System) with a minimum score of "
        "6.5 (with no component score below 6.0)</li></ul><p>However, candidates who have "
        "obtained at least IELTS 6.0 (or equivalent) may be given conditional offers.</p>"
    )
    facts = {f.field: f.value for f in extract(page)}
    assert (facts["ielts_overall"], facts["ielts_min_component"]) == (6.5, 6.0)


def test_lines_leading_with_several_courses_are_a_fee_schedule_not_a_programmes_fee():
    page = (
        "<h2>Tuition fees</h2><p>International students</p>"
        "<p>Computing MSc£18,700 per year</p><p>Management MSc£17,600 per year</p>"
        "<p>International Business MSc£18,700 per year</p><p>Fintech MSc£18,700 per year</p>"
    )
    assert [f.field for f in extract(page) if f.field in FEE_FIELDS] == []


def test_one_programmes_lines_for_each_mode_and_status_are_still_its_fees():
    page = (
        "<h2>Tuition fees 2026/27</h2>"
        "<p>MSc Health Data Science full-time (UK students): £12,000 per year</p>"
        "<p>MSc Health Data Science part-time (UK students): £6,000 per year</p>"
        "<p>MSc Health Data Science full-time (international students): £25,000 per year</p>"
    )
    facts = {f.field: f.value for f in extract(page)}
    assert (facts["fee_home_gbp"], facts["fee_international_gbp"]) == (12000, 25000)


def test_a_page_on_paying_fees_gives_no_fee():
    page = (
        "<p>Tuition fees for 2019 entry are:</p><ul><li>£25,870 - Overseas Fee Payers</li>"
        "<li>£14,115 - Home Fee Payers</li></ul><p>Should you require an invoice, download it "
        "after enrolment. Fees can be paid in full or in three instalments.</p>"
    )
    assert [f.field for f in extract(page) if f.field in FEE_FIELDS] == []
    # The same amounts on a page that does not talk of paying are proposed.
    assert len([f for f in extract(page.split("<p>Should")[0]) if f.field in FEE_FIELDS]) == 2


def test_a_one_cell_row_over_the_cells_is_their_label():
    page = "Fees\n| Annual Fee |\nUK |\n£4,690 |\nInternational |\n£9,680 |\n"
    facts = {f.field: (f.value, f.period) for f in extract(page)}
    assert facts["fee_home_gbp"] == (4690, "per-year")
    assert facts["fee_international_gbp"] == (9680, "per-year")


def test_fees_for_each_award_of_one_programme_give_the_masters():
    page = (
        "Fees and funding\nThe fees listed below are the costs for full-time courses taken in "
        "the academic year 2022/23, charged pro-rata for part-time study over several years.\n"
        "MSc\nUK £11,275\nInternational £23,060\nPGDip\nUK £7,518\nInternational £15,378\n"
        "PGCert\nUK £3,759\nInternational £7,689\n"
    )
    facts = {f.field: f.value for f in extract(page)}
    assert (facts["fee_home_gbp"], facts["fee_international_gbp"]) == (11275, 23060)


def test_self_funding_students_fees_are_fees():
    page = (
        "<h2>Fees</h2><p>£9,250 FT (UK self-funding students)</p>"
        "<p>£23,850 FT (International students)</p>"
    )
    facts = {f.field: f.value for f in extract(page)}
    assert (facts["fee_home_gbp"], facts["fee_international_gbp"]) == (9250, 23850)


def test_a_part_time_courses_fee_is_not_proposed_as_the_full_time_fee():
    page = (
        "<h2>MSc Advanced Clinical Practice</h2><p>Study over 2 years part-time.</p>"
        "<h2>Fees</h2><p>UK fees: £11,475</p>"
    )
    assert [f.field for f in extract(page) if f.field in FEE_FIELDS] == []
    # The same fee on a page that also offers full-time study is proposed.
    both = page.replace("2 years part-time", "1 year full-time or 2 years part-time")
    assert [f.value for f in extract(both) if f.field == "fee_home_gbp"] == [11475]


LONE_FEE = (
    "<h2>Fees</h2><p>Tuition fees for the 2024/25 Master of Finance programme intake are "
    "£55,080, plus an application fee of £120.</p>"
)


def test_a_lone_fee_without_status_words_is_everyones_only_on_the_programmes_own_page():
    assert [f.field for f in extract(LONE_FEE) if f.field in FEE_FIELDS] == []
    facts = {f.field: f.value for f in extract(LONE_FEE, one_programme=True)}
    assert (facts["fee_home_gbp"], facts["fee_international_gbp"]) == (55080, 55080)
    # Two different amounts without status words: neither.
    two = LONE_FEE.replace("are £55,080", "are £55,080 (or £50,000 for early applicants)")
    assert [f for f in extract(two, one_programme=True) if f.field in FEE_FIELDS] == []
    # A general page stays general even when read as a course page.
    general = LONE_FEE + "<p>Invoices are sent after enrolment; pay in full or by instalments.</p>"
    assert [f for f in extract(general, one_programme=True) if f.field in FEE_FIELDS] == []


def test_extract_facts_reads_a_course_page_when_asked(tmp_path):
    page = tmp_path / "mfin.html"
    page.write_text(LONE_FEE, encoding="utf-8")
    assert [d["field"] for d in _json_lines(str(page))] == []
    found = _json_lines("--course-page", str(page))
    assert [(d["field"], d["value"]) for d in found] == [
        ("fee_home_gbp", 55080),
        ("fee_international_gbp", 55080),
    ]


def _durations(page: str, *, one_programme: bool = False) -> dict:
    found = extract(page, one_programme=one_programme)
    return {f.field: f.value for f in found if f.field.startswith("duration")}


@pytest.mark.parametrize(
    "page",
    [
        # Real lines of general pages (Sussex, Kent, Sunderland): master's courses in general.
        "<p>A Masters is usually one year if you study full time, or two years if you study "
        "part time.</p>",
        "<p>A typical Master's programme at Kent takes one year full-time or two years part-time "
        "to complete.</p>",
        "<p>A full-time taught postgraduate course usually takes one year to complete.</p>",
        # Rows of fee schedules (Teesside, Worcester, NTU): a length beside a price.
        "<ul><li>MBA one-year, full-time £14,300</li>"
        "<li>PhD Research Degree one year full-time - £17,400</li></ul>",
        "<p>Executive MBA (EMBA)Two years (part-time)£8,250 for Year One*</p>",
    ],
)
def test_lengths_said_of_courses_in_general_are_not_a_programmes_length(page):
    assert _durations(page) == {}


def test_on_a_programmes_own_page_a_typical_part_time_length_is_its_length():
    # Loughborough's MSc Data Science: "Typically 2 years" under the part-time heading.
    page = "<h3>Full-time</h3><p>1 year</p><h3>Part-time</h3><p>Typically 2 years</p>"
    assert _durations(page, one_programme=True) == {
        "duration_full_time_months": 12,
        "duration_part_time_months": 24,
    }
    assert "duration_part_time_months" not in _durations(page)


@pytest.mark.parametrize(
    "page",
    [
        # Brunel, Sussex, BSMS: what a fee covers, and how it is charged, is not the length.
        "<ul><li>Full-time – fee applies for one year.</li></ul>",
        "<p>If you study part time over two years, you’ll be charged 50% of the equivalent "
        "2018/19 full-time fee in each year of study.</p>",
        "<p>Where courses are taken part-time over more than one academic year, fees are "
        "usually charged pro-rata.</p>",
        # Newcastle's MPhil: a minimum is not the length.
        "<p>MPhil: minimum 12 months full time; minimum 24 months part time</p>",
    ],
)
def test_what_a_fee_covers_and_minimum_periods_are_not_the_length(page):
    assert _durations(page, one_programme=True) == {}


# Lines of the part8 batch of real snippets (tests/fixtures/extract_real/part8.json), each
# read wrong before it was tuned on.


@pytest.mark.parametrize(
    "page",
    [
        # Birmingham's and Regent's fact boxes: a bare fee with no status is the home fee there.
        "Start dateSeptember 2025Duration2 years full-time\nFees£9,250 (full-time)",
        "Duration1 year\nTuition fees£12,500 *\nScholarshipsYes *",
    ],
)
def test_a_bare_fee_in_a_fact_box_is_not_everyones_fee(page):
    assert [f for f in extract(page, one_programme=True) if f.field in FEE_FIELDS] == []


def test_a_lone_fee_stated_as_a_total_in_a_sentence_is_everyones():
    # Keele's online MA Education.
    page = (
        "What are the tuition fees?\n"
        "The tuition fees for an MA Education programme are £7,440 in total."
    )
    facts = {f.field: f.value for f in extract(page, one_programme=True)}
    assert (facts["fee_home_gbp"], facts["fee_international_gbp"]) == (7440, 7440)


def _fees(page: str) -> dict:
    return {
        f.field: (f.value, f.period)
        for f in extract(page, one_programme=True)
        if f.field in FEE_FIELDS
    }


def test_a_mode_and_period_said_once_cover_every_fee_in_the_sentence():
    # York St John: "Full-time" and "per annum" said once for both amounts.
    page = (
        "Apply Now: Full Time\nApply Now: Part Time\nCourse fees\n2017 - 2018 Full-time Home & EU "
        "students: £3,500, International (non EU) students: £10,000 per annum"
    )
    assert _fees(page) == {
        "fee_home_gbp": (3500, "per-year"),
        "fee_international_gbp": (10000, "per-year"),
    }


def test_a_list_of_modes_in_a_fact_box_is_not_the_title_of_the_fees_under_it():
    # Middlesex: "Attendance / Full-time / Part-time / Fees / £10,500 (UK) *".
    page = (
        "Duration\n1 year full-time\nUsually 2 years part-time\nAttendance\nFull-time\nPart-time\n"
        "Fees\n£10,500 (UK) *\n£16,800 (INT) *\nCourse leader"
    )
    assert _fees(page) == {
        "fee_home_gbp": (10500, None),
        "fee_international_gbp": (16800, None),
    }
    # Under a real "Part-time" section title the fees are part-time ones: not proposed.
    section = "<h3>Part-time</h3><p>Fees</p><p>£5,250 (UK)</p>"
    assert _fees(section) == {}


def test_a_discount_on_a_later_year_does_not_hide_the_fee():
    # Chichester: "2021/22 UK fee: £9,250 (20% discount in fourth year)".
    page = (
        "2021/22 UK fee: £9,250 (20% discount in fourth year)\n\n"
        "2021/22  International fee: £14,050"
    )
    assert _fees(page) == {"fee_home_gbp": (9250, None), "fee_international_gbp": (14050, None)}
    assert _fees("Alumni discount: £1,000 (10% discount for alumni)") == {}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # LSHTM: the mode before "or" covers the length after it.
        (
            "Duration: one year full-time; part-time or split-study over two years.",
            {"duration_full_time_months": 12, "duration_part_time_months": 24},
        ),
        # Strathclyde: a length with no mode beside a longer part-time one is the full-time one.
        (
            "This one-year Master’s degree (also available part-time over 24 months) is the "
            "perfect conversion pathway for recent graduates.",
            {"duration_full_time_months": 12, "duration_part_time_months": 24},
        ),
        # Stirling: the 12 months are not part-time because the sentence names part-time.
        (
            "• Duration: One year 12 month (or 27 month part-time)",
            {"duration_full_time_months": 12, "duration_part_time_months": 27},
        ),
        # ICR: exit awards' lengths in a list are not the MSc's.
        (
            "Length of course and possible exit points\n"
            "• PGCert: 60 credits, 1 academic year (part-time, Part A)\n"
            "• PGDip: 120 credits, 2 academic years (part-time, Part A+B)\n"
            "• MSc: 180 credits, 3 academic years (part-time, Part A+B+C)",
            {"duration_part_time_months": 36},
        ),
        # Loughborough, Teesside: a typical length inside a range or a maximum is not taken.
        (
            "Full-time\n1 year\nPart-time\n2-6 years (typically 3 years)",
            {"duration_full_time_months": 12},
        ),
        (
            "• part-time - up to 3 years (can be completed in 2 years if preferred).",
            {},
        ),
    ],
)
def test_lengths_as_real_pages_write_them(page, expected):
    assert _durations(page, one_programme=True) == expected


@pytest.mark.parametrize(
    ("page", "overall", "lowest"),
    [
        # RCA: a score for one skill only is not the lowest component.
        (
            "or an IELTS exam score of 6.5 with 6 in writing.",
            6.5,
            None,
        ),
        # St George's.
        (
            "applicants should achieve a minimum overall score of IELTS 6.5, with the remaining "
            "sub-test components at a score of no less than 6.0.",
            6.5,
            6.0,
        ),
        # London Met.
        (
            "• International English Language Testing System (IELTS) 6.0 overall with 5.5 minimum "
            "in each component",
            6.0,
            5.5,
        ),
    ],
)
def test_ielts_as_real_pages_write_it(page, overall, lowest):
    facts = {f.field: f.value for f in extract(page, one_programme=True)}
    assert facts.get("ielts_overall") == overall
    assert facts.get("ielts_min_component") == lowest


def _deadlines(page: str) -> dict:
    return {f.field: f.value for f in extract(page) if f.field.startswith("deadline")}


def test_deadlines_with_no_year_take_the_one_year_of_entry_the_page_is_about():
    # Cardiff Met and Manchester.
    cardiff = (
        "2016 entry: Due to the popularity of this programme you should submit your application "
        "at the earliest opportunity, and at the very latest by 30th June. Applications received "
        "after this date will only be considered if the programme has not reached full capacity."
    )
    assert _deadlines(cardiff) == {
        "deadline_home": "2016-06-30",
        "deadline_international": "2016-06-30",
    }
    manchester = (
        "Year of entry: 2024\nHow to apply\nThe deadline for submitting your application to our "
        "Physician Associate programme is normally 18:00 (UK time) on 31 January in the year of "
        "entry."
    )
    assert _deadlines(manchester) == {
        "deadline_home": "2024-01-31",
        "deadline_international": "2024-01-31",
    }
    # Two years of entry on the page: which year is not known, so nothing.
    assert _deadlines(manchester.replace("Year of entry: 2024", "2024 entry or 2025 entry")) == {}
    # No year of entry at all: nothing.
    assert _deadlines(cardiff.replace("2016 entry: ", "")) == {}


def test_an_initial_application_deadline_is_a_first_stage_not_the_deadline():
    # The Courtauld.
    assert _deadlines("Initial Application Deadline 5pm GMT 15 January 2019") == {}
    assert _deadlines("Application deadline 5pm GMT 15 January 2019") != {}


def test_a_month_glued_to_its_label_is_read():
    # Birmingham's fact box.
    facts = {f.field: f.value for f in extract("Start dateSeptember 2025Duration2 years full-time")}
    assert facts["start_months"] == ["September"]


# Lines of the part9 batch of real snippets, each read wrong before it was tuned on.


def test_a_page_sending_readers_to_each_courses_page_gives_no_fee():
    # Newman's postgraduate fees page.
    page = (
        "Tuition fees for 2015/16\nNewman’s postgraduate fees are charged per course (unless "
        "otherwise stated) - please see individual course pages for tuition fees as they vary "
        "for each course.\nOverseas Student Fees for 2015/16\nFull-time Taught Masters tuition "
        "fees for 2015/16 are £11,333 for non-EU students"
    )
    assert [f for f in extract(page) if f.field in FEE_FIELDS] == []


def test_undergraduate_fees_are_not_a_masters_fee():
    # AUP's fees page.
    page = (
        "For new students joining us in the academic cycle 2024/25, fees for our BA (Hons) and "
        "Extended BA (Hons) degrees for UK students are £9,250 per year."
    )
    assert [f for f in extract(page, one_programme=True) if f.field in FEE_FIELDS] == []


def test_table_cells_run_together_are_not_read_as_fees():
    # University of London online: the columns (half module, module, indicative total) are lost.
    page = (
        "Student TypeHalf Module/Course Fees (10 Weeks)Full Module/Course Fees (20 Weeks)"
        "Indicative Total Programme Fees (12 Full Modules/Courses)\n"
        "UK Residents*£729£1,459£17,500\nNon-UK Residents£854£1,709£21,550"
    )
    assert [f for f in extract(page) if f.field in FEE_FIELDS] == []


def test_a_subject_named_international_is_not_a_fee_status():
    # Richmond's MA in International Relations: "(EU)" alone is no status either.
    page = (
        "MA in International Relations – Richmond University\n• Tuition Fee\n£7,000 (EU)\n"
        "£12,000 (INTERNATIONAL)"
    )
    assert _fees(page) == {"fee_international_gbp": (12000, None)}


def test_more_ways_real_pages_state_ielts_and_lengths():
    worcester = (
        "The IELTS score required for international applicants is 7, with a minimum of 6.5 in "
        "each area. Other English Language qualifications will be considered."
    )
    facts = {f.field: f.value for f in extract(worcester, one_programme=True)}
    assert (facts["ielts_overall"], facts["ielts_min_component"]) == (7.0, 6.5)
    gsa = (
        "The Masters of Design in Graphic Design is a distinct pathway within a one year "
        "intensive master’s programme (180 Credits). Applicants interested in transitioning to "
        "another discipline should consider the 2-year Masters in Communication Design (240 "
        "Credits) programme."
    )
    assert _durations(gsa, one_programme=True) == {"duration_full_time_months": 12}


def _starts(page: str, *, one_programme: bool = False):
    found = [
        f.value for f in extract(page, one_programme=one_programme) if f.field == "start_months"
    ]
    return found[0] if found else None


@pytest.mark.parametrize(
    "page",
    [
        # Real lines of general pages (UEL, Dundee, Staffordshire, SOAS, Bournemouth): starts
        # said of courses in general, or of whom a fee or a rule applies to.
        "You can start many programmes in either September or February.",
        "Most full-time and part-time courses have one start date which is mid-September.",
        "*Per Annum (for September 2018 and January 2019 intakes)",
        "However, new students starting in and from September 2021 that have EU status will be "
        "classified as Overseas.",
        "These changes will apply to eligible new students starting courses in the 2018/19 "
        "academic year from 1 August 2018 onwards.",
    ],
)
def test_starts_said_of_courses_in_general_or_of_fee_rules_are_not_a_programmes(page):
    assert _starts(page) is None


def test_on_a_programmes_own_page_a_usual_start_is_its_start():
    page = "Start date: usually September"
    assert _starts(page, one_programme=True) == ["September"]
    assert _starts(page) is None


# Cases a review found in the rules above.


def test_a_deadline_with_no_year_under_a_scholarship_heading_is_not_the_deadline():
    page = (
        "<h1>MSc Data Science</h1><p>Year of entry: 2025</p><h2>Scholarships</h2>"
        "<p>For 2025 entry, the application deadline is 30 June.</p>"
    )
    assert _deadlines(page) == {}
    # Words that begin with a month's abbreviation are no month ("10 marked essays").
    marked = "<p>2025 entry</p><p>Application deadline for 2025 entry: submit 10 marked essays.</p>"
    assert _deadlines(marked) == {}


def test_a_first_stage_deadline_beside_the_final_one_is_not_the_deadline():
    page = (
        "The initial deadline for overseas applicants is 31 March 2025; the final deadline for "
        "all applicants is 30 June 2025."
    )
    assert _deadlines(page) == {
        "deadline_home": "2025-06-30",
        "deadline_international": "2025-06-30",
    }


def test_a_length_in_a_table_row_beside_a_fee_cell_is_read():
    page = (
        "<table><tr><th>Duration</th><th>Tuition fee (UK)</th></tr>"
        "<tr><td>12 months full-time</td><td>£11,500</td></tr></table>"
    )
    assert _durations(page, one_programme=True) == {"duration_full_time_months": 12}


def test_a_bachelors_degree_named_as_an_entry_route_does_not_hide_the_fee():
    page = (
        "The tuition fee is £9,500 for home students and £21,000 for international students "
        "holding a bachelor's degree from outside the UK."
    )
    assert _fees(page) == {"fee_home_gbp": (9500, None), "fee_international_gbp": (21000, None)}


# Lines of the part10 batch of real snippets, each read wrong before it was tuned on.


def test_a_price_line_is_a_value_not_the_label_of_the_lines_under_it():
    # Liverpool John Moores: "Home (per credit): £53.95" is not a heading for the next fee.
    page = (
        "Tuition fees 23/24\nHome (full-time, per year): £9,710\nHome (per credit): £53.95\n"
        "International (full-time, per year): £17,400"
    )
    assert _fees(page) == {
        "fee_home_gbp": (9710, "per-year"),
        "fee_international_gbp": (17400, "per-year"),
    }


def test_a_sentence_introducing_a_list_keeps_the_fees_title_above_it():
    # Manchester's MusM: "Fees", "... the tuition fees are as follows:", then a list per mode.
    page = (
        "Fees\nFor entry in the academic year beginning September 2024, the tuition fees are as "
        "follows:\n• MusM (full-time)\nUK students (per annum): £13,500\nInternational, "
        "including EU, students (per annum): £27,000\n• MusM (part-time)\nUK students (per "
        "annum): £6,750\nInternational, including EU, students (per annum): £13,500"
    )
    assert _fees(page) == {
        "fee_home_gbp": (13500, "per-year"),
        "fee_international_gbp": (27000, "per-year"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # Glasgow Caledonian: fees under a heading that says they are per module.
        "Biomedical Science MSc\n15 Credits\nThe following fees per 15 credit module apply:\n"
        "Scotland: £250\nInternational (outside Europe): £1050",
        # Newcastle: a fee paid in stages has no one amount.
        "Fees per academic year 2014-15\nUK and EU: full time £5,155 (stage 1) £6,500 (stage 2)\n"
        "International: full time £11,280 (stage 1) £12,500 (stage 2)",
        # GCU London: what leaving early costs.
        "If you start a two-year masters course but graduate after one year, total fees payable "
        "will be as follows: Home £8,700.",
    ],
)
def test_module_staged_and_early_exit_fees_are_not_the_programmes_fee(page):
    assert _fees(page) == {}


def test_a_page_saying_everyone_pays_the_same_makes_a_lone_fee_everyones():
    # Drama Studio London's MFA: a fact-box fee, and the same fee for international students.
    page = (
        "Course Fees\nCourse Fee: £9,250 per year (Please note: there is no VAT on this course)\n"
        "International Students are charged the same fees as UK nationals."
    )
    assert _fees(page) == {
        "fee_home_gbp": (9250, "per-year"),
        "fee_international_gbp": (9250, "per-year"),
    }
    assert _fees(page.replace("International Students are charged the same", "Ask about")) == {}


# Lines of the part11 batch of real snippets, each read wrong before it was tuned on.


def test_a_footnote_gives_the_period_of_the_fees_it_marks():
    # Westminster: "UK Fees £14,500 *" ... "* Price per academic year".
    page = (
        "UK Fees £14,500 *\nInternational Fees £15,000 *\nDuration 1 year\n"
        "* Price per academic year"
    )
    assert _fees(page) == {
        "fee_home_gbp": (14500, "per-year"),
        "fee_international_gbp": (15000, "per-year"),
    }


def test_uk_eu_and_the_channel_islands_together_are_the_home_fee_status():
    # Winchester: the heading "UK/EU/Channel Islands and Isle of Man" over the fee rows.
    page = (
        "Course Tuition Fees and Additional Costs\nUK/EU/Channel Islands and Isle of Man\n"
        "September 2017 Entry Full-time | £5,000"
    )
    assert _fees(page) == {"fee_home_gbp": (5000, None)}


def test_a_header_of_statuses_over_a_line_of_amounts_gives_each_its_column():
    # London Film School.
    page = "Tuition Fees, 2-year programme\nUK Students International Students\n£59,298 £59,498"
    assert _fees(page) == {
        "fee_home_gbp": (59298, None),
        "fee_international_gbp": (59498, None),
    }


def test_fees_below_said_to_be_overall_costs_are_whole_course_fees():
    # Brighton and Sussex Medical School.
    page = (
        "Fees and funding\nThe fees listed below are the overall costs for full-time courses "
        "taken in the academic year 2022/23. Where courses are taken part-time over more than one "
        "academic year, fees are usually charged pro-rata for the modules taken during each "
        "academic year.\nMSc\nUK £11,275\nInternational £23,060"
    )
    assert _fees(page) == {
        "fee_home_gbp": (11275, "full-course"),
        "fee_international_gbp": (23060, "full-course"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # Edinburgh: what a bursary covers, said of most programmes.
        "We are offering up to two bursaries for full time students that will cover all tuition "
        "fees. For most of our programmes, these are £19,100 for UK students and £40,900 for "
        "International students.",
        # London Film School: a term's cost.
        "Total Termly Cost, 2-yr programme, international students £10,283.00",
    ],
)
def test_bursary_covers_and_termly_costs_are_not_the_fee(page):
    assert _fees(page) == {}


@pytest.mark.parametrize(
    "page",
    [
        # A review's case: the mode after the first length belongs to the second.
        "This one-year degree is also available part-time over 24 months.",
        # Both orders of a fact box run together.
        "1 year full-time 2 years part-time",
        "Full-time 1 year part-time 2 years",
        "Full-time: 1 year Part-time: 2 years",
    ],
)
def test_two_lengths_in_one_clause_each_take_the_mode_beside_them(page):
    assert _durations(page, one_programme=True) == {
        "duration_full_time_months": 12,
        "duration_part_time_months": 24,
    }


# Lines of the part12 batch of real snippets (measured untouched, then tuned on).


def test_a_line_after_the_fee_saying_it_is_charged_per_annum_gives_its_period():
    # Queen Mary: the period is the sentence under the fee, not beside it.
    page = (
        "Fees\nHome: £12,650\nThe course fee is charged per annum for 2 years. Note that fees may "
        "be subject to an increase on an annual basis - see details on our tuition fees page."
    )
    assert _fees(page) == {"fee_home_gbp": (12650, "per-year")}
    # A line about increases alone says nothing of the fee's period.
    page = "Fees\nHome: £12,650\nNote that fees may be subject to an increase on an annual basis."
    assert _fees(page) == {"fee_home_gbp": (12650, None)}


def test_a_length_shared_by_the_masters_and_its_diploma_is_the_programmes():
    # Bournemouth: "PG Dip and MSc: 2 years full-time" (an exit award's own line is not).
    assert _durations("Key information\nPG Dip and MSc: 2 years full-time", one_programme=True) == {
        "duration_full_time_months": 24
    }
    assert _durations("• PGDip: 120 credits, 2 academic years", one_programme=True) == {}


def test_a_bare_length_under_how_do_you_want_to_study_is_the_length():
    # Canterbury Christ Church's fact box.
    page = "How do you want to study?\n\n\n2 years\n\nUCAS code:"
    assert _durations(page, one_programme=True) == {"duration_full_time_months": 24}


def test_lengths_in_the_header_of_a_fee_schedule_are_no_programmes_length():
    # Imperial's Faculty of Medicine fee table: the columns' lengths are its courses' modes.
    page = (
        "MSc Allergy\n\nEntry CohortHome/EUIslands/Overseas\n"
        " PGDipMSc Two-Year PTMSc Three-Year PTPGDipMSc Two-Year PTMSc Three-Year PT\n"
        "2020 Cohort £ 6,000.00 £ 6,000.00  £ 6,000.00 £ 17,800.00 £ 17,800.00 £ 17,800.00"
    )
    assert _durations(page, one_programme=False) == {}


# Lines of the part13 batch of real snippets (measured untouched, then tuned on).


def test_an_advance_fee_payment_is_not_the_fee():
    # Goldsmiths' page for international students: a deposit by another name.
    page = (
        "Tuition fees\nTo find out how much your course will cost, please visit the relevant "
        "programme page.\nIf you are a self-financing international student you'll need to make "
        "an advanced fee payment of £4,000 to secure your place at Goldsmiths."
    )
    assert _fees(page) == {}
    assert extract(page, one_programme=False) == []


def test_a_price_after_a_label_with_its_period_but_no_pound_sign_is_read():
    # Durham's fee box.
    page = (
        "Course length\n1 year full-time, 2 years part-time\nTuition Fees\n"
        "- Home (Full-time): 12,800 per year\n- Overseas (Full-time): 29,000 per year"
    )
    assert _fees(page) == {
        "fee_home_gbp": (12800, "per-year"),
        "fee_international_gbp": (29000, "per-year"),
    }
    # Without its period, or without the label's colon, a number is no price.
    assert _fees("Tuition Fees\n- Home (Full-time): 12,800") == {}
    assert _fees("Tuition fees\nWe welcome 12,800 students per year") == {}


def test_a_list_under_a_label_naming_one_part_of_a_modular_price_is_not_the_fee():
    # Oxford's Department for Continuing Education: a modular MSc priced as an annual award fee
    # plus module and dissertation fees.
    page = (
        "Fee rates for the academic year 2018/19\nAnnual award fee:\n"
        "• £1,480 for Home/EU students\n• £6,085 for Overseas students (see note 1)\n"
        "Module fee: £1,850 (per taught module)\n"
        "Dissertation fee: £5,550 (equivalent to 3 module fees)"
    )
    assert _fees(page) == {}
    # The same list under a tuition fee label is the fee.
    tuition = page.replace("Annual award fee:", "Annual tuition fee:")
    assert _fees(tuition) == {
        "fee_home_gbp": (1480, "per-year"),
        "fee_international_gbp": (6085, "per-year"),
    }


_QMU_BAND = (
    "Postgraduate Classroom-Based Courses\nArts, Festival and Cultural Management MA*\n"
    "Gastronomy MSc*\nPublic Sociology MSc\nStrategic Communication and Public Relations MSc\n"
    "The fees for postgraduate classroom based programmes are:\n"
    "Programme Duration  Costs\nSCOT/RUK/EU Full time £5500 (includes dissertation)\n"
    "International Full time £12000 (includes dissertation)"
)


def test_fees_under_a_list_of_programmes_are_a_fee_band_not_one_programmes_fee():
    # Queen Margaret University's 2018/19 schedule: a band's courses listed, then its fees.
    assert [f for f in extract(_QMU_BAND) if f.field in FEE_FIELDS] == []
    # Read for one of those programmes from its fees page, the band names none: nothing.
    facts, _ = read_page(_QMU_BAND, programme_title="Gastronomy MSc")
    assert [f for f in facts if f.field in FEE_FIELDS] == []
    # With one programme named (not three), the fee is read as before.
    one = _QMU_BAND.replace("Arts, Festival and Cultural Management MA*\nGastronomy MSc*\n", "")
    assert {f.field: f.value for f in extract(one) if f.field in FEE_FIELDS} == {
        "fee_international_gbp": 12000
    }


def test_a_page_of_english_requirements_by_group_of_subjects_gives_no_ielts_score():
    # Reading: one table per group of subjects; which group a programme is in is not said.
    page = (
        "English language requirements\nRequirements for arts and humanities courses\n"
        "Qualification | Short name | Score |\n"
        "International English Language Testing System | IELTS (Academic) | 7.0 overall with "
        "min. 6.0 in each component |\n"
        "Requirements for business, sciences, and law courses\n"
    )
    assert [f for f in extract(page) if f.field.startswith("ielts")] == []
    one_group = page.replace("Requirements for business, sciences, and law courses\n", "")
    assert {f.field: f.value for f in extract(one_group) if f.field.startswith("ielts")} == {
        "ielts_overall": 7.0,
        "ielts_min_component": 6.0,
    }


def test_a_dash_that_starts_a_bulleted_line_is_no_range_but_a_labels_dash_still_is():
    # Leeds' fact box: the fee under its label, on a bulleted line.
    page = "- UK fees\n- £12,750 (Total)\n- International fees\n- £28,250 (Total)"
    assert _fees(page) == {
        "fee_home_gbp": (12750, "full-course"),
        "fee_international_gbp": (28250, "full-course"),
    }
    # A range, or a label's dash before a general rate (Lancaster's "Full-time - £4,407"):
    # still no fee.
    assert _fees("Tuition fees\nUK students: £9,000 - £12,000") == {}
    assert _fees("Tuition fees\nFull-time - £4,407") == {}


def test_a_period_said_under_a_short_list_of_fees_covers_each():
    # Glasgow: the list of fees, then the line saying what they are.
    page = (
        "Fees\n2024/25\n• UK: £4,786\n• International & EU: £25,290\n"
        "Prices are based on the annual fee for full-time study. Fees for part-time study are "
        "half the full-time fee."
    )
    assert _fees(page) == {
        "fee_home_gbp": (4786, "per-year"),
        "fee_international_gbp": (25290, "per-year"),
    }
    assert _fees(page.replace("Prices are based on the annual fee", "Prices are")) == {
        "fee_home_gbp": (4786, None),
        "fee_international_gbp": (25290, None),
    }


def test_one_overall_score_with_different_lowest_components_gives_no_component():
    # Liverpool: the default requirement, then exceptions with the same overall score.
    page = (
        "IELTS\nAll PGT programmes unless otherwise specified below require at least: 6.5 overall "
        "with a minimum of 6.0 in each component.\nExceptions\nThe following PGT programmes "
        "require at least: 6.5 overall with a minimum of 5.5 in each component.\n"
        "- MSc Computer Science"
    )
    assert {f.field: f.value for f in extract(page) if f.field.startswith("ielts")} == {
        "ielts_overall": 6.5
    }
    default_only = page.split("\nExceptions")[0]
    assert {f.field: f.value for f in extract(default_only) if f.field.startswith("ielts")} == {
        "ielts_overall": 6.5,
        "ielts_min_component": 6.0,
    }


@pytest.mark.parametrize("between", [" - ", "-", " to ", " – "])
def test_neither_end_of_a_range_of_fees_is_the_fee(between):
    # (The first amount of "£9,000 - £12,000" was proposed: the range was looked for only in
    # the text before the next amount, which stops short of its pound sign.)
    assert _fees(f"Tuition fees\nUK students: £9,000{between}£12,000") == {}
    assert _fees(f"Tuition fees\nUK students: £9,000{between}£12,000 per year") == {}


_RHUL_ECONOMICS = (
    "Course options\nKey information\nDuration: 1 year full time\nInstitution code: R72\n"
    "UK fees*: £13,200\nInternational/EU fees**: £21,700\nKey information\n"
    "Duration: 2 years full time\nFee type Year 1 Year 2\nUK £8,800 £13,200\n"
    "International/EU £14,500 £21,700\nView this course"
)


def test_fees_for_each_year_of_a_course_are_no_one_fee():
    # Royal Holloway: the one-year MSc's fees, then its two-year sibling's fees per year.
    assert _fees(_RHUL_ECONOMICS) == {
        "fee_home_gbp": (13200, None),
        "fee_international_gbp": (21700, None),
    }
    # The two-year course's own page, as a table: no fee.
    table = (
        "Duration: 2 years full time\nFee type | Year 1 | Year 2 |\n---|---|---|\n"
        "UK | £8,400 | £12,600 |\nInternational/EU | £13,800 | £20,700 |"
    )
    assert _fees(table) == {}


def test_the_period_said_after_a_list_of_labelled_fees_covers_each():
    # SOAS: each fee under its label, then the sentence saying what they are.
    page = (
        "Fees 2017/18\nUK/EU fees:\n£10,995\nOverseas fees:\n£18,790\n"
        "Fees for 2017/18 entrants. This is a Band 3 fee. The fees are per academic year. "
        "Please note that fees go up each year."
    )
    assert _fees(page) == {
        "fee_home_gbp": (10995, "per-year"),
        "fee_international_gbp": (18790, "per-year"),
    }
    rising = page.replace("The fees are per academic year. ", "")
    assert _fees(rising) == {
        "fee_home_gbp": (10995, None),
        "fee_international_gbp": (18790, None),
    }


def test_a_uk_university_ranking_is_no_fee_status():
    # Sunderland: "Top 40 UK University" in the list above the fee says nothing of who pays it.
    page = (
        "Internationally Excellent Research\n• Top 40 UK University**\n"
        "• £6,983 total fees, option to pay £582 per module"
    )
    assert _fees(page) == {
        "fee_home_gbp": (6983, "full-course"),
        "fee_international_gbp": (6983, "full-course"),
    }
