"""Why a fee has no whole-course total (programmes/fees.py ``course_fee``), word for word.

Compare and the cards say this clause after the fee as published; each of the four cases a
recorded fee can be in gets its own words, so a student knows what is missing.
"""

from __future__ import annotations

import pytest

from programmes.fees import course_fee, short_reason
from programmes.models import FeePeriod
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def fee_of(**fields):
    programme = make_programme(**fields)
    programme.refresh_from_db()  # the whole-course totals are computed by the database
    return course_fee(programme, "home")


@pytest.mark.parametrize(
    ("period", "months", "reason"),
    [
        (
            FeePeriod.PER_YEAR,
            None,
            "it is charged per year and the full-time length is not recorded",
        ),
        (
            FeePeriod.PER_YEAR,
            18,
            "it is charged per year and the course lasts 18 months full-time, "
            "so how the part year is charged is not known",
        ),
        (
            "",
            None,
            "the source does not say whether it is per year or for the whole course, and the "
            "full-time length is not recorded",
        ),
        (
            "",
            24,  # (a 12-month course has the same fee per year and in all: that has a total)
            "the source does not say whether it is per year or for the whole course, and the "
            "course lasts 24 months full-time",
        ),
    ],
)
def test_a_fee_without_a_total_says_why(period, months, reason):
    fee = fee_of(fee_home=14500, fee_period=period, duration_full_time_months=months)
    assert (fee.amount, fee.reason) == (None, reason)
    assert short_reason(fee) == "total not known"


def test_a_fee_not_recorded_gives_no_reason_and_a_total_gives_its_year():
    missing = fee_of(fee_home=None, fee_period=FeePeriod.PER_YEAR, duration_full_time_months=12)
    assert (missing.amount, missing.reason, short_reason(missing)) == (
        None,
        None,
        "not recorded yet",
    )
    whole = fee_of(
        fee_home=14500,
        fee_period=FeePeriod.FULL_COURSE,
        fee_year="2026/27",
        duration_full_time_months=24,
    )
    assert (whole.amount, whole.reason, whole.year) == (14500, None, "2026/27")
