"""Start months."""

from __future__ import annotations

import re

from .common import MONTHS, Fact, each_line, quote_around, sentences, with_label
from .text import Line

_MONTH_NAMES = {name.lower(): name for _, name in MONTHS}
_MONTH_NAMES.update({name[:3].lower(): name for _, name in MONTHS})
_MONTH = re.compile(
    r"\b("
    + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
    + r")\b\.?(?!\s*\d{1,2}(?:st|nd|rd|th)?\b(?!\d))",
    re.I,
)
START_LABEL = re.compile(
    r"\bstart(?:s|ing)?\b|start dates?|entry (?:date|point)s?|intakes?|\bentry\s*:|commenc|"
    r"\bbegins?\b|enrolment dates?",
    re.I,
)
NOT_A_START = re.compile(
    r"deadline|apply by|applications? (?:open|close)|closing|open day|open evening|webinar|"
    r"results|decision|offer|graduat|ends?\b|finish|submit|submission|fees? (?:are|is) due|"
    r"published|updated|last reviewed|visa|instal+ment|payment|\bpay\b|charged|fee|"
    r"\b20\d\d\s*[-–]\s*[A-Z][a-z]+\s+20\d\d|"
    # Whom a fee, a discount or a rule applies to ("for September 2018 and January 2019
    # intakes", "students starting in and from September 2021 that have EU status"): not when
    # the programme starts.
    r"per annum|discount|\bstatus\b|eligib|guarantee|funding|\bloans?\b|on or after|"
    r"changes will apply|\bmust start\b",
    re.I,
)
# A start said of courses in general ("You can start many programmes in either September or
# February", "Most courses have one start date"): on a page that may speak of many courses, not
# this programme's.
_GENERAL_START = re.compile(
    r"\b(?:many|most|some|several|certain|usually|generally|typically|normally)\b|"
    r"\bexcept\b|\bexception",
    re.I,
)


def start_label_above(lines: list[Line], index: int) -> bool:
    """A start label on one of the three short lines above: "Start date" / "September 2024" /
    "May 2025" lists each date on its own line."""
    for back in range(index - 1, max(-1, index - 4), -1):
        above = lines[back].text
        if len(above) > 40:
            return False
        if START_LABEL.search(above):
            return True
    return False


def find_start_months(
    lines: list[Line], contexts: list[str], *, one_programme: bool = True
) -> list[Fact]:
    """The months a programme starts in. ``one_programme`` False: the page may speak of many
    courses, so a start said of courses in general is not taken."""
    months: set[int] = set()
    quote = None
    number_of = {name: number for number, name in MONTHS}
    for index, line in each_line(lines):
        text = line.text
        for _, sentence in sentences(text):
            label_here = START_LABEL.search(sentence)
            label_above = len(text) < 80 and (
                START_LABEL.search(contexts[index][-40:]) or start_label_above(lines, index)
            )
            if not (label_here or label_above):
                continue
            if NOT_A_START.search(sentence):
                continue
            if not one_programme and _GENERAL_START.search(sentence):
                continue
            scope = sentence[label_here.start() :] if label_here else sentence
            if label_here and not _MONTH.search(scope):
                # "(September and January start)": the months come just before the word.
                scope = sentence[max(0, label_here.start() - 40) : label_here.end()]
            found = [m for m in _MONTH.finditer(scope) if m.group(1).lower() not in ("may",)]
            # "May" the month, not "may be considered".
            found += list(
                re.finditer(r"\b(May)\b(?!\s+(?:be|also|not|have|need|apply|vary))", scope)
            )
            if not found:
                continue
            for match in found:
                months.add(number_of[_MONTH_NAMES[match.group(1).lower()]])
            if quote is None:
                quote = quote_around(text, text.find(sentence))
                if not label_here:
                    quote = with_label(lines, index, quote)
    if not months:
        return []
    return [
        Fact("start_months", [name for number, name in MONTHS if number in months], quote or "")
    ]
