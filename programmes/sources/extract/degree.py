"""The minimum degree class asked for."""

from __future__ import annotations

import re

from .common import Fact, each_line, quote_around, sentences
from .text import Line

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


def find_min_degree(lines: list[Line]) -> list[Fact]:
    primary: dict[str, str] = {}
    secondary: dict[str, str] = {}
    for _, line in each_line(lines):
        for _, sentence in sentences(line.text):
            if not _DEGREE_WORD.search(sentence):
                continue
            hits = [(m.start(), value) for value, p in _DEGREE_CLASS for m in p.finditer(sentence)]
            if not hits:
                continue
            hits.sort()
            position, value = hits[0]
            target = secondary if _SECONDARY.search(sentence[:position]) else primary
            target.setdefault(value, quote_around(line.text, line.text.find(sentence) + position))
    chosen = primary or secondary
    if len(chosen) != 1:
        return []
    value, quote = next(iter(chosen.items()))
    return [Fact("min_degree", value, quote)]
