"""Building the side-by-side comparison: parsing ``p`` values, fact rows and the SVG chart."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import costs, fees
from .fees import money
from .models import Programme
from .shortlist import MAX_SHORTLIST

MAX_RAW_VALUES = 50  # more p values than this are not even looked at
NOT_RECORDED = "not recorded yet"


@dataclass
class Selection:
    ids: list[int] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (value shown, reason)


def parse_ids(raw_values: list[str]) -> Selection:
    """Turn the ``p`` query values into at most four ids, saying what was dropped and why."""
    selection = Selection()
    extra = len(raw_values) - MAX_RAW_VALUES
    for raw in raw_values[:MAX_RAW_VALUES]:
        shown = raw[:20]
        try:
            number = int(raw.strip())
            if number <= 0 or number >= 2**63:
                raise ValueError
        except ValueError:
            selection.dropped.append((shown, "is not a programme number"))
            continue
        if number in selection.ids:
            selection.dropped.append((shown, "was listed twice"))
        elif len(selection.ids) >= MAX_SHORTLIST:
            selection.dropped.append((shown, f"only {MAX_SHORTLIST} programmes fit side by side"))
        else:
            selection.ids.append(number)
    if extra > 0:
        selection.dropped.append((f"{extra} more", "too many values were given"))
    return selection


@dataclass
class Cell:
    text: str | None  # None = not recorded yet
    url: str | None = None
    best: str = ""  # "Lowest", "Shortest" or ""
    note: str = ""  # why a figure is missing from the comparison


@dataclass
class Row:
    label: str
    cells: list[Cell]
    differs: bool  # at least two programmes record it, and they are not the same
    missing: list[int] = field(default_factory=list)  # the programmes (1, 2…) not recording it


def _months(value: int | None) -> str | None:
    return None if value is None else f"{value} months"


def _mark_lowest(cells: list[Cell], values: list[int | None], word: str) -> None:
    known = [v for v in values if v is not None]
    if len(known) < 2 or len(set(known)) == 1:
        return
    lowest = min(known)
    for cell, value in zip(cells, values, strict=True):
        if value == lowest:
            cell.best = word


def build_rows(
    programmes: list[Programme], figures: costs.Figures | None = None, today=None
) -> list[Row]:
    def row(label, texts, *, values=None, best_word="", notes=None):
        cells = [Cell(text) for text in texts]
        if values is not None:
            _mark_lowest(cells, values, best_word)
        for cell, note in zip(cells, notes or [], strict=False):
            cell.note = note
        recorded = [c for c in cells if c.text is not None]
        differs = len(recorded) > 1 and len({(c.text, c.note) for c in recorded}) > 1
        missing = [number for number, c in enumerate(cells, start=1) if c.text is None]
        return Row(label, cells, differs, missing if len(missing) < len(cells) else [])

    def fee_rows(kind: str, label: str) -> list[Row]:
        stated = row(
            f"{label} (as the source states it)",
            [fees.fee_text(getattr(p, f"fee_{kind}"), p.fee_period, p.fee_year) for p in ps],
        )
        totals = [fees.course_fee(p, kind) for p in ps]
        compared = row(
            f"{label} for the whole full-time course",
            [t.text for t in totals],
            values=[t.amount for t in totals],
            best_word="Lowest",
            notes=[f"Not compared: {t.reason}." if t.reason else "" for t in totals],
        )
        return [stated, compared]

    ps = programmes
    rows = [
        row("University", [p.university.name for p in ps]),
        row(
            "City and nation",
            [f"{p.university.city}, {p.university.get_nation_display()}" for p in ps],
        ),
        row("Award", [p.get_award_display() for p in ps]),
        row("Study modes", [", ".join(p.modes) or None for p in ps]),
        row(
            "Full-time duration",
            [_months(p.duration_full_time_months) for p in ps],
            values=[p.duration_full_time_months for p in ps],
            best_word="Shortest",
        ),
        row(
            "Part-time duration",
            [_months(p.duration_part_time_months) for p in ps],
            values=[p.duration_part_time_months for p in ps],
            best_word="Shortest",
        ),
        *fee_rows("home", "Home fee"),
        *fee_rows("international", "International fee"),
        row("Start months", [", ".join(p.start_month_names) or None for p in ps]),
        row(
            "Minimum degree",
            [p.get_min_degree_display() if p.min_degree else None for p in ps],
        ),
        row("IELTS", [p.ielts_text or None for p in ps]),
        row("Who it is for", [", ".join(p.audiences) or None for p in ps]),
        row(
            "Work experience required",
            [{True: "Yes", False: "No"}.get(p.work_experience) for p in ps],
        ),
        row("Next intake", [p.next_intake or None for p in ps]),
        row("Application deadlines", [p.deadlines_text or None for p in ps]),
        row(
            "Placement or industry project",
            [{True: "Yes", False: "No"}.get(p.placement) for p in ps],
        ),
        row("Topics", [", ".join(t.name for t in p.topics.all()) or None for p in ps]),
        row(
            "Last verified",
            [
                p.last_verified.strftime("%-d %B %Y") if p.last_verified else "Not yet verified"
                for p in ps
            ],
        ),
    ]
    if figures is not None:
        money_rows = [costs.international(p, figures, today) for p in ps]
        for label, pick in (
            ("International: money to show for the visa", lambda i: i.to_show),
            ("International: paid when you apply for the visa", lambda i: i.up_front),
        ):
            totals = [pick(i) for i in money_rows]
            rows.append(
                row(
                    label,
                    [money(t.amount) if t.amount is not None else None for t in totals],
                    notes=[
                        ""
                        if t.amount is not None
                        else f"No total: {' and '.join(t.missing)} "
                        f"{'is' if len(t.missing) == 1 else 'are'} not known."
                        for t in totals
                    ],
                )
            )
    official = Row(
        "Official course page",
        [
            Cell("Official page" if p.official_page else None, url=p.official_page or None)
            for p in ps
        ],
        differs=False,
    )
    rows.append(official)
    return rows


# ----- the chart -----------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: int | None
    x: float = 0
    y: float = 0
    width: float = 0
    text_x: float = 0
    kind: str = ""
    value_text: str = ""

    @property
    def label_x(self) -> float:
        return self.x - 8

    @property
    def text_y(self) -> float:
        return self.y + 12


@dataclass
class ChartGroup:
    title: str
    y: float
    bars: list[Bar]


@dataclass
class Chart:
    width: int
    height: int
    groups: list[ChartGroup]
    description: str
    notes: list[str] = field(default_factory=list)  # fees left out of the chart, and why


CHART_WIDTH = 460
LABEL_WIDTH = 110
BAR_HEIGHT = 16
BAR_GAP = 4
PROGRAMME_GAP = 10
GROUP_HEADER = 30
VALUE_ROOM = 150


def build_chart(programmes: list[Programme]) -> Chart:
    """Geometry for a small inline SVG of fees and full-time durations (no JS, no library).

    Fee bars are on one basis, the whole full-time course; a fee that cannot be put on it has
    no bar, and the chart's description and ``Chart.notes`` say why.
    """
    plot = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    totals = [
        {kind: fees.course_fee(p, kind) for kind in ("home", "international")} for p in programmes
    ]
    max_fee = max([t.amount for row in totals for t in row.values() if t.amount] or [1])
    max_months = max([p.duration_full_time_months or 0 for p in programmes] or [1]) or 1
    y = 0.0
    groups = []
    fee_bars: list[Bar] = []
    y += GROUP_HEADER
    fee_y0 = y
    for index, row in enumerate(totals, start=1):
        for kind, name in (("home", "home"), ("international", "intl.")):
            total = row[kind]
            value = total.amount
            bar = Bar(label=f"{index}. {name}", value=value, kind=kind, y=y, x=LABEL_WIDTH)
            bar.width = (value / max_fee) * plot if value else 0
            bar.value_text = total.text or fees.short_reason(total)
            bar.text_x = LABEL_WIDTH + bar.width + 6
            fee_bars.append(bar)
            y += BAR_HEIGHT + BAR_GAP
        y += PROGRAMME_GAP
    groups.append(ChartGroup(f"Fees for {fees.BASIS} (£)", fee_y0 - 12, fee_bars))
    y += GROUP_HEADER
    dur_y0 = y
    duration_bars = []
    for index, p in enumerate(programmes, start=1):
        value = p.duration_full_time_months
        bar = Bar(label=f"{index}. full-time", value=value, kind="duration", y=y, x=LABEL_WIDTH)
        bar.width = (value / max_months) * plot if value else 0
        bar.value_text = f"{value} months" if value is not None else NOT_RECORDED
        bar.text_x = LABEL_WIDTH + bar.width + 6
        duration_bars.append(bar)
        y += BAR_HEIGHT + BAR_GAP + 4
    groups.append(ChartGroup("Full-time duration (months)", dur_y0 - 12, duration_bars))
    parts, notes = [], []
    for index, (p, row) in enumerate(zip(programmes, totals, strict=True), start=1):
        said = []
        for kind, label in fees.KINDS.items():
            total = row[kind]
            if total.amount is not None:
                said.append(f"{label.lower()} {total.text} for {fees.BASIS}")
            elif total.reason:
                stated = fees.fee_text(getattr(p, f"fee_{kind}"), p.fee_period, p.fee_year)
                said.append(f"{label.lower()} {stated}, not charted because {total.reason}")
                notes.append(f"{index}. {label} {stated}: not charted because {total.reason}.")
            else:
                said.append(f"{label.lower()} {NOT_RECORDED}")
        months = (
            f"{p.duration_full_time_months} months"
            if p.duration_full_time_months is not None
            else NOT_RECORDED
        )
        parts.append(
            f"{index}. {p.full_title}, {p.university.name}: {'; '.join(said)}; "
            f"full-time duration {months}."
        )
    return Chart(CHART_WIDTH, int(y + 10), groups, " ".join(parts), notes)
