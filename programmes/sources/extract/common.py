"""What every subject shares: the fields, ``Fact``, quoting, sentences, labels, academic
years, study modes."""

from __future__ import annotations

import calendar
import dataclasses
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .text import Line, clean

# Reading one page's facts may take at most this long (seconds). Every finder is linear in the
# page's text, which the fetcher caps; the limit is the guard for an input nobody foresaw.
TIME_LIMIT = 2.0
_deadline: ContextVar[float] = ContextVar("extract_deadline", default=math.inf)


class TooSlow(Exception):
    """Reading the page's facts took longer than ``TIME_LIMIT``: the page is skipped."""


@contextmanager
def reading_within(seconds: float) -> Iterator[None]:
    """The deadline for the finders' ``each_line`` loops, for the ``with`` block."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def text_below(lines: Sequence[Line], index: int) -> str:
    """The text of the line after ``lines[index]``, or "" at the end."""
    return lines[index + 1].text if index + 1 < len(lines) else ""


def each_line(lines: Sequence[Line]) -> Iterator[tuple[int, Line]]:
    """``enumerate(lines)``, stopping with ``TooSlow`` once the page's deadline has passed."""
    deadline = _deadline.get()
    for index, line in enumerate(lines):
        if index % 32 == 0 and time.monotonic() > deadline:
            raise TooSlow(f"reading the facts took longer than {TIME_LIMIT:g} s")
        yield index, line


# The same (number, name) pairs as programmes.models.MONTHS; not imported from there so this
# module needs no Django settings (bench-extract runs it bare).
MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]

# The CSV export's column names: the fields the extractor can find.
FIELDS = [
    "fee_home_gbp",
    "fee_international_gbp",
    "ielts_overall",
    "ielts_min_component",
    "duration_full_time_months",
    "duration_part_time_months",
    "modes",
    "start_months",
    "min_degree",
    "placement",
    "next_intake",
    "applications_open",
    "deadline_home",
    "deadline_international",
]
FEE_FIELDS = ("fee_home_gbp", "fee_international_gbp")
MAX_QUOTE = 300


# An amount: "£12,800", "GBP 12800", "12,800 pounds", or a price after a label's colon with
# its period but no currency sign ("Home (Full-time): 12,800 per year", Durham's fee boxes).
MONEY = re.compile(
    r"(?:£|GBP\s?)\s?(\d{1,3}(?:,\d{3})+|\d{4,6})(?:\.\d{2})?(?!\s*(?:k\b|million|m\b))"
    r"|\b(\d{1,3}(?:,\d{3})+|\d{4,6})(?:\.\d{2})?\s?(?:GBP|pounds)\b"
    r"|(?<=: )(\d{1,3}(?:,\d{3})+)(?=\s(?:per (?:academic )?year|per annum)\b)",
    re.I,
)


@dataclass
class Fact:
    field: str
    value: object
    quote: str
    period: str | None = None
    year: str | None = None
    # Internal: used to choose between candidates, never shown.
    # (``dataclasses.field``: the attribute ``field`` above hides the bare name.)
    rank: tuple = dataclasses.field(default=(), compare=False, repr=False)

    def as_json(self) -> dict:
        data = {"field": self.field, "value": self.value}
        if self.field in FEE_FIELDS:
            data["period"] = self.period
            data["year"] = self.year
        data["quote"] = self.quote
        return data

    def display_value(self) -> str:
        """The value as the CSV export writes it."""
        return display_value(self.field, self.value)


