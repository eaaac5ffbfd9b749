"""Course lengths (full-time, part-time) and the study modes offered."""

from __future__ import annotations

import itertools
import re

from .common import (
    FULL_TIME,
    MODE_ONLY,
    MONEY,
    PART_TIME,
    Fact,
    each_line,
    quote_around,
    sentences,
    study_mode,
    text_below,
    with_label,
)
from .text import Line

_NUMBER_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "nine": 9,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
    "thirty-six": 36,
}
_NUM = (
    r"(\d{1,2}(?:\.5)?|one|two|three|four|five|six|nine|twelve|fifteen|eighteen|"
    r"twenty[- ]four|thirty-six|an?)"
)
_DURATION = re.compile(
    _NUM
    + r"(?:\s*(?:-|–|to|or)\s*"
    + _NUM
    + r")?[\s-]*(?:(?:academic|calendar)\s+)?(years?|months?|yrs?)\b(?:\s+and\s+a\s+half)?",
    re.I,
)
# "the 1-year MSc Data Science programme": a length said of the course itself.
_LENGTH_OF_COURSE = re.compile(
    _NUM + r"[\s-](?:years?|months?)[\s-](?:[\w,]+[\s-]){0,3}?"
    r"(?:msc|ma|mres|mph|master['’]?s|programme|course|degree)\b",
    re.I,
)
_NOT_A_COURSE_LENGTH = re.compile(
    r"placement|project|dissertation|module|internship|experience|visa|post-study|graduate "
    r"route|ago|deadline|within(?!\s+an?\s+(?:one|1)[\s-]year\b)|at least|\bconsider\b|"
    r"minimum of|employment|work|research period|"
    r"semester|term\b|trimester|per week|each week|weeks|up to|maximum|max\.|no more than|"
    r"\bextend(?:s|ing)?\b|extension|extended (?:to|by|up)|be extended|registration period|"
    r"exit award|pg ?cert|pg ?dip|certificate|diploma|"
    r"stay|residen|scholarship|contract|salary|part of the|loan|entitlement|fees? (?:paid|rate)|"
    r"annual fees?|charged|revision|increase|no less than|doctora|\bfees? for\b|"
    r"students on\b|\bliving\b|\blive\b|sandwich|undergraduate|\bnormally take|"
    r"\bminimum\b|more than|less than|"
    r"\bour (?:full-time |part-time )?(?:taught )?(?:postgraduate )?(?:programmes|courses)\b",
    re.I,
)
# A length said of master's courses in general ("A Masters is usually one year if you study
# full time"): on a page that may speak of many courses, not this programme's length (on its
# own course page "Part-time: typically 2 years" is its length).
_GENERAL = re.compile(r"\b(?:usually|generally|typical(?:ly)?|normally|varies|tend to)\b", re.I)
# What a fee covers ("Full-time: fee applies for one year", "If you study part time over two
# years, you'll be charged 50%"): not the course's length.
_FEE_TERMS = re.compile(r"\bfees?\b|\bcharged\b|pro-?rata", re.I)
# A list item about an exit award, not the master's: "• PGDip: 120 credits, 2 academic years".
# ("PG Dip and MSc: 2 years full-time" is the master's length too.)
_EXIT_AWARD_ITEM = re.compile(
    r"^[\s•*-]*(?:pg ?cert|pg ?dip|postgraduate (?:certificate|diploma))\b(?!\s*/)"
    r"(?![^:]{0,20}\b(?:msc|ma|mres|master))",
    re.I,
)
_DURATION_LABEL = re.compile(
    r"duration|course length|length of (?:the )?(?:course|programme|study)|programme length|"
    r"how long|how do you want to study|study options|mode of study|study mode|attendance|"
    r"^length\b|"
    r"(?:programme|course|degree|msc|it) (?:lasts|runs|takes)\b",
    re.I,
)


def _number(word: str) -> float | None:
    word = word.lower().replace(" ", "-")
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if word.replace("-", " ") in _NUMBER_WORDS:
        return _NUMBER_WORDS[word.replace("-", " ")]
    try:
        return float(word)
    except ValueError:
        return None


_SLASHED_RANGE = re.compile(_NUM + r"\s*/\s*" + _NUM + r"(?=\s+(?:years?|months?)\b)", re.I)


