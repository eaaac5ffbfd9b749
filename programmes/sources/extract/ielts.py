"""The IELTS scores a programme asks for: the overall score, and the lowest score allowed in
any one component (listening, reading, writing, speaking), read from the same sentence or the
sentence after it ("6.5 overall with no less than 6.0 in each component"), or from the
component rows of an IELTS table. The lowest component is proposed only beside an overall score
it does not exceed."""

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
        r"IELTS\)?(?:\s*\([^()]{0,60}\))?(?: Academic)?(?: \(Academic\))?(?: test| exam)?(?: with)?"
        r"(?: an?)?(?: overall)?"
        r"(?: score| band| standard| level)?(?: of)?"
        r"(?: at least| minimum)?\s*[:\-–]?\s*"
        + _SCORE
        + r"(?!\s*(?:in|for|per|on) (?:each|all|any|every))",
        re.I,
    ),
    # "The IELTS score required for international applicants is 7"
    re.compile(
        r"IELTS (?:score|band|level) (?:required|needed)\b[^.\d]{0,40}?\b(?:is|of)\s+" + _SCORE,
        re.I,
    ),
    # "a minimum score of 7 under the International English Language Testing System (IELTS)";
    # only read in a sentence naming IELTS or under an IELTS heading, as every pattern here.
    re.compile(
        r"(?:minimum|overall|required)\s+(?:overall\s+)?score\s+of\s+"
        + _SCORE
        + r"(?!\s*(?:in|for|per|on) (?:each|all|any|every))",
        re.I,
    ),
]
_PART = (
    r"(?:elements?|components?|bands?|skills?|sub-?skills?|sub-?scores?|sub-?tests?|sections?|"
    r"areas?|"
    r"modules?|papers?|categor(?:y|ies)|parts?|individual scores?)"
)
_SKILL = r"(?:reading|writing|listening|speaking)"
_COMPONENT = [
    re.compile(
        r"(?:lowest|minimum|min\.?)\s+(?:score\s+)?(?:in\s+)?(?:any\s+|each\s+|one\s+)?"
        + _PART
        + r"(?:\s+score)?\s*[:\-]?\s*"
        + _SCORE,
        re.I,
    ),
    re.compile(
        r"(?:no|not)\s+(?:less|lower)\s+than\s+" + _SCORE + r"\s+(?:in|on|for)\s+"
        r"(?:any|each|all|every|the)",
        re.I,
    ),
    re.compile(
        r"\bno\s+(?:single\s+|individual\s+|one\s+)?" + _PART + r"\s+(?:score\s+)?"
        r"(?:below|lower than|less than|under)\s+" + _SCORE,
        re.I,
    ),
    re.compile(
        r"(?:minimum|min\.?|at least)\s+(?:of\s+|score of\s+)?" + _SCORE + r"\s+"
        r"(?:(?:is|are)\s+(?:required|needed)\s+)?(?:in|on|for)\s+"
        r"(?:each|all|every|any)",
        re.I,
    ),
    re.compile(
        _SCORE + r"\s+(?:or (?:above|higher|more|over)\s+)?(?:in|on|for)\s+"
        r"(?:each|all|every|any|(?:the\s+|all\s+)?other)"
        r"\s+(?:of\s+the\s+)?(?:four\s+)?(?:\w+\s+)?" + _PART,
        re.I,
    ),
    re.compile(
        r"(?:each|all|every|any)\s+(?:of the\s+)?(?:four\s+)?" + _PART + r"\s*(?:at|of|with|:)?"
        r"\s*(?:a minimum of|at least|minimum|min\.?|no less than)?\s*(?:score\s+of\s+)?" + _SCORE,
        re.I,
    ),
    # "5.5 minimum in each component"
    re.compile(_SCORE + r"\s+(?:minimum|min\.?)\s+(?:in|on|for)\s+(?:each|all|every|any)\b", re.I),
    # "with the remaining sub-test components at a score of no less than 6.0"
    re.compile(
        r"(?:remaining|other|all|each|every)\s+(?:[\w-]+\s+)?" + _PART + r"\s+(?:at\s+)?"
        r"(?:a\s+score\s+of\s+)?(?:no\s+(?:less|lower)\s+than|at\s+least|a\s+minimum\s+of)\s+"
        + _SCORE,
        re.I,
    ),
]
# Scores for named skills only ("6.0 in writing").
_SKILL_COMPONENT = [
    re.compile(r"(?:minimum|min\.?)\s+(?:of\s+)?" + _SCORE + r"\s+(?:in|on|for)\s+" + _SKILL, re.I),
    re.compile(_SCORE + r"\s+in\s+(?:the\s+)?" + _SKILL, re.I),
    re.compile(
        _SKILL + r"(?:\s*(?:and|,|&)\s*" + _SKILL + r")*\s*(?:of|:|-|–|at)?\s*(?:a minimum of\s+|"
        r"at least\s+|minimum\s+)?" + _SCORE,
        re.I,
    ),
]
_SKILL_ROW = re.compile(r"^\s*" + _SKILL + r"\b", re.I)
_NOT_A_REQUIREMENT = re.compile(
    r"pre-?sessional|foundation|average|typical(?:ly)? (?:score|achieve)|our students|"
    r"(?:below|under|less than) IELTS|encouraged to take|undergraduate|bachelor|ranges? from|"
    r"\bUG(?:Cert|Dip)?\b|some (?:degree )?(?:courses|programmes)|higher (?:entrance |entry )?"
    r"requirement|"
    r"postgraduate research|research degrees?|\bPhD\b|typically [4-9]|"
    r"\b[4-9](?:\.[05])?\s*(?:-|–|to)\s*[4-9](?:\.[05])?\b|"
    r"if you (?:have|score|scored|achieve)(?! at least)|waiver|test centre|"
    r"conditional offers?|at the discretion|may be (?:given|considered|offered)",
    re.I,
)


