"""schema.org structured data (JSON-LD) on a course page: read strictly, compared with the text,
and a disagreement told to the editor instead of proposed."""

from __future__ import annotations

import json

import pytest

from programmes.models import Suggestion, SuggestionField
from programmes.sources.extract import extract, read_page
from tests.factories import make_programme, run_command
from tests.pages_server import Page


def page(data: object, text: str = "<h1>MSc Health Data Science</h1>") -> str:
    block = data if isinstance(data, str) else json.dumps(data)
    return (
        f'<html><head><script type="application/ld+json">{block}</script></head>'
        f"<body><main>{text}</main></body></html>"
    )


COURSE = {
    "@context": "https://schema.org",
    "@type": "Course",
    "name": "MSc Health Data Science",
    "timeToComplete": "P1Y",
    "applicationDeadline": "2027-07-31",
    "offers": [
        {"@type": "Offer", "name": "Home fee", "price": "12500", "priceCurrency": "GBP"},
        {"@type": "Offer", "category": "International", "price": 29000, "priceCurrency": "GBP"},
        {"@type": "Offer", "name": "EU fee", "price": "15000", "priceCurrency": "EUR"},
    ],
    "hasCourseInstance": [
        {"@type": "CourseInstance", "courseMode": "FullTime", "startDate": "2027-09-21"},
        {
            "@type": "CourseInstance",
            "courseMode": "https://schema.org/PartTime",
            "courseSchedule": {"@type": "Schedule", "duration": "P2Y"},
            "startDate": "2028-01-10",
        },
    ],
}


def found(document: str) -> dict:
    return {f.field: f.value for f in extract(document)}


def test_a_course_in_structured_data_gives_its_facts_with_quotes():
    facts = {f.field: f for f in extract(page(COURSE))}
    assert {field: fact.value for field, fact in facts.items()} == {
        "fee_home_gbp": 12500,
        "fee_international_gbp": 29000,
        "duration_full_time_months": 12,
        "duration_part_time_months": 24,
        "modes": ["full-time", "part-time"],
        "next_intake": "2027-09",
        "deadline_home": "2027-07-31",
        "deadline_international": "2027-07-31",
    }
    assert facts["duration_full_time_months"].quote == (
        'Structured data (schema.org): timeToComplete = "P1Y"'
    )


def test_a_graph_and_an_educational_occupational_program_are_read():
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Course page"},
            {"@type": ["EducationalOccupationalProgram"], "timeToComplete": "P18M"},
        ],
    }
    assert found(page(data)) == {"duration_full_time_months": 18}


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        "[]",
        "null",
        "[" * 5000 + "]" * 5000,  # deep nesting: refused or read without recursion
        {"@type": "Course", "timeToComplete": "P1Y2W"},  # weeks: not whole months
        {"@type": "Course", "timeToComplete": "P99Y"},
        {"@type": "Course", "timeToComplete": 12},
        {"@type": "Course", "applicationDeadline": "31/07/2027"},
        {"@type": "Course", "offers": {"price": "12500", "priceCurrency": "GBP"}},  # whose?
        {"@type": "Course", "offers": {"name": "Home", "price": "free", "priceCurrency": "GBP"}},
        {"@type": "Course", "offers": {"name": "Home", "price": "9", "priceCurrency": "GBP"}},
        {"@type": "Course", "offers": {"name": "Home and international", "price": "9000"}},
        {"@type": "Event", "startDate": "2027-09-01"},
    ],
)
def test_structured_data_that_says_nothing_sure_gives_nothing(data):
    assert found(page(data)) == {}


def test_text_and_structured_data_that_agree_give_the_texts_quote():
    document = page(COURSE, "<p>Duration: 1 year full-time</p>")
    facts = {f.field: f for f in extract(document)}
    assert facts["duration_full_time_months"].value == 12
    assert facts["duration_full_time_months"].quote.startswith("Duration")


def test_text_and_structured_data_that_disagree_give_neither():
    document = page(COURSE, "<p>Duration: 18 months full-time</p>")
    facts, disagreements = read_page(document)
    assert "duration_full_time_months" not in {f.field for f in facts}
    assert [d.describe() for d in disagreements] == [
        "duration_full_time_months: the text says 18, the structured data says 12"
    ]


@pytest.mark.django_db
def test_check_sources_tells_the_editor_about_a_disagreement_once(pages):
    pages.routes["/course"] = Page(page(COURSE, "<p>Duration: 18 months full-time</p>"))
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    run_command("check_sources", "--programme", str(programme.pk))
    note = Suggestion.objects.get(programme=programme, field=SuggestionField.OTHER)
    assert note.value == "duration_full_time_months: the text says 18, the structured data says 12"
    assert "Neither value was proposed" in note.quote
    assert not Suggestion.objects.filter(field="duration_full_time_months").exists()
    pages.routes["/course"] = Page(page(COURSE, "<p>Duration: 18 months full-time.</p>"))
    run_command("check_sources", "--programme", str(programme.pk))
    assert Suggestion.objects.filter(field=SuggestionField.OTHER).count() == 1
