"""Check my eligibility: a student's IELTS score and degree class against what a programme asks.

Given as GET parameters (``my_ielts``, ``my_degree``) on the list and detail pages: shareable,
kept in the page cache per value, no account and no JavaScript. Unknown stays unknown: a
programme that does not record a requirement is "not recorded", never "meets".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Q

from .models import IELTS_STEPS, DegreeClass, Programme

MY_IELTS_CHOICES = [(f"{step:.1f}", f"{step:.1f}") for step in IELTS_STEPS]
OTHER_DEGREE = "other"
MY_DEGREE_CHOICES = [
    ("first", "First"),
    ("2:1", "2:1 (upper second)"),
    ("2:2", "2:2 (lower second)"),
    ("third", "Third or pass"),
    (OTHER_DEGREE, "Another or a non-UK qualification"),
]
# Higher is better; a programme asking for a class accepts that class and any above it.
DEGREE_RANK = {
    DegreeClass.FIRST: 4,
    DegreeClass.UPPER_SECOND: 3,
    DegreeClass.LOWER_SECOND: 2,
    DegreeClass.THIRD: 1,
}

MEETS, BELOW, UNKNOWN = "meets", "below", "unknown"


@dataclass(frozen=True)
class Mine:
    """What the student said about themselves (None / "" when they did not say)."""

    ielts: Decimal | None = None
    degree: str = ""

    def __bool__(self) -> bool:
        return self.ielts is not None or bool(self.degree)


class EligibilityForm(forms.Form):
    my_ielts = forms.ChoiceField(
        label="My IELTS overall", choices=[("", "Not given"), *MY_IELTS_CHOICES], required=False
    )
    my_degree = forms.ChoiceField(
        label="My degree", choices=[("", "Not given"), *MY_DEGREE_CHOICES], required=False
    )

    def mine(self) -> Mine:
        """The valid answers (a refused one counts as not given; the form shows its error)."""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        return mine_from(self.cleaned_data)


def mine_from(cleaned: dict) -> Mine:
    """``Mine`` from a form's cleaned ``my_ielts`` and ``my_degree``."""
    ielts = cleaned.get("my_ielts") or ""
    return Mine(Decimal(ielts) if ielts else None, cleaned.get("my_degree") or "")


@dataclass(frozen=True)
class Check:
    fact: str  # "IELTS", "Degree"
    status: str  # MEETS, BELOW or UNKNOWN
    text: str  # what the card and page say

    @property
    def label(self) -> str:
        return {MEETS: "Meets", BELOW: "Below", UNKNOWN: "Not recorded"}[self.status]


def ielts_check(programme: Programme, mine: Decimal) -> Check:
    needed, component = programme.ielts_overall, programme.ielts_min_component
    if needed is None:
        return Check("IELTS", UNKNOWN, "not recorded: check the official page")
    parts = f", with at least {component:.1f} in each part" if component is not None else ""
    if mine >= needed:
        return Check("IELTS", MEETS, f"meets: asks for {needed:.1f} overall{parts}")
    return Check("IELTS", BELOW, f"below: needs IELTS {needed:.1f} overall{parts}")


def degree_check(programme: Programme, mine: str) -> Check:
    needed = programme.min_degree
    if not needed:
        return Check("Degree", UNKNOWN, "minimum class not recorded: check the official page")
    asked = programme.get_min_degree_display()
    if mine == OTHER_DEGREE:
        return Check(
            "Degree",
            UNKNOWN,
            f"asks for {asked} or equivalent: check how the official page reads your qualification",
        )
    if DEGREE_RANK[DegreeClass(mine)] >= DEGREE_RANK[DegreeClass(needed)]:
        return Check("Degree", MEETS, f"meets: asks for {asked}")
    return Check("Degree", BELOW, f"below: asks for {asked}")


def checks(programme: Programme, mine: Mine) -> list[Check]:
    found = []
    if mine.ielts is not None:
        found.append(ielts_check(programme, mine.ielts))
    if mine.degree:
        found.append(degree_check(programme, mine.degree))
    return found


def met_or_unsaid(mine: Mine) -> Q:
    """Programmes whose recorded requirements the student meets, or that do not record them."""
    condition = Q()
    if mine.ielts is not None:
        condition &= Q(ielts_overall__lte=mine.ielts) | Q(ielts_overall__isnull=True)
    if mine.degree and mine.degree != OTHER_DEGREE:
        rank = DEGREE_RANK[DegreeClass(mine.degree)]
        accepted = [degree for degree, needed in DEGREE_RANK.items() if needed <= rank]
        condition &= Q(min_degree__in=[*accepted, ""])
    return condition
