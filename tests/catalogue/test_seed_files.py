"""Reading the seed files (programmes/seed.py), row by row, without a database.

``load_catalogue`` stops on the first bad cell with a message naming the file, the row and the
column; a good row becomes exactly the fields the model gets. Each case here is one cell away
from a good row, so the message it gives is the whole assertion.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest

from programmes import seed
from programmes.models import Nation, Status

PROGRAMME_HEADER = (seed.DATA_DIR / "programmes.csv").read_text().splitlines()[0].split(",")
GOOD_ROW = {
    "university": " University of Testshire ",
    "title": " Health Data Science ",
    "slug": "health-data-science",
    "award": "MSc",
    "exit_awards": " PgDip; PgCert ",
    "department": " School of Health ",
    "modes": "full-time; part-time",
    "duration_full_time_months": "12",
    "duration_part_time_months": "24",
    "fee_home_gbp": "14500",
    "fee_international_gbp": "",
    "fee_year": "2026/27",
    "fee_period": "per-year",
    "start_months": "September; January",
    "min_degree": "2:1",
    "ielts_overall": "6.5",
    "placement": "Yes",
    "topics": "machine-learning; medical-imaging",
    "summary": " A one-year course. ",
    "official_course_url": "https://www.example.ac.uk/hds",
    "source_url": "https://www.example.ac.uk/hds ; https://www.example.ac.uk/fees",
    "source_read": "2026/27 page",
    "stale": "YES",
    "status": "published",
    "notes": " Check fees. ",
}


def write_programmes(folder: Path, *rows: dict, header=PROGRAMME_HEADER) -> Path:
    path = folder / "programmes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def programme_error(tmp_path, **cells) -> str:
    write_programmes(tmp_path, {**GOOD_ROW, **cells})
    with pytest.raises(seed.SeedError) as caught:
        seed.read_programmes(tmp_path)
    return str(caught.value)


def test_the_header_the_tests_use_is_the_shipped_one():
    assert set(GOOD_ROW) == set(PROGRAMME_HEADER)


def test_a_good_row_becomes_exactly_the_fields_the_model_gets(tmp_path):
    write_programmes(tmp_path, GOOD_ROW)
    (programme,) = seed.read_programmes(tmp_path)  # a folder: its programmes.csv
    assert (programme.university_name, programme.slug) == (
        "University of Testshire",
        "health-data-science",
    )
    assert programme.topic_slugs == ["machine-learning", "medical-imaging"]
    assert programme.fields == {
        "title": "Health Data Science",
        "award": "MSc",
        "exit_awards": "PgDip; PgCert",
        "department": "School of Health",
        "offers_full_time": True,
        "offers_part_time": True,
        "offers_online": False,
        "duration_full_time_months": 12,
        "duration_part_time_months": 24,
        "fee_home": 14500,
        "fee_international": None,
        "fee_year": "2026/27",
        "fee_period": "per-year",
        "start_month_mask": (1 << 0) | (1 << 8),
        "min_degree": "2:1",
        "ielts_overall": "6.5",
        "placement": True,
        "summary": "A one-year course.",
        "official_url": "https://www.example.ac.uk/hds",
        "source_urls": "https://www.example.ac.uk/hds\nhttps://www.example.ac.uk/fees",
        "source_refers_to": "2026/27 page",
        "source_stale": True,
        "editors_notes": "Check fees.",
        "status": "published",
    }
    assert seed.read_programmes(tmp_path / "programmes.csv")[0].fields == programme.fields


def test_empty_optional_cells_stay_unknown(tmp_path):
    write_programmes(
        tmp_path,
        {
            **GOOD_ROW,
            "modes": "online",
            "duration_part_time_months": " ",
            "fee_period": "",
            "start_months": "",
            "min_degree": "",
            "ielts_overall": " ",
            "placement": "",
            "topics": "",
            "stale": "no",
        },
    )
    fields = seed.read_programmes(tmp_path)[0].fields
    assert (fields["offers_full_time"], fields["offers_part_time"], fields["offers_online"]) == (
        False,
        False,
        True,
    )
    assert fields["duration_part_time_months"] is None
    assert (fields["fee_period"], fields["start_month_mask"], fields["min_degree"]) == ("", 0, "")
    assert (fields["ielts_overall"], fields["placement"], fields["source_stale"]) == (
        None,
        None,
        False,
    )
    assert seed.read_programmes(tmp_path)[0].topic_slugs == []
    write_programmes(tmp_path, {**GOOD_ROW, "placement": "no"})
    assert seed.read_programmes(tmp_path)[0].fields["placement"] is False


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"award": "BSc"}, "column award: unknown award 'BSc'"),
        ({"modes": "full-time; evenings"}, "column modes: unknown mode 'evenings'"),
        ({"start_months": "September; Sept"}, "column start_months: unknown month 'Sept'"),
        ({"min_degree": "2.1"}, "column min_degree: unknown class '2.1'"),
        ({"placement": "maybe"}, "column placement: expected yes, no or empty"),
        ({"fee_period": "per-month"}, "column fee_period: expected per-year, full-course or empty"),
        ({"status": "live"}, "column status: expected published, draft or archived"),
        ({"slug": "Health Data"}, "column slug: 'Health Data' is not a lower-case URL slug"),
        ({"slug": ""}, "column slug: '' is not a lower-case URL slug"),
        ({"topics": "genomics; robots"}, "column topics: 'robots' is not in the topic vocabulary"),
        (
            {"duration_full_time_months": "one year"},
            "column duration_full_time_months: 'one year' is not a whole number",
        ),
        (
            {"duration_part_time_months": "2.5"},
            "column duration_part_time_months: '2.5' is not a whole number",
        ),
        ({"fee_home_gbp": "£14,500"}, "column fee_home_gbp: '£14,500' is not a whole number"),
        (
            {"fee_international_gbp": "TBC"},
            "column fee_international_gbp: 'TBC' is not a whole number",
        ),
    ],
)
def test_each_bad_cell_names_the_file_row_and_column(tmp_path, cells, message):
    assert programme_error(tmp_path, **cells) == f"programmes.csv row 2, {message}"


def test_a_slug_used_twice_at_one_university_names_both_rows(tmp_path):
    other = {**GOOD_ROW, "university": "University of Elsewhere"}
    write_programmes(tmp_path, GOOD_ROW, other, {**GOOD_ROW, "title": "Again"})
    with pytest.raises(seed.SeedError) as caught:
        seed.read_programmes(tmp_path)
    assert str(caught.value) == (
        "programmes.csv row 4, column slug: 'health-data-science' is already used at "
        "University of Testshire by row 2"
    )


def test_version_one_rows_take_the_slug_from_the_title_and_wait_as_drafts_without_a_page(
    tmp_path,
):
    header = [c for c in PROGRAMME_HEADER if c not in ("slug", "status", "fee_period")]
    write_programmes(
        tmp_path,
        {**GOOD_ROW, "title": "AI & Health (MSc)"},
        {**GOOD_ROW, "title": "Other", "official_course_url": ""},
        header=header,
    )
    first, second = seed.read_programmes(tmp_path)
    assert first.slug == "ai-health-msc"
    assert (first.fields["status"], second.fields["status"]) == (Status.PUBLISHED, Status.DRAFT)
    assert first.fields["fee_period"] == ""


# ----- universities.csv -------------------------------------------------------------------


def write_universities(folder: Path, *rows: dict) -> Path:
    path = folder / "universities.csv"
    header = ["name", "short_name", "city", "nation", "website", "basis"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


UNIVERSITY = {
    "name": " University of Testshire ",
    "short_name": " UoT ",
    "city": " Testford ",
    "nation": " Scotland ",
    "website": " https://www.example.ac.uk ",
    "basis": "test",
}


def test_universities_are_read_trimmed_with_a_slug_from_the_name(tmp_path):
    write_universities(tmp_path, UNIVERSITY)
    assert seed.read_universities(tmp_path) == [
        {
            "slug": "university-of-testshire",
            "name": "University of Testshire",
            "short_name": "UoT",
            "city": "Testford",
            "nation": Nation.SCOTLAND,
            "website": "https://www.example.ac.uk",
        }
    ]
    assert seed.read_universities(tmp_path / "universities.csv") == seed.read_universities(tmp_path)


def test_an_unknown_nation_names_the_row_and_column(tmp_path):
    write_universities(tmp_path, UNIVERSITY, {**UNIVERSITY, "nation": "Cornwall"})
    with pytest.raises(seed.SeedError) as caught:
        seed.read_universities(tmp_path)
    assert str(caught.value) == "universities.csv row 3, column nation: unknown nation 'Cornwall'"


def test_the_shipped_files_are_read_by_default():
    assert len(seed.read_universities()) == len(
        (seed.DATA_DIR / "universities.csv").read_text().splitlines()[1:]
    )
    assert {g.slug for g in seed.read_guides()} == {
        p.stem for p in (seed.DATA_DIR / "guides").glob("*.md")
    }


# ----- guides ------------------------------------------------------------------------------

GUIDE = """---
title: Choosing a course
summary: How to choose.
published: 2026-03-01
topics: machine-learning, medical-imaging
---

