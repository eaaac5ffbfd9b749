"""Application deadlines (home and international), when applications open, and the next intake.

Values are ISO dates ("2026-07-31") and a year and month ("2026-09"), as the CSV writes them.
Precision first, as everywhere here:

- a deadline is a full date (day, month and year) in a sentence or table row that says
  deadline, closing date or apply by, and not about a scholarship, accommodation, a deposit,
  documents, an event or a decision; staged deadlines ("Stage 2", "round 3") are left to
  editors, unless the sentence calls the date the final one;
- whose deadline it is comes from the nearest fee-status words before the date (international,
  overseas, visa; home, UK); a deadline that names neither is everyone's;
- two different dates for the same group are a conflict: neither is proposed;
- the next intake is a month and year under a start label ("Start date: September 2026"); the
  earliest one when several are listed.
"""

from __future__ import annotations

import datetime
import re

from .common import MONTHS, Fact, each_line, quote_around, sentences, with_label
from .dates import NOT_A_START, START_LABEL, start_label_above
from .text import Line

_MONTH_NUMBER = {name.lower(): number for number, name in MONTHS}
_MONTH_NUMBER.update({name[:3].lower(): number for number, name in MONTHS})
_MONTH_NUMBER["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")(?![a-z])\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(20\d\d)\b"  # 31 July 2026, 1st of March 2027
    rf"|\b{_MONTH}\s+{_DAY},?\s+(20\d\d)\b"  # July 31, 2026
    r"|\b(\d{1,2})/(\d{1,2})/(20\d\d)\b",  # 31/07/2026 (UK order)
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(20\d\d)\b", re.I)
# A day and month with no year ("by 30th June"), read only on a line about one year's entry.
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![\w,]*\s+20\d\d)", re.I)
_ENTRY_YEAR = re.compile(
    r"\b(20\d\d)\s+entry\b|\b(?:year of )?entry(?: in)?\s*:?\s*(?:september\s+)?(20\d\d)\b", re.I
)
_OF_ENTRY = re.compile(r"\bentry\b", re.I)

_DEADLINE = re.compile(
    r"deadline|closing date|\bapply by\b|applications? (?:must|should) (?:be )?(?:received|"
    r"submitted|made) (?:by|before|no later than)|applications? close|no later than|"
    r"submit (?:your|an|the) application (?:by|before)|received after",
    re.I,
)
_OPENS = re.compile(
    r"applications?\b(?: for [^.;|]{0,40})? (?:will )?(?:open|opens|are open from|is open from|"
    r"open from|open on)\b",
    re.I,
)
_NOT_A_COURSE_DEADLINE = re.compile(
    r"scholarship|bursar|studentship|funding|award|accommodation|deposit|\bCAS\b|"
    r"fees? (?:payment|are due|is due)|open day|open evening|event|webinar|decision|"
    r"documents?|references?|conditions? of|transcripts?|results|graduat|module|assignment|"
    r"dissertation|\bstage \d|\bround \d|\bphase \d|UCAS|undergraduate|pre-?sessional|"
    r"last updated|published|reviewed",
    re.I,
)
# A first stage's deadline ("Initial Application Deadline", "the first deadline is ..."): not
# the deadline, even in a sentence that also names the final one.
_FIRST_STAGE = re.compile(
    r"\b(?:initial|first|early|priority|preferential)\s+(?:application\s+)?deadline", re.I
)
_CLOSES = re.compile(r"\bclos(?:e|es|ing)\b", re.I)
_FINAL = re.compile(r"\bfinal\b|\blast\b", re.I)
_INTERNATIONAL = re.compile(
    r"international|overseas|non-UK|outside (?:the )?UK|(?:require|need)s? a (?:student )?visa",
    re.I,
)
_HOME = re.compile(r"\bhome\b|\bUK\b(?! time)|domestic|\bScottish\b|\bEnglish\b students", re.I)


def _date(match: re.Match) -> datetime.date | None:
    groups = match.groups()
    try:
        if groups[0]:
            day, month, year = int(groups[0]), _MONTH_NUMBER[groups[1].lower()], int(groups[2])
        elif groups[3]:
            month, day, year = _MONTH_NUMBER[groups[3].lower()], int(groups[4]), int(groups[5])
        else:
            day, month, year = int(groups[6]), int(groups[7]), int(groups[8])
        return datetime.date(year, month, day)
    except (ValueError, KeyError):
        return None  # 31 February, month 13


def _whose(before: str) -> tuple[str, ...]:
    """The groups a date is for, from the words between the previous date and this one."""
    international = [m.end() for m in _INTERNATIONAL.finditer(before)]
    home = [m.end() for m in _HOME.finditer(before)]
    if international and (not home or international[-1] > home[-1]):
        return ("international",)
    if home:
        return ("home",)
    return ("home", "international")


def _for_the_others(dated: list[tuple[tuple[str, ...], datetime.date, str]]):
    """(group, date, quote) for each date of one sentence. A date that names no group beside one
    that names a group is the other group's: "Apply by 31 July (international applicants:
    30 June)" is 31 July for home applicants."""
    named = {group for whose, _, _ in dated if len(whose) == 1 for group in whose}
    for whose, when, quote in dated:
        groups = [g for g in whose if g not in named] if len(whose) > 1 else list(whose)
        for group in groups:
            yield group, when, quote


