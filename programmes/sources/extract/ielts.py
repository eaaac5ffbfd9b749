"""The overall IELTS score a programme asks for."""

from __future__ import annotations

import re
from decimal import Decimal

from .common import Fact, each_line, quote_around, sentences, with_label
from .text import Line

# Not part of a longer number; the look-behind keeps a search over a run of digits linear.
_SCORE = r"(?<![\d.])([4-9](?:\.[05])?)(?!\.?\d)"
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


def find_ielts(lines: list[Line], contexts: list[str]) -> list[Fact]:
    found: dict[Decimal, str] = {}
    for index, line in each_line(lines):
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
                        quote = quote_around(text, text.find(sentence) + match.start())
                        if "ielts" not in quote.lower():
                            quote = with_label(lines, index, quote)  # "IELTS: Overall 6.5 ..."
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
    return [sentence for _, sentence in sentences(line.text)]
