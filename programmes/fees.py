"""How a fee is stated, and how fees are compared.

A fee is shown exactly as the source states it: the amount, what it covers (per year or the
whole course, or that the source did not say) and the academic year ("£15,800 per year
(2026/27)"). Fees are compared on one basis, the whole full-time course. The database works
that figure out (``Programme.fee_*_course``, see ``models.whole_course_fee``); this module says
in words why a fee could not be put on that basis, so a student is never left guessing why a
programme is missing from a fee filter, the fee sort or the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma

from .models import FeePeriod, Programme

BASIS = "the whole full-time course"
BASIS_EXPLAINED = (
    "Fees are compared for the whole full-time course: a fee charged per year counts once for "
    "each year of a two-, three-, four- or five-year course, and any fee for a course of 12 "
    "months or less is the whole course. Where that total cannot be worked out, the programme "
    "is left out of fee filters and fee comparisons, and we say why."
)
KINDS = {"home": "Home fee", "international": "International fee"}
COVERS: dict[str, str] = {
    FeePeriod.PER_YEAR: "per year",
    FeePeriod.FULL_COURSE: "for the whole course",
}
NOT_STATED = "per year or whole course not stated"


def money(amount: int) -> str:
    """Whole pounds, the one way the site writes money: 14500 -> "£14,500"."""
    return f"£{intcomma(amount)}"


def fee_text(amount: int | None, period: str, year: str) -> str | None:
    """The fee as the source states it, e.g. "£15,800 per year (2026/27)". None when unknown."""
    if amount is None:
        return None
    text = money(amount)
    if period in COVERS:
        text += f" {COVERS[period]}"
    text += f" ({year})" if year else " (year not recorded)"
    if not period:
        text += f", {NOT_STATED}"
    return text


@dataclass(frozen=True)
class CourseFee:
    """A fee on the comparison basis: ``amount``, or ``reason`` (a clause) why there is none."""

    amount: int | None
    reason: str | None = None  # None when the fee itself is not recorded
    year: str = ""

    @property
    def text(self) -> str | None:
        """The whole-course figure with its academic year, e.g. "£29,000 (2026/27)"."""
        if self.amount is None:
            return None
        return money(self.amount) + (f" ({self.year})" if self.year else "")


def course_fee(programme: Programme, kind: str) -> CourseFee:
    """The fee for the whole full-time course, or why it cannot be given."""
    amount = getattr(programme, f"fee_{kind}")
    total = getattr(programme, f"fee_{kind}_course")
    if total is not None:
        return CourseFee(total, year=programme.fee_year)
    if amount is None:
        return CourseFee(None)
    months = programme.duration_full_time_months
    if programme.fee_period == FeePeriod.PER_YEAR:
        if months is None:
            reason = "it is charged per year and the full-time length is not recorded"
        else:
            reason = (
                f"it is charged per year and the course lasts {months} months full-time, "
                "so how the part year is charged is not known"
            )
    elif months is None:
        reason = (
            "the source does not say whether it is per year or for the whole course, and the "
            "full-time length is not recorded"
        )
    else:
        reason = (
            "the source does not say whether it is per year or for the whole course, and the "
            f"course lasts {months} months full-time"
        )
    return CourseFee(None, reason)


def short_reason(fee: CourseFee) -> str:
    """A few words for tight spaces (chart labels, cards)."""
    return "not recorded yet" if fee.reason is None else "total not known"