def _clauses(text: str) -> list[str]:
    # "Two / three years" is a range, not two clauses: written "Two-three years" first.
    text = _SLASHED_RANGE.sub(r"\1-\2", text)
    return [
        c
        for c in re.split(
            # (An aside with its own length starts a clause: "one-year (part-time over 24 months)".)
            r";|\s\|\s|\s/\s|,(?!\d{3})|\bor\b|\band\b(?! a half)|"
            r"(?=\([^()]{0,80}?\d\s*(?:years?|months?))",
            text,
        )
        if c.strip()
    ]


def _one_length_each(clauses: list[str]) -> list[str]:
    """Clauses cut after each length but the last, so that a mode word is read with the length
    it sits beside: "This one-year degree is also available part-time over 24 months" is
    "This one-year" and "degree is also available part-time over 24 months"."""
    cut = []
    for clause in clauses:
        matches = list(_DURATION.finditer(clause))
        start = 0
        for this, following in itertools.pairwise(matches):
            between = clause[this.end() : following.start()]
            # "1 year full-time 2 years part-time" (each mode after its length) or "Full-time
            # 1 year part-time 2 years" (before it).
            mode_first = _MODE_BEFORE.search(clause[start : this.start()])
            trailing = None if mode_first else _MODE_AFTER.match(between)
            if trailing:
                end = this.end() + trailing.end()
            else:
                modes = list(_ANY_MODE.finditer(between))  # "... part-time over 24 months"
                end = this.end() + (modes[-1].start() if modes else 0)
            cut.append(clause[start:end])
            start = end
        cut.append(clause[start:])
    return cut


_MODE_AFTER = re.compile(r"^\s*[,(–-]?\s*(?:full|part)[\s-]?time\)?", re.I)
_MODE_BEFORE = re.compile(r"(?:full|part)[\s-]?time\s*[:–-]?\s*$", re.I)
_ANY_MODE = re.compile(r"\b(?:full|part)[\s-]?time\b", re.I)


def _header_over_prices(lines: list[Line], index: int) -> bool:
    """Several lengths over a line of several prices: a fee table's column headers ("MSc
    Two-Year PT | MSc Three-Year PT" over "£6,000.00 £6,000.00")."""
    below = text_below(lines, index)
    return len(MONEY.findall(below)) >= 2 and len(_DURATION.findall(lines[index].text[:2000])) >= 2


