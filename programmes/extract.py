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

Table structure is kept: each row becomes one line, "row label | column header: cell | ...", so a
fee in a "Full-time" column of a "Home" row is read as a full-time home fee.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser

# The same (number, name) pairs as programmes.models.MONTHS; not imported from there so this
# module needs no Django settings (bench-extract runs it bare).
MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]

# The CSV export's column names: the fields the extractor can find.
FIELDS = [
    "fee_home_gbp",
    "fee_international_gbp",
    "ielts_overall",
    "duration_full_time_months",
    "duration_part_time_months",
    "modes",
    "start_months",
    "min_degree",
    "placement",
]
FEE_FIELDS = ("fee_home_gbp", "fee_international_gbp")
MAX_QUOTE = 300
MAX_TEXT = 200_000  # characters of page text looked at; course pages are far shorter

# ----- page text ---------------------------------------------------------------------------

_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "footer",
    "iframe",
    "object",
    "button",
    "select",
    "head",
    "-comment",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "li",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "details",
    "summary",
    "caption",
    "address",
    "hr",
    "body",
    "html",
    "form",
    "fieldset",
    "dd",
    "dt",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt"}
_SPACE = re.compile(r"\s+")


@dataclass
class Line:
    text: str
    heading: bool = False  # a heading, a term in a definition list or a table caption
    row: bool = False  # a table row, "label | header: cell | ..."
    table_head: bool = False  # a table's header row (kept apart from the heading above)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def _cells(row) -> list:
    return [c for c in row.iter() if c.tag in ("th", "td")]


def _table_lines(table) -> list[Line]:
    lines = []
    caption = table.css_first("caption")
    if caption is not None and _clean(caption.text()):
        lines.append(Line(_clean(caption.text()), heading=True))
    headers: list[str] = []
    for row in table.css("tr"):
        cells = _cells(row)
        if not cells:
            continue
        texts = [_clean(c.text(separator=" ")) for c in cells]
        in_head = row.parent is not None and row.parent.tag == "thead"
        if in_head or (all(c.tag == "th" for c in cells) and len(cells) > 1):
            headers = texts
            lines.append(Line(" | ".join(t for t in texts if t), heading=True, table_head=True))
            continue
        parts = [texts[0]]
        for index, text in enumerate(texts[1:], start=1):
            if not text:
                continue
            header = headers[index] if index < len(headers) else ""
            parts.append(f"{header}: {text}" if header else text)
        lines.append(Line(" | ".join(p for p in parts if p), row=True))
    return lines