# Choosing

Read the official page.

"""


def guide_error(tmp_path, text: str) -> str:
    (tmp_path / "a-guide.md").write_text(text)
    with pytest.raises(seed.SeedError) as caught:
        seed.read_guides(tmp_path)
    return str(caught.value)


def test_a_guide_file_becomes_a_published_guide(tmp_path):
    (tmp_path / "choosing.md").write_text(GUIDE)
    (tmp_path / "notes.txt").write_text("not a guide")
    (guide,) = seed.read_guides(tmp_path)
    assert guide.slug == "choosing"
    assert guide.topic_slugs == ["machine-learning", "medical-imaging"]
    assert guide.fields == {
        "title": "Choosing a course",
        "summary": "How to choose.",
        "author": "The portal's editors",
        "published_at": datetime.date(2026, 3, 1),
        "body": "# Choosing\n\nRead the official page.\n",
        "status": Status.PUBLISHED,
    }
    (tmp_path / "choosing.md").write_text(GUIDE.replace("title:", "author: Dr Ada\ntitle:"))
    assert seed.read_guides(tmp_path)[0].fields["author"] == "Dr Ada"


def test_guides_are_read_in_file_name_order(tmp_path):
    for name in ("b-second", "a-first", "c-third"):
        (tmp_path / f"{name}.md").write_text(GUIDE)
    assert [g.slug for g in seed.read_guides(tmp_path)] == ["a-first", "b-second", "c-third"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n", "a-guide.md: missing the front-matter block"),
        (GUIDE.replace("summary: How", "summary How"), None),
        (GUIDE.replace("title: Choosing a course\n", ""), "a-guide.md: front matter has no title"),
        (GUIDE.replace("How to choose.", ""), "a-guide.md: front matter has no summary"),
        (GUIDE.replace("published: 2026-03-01\n", ""), "a-guide.md: front matter has no published"),
        (
            GUIDE.replace("medical-imaging", "robots"),
            "a-guide.md: topic 'robots' is not in the vocabulary",
        ),
    ],
)
def test_a_bad_guide_file_is_named_with_what_is_wrong(tmp_path, text, message):
    expected = (
        message or "a-guide.md: front-matter line 'summary How to choose.' is not 'key: value'"
    )
    assert guide_error(tmp_path, text) == expected


def test_a_guide_without_topics_has_none(tmp_path):
    (tmp_path / "a.md").write_text(GUIDE.replace("topics: machine-learning, medical-imaging\n", ""))
    assert seed.read_guides(tmp_path)[0].topic_slugs == []
    (tmp_path / "a.md").write_text(GUIDE.replace("medical-imaging", " , medical-imaging "))
    assert seed.read_guides(tmp_path)[0].topic_slugs == ["machine-learning", "medical-imaging"]


def test_colons_in_front_matter_values_and_rules_in_the_body_are_kept(tmp_path):
    text = GUIDE.replace("title: Choosing a course", "title: Choosing: a course, step by step")
    text = text.replace("Read the official page.", "Read the official page.\n\n---\n\nThen apply.")
    (tmp_path / "a.md").write_text(text)
    (guide,) = seed.read_guides(tmp_path)
    assert guide.fields["title"] == "Choosing: a course, step by step"
    assert guide.fields["body"] == "# Choosing\n\nRead the official page.\n\n---\n\nThen apply.\n"


def test_a_version_one_slug_from_a_long_title_is_cut_to_200_characters(tmp_path):
    header = [c for c in PROGRAMME_HEADER if c not in ("slug", "status", "fee_period")]
    write_programmes(tmp_path, {**GOOD_ROW, "title": "a" * 250}, header=header)
    assert seed.read_programmes(tmp_path)[0].slug == "a" * 200