def find_durations(  # noqa: C901
    lines: list[Line], contexts: list[str], *, one_programme: bool = True
) -> list[Fact]:
    """Full-time and part-time lengths. ``one_programme`` False: the page may speak of many
    courses, so a length on a line with a price (a fee schedule's row: "MBA one-year,
    full-time £14,300") is not taken."""
    found: dict[str | None, dict[int, str]] = {"full-time": {}, "part-time": {}, None: {}}
    for index, line in each_line(lines):
        text = line.text
        context = contexts[index]
        labelled = _DURATION_LABEL.search(f"{text[:40]} {context}")
        above = lines[index - 1].text if index else ""
        mode_above = MODE_ONLY.match(above) if len(text) <= 40 else None
        if not one_programme and ("£" in text or _header_over_prices(lines, index)):
            continue  # a fee schedule's row, or its header ("MSc Two-Year PT" over the prices)
        for _, sentence in sentences(text):
            if not _DURATION.search(sentence):
                continue
            if not line.row and _FEE_TERMS.search(sentence):
                continue  # (in a table row, each cell is judged by itself, below)
            if not one_programme and _GENERAL.search(sentence):
                continue
            sentence_mode_words = FULL_TIME.search(sentence) or PART_TIME.search(sentence)
            of_course = _LENGTH_OF_COURSE.search(sentence)
            if not (labelled or sentence_mode_words or mode_above or of_course):
                continue
            if re.search(r"\bapply\b|\bdeadline\b|closing date", sentence, re.I):
                continue
            if _EXIT_AWARD_ITEM.match(sentence):
                continue  # "PGCert: 60 credits, 1 academic year": an exit award's length
            lengths = []  # (months, the mode the clause says itself or None, quote)
            carried = None  # "part-time or split-study over two years": the mode before "or"
            excluded = False  # the clause before was a maximum or a range
            for clause in _one_length_each(_clauses(sentence)):
                match = _DURATION.search(clause)
                if not match:
                    carried = study_mode(clause, "")
                    continue
                aside = clause.lstrip().startswith("(")
                if (
                    _NOT_A_COURSE_LENGTH.search(clause)
                    or (line.row and _FEE_TERMS.search(clause))
                    or match.group(2)
                    or (aside and excluded)  # "2-6 years (typically 3 years)"
                ):
                    carried, excluded = None, True
                    continue  # not the course's length, or a range: not proposed
                excluded = False
                amount = _number(match.group(1))
                if amount is None:
                    continue
                unit = match.group(3).lower()
                months = amount * 12 if unit.startswith("y") else amount
                if "and a half" in match.group(0).lower():
                    months += 6
                if months != int(months) or not 1 <= months <= 60:
                    continue
                mode = study_mode(clause[: match.start()], clause[match.end() :]) or carried
                carried = None
                if mode is None and mode_above:
                    mode = study_mode(mode_above.group(1), "")
                if mode is None:
                    mode = study_mode(context[-60:], "") if labelled else None
                quote = quote_around(text, text.find(clause))
                if not _DURATION_LABEL.search(quote) and not (
                    FULL_TIME.search(quote) or PART_TIME.search(quote)
                ):
                    quote = with_label(lines, index, quote)
                lengths.append((int(months), mode, quote))
            # "part-time only and lasts 2 years": the one mode the sentence names, unless
            # another of its clauses says that mode with its own length ("one year (12 month)
            # or 27 month part-time": the 12 months are not part-time).
            named = {
                m
                for m, p in (("full-time", FULL_TIME), ("part-time", PART_TIME))
                if p.search(sentence)
            } - {mode for _, mode, _ in lengths}
            for months, mode, quote in lengths:
                if mode is None and len(named) == 1 and len(lengths) == 1:
                    mode = next(iter(named))
                found[mode].setdefault(months, quote)
    facts = []
    if not found["full-time"] and len(found[None]) == 1:
        # A length with no mode is the full-time one when no part-time length is said, or
        # beside a longer part-time one ("This one-year degree (also available part-time over
        # 24 months)").
        unmoded = next(iter(found[None]))
        if not found["part-time"] or (
            len(found["part-time"]) == 1 and unmoded < next(iter(found["part-time"]))
        ):
            found["full-time"] = found[None]
    for mode, field_name in (
        ("full-time", "duration_full_time_months"),
        ("part-time", "duration_part_time_months"),
    ):
        if len(found[mode]) == 1:
            months, quote = next(iter(found[mode].items()))
            facts.append(Fact(field_name, months, quote))
    return facts


_MODE_LABEL = re.compile(
    r"(?:study|delivery|attendance) (?:mode|options?|method)s?|mode(?:s)? of (?:study|attendance|"
    r"delivery)|how (?:you will|you'll) study|^modes?\b|^study\b|^delivery\b|^attendance\b",
    re.I,
)
_ONLINE = re.compile(
    r"\b(?:100% online|fully online|entirely online|wholly online|online learning|"
    r"online distance learning|distance learning|studied online|taught online|delivered online|"
    r"online \(distance\)|by distance|online programme|online course)\b",
    re.I,
)
_ONLINE_WORD = re.compile(r"\bonline\b|\bdistance\b", re.I)


def find_modes(lines: list[Line], contexts: list[str]) -> list[Fact]:
    """Modes said in so many words ("Study mode: full-time, part-time", "100% online").

    Not inferred from durations: a page giving only a full-time duration does not say there is
    no part-time route, and accepting a modes suggestion sets all three.
    """
    modes: set[str] = set()
    quotes: dict[str, str] = {}
    for index, line in each_line(lines):
        text = line.text
        labelled = _MODE_LABEL.search(text[:40]) or (
            _MODE_LABEL.search(contexts[index][-40:]) and len(text) < 120
        )
        if re.search(r"apply online|online application|application", text, re.I):
            online = None
        else:
            online = _ONLINE.search(text) or (labelled and _ONLINE_WORD.search(text))
        if online:
            modes.add("online")
            quotes.setdefault("online", quote_around(text, online.start()))
        if labelled:
            for mode, pattern in (("full-time", FULL_TIME), ("part-time", PART_TIME)):
                match = pattern.search(text)
                if match:
                    modes.add(mode)
                    quotes.setdefault(mode, quote_around(text, match.start()))
    ordered = [m for m in ("full-time", "part-time", "online") if m in modes]
    if not ordered:
        return []
    quote = next(quotes[m] for m in ordered if m in quotes)
    return [Fact("modes", ordered, quote)]
