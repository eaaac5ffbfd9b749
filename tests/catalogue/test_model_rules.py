import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from programmes.models import Programme, Status
from tests.factories import make_programme, make_university

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field,value",
    [
        ("fee_home", -1),
        ("fee_international", -100),
        ("ielts_overall", Decimal("6.3")),
        ("ielts_overall", Decimal("9.5")),
        ("duration_full_time_months", 0),
        ("duration_full_time_months", 61),
        ("duration_part_time_months", 0),
        ("start_month_mask", 4096),
        ("status", "deleted"),
    ],
)
def test_database_refuses_values_that_break_a_rule(field, value):
    programme = make_programme()
    with pytest.raises(IntegrityError), transaction.atomic():
        # .update() bypasses model validation: only the database constraint stands in the way.
        Programme.objects.filter(pk=programme.pk).update(**{field: value})


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("6.5"), Decimal("9.0")])
def test_database_accepts_ielts_in_half_steps(value):
    programme = make_programme()
    Programme.objects.filter(pk=programme.pk).update(ielts_overall=value)
    programme.refresh_from_db()
    assert programme.ielts_overall == value


def test_slug_is_unique_within_a_university_only():
    uni = make_university()
    make_programme(university=uni, slug="health-data")
    make_programme(slug="health-data")  # another university: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_programme(university=uni, slug="health-data")


def test_str_and_url_name_the_programme_and_university():
    uni = make_university(name="University of Glenmore", slug="glenmore")
    programme = make_programme(university=uni, title="Clinical AI", slug="clinical-ai")
    assert str(programme) == "MSc Clinical AI, University of Glenmore"
    assert programme.get_absolute_url() == "/programmes/glenmore/clinical-ai/"
    assert uni.get_absolute_url() == "/universities/glenmore/"


def test_needs_verification_when_never_or_over_a_year_ago():
    today = timezone.localdate()
    never = make_programme(last_verified=None)
    old = make_programme(last_verified=today - datetime.timedelta(days=400))
    fresh = make_programme(last_verified=today - datetime.timedelta(days=30))
    assert never.needs_verification and old.needs_verification
    assert not fresh.needs_verification
    queue = set(Programme.objects.needs_verification())
    assert queue == {never, old}


def test_published_excludes_drafts_and_archived():
    shown = make_programme(status=Status.PUBLISHED)
    make_programme(status=Status.DRAFT)
    make_programme(status=Status.ARCHIVED)
    assert list(Programme.objects.published()) == [shown]
