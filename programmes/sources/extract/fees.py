"""Tuition fees: amounts said to be fees, their status (home or international), mode, period
and year."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from .common import (
    FULL_TIME,
    MONEY,
    PART_TIME,
    Fact,
    each_line,
    quote_around,
    sentences,
    study_mode,
    text_below,
    year_in,
)
from .text import Line

_RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|to)\s*(?:£|GBP)", re.I)
_CLAUSE_END = re.compile(r",\s*(?:plus|and)\b|;|\s\+\s", re.I)
_FEE_WORD = re.compile(r"\b(fees?|tuition|cost of the (?:course|programme))\b", re.I)
# Amounts that are not tuition fees, said in the same clause, cell, row or column.
_NOT_A_FEE = re.compile(
    r"scholarship|bursar|studentship|award(?:s|ed)?\b|grant|loan|(?<!self-)funding|discount|"
    r"reduc|"
    r"alumn|early[- ]bird|deposit|application fee|bench fee|lab(?:oratory)? fee|"
    r"consumables|living|accommodation|rent\b|maintenance|visa|health surcharge|"
    r"graduation|resit|re-sit|per (?:credit|module)|module fee|each module|per unit|"
    r"field ?trip|additional cost|extra cost|equipment|printing|travel|stipend|salary|"
    r"waiver|sponsor|up to £|cashback|prize|fund\b|per month|a month|monthly|a week|per week|"
    r"commitment fee|acceptance fee|admin(?:istration)? fee|late fee|placement fee|"
    r"year abroad|exchange|bond|example|illustrat|for instance|this means|net of|"
    r"\bmodules?\b.{0,20}\bat\b|credit modules?|\beach\b(?! year)|"
    r"majority of|most (?:of our )?(?:taught )?(?:courses|programmes)|"
    r"some courses|standard (?:tuition )?fee|exceptions (?:will )?apply|"
    r"graduate (?:after|early)|exit award|leave (?:the course )?early|withdraw|"
    r"\btermly\b|per term\b|each term\b|advanced? (?:fee )?payment|advance (?:tuition )?fee|"
    r"prepayment|pre-payment",
    re.I,
)
_HOME = re.compile(
    r"(?<!rest of )(?<!rest of the )\b(home|uk|u\.k\.|united kingdom|domestic|scotland|scottish)\b"
    r"(?!\s*(?:visa|government|council|research|student finance|universit))",
    re.I,
)
_REST_OF_UK = re.compile(r"rest of (?:the )?uk|\bruk\b|england, wales|english, welsh", re.I)
_INTERNATIONAL = re.compile(
    r"\b(international|overseas|non-uk|(?<!channel )islands)\b"
    # A subject, not a fee status: "MA in International Relations".
    r"(?!\s+(?:relations|business|development|law|management|studies|politics|security|trade|"
    r"marketing|finance|affairs|economics|hospitality|tourism|journalism|commercial|banking|"
    r"accounting|logistics|history|human rights|public health|health|education|criminal))",
    re.I,
)
_PER_YEAR = re.compile(
    r"per (?:academic )?year|per annum|\bp\.?a\.?\b|\ba year\b|each year|/\s?year|annual|"
    r"yearly|per year of study|\bfirst year\b",
    re.I,
)
_FULL_COURSE = re.compile(
    r"\btotal\b|full (?:course|programme|degree)|whole (?:course|programme)|entire "
    r"(?:course|programme)|for the (?:full |whole )?(?:course|programme|degree)\b|"
    r"course fee \(total\)|in total",
    re.I,
)


_STATUS_AFTER = re.compile(
    r"^\s*(?:per (?:year|annum)\s*|a year\s*)?(?:\(|for\b|-|–)\s*(?:the\s+)?(?:all\s+)?"
    r"(?:(rest of (?:the )?uk)|(home|uk|u\.k\.|scottish|domestic)|(international|overseas|"
    r"int\b))",
    re.I,
)


# Pure functions of text, called again and again with the same label, header or context: kept.
@lru_cache(maxsize=4096)
def _says_not_a_fee(text: str) -> bool:
    return bool(_NOT_A_FEE.search(text))


_SCOTLAND_AND_RUK = re.compile(
    r"\b(?:scotland|scottish)\b\s*(?:/|and|&|,)\s*(?:rest of (?:the )?uk|ruk)\b", re.I
)


@lru_cache(maxsize=4096)
def _status(before: str, after: str) -> str | None:
    """'home', 'international', 'both', 'ruk' or None, from the words nearest the amount."""
    both = re.search(
        r"\b(?:home|uk)\b(?: and | & |/| or )(?:international|overseas)\b|"
        r"all students|regardless of fee status|same for (?:all|home and international)",
        before[-60:] + " " + after[:40],
        re.I,
    )
    if both:
        return "both"
    if _SCOTLAND_AND_RUK.search(before[-40:]):
        return "home"  # one fee for Scottish and rest-of-UK students: the home fee
    said_after = _STATUS_AFTER.match(after)
    if said_after:
        return ("ruk", "home", "international")[
            [i for i in (1, 2, 3) if said_after.group(i)][0] - 1
        ]
    candidates = []
    for name, pattern in (
        ("ruk", _REST_OF_UK),
        ("home", _HOME),
        ("international", _INTERNATIONAL),
    ):
        matches = list(pattern.finditer(before))
        if matches:
            candidates.append((matches[-1].end(), name))
    if candidates:
        return max(candidates)[1]
    for name, pattern in (
        ("ruk", _REST_OF_UK),
        ("home", _HOME),
        ("international", _INTERNATIONAL),
    ):
        if pattern.search(after[:30]):
            return name
    return None


@lru_cache(maxsize=4096)
def _period(*texts: str) -> str | None:
    for text in texts:
        per_year = _PER_YEAR.search(text)
        full = _FULL_COURSE.search(text)
        if per_year and not full:
            return "per-year"
        if full and not per_year:
            return "full-course"
        if full and per_year:
            return None
    return None


@dataclass
class _Amount:
    status: str
    mode: str | None
    value: int
    period: str | None
    year: str | None
    quote: str
    order: int
    programme: str = ""  # the programme a table row names ("MSc Data Science"), if it names one
    award: str = ""  # "master", "diploma" or "certificate" when said beside the amount
    # A sentence states it as the fee ("Tuition fees for 2024/25 are £55,080", "£7,440 in
    # total"), not a bare value in a fact box ("Fees£9,250 (full-time)").
    stated: bool = False


def _status_columns(text: str) -> list[str]:
    """The fee statuses a line of column headers names, in order ("UK/EU/EEA Students
    International Students" -> home, international), or [] when it names fewer than two, or
    carries an amount itself."""
    if len(text) > 120 or MONEY.search(text):
        return []
    found = sorted(
        [(m.start(), "home") for m in _HOME.finditer(text)]
        + [(m.start(), "international") for m in _INTERNATIONAL.finditer(text)]
    )
    names: list[str] = []
    for _, name in found:
        if not names or names[-1] != name:
            names.append(name)
    return names if len(names) >= 2 else []


def _only_mode(text: str) -> str | None:
    """The one mode a sentence names, or None when it names neither or both."""
    full, part = FULL_TIME.search(text), PART_TIME.search(text)
    if full and not part:
        return "full-time"
    return "part-time" if part and not full else None


def fee_segments(line: Line) -> list[tuple[str, str]]:
    """(label, segment) pairs: the row label and each cell of a table row, or clauses of text."""
    if line.row:
        parts = line.text.split(" | ")
        label = parts[0]
        return [(label, part) for part in parts] if len(parts) > 1 else [("", parts[0])]
    return [("", s) for _, s in sentences(line.text)]


def fee_amounts(  # noqa: C901 - the fee rules in one reading order; split in the pipeline work
    lines: list[Line], contexts: list[str], page_year: str | None
) -> list[_Amount]:
    amounts = []
    order = 0
    footnotes = [line.text for line in lines if re.match(r"\s*\*(?!\*)\s*\w", line.text)]
    footnote_period = _period(" ".join(footnotes)) if len(footnotes) == 1 else None
    below_period: str | None = None
    under_years = False  # under a header of the course's years ("Fee type | Year 1 | Year 2")
    for index, line in each_line(lines):
        if _FEES_BELOW.search(line.text):
            below_period = "full-course"
        if not MONEY.search(line.text):
            if re.search(r"[a-z]", line.text, re.I):  # (not a "---|---" rule under a header)
                under_years = bool(_YEAR_COLUMNS.search(line.text))
            continue
        if under_years:
            # A fee for each year of the course ("UK | £8,400 | £12,600"): no one amount is the
            # programme's fee (Royal Holloway's two-year MSc).
            continue
        if order >= _MOST_AMOUNTS_ON_A_PAGE:
            break  # the rest of a page of prices is left unread (each costs ~0.1 ms)
        context = contexts[index]
        said_under = _period_said_under(lines, index)  # once per line, not once per amount
        header_line = ""
        if line.row:
            # The column headers of this table, for a period or year said there.
            for back in range(index - 1, -1, -1):
                if lines[back].heading:
                    header_line = lines[back].text
                    break
                if not lines[back].row:
                    break
        for label, segment in fee_segments(line):
            matches = list(MONEY.finditer(segment))
            if not matches or len(matches) > _MOST_AMOUNTS:
                # (More amounts than any one fee statement has: a schedule run into one line,
                # or a hostile page; each amount looks back over its sentence, so this bound
                # also keeps the reading linear.)
                continue
            head, _, cell = segment.partition(": ") if line.row else ("", "", segment)
            if line.row and not cell:
                head, cell = "", segment
            about = f"{label} {segment} {context} {header_line}"
            if not _FEE_WORD.search(about):
                continue
            if _RESEARCH_DEGREE.search(f"{label} {segment} {context}"):
                continue  # a research degree's fee rate is not a taught programme's fee
            if _PER_UNIT.search(context) or _PART_OF_THE_FEE.search(context):
                # under "The following fees per 15 credit module apply:", or a list under
                # "Annual award fee:" (one part of a modular programme's price)
                continue
            if _UNDERGRADUATE.search(label) or _UNDERGRADUATE_FEES.search(segment):
                continue  # "fees for our BA (Hons) degrees": not a master's fee
            # Worked out once per cell, not once per amount in it: a long label beside a
            # thousand amounts was read a thousand times (quadratic: 26 s on one hostile row).
            label_not_a_fee = _says_not_a_fee(label) or (line.row and _says_not_a_fee(head))
            if _STAGED.search(segment):
                # A fee paid in stages ("£5,155 (stage 1) £6,500 (stage 2)", "£8,700 for year
                # one and £2,900 for year two"): no one amount is the programme's fee.
                continue
            # "UK/EU/EEA Students International Students" over "£59,298 £59,498": a header of
            # statuses over a line of as many amounts gives each amount its column's status.
            columns = _status_columns(lines[index - 1].text) if index and not line.row else []
            if len(columns) != len(matches):
                columns = []
            previous_end = 0
            for number, match in enumerate(matches):
                order += 1
                next_start = (
                    matches[number + 1].start() if number + 1 < len(matches) else len(segment)
                )
                before = segment[previous_end : match.start()]
                after = segment[match.end() : next_start]
                previous_end = match.end()
                # After the amount, only its own clause: "£55,080, plus an application fee of
                # £120" says the £120 is an application fee, not the £55,080.
                # A discount said of a later year in brackets ("£9,250 (20% discount in fourth
                # year)") is about that year, not this amount.
                own_after = _LATER_DISCOUNT.sub("", after[:60], count=1)
                near = f"{before[-80:]} {_CLAUSE_END.split(own_after[:40], maxsplit=1)[0]}"
                if label_not_a_fee or _NOT_A_FEE.search(near):
                    continue
                if _SAID_OF_OTHERS.search(segment[: match.start()]):
                    continue  # "bursaries that cover ... For most of our programmes, these are"
                ahead = segment[match.end() : match.end() + 12]
                if _RANGE_AFTER.match(ahead) or _range_before(before):
                    continue
                if re.match(r"£\d", after) or re.search(
                    r"£[\d,]+(?:\.\d\d)?\*?$", segment[max(0, match.start() - 12) : match.start()]
                ):
                    continue  # table cells run together ("£854£1,709£21,550"): columns unknown
                if re.search(r"\bfrom\s*$|\bup to\s*$|\bover\s*$|\bunder\s*$", before, re.I):
                    continue
                value = int((match.group(1) or match.group(2) or match.group(3)).replace(",", ""))
                if not 1000 <= value <= 100_000:
                    continue
                if line.row:
                    status = (
                        _status(before, after)
                        or _status(head, "")
                        or _status(label, "")
                        or _status(context, "")
                    )
                    mode = (
                        study_mode(before, after)
                        or study_mode(head, "")
                        or study_mode(label, "")
                        or study_mode(context, "")
                    )
                    period = _period(before[-60:] + after[:60], head, label, header_line, context)
                    year = year_in(segment, label, head, header_line, context)
                else:
                    status = (
                        columns[number]
                        if columns
                        else _status(before, after) or _status(context, "")
                    )
                    # A mode or period the sentence says once covers each amount in it:
                    # "Full-time Home students: £3,500, International students: £10,000 per
                    # annum".
                    mode = (
                        study_mode(before, after) or _only_mode(segment) or study_mode(context, "")
                    )
                    period = _period(before[-80:] + " " + after[:60], segment, context)
                    if period is None and re.match(r"\s*\*(?!\*)", after):
                        period = footnote_period  # "£14,500 *" ... "* Price per academic year"
                    period = period or below_period or said_under
                    year = year_in(segment, context)
                if status is None:
                    # No status said: kept apart (choose_fees reads it as everyone's fee only on
                    # one programme's page that says no status anywhere).
                    if not _FEE_WORD.search(segment):
                        continue
                    status = "unstated"
                amounts.append(
                    _Amount(
                        status,
                        mode,
                        value,
                        period,
                        year or page_year,
                        quote_around(line.text, line.text.find(segment) + match.start()),
                        order,
                        programme_named(label) if line.row else "",
                        award_said(before[-80:]) or award_said(head) or award_said(context),
                        bool(_STATED_BEFORE.search(before[-80:]) or period == "full-course"),
                    )
                )
    return amounts


def _range_before(before: str) -> bool:
    """The amount ends a range ("£9,000 - £12,000", "from 9,000 to £12,000"), or follows a
    label's dash ("Full-time - £4,407", often a general rate): a dash or "to" just before it.
    A dash that only starts a bulleted line ("- £12,750 (Total)", Leeds' fact box) is
    neither."""
    if before.strip() in ("-", "–"):
        return False
    return bool(re.search(r"(?:-|–|to)\s*$", before[-4:]))


_MOST_AMOUNTS = 40  # in one sentence or table cell
# On one page: more than a university-wide fee schedule has (300 courses, 2 or 3 fees each).
# A page of 5,000 fee lines took 1.3 s of the 2 s time limit to read whole; now 0.7 s.
_MOST_AMOUNTS_ON_A_PAGE = 1_000

# The line under a fee saying how it is charged: "The course fee is charged per annum for 2
# years." (not "fees may be subject to an increase on an annual basis").
_CHARGED_PER = re.compile(
    r"(?:^|[.!?]\s)\W*(?:the )?(?:course |tuition |programme )?fees? (?:is|are) "
    r"(?:charged |payable |paid )?(per annum|per (?:academic )?year|each year|annually)\b|"
    r"^\W*(?:the )?(?:prices|fees|amounts) (?:above |shown )?are (?:based on|for) the annual "
    r"(?:tuition )?fee\b",
    re.I,
)


def _period_said_under(lines: list[Line], index: int) -> str | None:
    """The period a line under the fee says, or under the short list of fees it is one of
    ("• UK: £4,786", "• International & EU: £25,290", then "Prices are based on the annual fee
    for full-time study": Glasgow; "UK/EU fees:", "£10,995", "Overseas fees:", "£18,790", then
    "Fees for 2017/18 entrants. ... The fees are per academic year.": SOAS)."""
    for below_index in range(index, min(index + 5, len(lines) - 1)):
        below = text_below(lines, below_index)
        if MONEY.search(below) or (len(below) <= 40 and _FEE_WORD.search(below)):
            continue  # another fee of the list, or its label
        return "per-year" if _CHARGED_PER.search(below) else None
    return None


# "Fee type | Year 1 | Year 2": a table of the fees for each year of the course.
_YEAR_COLUMNS = re.compile(r"\byear\s*(?:1|one)\b.{0,40}\byear\s*(?:2|two)\b", re.I)


# A label naming one part of a price, over the amounts listed under it ("Annual award fee:",
# then "£1,480 for Home/EU students", then "Module fee: ...": Oxford's modular MSc).
_PART_OF_THE_FEE = re.compile(
    r"\b(?:award|module|dissertation|bench|registration|examination|exam|continuation|"
    r"writing[- ]up)\s+fees?\s*:?\s*$",
    re.I,
)
_LATER_DISCOUNT = re.compile(r"^\s*\(\s*\d{1,2}\s*% discount[^)]{0,40}\)", re.I)
# The amount ends a sentence that says what the fee is: "... are £55,080", "costs £9,000",
# "will be £12,000".
_STATED_BEFORE = re.compile(r"\b(?:are|is|costs?|will be|amounts? to|totals?)\s*(?::\s*)?$", re.I)
# Earlier in the sentence: the amounts are a general rate or what an award covers.
_SAID_OF_OTHERS = re.compile(
    r"\b(?:for )?(?:all|most) (?:of )?our (?:taught )?(?:postgraduate )?(?:programmes|courses)\b|"
    r"\bbursar|\bscholarship|\bgraduate (?:after|early)\b",
    re.I,
)
# "The fees listed below are the overall costs ...": the period of the amounts after it that say
# none themselves.
_FEES_BELOW = re.compile(
    r"\bfees? (?:listed |shown |given )?below (?:are|is) (?:the )?(?:overall|total|full|whole)",
    re.I,
)
_STAGED = re.compile(
    r"£[\d,]+(?:\.\d\d)?\s*(?:\((?:stage|year|part)\s*[12]\)|for (?:year (?:one|1)|the first year))"
    r"[^£]{0,60}£[\d,]+(?:\.\d\d)?\s*(?:\((?:stage|year|part)\s*2\)|for (?:year (?:two|2)|the "
    r"second year))",
    re.I,
)
_PER_UNIT = re.compile(
    r"\bper (?:\d+[- ])?(?:credit|module)s?\b|\bper unit\b|\bmodule fees?\b", re.I
)
_UNDERGRADUATE = re.compile(r"\bundergraduate\b|\(Hons\)|\bbachelor", re.I)
# Fees said to be an undergraduate degree's ("fees for our BA (Hons) degrees", "undergraduate
# tuition fees"), not a mention of a bachelor's degree as an entry requirement.
_UNDERGRADUATE_FEES = re.compile(
    r"\b(?:fees?|tuition)\b[^.£]{0,40}\b(?:undergraduate|BA|BSc|bachelor'?s?)\b(?! degree from)|"
    r"\bundergraduate\s+(?:tuition\s+)?fees?\b|\(Hons\)",
    re.I,
)
_RESEARCH_DEGREE = re.compile(
    r"postgraduate research|research degrees?|research students?|\bPGR\b|\bPhD\b|doctora",
    re.I,
)
_AWARD = re.compile(
    r"^\s*(?:MSc|MA|MRes|MPhil|MBA|LLM|MEd|MPH|MFin|MEng|MArch|MClinRes|PG\s?Dip|PG\s?Cert|"
    r"Postgraduate (?:Diploma|Certificate)|Master of \w+)\b\.?\s+(?:in\s+)?(.+)$",
    re.I,
)


@lru_cache(maxsize=1024)
def programme_named(label: str) -> str:
    """The subject of a programme a table row names ("MSc Data Science" -> "data science"), or
    "" when the row does not name one. The award is left out: an MSc and its PgDip are one
    programme."""
    match = _AWARD.match(label)
    return " ".join(match.group(1).lower().split()) if match else ""


_AWARDS = re.compile(
    r"\b(?:(MSc|MA|MRes|MBA|MPH|MPhil|LLM|MEd|MFin|MClinRes|master'?s?)|"
    r"(PG\s?Dip|Postgraduate diploma|Diploma)|(PG\s?Cert|Postgraduate certificate|Certificate))\b",
    re.I,
)


@lru_cache(maxsize=4096)
def award_said(text: str) -> str:
    """The award named last in ``text`` ("Full-time MSc: " -> "master"), or ""."""
    found = list(_AWARDS.finditer(text))
    if not found:
        return ""
    last = found[-1]
    return ("master", "diploma", "certificate")[[i for i in (1, 2, 3) if last.group(i)][0] - 1]


def several_programmes(amounts: list[_Amount], lines: list[Line]) -> bool:
    """The fees are a schedule of several programmes or course types (a faculty's or the
    university's fee table): not one programme's fees unless the row naming it is known.

    Either table rows naming two programmes ("MSc Data Science", "MSc Computer Science"), or
    three lines or more that each lead with a different course ("Computing MSc£18,700",
    "Masters (MA, MSc, MBA) £10,500", "International Foundation £8,300")."""
    if len({a.programme for a in amounts if a.programme}) > 1:
        return True
    return len(_course_subjects(lines)) >= 3


_PAYING = re.compile(
    r"invoice|instal+ment|pay(?:ment)? in full|payment plan|direct debit|credited to your|"
    r"payment receipt|pay your fees|how to pay",
    re.I,
)


# A page sending readers to each course's own page for its fee ("please see individual course
# pages for tuition fees as they vary for each course"): its amounts are general rates.
_FEES_ELSEWHERE = re.compile(
    r"(?:individual|each|relevant|specific) course pages?|vary (?:for|by|between) (?:each |"
    r"individual )?(?:course|programme)|fees (?:for [\w ]{0,30})?vary\b",
    re.I,
)


# A line that is a programme's name and nothing else: "MSc Nursing", "Gastronomy MSc*",
# "Professional & Higher Education PgCert/PgDip/MSc (This course is now ...)".
_PROGRAMME_LINE = re.compile(
    r"^[\s•*-]*(?:(?:MSc|MA|MRes|MPhil|MBA|LLM|MEd|MPH|PgCert|PgDip|PG\s?Cert|PG\s?Dip)\b"
    r"[^.!?£:]{3,80}|[A-Z][^.!?£:]{2,80}\b(?:MSc|MA|MRes|MPhil|MBA|LLM|MEd|MPH|PgCert|PgDip)"
    r"\*?)(?:\s*\([^)]{0,80}\))?\s*$"
)


def lists_programmes(lines: list[Line]) -> bool:
    """The page lists three programmes or more by name, each on a line of its own (a fee
    band's courses, then the band's fees: QMU's schedules): its fees are no one programme's
    unless a line states them for it."""
    names = set()
    for _, line in each_line(lines):
        if not line.row and len(line.text) <= 140 and _PROGRAMME_LINE.match(line.text):
            names.add(" ".join(line.text.lower().split()))
            if len(names) >= 3:
                return True
    return False


def fees_elsewhere(lines: list[Line]) -> bool:
    return any(_FEES_ELSEWHERE.search(line.text) for _, line in each_line(lines))


def about_paying(lines: list[Line]) -> bool:
    """A page on how and when to pay (invoices, instalments, direct debits: two kinds or
    more): written for everyone holding an offer, so its amounts are no one programme's fee
    unless a row names the programme. (On the development set no page labelled with a fee says
    two of these; seven pages of general fee rules do.)"""
    said: set[str] = set()
    for _, line in each_line(lines):
        said.update(m.group(0).lower()[:7] for m in _PAYING.finditer(line.text))
        if len(said) >= 2:
            return True
    return False


_COURSE_WORD = re.compile(
    r"\b(?:BA|BSc|MSc|MA|MBA|LLB|LLM|MRes|MPhil|PhD|PgD|PgC|PGCE|PG\s?Dip|PG\s?Cert|DipHE|"
    r"CertHE|FdA|FdSc|Hons|bachelor'?s?|masters?|master's|foundation|undergraduate|"
    r"postgraduate|degrees?|research|diploma|certificate)\b",
    re.I,
)
_NOT_SUBJECT = re.compile(
    r"\b(?:full|part)[- ]?time\b|\b(?:home|uk|eu|international|overseas|fees?|tuition|per|"
    r"year|annual|n/a|or|and|with|in|of|the)\b|[^a-z ]",
    re.I,
)


def _course_subjects(lines: list[Line]) -> set[str]:
    """The different courses that lines with an amount lead with (their words other than
    awards, modes, statuses and punctuation)."""
    subjects = set()
    for _, line in each_line(lines):
        match = MONEY.search(line.text)
        if match is None:
            continue
        label = line.text.split(" | ")[0] if line.row else line.text[: match.start()]
        if not 3 <= len(label) <= 100 or not _COURSE_WORD.search(label):
            continue
        subject = " ".join(_NOT_SUBJECT.sub(" ", _COURSE_WORD.sub(" ", label)).lower().split())
        if subject:
            subjects.add(subject)
    return subjects


def _year_key(year: str | None) -> int:
    return int(year[:4]) if year else 0


# The page says everyone pays the same ("International Students are charged the same fees as UK
# nationals"): a lone fee on the programme's page is then everyone's, even in a fact box.
SAME_FEES_FOR_ALL = re.compile(
    r"(?:international|overseas)(?: and eu)? (?:students|applicants) (?:are charged|pay) the same "
    r"(?:tuition )?fees? as (?:uk|home|domestic)|same (?:tuition )?fees? (?:for|apply to) all "
    r"students|no (?:separate|different) (?:international|overseas) fee",
    re.I,
)


def choose_fees(
    amounts: list[_Amount], *, one_programme: bool = False, same_for_all: bool = False
) -> list[Fact]:
    """At most one home and one international fee. ``one_programme``: the page is the
    programme's own course page, where one amount a sentence states as the tuition fee, with no
    fee status anywhere on the page, is everyone's fee ("Tuition fees for the 2024/25 programme
    are £55,080", "£7,440 in total"). A bare value in a fact box ("Fees£9,250 (full-time)") is
    not: course pages often show only the home fee there. Elsewhere such an amount is often a
    general rate and is not proposed."""
    with_status = [a for a in amounts if a.status != "unstated"]
    unstated = [a for a in amounts if a.status == "unstated"]
    if (
        not with_status
        and one_programme
        and len({a.value for a in unstated}) == 1
        and (same_for_all or all(a.stated for a in unstated))
    ):
        with_status = [dataclasses.replace(a, status="both") for a in unstated]
    amounts = with_status
    has_part_time = any(a.mode == "part-time" for a in amounts)
    usable = [a for a in amounts if a.mode == "full-time" or (a.mode is None and not has_part_time)]
    facts = []
    for field_name, statuses in (
        ("fee_home_gbp", ("home", "both")),
        ("fee_international_gbp", ("international", "both")),
    ):
        found = [a for a in usable if a.status in statuses]
        if not found:
            continue
        if len({a.value for a in found}) > 1 and any(a.award == "master" for a in found):
            # One programme's fees for each award ("MSc £11,275 / PGDip £7,518"): the master's.
            found = [a for a in found if a.award in ("master", "")]
        latest = max(_year_key(a.year) for a in found)
        found = [a for a in found if _year_key(a.year) == latest]
        by_period = {
            p: {a.value for a in found if a.period == p} for p in ("per-year", "full-course", None)
        }
        stated = by_period["per-year"] | by_period["full-course"]
        if any(len(v) > 1 for v in by_period.values()) or (
            stated and not by_period[None] <= stated
        ):
            continue  # a conflict: none of them is proposed
        # Prefer amounts whose period is stated, and per-year over whole-course when both are
        # (a per-year fee "£10,200 a year (£20,400 in total)").
        period = next(p for p in ("per-year", "full-course", None) if by_period[p])
        group = [a for a in found if a.period == period]
        first = min(group, key=lambda a: a.order)
        quote = first.quote
        if field_name == "fee_home_gbp":
            # Scottish universities charge students from the rest of the UK a fee of their own:
            # never proposed as the home fee, but shown to the editor beside it, verbatim.
            rest = [a for a in usable if a.status == "ruk" and _year_key(a.year) == latest]
            if rest and rest[0].quote not in quote:
                quote = f"{quote} … {rest[0].quote}"
        facts.append(Fact(field_name, first.value, quote, first.period, first.year))
    return facts
