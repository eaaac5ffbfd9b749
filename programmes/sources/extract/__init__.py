"""Find programme facts on an official course page: pure functions over HTML or plain text.

``extract(document)`` returns the facts it is confident about, each with the words it came from.
It serves ``manage.py extract_facts`` (for people debugging it) and ``check_sources`` (which
turns the facts into suggestions for editors). Nothing here touches the database or the network.

Precision first: a wrong fee is worse than none. So

- an amount is a fee only when "fee" or "tuition" is said about it (in its sentence, its table
  row or column, or the heading above), and never when the words around it say it is a
  scholarship, deposit, bench or application fee, living cost and the like;
- part-time fees are never proposed (the catalogue records the full-time fee); a fee whose mode
  is not stated is proposed only when the page states no part-time fee at all;
- when a page lists several academic years, the latest one wins; two different amounts for the
  same fee status, year and period are a conflict, and neither is proposed;
- durations given as ranges or maximums ("2 to 3 years", "up to 5 years") are not proposed, and
  neither are numbers about placements, dissertations, modules or work experience;
- an IELTS score is proposed only from a sentence naming IELTS, never from one about
  pre-sessional courses or typical (not required) scores.

Each subject has its own module (fees, ielts, durations, dates, deadlines, degree,
placement) over the shared ``text`` and ``common``. Table structure is kept: each row
becomes one line, "row label | column header: cell | ...", so a fee in a "Full-time" column
of a "Home" row is read as a full-time home fee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import common
from .common import (
    FEE_FIELDS,
    FIELDS,
    Fact,
    TooSlow,
    academic_years,
    display_value,
    line_contexts,
    reading_within,
)
from .dates import find_start_months
from .deadlines import find_deadlines, find_next_intake
from .degree import find_min_degree
from .durations import find_durations, find_modes
from .fees import (
    SAME_FEES_FOR_ALL,
    about_paying,
    choose_fees,
    fee_amounts,
    fees_elsewhere,
    lists_programmes,
    several_programmes,
)
from .ielts import find_ielts
from .placement import find_placement
from .structured import structured_facts
from .text import page_lines, page_text


@dataclass(frozen=True)
class Disagreement:
    """The page's text and its structured data give different values: neither is proposed."""

    field: str
    text: Fact
    structured: Fact

    def describe(self) -> str:
        return (
            f"{self.field}: the text says {self.text.display_value()}, the structured data "
            f"says {self.structured.display_value()}"
        )


def extract(
    document: str, *, time_limit: float | None = None, one_programme: bool = False
) -> list[Fact]:
    """Every fact found on the page, at most one per field, in the FIELDS order.

    Raises ``TooSlow`` when reading takes longer than ``time_limit`` seconds (``TIME_LIMIT``).
    """
    return read_page(document, time_limit=time_limit, one_programme=one_programme)[0]


def read_page(
    document: str,
    *,
    time_limit: float | None = None,
    english_band: str = "",
    programme_title: str = "",
    one_programme: bool = False,
) -> tuple[list[Fact], list[Disagreement]]:
    """The facts, and the fields on which the text and the structured data disagree.

    ``english_band``: the programme's English language band ("C", from its course page); on a
    page defining several bands, the IELTS scores are read from that band's row or line only.
    """
    with reading_within(common.TIME_LIMIT if time_limit is None else time_limit):
        facts = {
            fact.field: fact
            for fact in _extract(document, english_band, programme_title, one_programme)
        }
    disagreements = []
    for fact in structured_facts(document):
        said = facts.get(fact.field)
        if said is None:
            facts[fact.field] = fact
        elif not _agree(said, fact):
            disagreements.append(Disagreement(fact.field, said, fact))
            del facts[fact.field]
    return sorted(facts.values(), key=lambda f: FIELDS.index(f.field)), disagreements


def _agree(text: Fact, structured: Fact) -> bool:
    if isinstance(text.value, list):
        return sorted(map(str, text.value)) == sorted(map(str, structured.value))  # type: ignore[call-overload]
    return text.value == structured.value  # a fee: the amount (the data has no period)


def english_band_of(text: str) -> str:
    """The English language band a course page names ("English language: Band C" -> "C")."""
    match = _ENGLISH_BAND.search(text)
    return (match.group(1) or match.group(2)).upper() if match else ""


_ENGLISH_BAND = re.compile(
    r"\b(?:english|language)\b[^.\n|]{0,80}?\bband\s*([A-F])\b|\bband\s*([A-F])\b[^.\n]{0,40}"
    r"\benglish",
    re.I,
)


def _part_time_only(lines: list) -> bool:
    """The page speaks of part-time study and never of full-time study."""
    text = "\n".join(line.text for line in lines)
    return bool(common.PART_TIME.search(text)) and not common.FULL_TIME.search(text)


def _extract(
    document: str, english_band: str = "", programme_title: str = "", one_programme: bool = False
) -> list[Fact]:
    lines = page_lines(document)
    contexts = line_contexts(lines)
    all_years = {y for line in lines for y in academic_years(line.text)}
    page_year = next(iter(all_years)) if len(all_years) == 1 else None
    amounts = fee_amounts(lines, contexts, page_year)
    if _part_time_only(lines):
        # A part-time course: a fee that does not say its mode is the part-time fee.
        amounts = [a for a in amounts if a.mode == "full-time"]
    if programme_title:
        # A fees page listing several programmes: the rows or sentences naming this one.
        title = " ".join(programme_title.lower().split())
        named = [a for a in amounts if title in " ".join(a.quote.lower().split())]
        amounts = named or ([] if lists_programmes(lines) else amounts)
    elif (
        several_programmes(amounts, lines)
        or (not one_programme and lists_programmes(lines))
        or about_paying(lines)
        or (not one_programme and fees_elsewhere(lines))
    ):
        amounts = []  # a fee table of several programmes, or a page on paying, read without
        # knowing which programme is ours
    facts = choose_fees(
        amounts,
        one_programme=one_programme and not programme_title,
        same_for_all=any(SAME_FEES_FOR_ALL.search(line.text) for line in lines),
    )
    band = re.compile(rf"\bband\s*{re.escape(english_band)}\b", re.I) if english_band else None
    in_band = [line for line in lines if band.search(line.text)] if band else []
    if in_band:  # a page of bands: only the programme's band counts
        facts += find_ielts(in_band, line_contexts(in_band))
    else:
        facts += find_ielts(lines, contexts)
    ours = one_programme or bool(programme_title)
    facts += find_durations(lines, contexts, one_programme=ours)
    facts += find_modes(lines, contexts)
    facts += find_start_months(lines, contexts, one_programme=ours)
    facts += find_next_intake(lines, contexts)
    facts += find_deadlines(lines, contexts)
    facts += find_min_degree(lines)
    facts += find_placement(lines)
    facts.sort(key=lambda f: FIELDS.index(f.field))
    return facts


__all__ = [
    "FEE_FIELDS",
    "FIELDS",
    "Disagreement",
    "Fact",
    "TooSlow",
    "display_value",
    "english_band_of",
    "extract",
    "page_lines",
    "page_text",
    "read_page",
]