def display_value(field_name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if field_name in ("ielts_overall", "ielts_min_component"):
        return f"{Decimal(str(value)):.1f}"
    return str(value)


def quote_around(text: str, start: int = 0, end: int | None = None) -> str:
    """The sentence (or table row) around text[start:end], at most MAX_QUOTE characters."""
    end = start if end is None else end
    for offset, sentence in sentences(text):
        if offset <= start < offset + len(sentence):
            if len(sentence) <= MAX_QUOTE:
                return sentence.strip()
            break
    if len(text) <= MAX_QUOTE:
        return text
    left = max(text.rfind(". ", 0, start) + 2, 0)
    if start - left > MAX_QUOTE // 2:
        left = max(start - MAX_QUOTE // 2, 0)
    right = text.find(". ", end)
    right = len(text) if right == -1 else right + 1
    right = min(right, left + MAX_QUOTE)
    return text[left:right].strip()


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@lru_cache(maxsize=256)  # a pure function of text, asked again for every amount on a line
def sentences(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, sentence) pairs; a table row is one sentence per segment."""
    out, offset = [], 0
    for part in _SENTENCE_SPLIT.split(text):
        index = text.find(part, offset)
        out.append((index, part))
        offset = index + len(part)
    return tuple(out)


def with_label(lines: list[Line], index: int, quote: str) -> str:
    """The quote, led by the short label line above it when the line alone says too little
    ("Start date" / "September" becomes "Start date: September")."""
    if index == 0 or len(quote) > 60:
        return quote
    above = lines[index - 1]
    if above.row or len(above.text) > 60 or above.text in quote:
        return quote
    return f"{above.text.rstrip(':')}: {quote}"


def line_contexts(lines: list[Line]) -> list[str]:
    """For each line, the heading and the short label line it sits under.

    A label ("Tuition Fees", "Start date:") stays in force for the lines after it that carry
    values, so every item of a list under it is read with it, until the next label or heading.
    """
    contexts, heading, label = [], "", ""
    for index, line in each_line(lines):
        contexts.append(clean(f"{heading} {label}") if label != heading else heading)
        if line.heading and not line.table_head:
            heading, label = line.text[:120], ""
        elif MODE_ONLY.match(line.text) and _mode_list(lines, index):
            # "Attendance", "Full-time", "Part-time", "Fees": the modes are values of the label
            # above them, not titles of what follows.
            continue
        elif not line.table_head and _one_cell(line) and is_label(line.text):
            # (A "row" of one cell, "| Annual Fee |" in plain text, is a label too.)
            after = lines[index + 1] if index + 1 < len(lines) else None
            if after is not None and _one_cell(after) and _titles(after) and not line.heading:
                # A label over labels ("Fees 2026/27", then "Home", "£9,000") or over a
                # paragraph ("Fees and funding", then "The fees listed below are ..."): a
                # section title, as plain text and some pages write headings.
                heading, label = line.text[:120], ""
            else:
                label = line.text
    return contexts


# A mode on its own line ("Full-time", "• Part time:"): a value in a list of modes, or the label
# above a length.
MODE_ONLY = re.compile(r"^[-•*\s]*(full[- ]?time|part[- ]?time)[\s:]*$", re.I)


def _mode_list(lines: list[Line], index: int) -> bool:
    """Whether the bare mode at ``index`` is one of a list of modes (a line beside it is one)."""
    return any(
        0 <= near < len(lines) and bool(MODE_ONLY.match(lines[near].text))
        for near in (index - 1, index + 1)
    )


def _titles(after: Line) -> bool:
    """Whether a label over ``after`` is a section's title: a label, a paragraph (a long line
    with no amount) or a sentence introducing a list ("... the tuition fees are as follows:")
    follows it, not a value."""
    text = after.text
    return (
        is_label(text)
        or (len(text) > 120 and not MONEY.search(text))
        or (len(text) > 40 and text.rstrip().endswith(":") and not MONEY.search(text))
    )


def _one_cell(line: Line) -> bool:
    return not line.row or " | " not in line.text


def is_label(text: str) -> bool:
    return (
        len(text) <= 60
        and not MONEY.search(text)
        and not _ANY_PRICE.search(text)  # "Home (per credit): £53.95" is a value, not a label
        and not text.rstrip().endswith((".", "!"))
    )


_ANY_PRICE = re.compile(r"£\s?\d")


# Academic years: "2026/27", "2026-27", "2026–2027", "2026 entry", "entry in 2026".
_YEAR = re.compile(
    r"\b(20\d\d)\s*(?:/|-|–|—|to)\s*((?:20)?\d\d)\b|"
    r"\b(?:entry|start(?:ing)?|entrants?|intake)\s+(?:in\s+|for\s+)?(?:(?:january|september)\s+)?"
    r"(20\d\d)\b|\b(?:(?:september|october|january)\s+)?(20\d\d)\s+(?:entry|start|intake|entrants)\b",
    re.I,
)


@lru_cache(maxsize=1024)  # the same label or context is asked about for every amount
def academic_years(text: str) -> tuple[str, ...]:
    found = []
    for match in _YEAR.finditer(text):
        if match.group(1):
            first, second = int(match.group(1)), int(match.group(2)[-2:])
            if second != (first + 1) % 100:
                continue
        else:
            first = int(match.group(3) or match.group(4))
        found.append(f"{first}/{(first + 1) % 100:02d}")
    return tuple(found)


@lru_cache(maxsize=4096)  # a pure function of text, asked again for every amount in a cell
def year_in(*texts: str) -> str | None:
    for text in texts:
        years = academic_years(text)
        if years:
            return years[-1] if len(set(years)) == 1 else None
    return None


FULL_TIME = re.compile(r"\bfull[- ]?time\b|\bFT\b", re.I)


PART_TIME = re.compile(r"\bpart[- ]?time\b|\bPT\b", re.I)


@lru_cache(maxsize=4096)
def study_mode(text_before: str, text_after: str) -> str | None:
    full = nearest(FULL_TIME, text_before, text_after)
    part = nearest(PART_TIME, text_before, text_after)
    if full and part:
        # Both in reach: the one nearer the amount before it decides.
        before_full = [m.end() for m in FULL_TIME.finditer(text_before)]
        before_part = [m.end() for m in PART_TIME.finditer(text_before)]
        if before_full and before_part:
            return "full-time" if before_full[-1] > before_part[-1] else "part-time"
        if before_full:
            return "full-time"
        if before_part:
            return "part-time"
        return None
    if full:
        return "full-time"
    if part:
        return "part-time"
    return None


def nearest(pattern: re.Pattern, before: str, after: str) -> re.Match | None:
    """The match closest before the amount, else the first shortly after it."""
    matches = list(pattern.finditer(before))
    if matches:
        return matches[-1]
    return pattern.search(after[:40])
