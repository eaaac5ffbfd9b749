"""Whether a placement or industry project is part of the course."""

from __future__ import annotations

import re

from .common import Fact, each_line, quote_around, sentences
from .text import Line

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


def find_placement(lines: list[Line]) -> list[Fact]:
    yes = no = None
    for _, line in each_line(lines):
        for _, sentence in sentences(line.text):
            match = _PLACEMENT.search(sentence)
            if not match or _NOT_PLACEMENT.search(sentence):
                continue
            if re.search(r"\b(?:undergraduate|bsc|ba)\b", sentence, re.I):
                continue
            quote = quote_around(line.text, line.text.find(sentence) + match.start())
            if _NEGATIVE.search(sentence[: match.start()]):
                no = no or quote
            else:
                yes = yes or quote
    if yes and not no:
        return [Fact("placement", "yes", yes)]
    if no and not yes:
        return [Fact("placement", "no", no)]
    return []