def _entry_year(lines: list[Line]) -> int | None:
    """The one year of entry the page is about ("2016 entry", "Year of entry: 2024"), if one."""
    years = {
        int(m.group(1) or m.group(2)) for line in lines for m in _ENTRY_YEAR.finditer(line.text)
    }
    return years.pop() if len(years) == 1 else None


def _yearless(sentence: str, year: int) -> list[tuple[int, datetime.date]]:
    """(offset, date) of each day and month without a year in a sentence, dated in the year of
    entry when it falls before an autumn start ("at the very latest by 30th June" for 2016
    entry; "31 January in the year of entry")."""
    dates = []
    for match in _DAY_MONTH.finditer(sentence):
        month = _MONTH_NUMBER[match.group(2).lower()]
        if month > 8:
            continue  # October for a September start: the year before, or a January start
        try:
            dates.append((match.start(), datetime.date(year, month, int(match.group(1)))))
        except ValueError:
            continue
    return dates


def find_deadlines(lines: list[Line], contexts: list[str]) -> list[Fact]:  # noqa: C901
    found: dict[str, dict[datetime.date, str]] = {"home": {}, "international": {}}
    opens: dict[datetime.date, str] = {}
    entry_year = _entry_year(lines)
    for index, line in each_line(lines):
        text = line.text
        if not _DATE.search(text):
            if (
                entry_year
                and _OF_ENTRY.search(text)
                and _DAY_MONTH.search(text)
                and not _NOT_A_COURSE_DEADLINE.search(contexts[index][-60:])
            ):
                _yearless_deadlines(text, entry_year, lines, index, found)
            continue
        for offset, sentence in sentences(text):
            context = contexts[index][-60:]
            said_deadline = bool(
                _DEADLINE.search(sentence)
                or (_CLOSES.search(sentence) and "application" in sentence.lower())
                or (_DEADLINE.search(context) and len(text) < 120)
            )
            said_opens = bool(_OPENS.search(sentence))
            if not (said_deadline or said_opens):
                continue
            if _NOT_A_COURSE_DEADLINE.search(sentence) and not _FINAL.search(sentence):
                continue
            if _NOT_A_COURSE_DEADLINE.search(context):
                continue
            previous = 0
            in_sentence: list[tuple[tuple[str, ...], datetime.date, str]] = []
            for match in _DATE.finditer(sentence):
                when = _date(match)
                before = sentence[previous : match.start()]
                previous = match.end()
                if when is None:
                    continue
                quote = quote_around(text, offset + match.start())
                if _OPENS.search(before) or not said_deadline:
                    opens.setdefault(when, quote)
                    continue
                if _FIRST_STAGE.search(before):
                    continue  # a first stage's date, not the deadline
                if line.row or len(text) < 80:
                    quote = with_label(lines, index, quote)
                whose = _whose(contexts[index] + " " + before if line.row else before)
                in_sentence.append((whose, when, quote))
            for group, when, quote in _for_the_others(in_sentence):
                found[group].setdefault(when, quote)
    facts = []
    for group in ("home", "international"):
        if len(found[group]) == 1:
            when, quote = next(iter(found[group].items()))
            facts.append(Fact(f"deadline_{group}", when.isoformat(), quote))
    if len(opens) == 1:
        when, quote = next(iter(opens.items()))
        facts.append(Fact("applications_open", when.isoformat(), quote))
    return facts


def _yearless_deadlines(
    text: str,
    year: int,
    lines: list[Line],
    index: int,
    found: dict[str, dict[datetime.date, str]],
) -> None:
    """Deadlines with no year on a line about one year's entry: everyone's, when a sentence
    says deadline and names one such date."""
    for offset, sentence in sentences(text):
        if not _DEADLINE.search(sentence) and "latest by" not in sentence.lower():
            continue
        if _NOT_A_COURSE_DEADLINE.search(sentence) and not _FINAL.search(sentence):
            continue
        dates = _yearless(sentence, year)
        if len({when for _, when in dates}) != 1:
            continue
        start, when = dates[0]
        if _FIRST_STAGE.search(sentence[:start]):
            continue
        quote = quote_around(text, offset + start)
        if len(text) < 80:
            quote = with_label(lines, index, quote)
        for group in _whose(sentence[:start]):
            found[group].setdefault(when, quote)


def find_next_intake(lines: list[Line], contexts: list[str]) -> list[Fact]:
    """The earliest month and year a start label names."""
    found: dict[tuple[int, int], str] = {}
    for index, line in each_line(lines):
        text = line.text
        if not _MONTH_YEAR.search(text):
            continue
        for offset, sentence in sentences(text):
            label_here = START_LABEL.search(sentence)
            label_above = len(text) < 80 and (
                START_LABEL.search(contexts[index][-40:]) or start_label_above(lines, index)
            )
            if not (label_here or label_above) or NOT_A_START.search(sentence):
                continue
            scope_start = label_here.start() if label_here else 0
            for match in _MONTH_YEAR.finditer(sentence, scope_start):
                month = _MONTH_NUMBER[match.group(1).lower()]
                quote = quote_around(text, offset + match.start())
                if not label_here:
                    quote = with_label(lines, index, quote)
                found.setdefault((int(match.group(2)), month), quote)
    if not found:
        return []
    (year, month), quote = min(found.items())
    return [Fact("next_intake", f"{year}-{month:02d}", quote)]
