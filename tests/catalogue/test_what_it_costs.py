"""What it costs: the Student visa money rule worked out per programme from the sourced
reference figures, loans by home nation, the funding page, and figures in guides. Every figure
names its source; no total is made from an unknown part."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from programmes import seed
from programmes.models import FundingScheme, ReferenceFigure, ReferenceRule
from tests.factories import make_guide, make_programme, make_university

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    """The shipped reference figures, rules and funding schemes (programmes/data/reference/)."""
    for row in seed.read_figures():
        ReferenceFigure.objects.create(**row)
    for row in seed.read_rules():
        ReferenceRule.objects.create(**row)
    for row in seed.read_funding():
        FundingScheme.objects.create(**row)


def london(**facts):
    uni = make_university(city="London")
    return make_programme(university=uni, **facts)


def elsewhere(**facts):
    uni = make_university(city="Leeds")
    return make_programme(university=uni, **facts)


def section(client, programme, **params) -> str:
    text = client.get(programme.get_absolute_url(), params).text
    return text.split('id="costs-title"')[1].split('id="eligibility-title"')[0]


def test_a_london_year_long_course(client, reference):
    programme = london(fee_international=30000, fee_period="per-year", duration_full_time_months=12)
    text = section(client, programme, fee_status="international")
    assert "£30,000" in text
    assert '£13,761</strong> <span class="muted">(9 x £1,529, London)' in text
    assert "<strong>£43,761</strong>" in text  # 30,000 + 13,761
    assert "<strong>£524</strong>" in text and "<strong>£1,164</strong>" in text
    assert "<strong>£1,688</strong>" in text  # 524 + 1,164
    assert "a page quoting it (not the official one)</a>, read 2 December 2026" in text
    assert "Home students" not in text


def test_outside_london_uses_the_other_figure(client, reference):
    programme = elsewhere(
        fee_international=20000, fee_period="per-year", duration_full_time_months=12
    )
    text = section(client, programme, fee_status="international")
    assert "(9 x £1,171, outside London)" in text
    assert "<strong>£30,539</strong>" in text  # 20,000 + 9 x 1,171


def test_a_course_under_nine_months_counts_its_own_months(client, reference):
    programme = london(
        fee_international=15000, fee_period="full-course", duration_full_time_months=6
    )
    text = section(client, programme, fee_status="international")
    assert "(6 x £1,529, London)" in text
    assert "<strong>£24,174</strong>" in text  # 15,000 + 6 x 1,529


def test_no_total_from_an_unknown_fee(client, reference):
    programme = london(duration_full_time_months=12)
    text = section(client, programme, fee_status="international")
    assert "Not known: the international fee is not recorded" in text
    assert "No total: first year&#x27;s tuition fee is not known." in text
    assert "£43,761" not in text


def test_an_unknown_length_is_said_not_guessed(client, reference):
    programme = london(fee_international=30000, fee_period="per-year")
    text = section(client, programme, fee_status="international")
    assert "the course&#x27;s length is not recorded (up to 9 x £1,529, London" in text
    assert "No total:" in text


def test_a_figure_not_yet_in_effect_or_past_its_end_is_not_used(client, reference):
    today = datetime.date.today()
    ReferenceFigure.objects.filter(key="student_visa_living_costs_london").update(
        effective_from=today + datetime.timedelta(days=30)
    )
    ReferenceFigure.objects.filter(key="student_visa_application_fee").update(
        effective_to=today - datetime.timedelta(days=1)
    )
    programme = london(fee_international=30000, fee_period="per-year", duration_full_time_months=12)
    text = section(client, programme, fee_status="international")
    assert "£1,529" not in text
    assert "the figure for" in text and "is not recorded" in text
    assert 'Student visa application fee</th>\n        <td><span class="unknown">Not known' in text


def test_a_changed_figure_reaches_every_page_at_once(client, reference):
    programme = london(fee_international=30000, fee_period="per-year", duration_full_time_months=12)
    guide = make_guide(body="London: [[figure:student_visa_living_costs_london]].\n")
    assert "£13,761" in section(client, programme, fee_status="international")
    assert "£1,529 per month" in client.get(guide.get_absolute_url()).text
    figure = ReferenceFigure.objects.get(key="student_visa_living_costs_london")
    figure.amount_gbp = 1600
    figure.save()
    assert "£14,400" in section(client, programme, fee_status="international")
    assert "£1,600 per month" in client.get(guide.get_absolute_url()).text


def test_home_students_see_each_nations_loan_beside_the_whole_course_fee(client, reference):
    programme = elsewhere(fee_home=12000, fee_period="full-course", duration_full_time_months=12)
    text = section(client, programme, fee_status="home")
    assert "Whole-course home fee: <strong>£12,000</strong>" in text
    for amount in ("£12,858", "£19,255", "£7,000", "£6,900", "£6,500"):
        assert amount in text
    scottish = section(client, programme, fee_status="home", home_nation="scotland")
    assert "£7,000" in scottish and "£12,858" not in scottish
    assert "International students" not in text


def test_with_no_choice_both_are_shown(client, reference):
    text = section(client, elsewhere(duration_full_time_months=12))
    assert "International students (Student visa)" in text and "Home students" in text


def test_the_graduate_visa_rule_for_when_the_course_ends(client, reference):
    ends_2027 = london(next_intake_year=2026, next_intake_month=9, duration_full_time_months=12)
    text = section(client, ends_2027, fee_status="international")
    assert "stay and work for 18 months (for applications from 1 January 2027" in text
    unknown = section(client, london(duration_full_time_months=12), fee_status="international")
    assert "for 2 years for applications up to 31 December 2026" in unknown
    assert "for 18 months for applications from 1 January 2027" in unknown


@pytest.mark.parametrize(
    "params",
    [
        {"fee_status": "alien"},
        {"home_nation": "mars"},
        {"fee_status": "<b>x</b>"},
        {"home_nation": "\x00"},
    ],
)
def test_bad_choices_are_shown_back_never_a_500(client, reference, params):
    response = client.get(london().get_absolute_url(), params)
    assert response.status_code == 200
    assert "Check your choice" in response.text
    assert "<b>x</b>" not in response.text


def test_amounts_cannot_be_negative(reference):
    figure = ReferenceFigure.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFigure.objects.filter(pk=figure.pk).update(amount_gbp=-1)


def test_the_funding_page_lists_and_filters_every_scheme(client, reference):
    text = client.get("/funding/").text
    assert "11 schemes" in text
    assert "up to £12,858 for the course (2025/26)" in text  # the repaired quoting
    assert "May have ended" in text
    nhs = client.get("/funding/?who=nhs-staff").text
    assert "Topol Digital Fellowship" in nhs and "Chevening" not in nhs
    loans = client.get("/funding/?kind=loan").text
    assert "4 schemes" in loans


@pytest.mark.parametrize("query", ["?who=aliens", "?kind=%3Cscript%3E", "?who=&kind=", "?who=\x00"])
def test_bad_funding_choices_never_500(client, reference, query):
    response = client.get(f"/funding/{query}")
    assert response.status_code == 200
    assert "<script>" not in response.text


def test_schemes_linked_to_a_programme_are_on_its_page(client, reference):
    programme = london()
    FundingScheme.objects.get(name__startswith="Topol").programmes.add(programme)
    assert "Topol Digital Fellowship" in section(client, programme)


def test_the_international_guide_shows_figures_from_the_data(client, reference):
    guide = make_guide(
        body="Outside London: [[figure:student_visa_living_costs_outside_london]]. "
        "Unknown: [[figure:no_such_figure]].\n"
    )
    text = client.get(guide.get_absolute_url()).text
    assert "£1,171 per month" in text
    assert "(figure not recorded)" in text
    shipped = (seed.DATA_DIR / "guides" / "applying-as-an-international-student.md").read_text()
    assert "£" not in shipped  # the guide's Markdown types no amount
