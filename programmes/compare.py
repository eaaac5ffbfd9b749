"""Building the side-by-side comparison: parsing ``p`` values, fact rows and the SVG chart."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma

from .models import Programme
from .shortlist import MAX_SHORTLIST

MAX_RAW_VALUES = 50  # more p values than this are not even looked at
NOT_PUBLISHED = "not published by the university"


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
    text: str | None  # None = not published
    url: str | None = None
    best: str = ""  # "Lowest", "Shortest" or ""


@dataclass
class Row:
    label: str
    cells: list[Cell]
    differs: bool


def _money(value: int | None, year: str) -> str | None:
    if value is None:
        return None
    return f"£{intcomma(value)}" + (f" ({year})" if year else "")


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


def build_rows(programmes: list[Programme]) -> list[Row]:
    def row(label, texts, *, values=None, best_word=""):
        cells = [Cell(text) for text in texts]
        if values is not None:
            _mark_lowest(cells, values, best_word)
        differs = len({c.text for c in cells}) > 1
        return Row(label, cells, differs)

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
        row(
            "Home fee",
            [_money(p.fee_home, p.fee_year) for p in ps],
            values=[p.fee_home for p in ps],
            best_word="Lowest",
        ),
        row(
            "International fee",
            [_money(p.fee_international, p.fee_year) for p in ps],
            values=[p.fee_international for p in ps],
            best_word="Lowest",
        ),
        row("Start months", [", ".join(p.start_month_names) or None for p in ps]),
        row(
            "Minimum degree",
            [p.get_min_degree_display() if p.min_degree else None for p in ps],
        ),
        row(
            "IELTS overall",
            [str(p.ielts_overall) if p.ielts_overall is not None else None for p in ps],
        ),
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
    official = Row(
        "Official course page",
        [Cell("Official page" if p.official_url else None, url=p.official_url or None) for p in ps],
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


CHART_WIDTH = 460
LABEL_WIDTH = 110
BAR_HEIGHT = 16
BAR_GAP = 4
PROGRAMME_GAP = 10
GROUP_HEADER = 30
VALUE_ROOM = 110


def build_chart(programmes: list[Programme]) -> Chart:
    """Geometry for a small inline SVG of fees and full-time durations (no JS, no library)."""
    plot = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    max_fee = max(
        [v for p in programmes for v in (p.fee_home, p.fee_international) if v is not None] or [1]
    )
    max_months = max([p.duration_full_time_months or 0 for p in programmes] or [1]) or 1
    y = 0.0
    groups = []
    fee_bars: list[Bar] = []
    y += GROUP_HEADER
    fee_y0 = y
    for index, p in enumerate(programmes, start=1):
        for kind, value, name in (
            ("home", p.fee_home, "home"),
            ("international", p.fee_international, "intl."),
        ):
            bar = Bar(label=f"{index}. {name}", value=value, kind=kind, y=y, x=LABEL_WIDTH)
            bar.width = (value / max_fee) * plot if value else 0
            bar.value_text = f"£{intcomma(value)}" if value is not None else "not published"
            bar.text_x = LABEL_WIDTH + bar.width + 6
            fee_bars.append(bar)
            y += BAR_HEIGHT + BAR_GAP
        y += PROGRAMME_GAP
    groups.append(ChartGroup("Fees for the whole course (£)", fee_y0 - 12, fee_bars))
    y += GROUP_HEADER
    dur_y0 = y
    duration_bars = []
    for index, p in enumerate(programmes, start=1):
        value = p.duration_full_time_months
        bar = Bar(label=f"{index}. full-time", value=value, kind="duration", y=y, x=LABEL_WIDTH)
        bar.width = (value / max_months) * plot if value else 0
        bar.value_text = f"{value} months" if value is not None else "not published"
        bar.text_x = LABEL_WIDTH + bar.width + 6
        duration_bars.append(bar)
        y += BAR_HEIGHT + BAR_GAP + 4
    groups.append(ChartGroup("Full-time duration (months)", dur_y0 - 12, duration_bars))
    parts = []
    for index, p in enumerate(programmes, start=1):
        home = f"£{intcomma(p.fee_home)}" if p.fee_home is not None else NOT_PUBLISHED
        intl = (
            f"£{intcomma(p.fee_international)}"
            if p.fee_international is not None
            else NOT_PUBLISHED
        )
        months = (
            f"{p.duration_full_time_months} months"
            if p.duration_full_time_months is not None
            else NOT_PUBLISHED
        )
        parts.append(
            f"{index}. {p.full_title}, {p.university.name}: home fee {home}, "
            f"international fee {intl}, full-time duration {months}."
        )
    return Chart(CHART_WIDTH, int(y + 10), groups, " ".join(parts))