# "Requirements for arts and humanities courses", then "Requirements for business, sciences,
# and law courses": a page of requirements by group of subjects (Reading's).
_GROUP_OF_COURSES = re.compile(
    r"^\W*(?:(?:english(?: language)?|language|entry) )?requirements? for [\w ,&'/-]{3,80}? "
    r"(?:courses|programmes|subjects|degrees)\W*$",
    re.I,
)


def _by_group_of_subjects(lines: list[Line]) -> bool:
    groups = {
        line.text.strip().lower()
        for _, line in each_line(lines)
        if not line.row and _GROUP_OF_COURSES.match(line.text)
    }
    return len(groups) >= 2


def find_ielts(lines: list[Line], contexts: list[str]) -> list[Fact]:
    """The overall score and the lowest component, when the page asks one overall score.
    A page setting requirements for two groups of subjects or more gives none: which group a
    programme is in is not said there."""
    if _by_group_of_subjects(lines):
        return []
    found: dict[Decimal, str] = {}
    components: set[Decimal] = set()  # from the component rows of an IELTS table
    # The lowest component each sentence stating an overall score gives with it.
    stated: set[Decimal] = set()
    for index, line in each_line(lines):
        text = line.text
        if "ielts" not in (text + " " + contexts[index]).lower():
            continue
        skill = _SKILL_ROW.search(text) if line.row else None
        if skill and "ielts" in contexts[index].lower():
            # An IELTS table's component row: "Listening | Score: 7.0".
            cell = re.search(_SCORE, text[skill.end() :])
            if cell:
                components.add(Decimal(cell.group(1)))
            continue
        segments = _segments_for_scores(line)
        for number, sentence in enumerate(segments):
            # The sentence names IELTS, or sits right under an "IELTS" heading or label.
            if "ielts" not in sentence.lower() and "ielts" not in contexts[index].lower():
                continue
            if _NOT_A_REQUIREMENT.search(sentence):
                continue
            match = _overall_in(sentence, found)
            if match is None:
                continue
            score = Decimal(match.group(1))
            if Decimal(4) <= score <= Decimal(9):
                at = text.find(sentence) + match.start()
                found.setdefault(score, _quote(lines, contexts, index, at))
                after = segments[number + 1 : number + 2]
                given = _component_scores(
                    sentence[: match.start()] + " " + sentence[match.end() :], *after
                )
                if given:
                    stated.add(min(given))
    if len(found) != 1:
        return []  # none, or several different requirements on one page
    score, quote = next(iter(found.items()))
    facts = [Fact("ielts_overall", float(score), quote)]
    # Two sentences asking the same overall score with different lowest components ("6.5
    # overall with a minimum of 6.0 in each component" for most programmes, "6.5 overall with
    # a minimum of 5.5" for some: Liverpool): which is this programme's is not said.
    lowest = None if len(stated) > 1 else min(components | stated, default=None)
    if lowest is not None and lowest <= score:
        facts.append(Fact("ielts_min_component", float(lowest), quote))
    return facts


def _quote(lines: list[Line], contexts: list[str], index: int, at: int) -> str:
    """The words around a score at ``at`` in line ``index``, naming IELTS."""
    quote = quote_around(lines[index].text, at)
    if "ielts" not in quote.lower():
        quote = with_label(lines, index, quote)  # "IELTS: Overall 6.5 ..."
    if "ielts" not in quote.lower() and len(contexts[index]) <= 80:
        quote = f"{contexts[index]}: {quote}"  # under an "IELTS" heading
    return quote


def _overall_in(sentence: str, found: dict[Decimal, str]) -> re.Match | None:
    """The first overall score the sentence states. One sentence stating several ("IELTS 6.5
    with ... IELTS 7.0 with ...": a table of levels for different courses) is no one course's
    requirement: the others go into ``found`` too, which then holds several."""
    for pattern in _IELTS_OVERALL:
        match = pattern.search(sentence)
        if match:
            for other in pattern.finditer(sentence, match.end()):
                found.setdefault(Decimal(other.group(1)), sentence)
            return match
    return None


def _component_scores(*texts: str) -> set[Decimal]:
    """Scores every component must reach. A score for some skills only ("6.0 in writing") says
    nothing about the others, so it counts only beside an each/any/other rule or when all four
    skills are named."""
    scores = set()
    for text in texts:
        if _NOT_A_REQUIREMENT.search(text):
            continue
        general = {Decimal(m.group(1)) for p in _COMPONENT for m in p.finditer(text)}
        skills = {Decimal(m.group(1)) for p in _SKILL_COMPONENT for m in p.finditer(text)}
        named = {word.lower() for word in re.findall(_SKILL, text, re.I)}
        if general or len(named) == 4 or re.search(r"\bother\b", text, re.I):
            scores |= general | skills
    return {score for score in scores if Decimal(4) <= score <= Decimal(9)}


def _segments_for_scores(line: Line) -> list[str]:
    if line.row:
        return [line.text]
    return [sentence for _, sentence in sentences(line.text)]