def _walk(root, lines: list[Line], buffer: list[str]) -> None:
    """Depth-first over the tree with an explicit stack: pages nested thousands of levels deep
    (broken or hostile markup) must not hit Python's recursion limit."""

    def flush(heading=False):
        text = _clean("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line(text, heading=heading))

    _CLOSE = object()
    stack: list = [(child, None) for child in reversed(list(root.iter(include_text=True)))]
    while stack:
        node, marker = stack.pop()
        if marker is _CLOSE:
            flush(heading=node)  # here ``node`` holds whether the closed element was a heading
            continue
        tag = node.tag
        if tag == "-text":
            buffer.append(node.text(deep=False))
            continue
        if tag in _SKIP_TAGS:
            continue
        if tag == "table":
            flush()
            lines.extend(_table_lines(node))
            continue
        if tag == "br":
            flush()
            continue
        children = [(child, None) for child in reversed(list(node.iter(include_text=True)))]
        if tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            flush()
            stack.append((tag in _HEADING_TAGS, _CLOSE))
        stack.extend(children)
    # Inline text at the end is flushed by the caller.


def _looks_like_html(document: str) -> bool:
    return bool(
        re.search(r"<(html|body|div|p|table|h[1-6]|main|section|ul|dl|span)\b", document, re.I)
    )


def page_lines(document: str) -> list[Line]:
    """The page's main text as lines, tables kept as one line per row."""
    document = document[: MAX_TEXT * 5]
    if not _looks_like_html(document):
        return [Line(_clean(t)) for t in document[:MAX_TEXT].splitlines() if _clean(t)]
    tree = LexborHTMLParser(document)
    for selector in ('[role="navigation"]', '[role="contentinfo"]', '[aria-hidden="true"]'):
        for node in tree.css(selector):
            node.decompose()
    root = tree.body or tree.root
    lines: list[Line] = []
    buffer: list[str] = []
    if root is not None:
        _walk(root, lines, buffer)
        text = _clean("".join(buffer))
        if text:
            lines.append(Line(text))
    total, kept = 0, []
    for line in lines:
        total += len(line.text)
        if total > MAX_TEXT:
            break
        kept.append(line)
    return kept


def page_text(document: str) -> str:
    """The text of the page as the extractor reads it (stored with each read)."""
    return "\n".join(line.text for line in page_lines(document))


# ----- facts -------------------------------------------------------------------------------


@dataclass
class Fact:
    field: str
    value: object
    quote: str
    period: str | None = None
    year: str | None = None
    # Internal: used to choose between candidates, never shown.
    rank: tuple = field(default=(), compare=False, repr=False)

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
    if field_name == "ielts_overall":
        return f"{Decimal(str(value)):.1f}"
    return str(value)


def _quote(text: str, start: int = 0, end: int | None = None) -> str:
    """The sentence (or table row) around text[start:end], at most MAX_QUOTE characters."""
    end = start if end is None else end
    for offset, sentence in _sentences(text):
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


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a table row is one sentence per segment."""
    out, offset = [], 0
    for part in _SENTENCE_SPLIT.split(text):
        index = text.find(part, offset)
        out.append((index, part))
        offset = index + len(part)
    return out


def _with_label(lines: list[Line], index: int, quote: str) -> str:
    """The quote, led by the short label line above it when the line alone says too little
    ("Start date" / "September" becomes "Start date: September")."""
    if index == 0 or len(quote) > 60:
        return quote
    above = lines[index - 1]
    if above.row or len(above.text) > 60 or above.text in quote:
        return quote
    return f"{above.text.rstrip(':')}: {quote}"


def _contexts(lines: list[Line]) -> list[str]:
    """For each line, the heading and the short label line it sits under.

    A label ("Tuition Fees", "Start date:") stays in force for the lines after it that carry
    values, so every item of a list under it is read with it, until the next label or heading.
    """
    contexts, heading, label = [], "", ""
    for line in lines:
        contexts.append(_clean(f"{heading} {label}") if label != heading else heading)
        if line.heading and not line.table_head:
            heading, label = line.text[:120], ""
        elif not (line.row or line.table_head) and _is_label(line.text):
            label = line.text
    return contexts


def _is_label(text: str) -> bool:
    return len(text) <= 60 and not _MONEY.search(text) and not text.rstrip().endswith((".", "!"))


# Academic years: "2026/27", "2026-27", "2026–2027", "2026 entry", "entry in 2026".
_YEAR = re.compile(
    r"\b(20\d\d)\s*(?:/|-|–|—|to)\s*((?:20)?\d\d)\b|"
    r"\b(?:entry|start(?:ing)?|entrants?|intake)\s+(?:in\s+|for\s+)?(?:(?:january|september)\s+)?"
    r"(20\d\d)\b|\b(?:(?:september|october|january)\s+)?(20\d\d)\s+(?:entry|start|intake|entrants)\b",
    re.I,
)


def _years(text: str) -> list[str]:
    found = []
    for match in _YEAR.finditer(text):
        if match.group(1):
            first, second = int(match.group(1)), int(match.group(2)[-2:])
            if second != (first + 1) % 100:
                continue
        else:
            first = int(match.group(3) or match.group(4))
        found.append(f"{first}/{(first + 1) % 100:02d}")
    return found


def _year_in(*texts: str) -> str | None:
    for text in texts:
        years = _years(text)
        if years:
            return years[-1] if len(set(years)) == 1 else None
    return None


# ----- fees --------------------------------------------------------------------------------

_MONEY = re.compile(
    r"(?:£|GBP\s?)\s?(\d{1,3}(?:,\d{3})+|\d{4,6})(?:\.\d{2})?(?!\s*(?:k\b|million|m\b))"
    r"|\b(\d{1,3}(?:,\d{3})+|\d{4,6})(?:\.\d{2})?\s?(?:GBP|pounds)\b",
    re.I,
)
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|to)\s*(?:£|GBP)", re.I)
_FEE_WORD = re.compile(r"\b(fees?|tuition|cost of the (?:course|programme))\b", re.I)
# Amounts that are not tuition fees, said in the same clause, cell, row or column.
_NOT_A_FEE = re.compile(
    r"scholarship|bursar|studentship|award(?:s|ed)?\b|grant|loan|funding|discount|reduc|"
    r"alumn|early[- ]bird|deposit|application fee|bench fee|lab(?:oratory)? fee|"
    r"consumables|living|accommodation|rent\b|maintenance|visa|health surcharge|"
    r"graduation|resit|re-sit|per (?:credit|module)|module fee|each module|per unit|"
    r"field ?trip|additional cost|extra cost|equipment|printing|travel|stipend|salary|"
    r"waiver|sponsor|up to £|cashback|prize|fund\b|per month|a month|monthly|a week|per week|"
    r"commitment fee|acceptance fee|admin(?:istration)? fee|late fee|placement fee|"
    r"year abroad|exchange|bond",
    re.I,
)
_HOME = re.compile(
    r"(?<!rest of )(?<!rest of the )\b(home|uk|u\.k\.|domestic|scotland|scottish)\b"
    r"(?!\s*(?:visa|government|council|research|student finance))",
    re.I,
)
_REST_OF_UK = re.compile(r"rest of (?:the )?uk|\bruk\b|england, wales|english, welsh", re.I)
_INTERNATIONAL = re.compile(r"\b(international|overseas|non-uk|eu and|eu/|islands)\b", re.I)
_FULL_TIME = re.compile(r"\bfull[- ]?time\b|\bFT\b", re.I)
_PART_TIME = re.compile(r"\bpart[- ]?time\b|\bPT\b", re.I)
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


def _nearest(pattern: re.Pattern, before: str, after: str) -> re.Match | None:
    """The match closest before the amount, else the first shortly after it."""
    matches = list(pattern.finditer(before))
    if matches:
        return matches[-1]
    return pattern.search(after[:40])


_STATUS_AFTER = re.compile(
    r"^\s*(?:per (?:year|annum)\s*|a year\s*)?(?:\(|for\b|-|–)\s*(?:the\s+)?(?:all\s+)?"
    r"(?:(rest of (?:the )?uk)|(home|uk|u\.k\.|scottish|domestic)|(international|overseas|eu\b))",
    re.I,
)


def _status(before: str, after: str) -> str | None:
    """'home', 'international', 'both', 'ruk' or None, from the words nearest the amount."""
    both = re.search(
        r"\b(?:home|uk)\b(?: and | & |/| or )(?:international|overseas|eu)\b|"
        r"all students|regardless of fee status|same for (?:all|home and international)",
        before[-60:] + " " + after[:40],
        re.I,
    )
    if both:
        return "both"
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


def _mode(text_before: str, text_after: str) -> str | None:
    full = _nearest(_FULL_TIME, text_before, text_after)
    part = _nearest(_PART_TIME, text_before, text_after)
    if full and part:
        # Both in reach: the one nearer the amount before it decides.
        before_full = [m.end() for m in _FULL_TIME.finditer(text_before)]
        before_part = [m.end() for m in _PART_TIME.finditer(text_before)]
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


def _segments(line: Line) -> list[tuple[str, str]]:
    """(label, segment) pairs: the row label and each cell of a table row, or clauses of text."""
    if line.row:
        parts = line.text.split(" | ")
        label = parts[0]
        return [(label, part) for part in parts] if len(parts) > 1 else [("", parts[0])]
    return [("", s) for _, s in _sentences(line.text)]


def _fee_amounts(lines: list[Line], contexts: list[str], page_year: str | None) -> list[_Amount]:
    amounts = []
    order = 0
    for index, line in enumerate(lines):
        if not _MONEY.search(line.text):
            continue
        context = contexts[index]
        header_line = ""
        if line.row:
            # The column headers of this table, for a period or year said there.
            for back in range(index - 1, -1, -1):
                if lines[back].heading:
                    header_line = lines[back].text
                    break
                if not lines[back].row:
                    break
        for label, segment in _segments(line):
            matches = list(_MONEY.finditer(segment))
            if not matches:
                continue
            head, _, cell = segment.partition(": ") if line.row else ("", "", segment)
            if line.row and not cell:
                head, cell = "", segment
            about = f"{label} {segment} {context} {header_line}"
            if not _FEE_WORD.search(about):
                continue
            previous_end = 0
            for number, match in enumerate(matches):
                order += 1
                next_start = (
                    matches[number + 1].start() if number + 1 < len(matches) else len(segment)
                )
                before = segment[previous_end : match.start()]
                after = segment[match.end() : next_start]
                previous_end = match.end()
                near = f"{before[-80:]} {after[:40]}"
                if (
                    _NOT_A_FEE.search(near)
                    or _NOT_A_FEE.search(label)
                    or (line.row and _NOT_A_FEE.search(head))
                ):
                    continue
                if _RANGE_AFTER.match(after) or re.search(r"(?:-|–|to)\s*$", before[-4:]):
                    continue
                if re.search(r"\bfrom\s*$|\bup to\s*$|\bover\s*$|\bunder\s*$", before, re.I):
                    continue
                value = int((match.group(1) or match.group(2)).replace(",", ""))
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
                        _mode(before, after)
                        or _mode(head, "")
                        or _mode(label, "")
                        or _mode(context, "")
                    )
                    period = _period(before[-60:] + after[:60], head, label, header_line, context)
                    year = _year_in(segment, label, head, header_line, context)
                else:
                    status = _status(before, after) or _status(context, "")
                    mode = _mode(before, after) or _mode(context, "")
                    period = _period(before[-80:] + " " + after[:60], context)
                    year = _year_in(segment, context)
                if status is None:
                    continue
                amounts.append(
                    _Amount(
                        status,
                        mode,
                        value,
                        period,
                        year or page_year,
                        _quote(line.text, line.text.find(segment) + match.start()),
                        order,
                    )
                )
    return amounts


def _year_key(year: str | None) -> int:
    return int(year[:4]) if year else 0


def _choose_fees(amounts: list[_Amount]) -> list[Fact]:
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


# ----- IELTS -------------------------------------------------------------------------------

_SCORE = r"([4-9](?:\.[05])?)(?![\d.]*\d)"
_IELTS_OVERALL = [
    re.compile(
        r"\b(?:overall|total)\b(?: band)?(?: score)?(?: of| at)?"
        r"(?: at least| a minimum of| minimum)?[\s:|]*(?:score:?\s*)?" + _SCORE,
        re.I,
    ),
    re.compile(_SCORE + r"\s*(?:overall|\(overall\)|in total|total)", re.I),
    re.compile(
        r"IELTS(?: Academic)?(?: \(Academic\))?(?: test)?(?: score| band)?(?: of)?"
        r"(?: at least| minimum)?\s*[:\-–]?\s*"
        + _SCORE
        + r"(?!\s*(?:in|for|per|on) (?:each|all|any|every))",
        re.I,
    ),
]
_NOT_A_REQUIREMENT = re.compile(
    r"pre-?sessional|foundation|average|typical(?:ly)? (?:score|achieve)|our students|"
    r"undergraduate|bachelor|if you (?:have|score|scored|achieve)(?! at least)|waiver|test centre",
    re.I,
)


def _ielts(lines: list[Line], contexts: list[str]) -> list[Fact]:
    found: dict[Decimal, str] = {}
    for index, line in enumerate(lines):
        text = line.text
        if "ielts" not in (text + " " + contexts[index]).lower():
            continue
        for sentence in _segments_for_scores(line):
            # The sentence names IELTS, or sits right under an "IELTS" heading or label.
            if "ielts" not in sentence.lower() and "ielts" not in contexts[index].lower():
                continue
            if _NOT_A_REQUIREMENT.search(sentence):
                continue
            for pattern in _IELTS_OVERALL:
                match = pattern.search(sentence)
                if match:
                    score = Decimal(match.group(1))
                    if Decimal(4) <= score <= Decimal(9):
                        quote = _quote(text, text.find(sentence) + match.start())
                        if "ielts" not in quote.lower():
                            quote = _with_label(lines, index, quote)  # "IELTS: Overall 6.5 ..."
                        if "ielts" not in quote.lower() and len(contexts[index]) <= 80:
                            quote = f"{contexts[index]}: {quote}"  # under an "IELTS" heading
                        found.setdefault(score, quote)
                    break
    if len(found) != 1:
        return []  # none, or several different requirements on one page
    score, quote = next(iter(found.items()))
    return [Fact("ielts_overall", float(score), quote)]


def _segments_for_scores(line: Line) -> list[str]:
    if line.row:
        return [line.text]
    return [sentence for _, sentence in _sentences(line.text)]


# ----- durations and modes -----------------------------------------------------------------

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
    + r")?[\s-]*(years?|months?|yrs?)\b(?:\s+and\s+a\s+half)?",
    re.I,
)
_NOT_A_COURSE_LENGTH = re.compile(
    r"placement|project|dissertation|module|internship|experience|visa|post-study|graduate "
    r"route|ago|deadline|within|at least|minimum of|employment|work|research period|"
    r"semester|term\b|trimester|per week|each week|weeks|up to|maximum|max\.|no more than|"
    r"extend|registration period|exit award|pg ?cert|pg ?dip|certificate|diploma|"
    r"stay|residen|scholarship|contract|salary|part of the",
    re.I,
)
_DURATION_LABEL = re.compile(
    r"duration|course length|length of (?:the )?(?:course|programme|study)|programme length|"
    r"how long|study options|mode of study|study mode|attendance|^length\b",
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


def _clauses(text: str) -> list[str]:
    return [
        c
        for c in re.split(r";|\s\|\s|\s/\s|,(?!\d{3})|\bor\b|\band\b(?! a half)", text)
        if c.strip()
    ]


def _durations(lines: list[Line], contexts: list[str]) -> list[Fact]:
    found: dict[str | None, dict[int, str]] = {"full-time": {}, "part-time": {}, None: {}}
    for index, line in enumerate(lines):
        text = line.text
        context = contexts[index]
        labelled = _DURATION_LABEL.search(f"{text[:40]} {context}")
        for _, sentence in _sentences(text):
            if not _DURATION.search(sentence):
                continue
            sentence_mode_words = _FULL_TIME.search(sentence) or _PART_TIME.search(sentence)
            if not (labelled or sentence_mode_words):
                continue
            if re.search(r"\bapply\b|\bdeadline\b|closing date", sentence, re.I):
                continue
            for clause in _clauses(sentence):
                match = _DURATION.search(clause)
                if not match:
                    continue
                if _NOT_A_COURSE_LENGTH.search(clause):
                    continue
                if match.group(2):
                    continue  # a range: not proposed
                amount = _number(match.group(1))
                if amount is None:
                    continue
                unit = match.group(3).lower()
                months = amount * 12 if unit.startswith("y") else amount
                if "and a half" in match.group(0).lower():
                    months += 6
                if months != int(months) or not 1 <= months <= 60:
                    continue
                mode = _mode(clause[: match.start()], clause[match.end() :])
                if mode is None:
                    mode = _mode(context[-60:], "") if labelled else None
                if mode is None and sentence_mode_words:
                    # "part-time only and lasts 2 years": one mode named in the sentence.
                    named = {
                        m
                        for m, p in (("full-time", _FULL_TIME), ("part-time", _PART_TIME))
                        if p.search(sentence)
                    }
                    mode = named.pop() if len(named) == 1 else None
                quote = _quote(text, text.find(clause))
                if not _DURATION_LABEL.search(quote) and not (
                    _FULL_TIME.search(quote) or _PART_TIME.search(quote)
                ):
                    quote = _with_label(lines, index, quote)
                found[mode].setdefault(int(months), quote)
    facts = []
    if not found["full-time"] and len(found[None]) == 1 and not found["part-time"]:
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


def _modes(lines: list[Line], contexts: list[str]) -> list[Fact]:
    """Modes said in so many words ("Study mode: full-time, part-time", "100% online").

    Not inferred from durations: a page giving only a full-time duration does not say there is
    no part-time route, and accepting a modes suggestion sets all three.
    """
    modes: set[str] = set()
    quotes: dict[str, str] = {}
    for index, line in enumerate(lines):
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
            quotes.setdefault("online", _quote(text, online.start()))
        if labelled:
            for mode, pattern in (("full-time", _FULL_TIME), ("part-time", _PART_TIME)):
                match = pattern.search(text)
                if match:
                    modes.add(mode)
                    quotes.setdefault(mode, _quote(text, match.start()))
    ordered = [m for m in ("full-time", "part-time", "online") if m in modes]
    if not ordered:
        return []
    quote = next(quotes[m] for m in ordered if m in quotes)
    return [Fact("modes", ordered, quote)]


# ----- start months ------------------------------------------------------------------------

_MONTH_NAMES = {name.lower(): name for _, name in MONTHS}
_MONTH_NAMES.update({name[:3].lower(): name for _, name in MONTHS})
_MONTH = re.compile(
    r"\b("
    + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
    + r")\b\.?(?!\s*\d{1,2}(?:st|nd|rd|th)?\b(?!\d))",
    re.I,
)
_START_LABEL = re.compile(
    r"\bstart(?:s|ing)?\b|start dates?|entry (?:date|point)s?|intakes?|\bentry\b|commenc|"
    r"\bbegins?\b|enrolment dates?",
    re.I,
)
_NOT_A_START = re.compile(
    r"deadline|apply by|applications? (?:open|close)|closing|open day|open evening|webinar|"
    r"results|decision|offer|graduat|ends?\b|finish|submit|submission|fees? (?:are|is) due|"
    r"published|updated|last reviewed|visa",
    re.I,
)


def _start_months(lines: list[Line], contexts: list[str]) -> list[Fact]:
    months: set[int] = set()
    quote = None
    number_of = {name: number for number, name in MONTHS}
    for index, line in enumerate(lines):
        text = line.text
        for _, sentence in _sentences(text):
            label_here = _START_LABEL.search(sentence)
            label_above = _START_LABEL.search(contexts[index][-40:]) and len(text) < 80
            if not (label_here or label_above):
                continue
            if _NOT_A_START.search(sentence):
                continue
            scope = sentence[label_here.start() :] if label_here else sentence
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
                quote = _quote(text, text.find(sentence))
                if not label_here:
                    quote = _with_label(lines, index, quote)
    if not months:
        return []
    return [Fact("start_months", [name for number, name in MONTHS if number in months], quote)]


# ----- minimum degree ----------------------------------------------------------------------

_DEGREE_CLASS = [
    ("first", re.compile(r"\bfirst[- ]class\b|\b1st class\b", re.I)),
    ("2:1", re.compile(r"\b2[:.]1\b|\bupper second\b|\bupper 2nd\b|\b2i\b|\bII[.:]i\b", re.I)),
    ("2:2", re.compile(r"\b2[:.]2\b|\blower second\b|\blower 2nd\b|\b2ii\b|\bII[.:]ii\b", re.I)),
    ("third", re.compile(r"\bthird[- ]class\b", re.I)),
]
_DEGREE_WORD = re.compile(r"degree|honours|bachelor|undergraduate|\bBSc\b|\bBA\b", re.I)
_SECONDARY = re.compile(
    r"considered|experience|exceptional|may (?:also )?be|case[- ]by[- ]case|in some cases|"
    r"alternatively|we may|will also|not meet",
    re.I,
)


def _min_degree(lines: list[Line], contexts: list[str]) -> list[Fact]:
    primary: dict[str, str] = {}
    secondary: dict[str, str] = {}
    for line in lines:
        for _, sentence in _sentences(line.text):
            if not _DEGREE_WORD.search(sentence):
                continue
            hits = [(m.start(), value) for value, p in _DEGREE_CLASS for m in p.finditer(sentence)]
            if not hits:
                continue
            hits.sort()
            position, value = hits[0]
            target = secondary if _SECONDARY.search(sentence[:position]) else primary
            target.setdefault(value, _quote(line.text, line.text.find(sentence) + position))
    chosen = primary or secondary
    if len(chosen) != 1:
        return []
    value, quote = next(iter(chosen.items()))
    return [Fact("min_degree", value, quote)]


# ----- placement ---------------------------------------------------------------------------

_PLACEMENT = re.compile(
    r"\b(?:work |industry |industrial |clinical |professional )?placements?\b|"
    r"\bindustr(?:y|ial)[- ](?:based |linked |partnered |led )?(?:research )?projects?\b|"
    r"\binternships?\b|\bwork[- ]based project\b|"
    r"project with an? (?:industry|nhs|external) partner",
    re.I,
)
_NOT_PLACEMENT = re.compile(r"placement test|english (?:language )?placement|placement exam", re.I)
_NEGATIVE = re.compile(
    r"\b(?:no|not|without|doesn't|does not|do not|cannot|isn't|is not)\b[^.]{0,40}$", re.I
)


def _placement(lines: list[Line]) -> list[Fact]:
    yes = no = None
    for line in lines:
        for _, sentence in _sentences(line.text):
            match = _PLACEMENT.search(sentence)
            if not match or _NOT_PLACEMENT.search(sentence):
                continue
            if re.search(r"\b(?:undergraduate|bsc|ba)\b", sentence, re.I):
                continue
            quote = _quote(line.text, line.text.find(sentence) + match.start())
            if _NEGATIVE.search(sentence[: match.start()]):
                no = no or quote
            else:
                yes = yes or quote
    if yes and not no:
        return [Fact("placement", "yes", yes)]
    if no and not yes:
        return [Fact("placement", "no", no)]
    return []


# ----- the whole page ----------------------------------------------------------------------


def extract(document: str) -> list[Fact]:
    """Every fact found on the page, at most one per field, in the FIELDS order."""
    lines = page_lines(document)
    contexts = _contexts(lines)
    all_years = {y for line in lines for y in _years(line.text)}
    page_year = next(iter(all_years)) if len(all_years) == 1 else None
    facts = _choose_fees(_fee_amounts(lines, contexts, page_year))
    facts += _ielts(lines, contexts)
    facts += _durations(lines, contexts)
    facts += _modes(lines, contexts)
    facts += _start_months(lines, contexts)
    facts += _min_degree(lines, contexts)
    facts += _placement(lines)
    facts.sort(key=lambda f: FIELDS.index(f.field))
    return facts
