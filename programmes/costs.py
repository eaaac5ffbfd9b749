"""What it costs: the Student visa money rule, the visa's charges and the loans by home nation,
worked out from the sourced reference figures (programmes/data/reference/) and a programme's
recorded facts.

Rules are stated as rules ("the Home Office asks you to show"), every figure carries its source
and read date, and no total is made from an unknown part: what is missing is said instead.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.html import format_html

from .fees import course_fee, money
from .models import FeePeriod, Programme, ReferenceFigure, ReferenceRule

LIVING_MONTHS_MAX = 9
LONDON = "London"
HOME_NATIONS = [
    ("england", "England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
]
# The loans each home nation's students may take for a master's (keys in costs.csv).
LOANS = {
    "england": ["masters_loan_england"],
    "wales": ["masters_loan_wales"],
    "scotland": ["pg_tuition_fee_loan_scotland", "pg_living_cost_loan_scotland"],
    "northern-ireland": ["pg_tuition_fee_loan_northern_ireland"],
}
# What each loan pays for, in the words of costs.csv's notes.
LOAN_COVERS = {
    "masters_loan_england": "fees and living costs, as you choose",
    "masters_loan_wales": "fees and living costs, as you choose",
    "pg_tuition_fee_loan_scotland": "tuition fees",
    "pg_living_cost_loan_scotland": "living costs (full-time study only)",
    "pg_tuition_fee_loan_northern_ireland": "tuition fees only, paid to the university",
}
# The Immigration Health Surcharge for a visa of this course's length, where the source says it:
# costs.csv notes "a 12-month course with its visa extension typically costs 1164".
IHS_BY_COURSE_MONTHS = {12: 1164}


class CostForm(forms.Form):
    fee_status = forms.ChoiceField(
        label="My fee status",
        choices=[("", "Show both"), ("home", "Home (UK)"), ("international", "International")],
        required=False,
    )
    home_nation = forms.ChoiceField(
        label="My home nation (home students)",
        choices=[("", "Show every nation"), *HOME_NATIONS],
        required=False,
    )


@dataclass(frozen=True)
class Cited:
    """A figure as the page shows it: the amount, and where and when it was read."""

    amount: int
    source_url: str
    source_read: datetime.date
    kind: str  # models.SourceKind, or "" when not stated
    notes: str = ""


@dataclass
class Line:
    label: str
    amount: int | None  # None: not known (``missing`` says why)
    how: str = ""  # the working, e.g. "9 x £1,529 (London)"
    cited: Cited | None = None
    missing: str = ""

    @property
    def text(self) -> str:
        return money(self.amount) if self.amount is not None else "Not known"


@dataclass
class Total:
    label: str
    lines: list[Line]

    @property
    def amount(self) -> int | None:
        if any(line.amount is None for line in self.lines):
            return None  # never a total from an unknown part
        return sum(line.amount for line in self.lines if line.amount is not None)

    @property
    def missing(self) -> list[str]:
        return [line.label.lower() for line in self.lines if line.amount is None]


@dataclass
class International:
    to_show: Total
    up_front: Total
    graduate_visa: list[ReferenceRule] = field(default_factory=list)
    graduate_visa_certain: bool = False

    @property
    def totals(self) -> list[Total]:
        return [self.to_show, self.up_front]


@dataclass
class Loan:
    nation: str
    label: str
    cited: Cited | None
    covers: str
    missing: str = ""


@dataclass
class Home:
    course_fee: int | None
    fee_missing: str
    loans: list[Loan]


def _cite(figure: ReferenceFigure) -> Cited:
    return Cited(
        figure.amount_gbp,
        figure.source_url,
        figure.checked_on,
        figure.source_kind,
        figure.notes,
    )


class Figures:
    """The reference figures and rules, looked up by key for a date."""

    def __init__(self, figures: list[ReferenceFigure], rules: list[ReferenceRule]):
        self.figures = figures
        self.rules = rules

    @classmethod
    def load(cls) -> Figures:
        return cls(list(ReferenceFigure.objects.all()), list(ReferenceRule.objects.all()))

    def get(self, key: str, on: datetime.date) -> ReferenceFigure | None:
        for figure in self.figures:
            starts, ends = figure.effective_from, figure.effective_to
            if (
                figure.key == key
                and (starts is None or starts <= on)
                and (ends is None or on <= ends)
            ):
                return figure
        return None

    def rules_named(self, prefix: str) -> list[ReferenceRule]:
        return sorted(
            (rule for rule in self.rules if rule.key.startswith(prefix)),
            key=lambda rule: rule.effective_from or datetime.date.min,
        )


def course_start(programme: Programme) -> datetime.date | None:
    if programme.next_intake_year is None:
        return None
    return datetime.date(programme.next_intake_year, programme.next_intake_month or 1, 1)


def _first_year_fee(programme: Programme) -> Line:
    label = "First year's tuition fee"
    fee, months = programme.fee_international, programme.duration_full_time_months
    if fee is None:
        return Line(label, None, missing="the international fee is not recorded")
    year = f" ({programme.fee_year} fee)" if programme.fee_year else ""
    if programme.fee_period == FeePeriod.PER_YEAR:
        return Line(label, fee, how=f"{money(fee)} a year{year}")
    if months is not None and months <= 12:
        return Line(label, fee, how=f"{money(fee)} for the whole {months}-month course{year}")
    why = "the course's length is not recorded" if months is None else "it lasts over a year"
    return Line(
        label, None, missing=f"the fee's first-year share is not known ({why}; see the fee)"
    )


def _living_costs(programme: Programme, figures: Figures, on: datetime.date) -> Line:
    london = programme.university.city == LONDON
    place = "London" if london else "outside London"
    key = f"student_visa_living_costs_{'london' if london else 'outside_london'}"
    label = "Living costs the Home Office asks you to show"
    figure = figures.get(key, on)
    if figure is None:
        return Line(label, None, missing=f"the figure for {on:%-d %B %Y} is not recorded")
    months = programme.duration_full_time_months
    if months is None:
        return Line(
            label,
            None,
            cited=_cite(figure),
            missing=f"the course's length is not recorded (up to {LIVING_MONTHS_MAX} x "
            f"{money(figure.amount_gbp)}, {place}; fewer months if the course is shorter)",
        )
    counted = min(months, figure.max_units or LIVING_MONTHS_MAX)
    return Line(
        label,
        counted * figure.amount_gbp,
        how=f"{counted} x {money(figure.amount_gbp)}, {place}",
        cited=_cite(figure),
    )


def international(programme: Programme, figures: Figures, today: datetime.date) -> International:
    fee = _first_year_fee(programme)
    living = _living_costs(programme, figures, today)
    visa_figure = figures.get("student_visa_application_fee", today)
    visa = (
        Line("Student visa application fee", visa_figure.amount_gbp, cited=_cite(visa_figure))
        if visa_figure
        else Line("Student visa application fee", None, missing="not recorded for today")
    )
    ihs_figure = figures.get("immigration_health_surcharge_student", today)
    months = programme.duration_full_time_months
    if ihs_figure is None:
        ihs = Line("Immigration Health Surcharge", None, missing="not recorded for today")
    elif months in IHS_BY_COURSE_MONTHS:
        amount = IHS_BY_COURSE_MONTHS[months]
        ihs = Line(
            "Immigration Health Surcharge",
            amount,
            how=f"{money(ihs_figure.amount_gbp)} a year for the visa, which lasts longer than "
            f"the {months}-month course",
            cited=_cite(ihs_figure),
        )
    else:
        ihs = Line(
            "Immigration Health Surcharge",
            None,
            cited=_cite(ihs_figure),
            missing=f"{money(ihs_figure.amount_gbp)} a year for the whole visa (half for a part "
            "year of 6 months or less); the visa's length for this course is not worked out here",
        )
    result = International(
        to_show=Total("Money to show for the visa", [fee, living]),
        up_front=Total("Paid when you apply for the visa", [visa, ihs]),
    )
    result.graduate_visa, result.graduate_visa_certain = _graduate_visa(programme, figures)
    return result


def _graduate_visa(programme: Programme, figures: Figures) -> tuple[list[ReferenceRule], bool]:
    """The Graduate visa rule for the likely application date (when the course ends), or every
    dated rule when that date cannot be worked out."""
    rules = figures.rules_named("graduate_route_masters")
    start, months = course_start(programme), programme.duration_full_time_months
    if start is None or months is None:
        return rules, False
    total = start.month - 1 + months
    ends = datetime.date(start.year + total // 12, total % 12 + 1, 1)
    for rule in rules:
        begins, stops = rule.effective_from, rule.effective_to
        if (begins is None or begins <= ends) and (stops is None or ends <= stops):
            return [rule], True
    return rules, False


def home(programme: Programme, figures: Figures, nations: list[str], on: datetime.date) -> Home:
    total = course_fee(programme, "home")
    loans = []
    for nation in nations:
        name = dict(HOME_NATIONS)[nation]
        for key in LOANS[nation]:
            figure = figures.get(key, on)
            if figure is None:
                loans.append(
                    Loan(name, key, None, LOAN_COVERS[key], f"not recorded for {on:%B %Y}")
                )
            else:
                loans.append(Loan(name, figure.label, _cite(figure), LOAN_COVERS[key]))
    return Home(total.amount, total.reason or ("" if total.amount else "not recorded"), loans)


# ----- figures in guides ------------------------------------------------------------------

# An editor writes [[figure:student_visa_living_costs_london]] in a guide's Markdown; the page
# shows the figure in effect today with its source, so a changed figure reaches every guide at
# once and no amount is ever typed into a guide.
FIGURE_TAG = re.compile(r"\[\[figure:([a-z0-9_]{1,80})\]\]")


def fill_figures(html: str, figures: Figures, today: datetime.date) -> str:
    """``html`` (sanitised guide HTML) with each figure tag replaced by the figure in effect
    ``today``, its unit and its source; an unknown key reads "(figure not recorded)"."""

    def figure_html(found: re.Match) -> str:
        figure = figures.get(found[1], today)
        if figure is None:
            return "(figure not recorded)"
        return str(
            format_html(
                '{} {} (<a href="{}" rel="noopener nofollow">source</a>, read {})',
                money(figure.amount_gbp),
                figure.unit,
                figure.source_url,
                f"{figure.checked_on:%-d %B %Y}",
            )
        )

    return FIGURE_TAG.sub(figure_html, html)
