"""Facts from a page's schema.org structured data (JSON-LD): ``Course`` and
``EducationalOccupationalProgram`` with ``timeToComplete``, ``offers``,
``hasCourseInstance.courseMode``, ``startDate`` and ``applicationDeadline``.

Read as strictly as the text: a fee only from an offer in pounds whose name, category or
description says home (UK) or international (overseas); a duration only as an ISO 8601 period of
whole months or years ("P1Y", "P12M", "P2Y6M"); dates only as ISO dates. Anything else is
ignored, never guessed. ``extract`` compares these with the facts read from the text: when
both give a field and disagree, neither is proposed, and the editor is told.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from .common import Fact

MAX_BLOCKS = 20
MAX_BLOCK_CHARS = 200_000
MAX_NODES = 2_000
COURSE_TYPES = {"course", "educationaloccupationalprogram", "educationalprogram"}
_PERIOD = re.compile(r"^P(?:(\d{1,2})Y)?(?:(\d{1,3})M)?$", re.I)
_HOME = re.compile(r"\b(home|uk|domestic|scotland|scottish)\b", re.I)
_INTERNATIONAL = re.compile(r"\b(international|overseas|non-uk)\b", re.I)
_MODES = {
    "fulltime": "full-time",
    "parttime": "part-time",
    "online": "online",
    "distancelearning": "online",
}


def _blocks(document: str) -> list[object]:
    try:
        tree = LexborHTMLParser(document)
    except Exception:
        return []
    found = []
    for count, node in enumerate(tree.css('script[type="application/ld+json"]')):
        if count >= MAX_BLOCKS:
            break
        text = (node.text() or "")[:MAX_BLOCK_CHARS]
        try:
            found.append(json.loads(text))
        except (ValueError, RecursionError):
            continue  # broken JSON is common on real pages: the text still counts
    return found


def _nodes(data: object) -> Iterator[dict]:
    """Every JSON object in the blocks, breadth first, at most MAX_NODES (no recursion)."""
    queue = [data]
    seen = 0
    while queue and seen < MAX_NODES:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            seen += 1
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (dict, list)))


def _types(node: dict) -> set[str]:
    kinds = node.get("@type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds}


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(value.get(k)) for k in ("name", "@id", "description") if k in value)
    return "" if value is None else str(value)


def _months(value: object) -> int | None:
    match = _PERIOD.match(str(value).strip()) if isinstance(value, str) else None
    if not match or not (match.group(1) or match.group(2)):
        return None
    months = int(match.group(1) or 0) * 12 + int(match.group(2) or 0)
    return months if 1 <= months <= 60 else None


def _date(value: object) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _quote(key: str, value: object) -> str:
    return f"Structured data (schema.org): {key} = {json.dumps(value, ensure_ascii=False)[:200]}"


class _Found:
    """Values per field, each with the quote it was first seen with."""

    def __init__(self) -> None:
        self.values: dict[str, dict[object, str]] = {}

    def add(self, field: str, value: object, key: str, said: object) -> None:
        held = tuple(value) if isinstance(value, list) else value
        self.values.setdefault(field, {}).setdefault(held, _quote(key, said))

    def facts(self) -> list[Fact]:
        facts = []
        for field, values in self.values.items():
            if field == "next_intake":
                value = min(values)  # type: ignore[type-var]  # "YYYY-MM": the earliest start
                facts.append(Fact(field, value, values[value]))
            elif len(values) == 1:  # several different values: not proposed
                value, quote = next(iter(values.items()))
                facts.append(Fact(field, list(value) if isinstance(value, tuple) else value, quote))
        return facts


def _instance(instance: dict, found: _Found) -> str | None:
    """A CourseInstance's mode (returned), duration and start."""
    mode_words = re.sub(r"[^a-z]", "", _text(instance.get("courseMode")).lower())
    mode = next((m for key, m in _MODES.items() if key in mode_words), None)
    schedule = instance.get("courseSchedule")
    length = schedule.get("duration") if isinstance(schedule, dict) else None
    months = _months(length)
    if months and mode in ("full-time", "part-time"):
        field = f"duration_{mode.replace('-', '_')}_months"
        found.add(field, months, "courseSchedule.duration", length)
    _start(instance, found)
    return mode


def _start(node: dict, found: _Found) -> None:
    start = _date(node.get("startDate"))
    if start:
        found.add("next_intake", f"{start.year}-{start.month:02d}", "startDate", node["startDate"])


def _offer(offer: object, found: _Found) -> None:
    if not isinstance(offer, dict) or str(offer.get("priceCurrency", "")).upper() != "GBP":
        return
    try:
        amount = int(float(str(offer.get("price", "")).replace(",", "")))
    except ValueError:
        return
    if not 1_000 <= amount <= 100_000:
        return
    words = " ".join(_text(offer.get(k)) for k in ("name", "category", "description"))
    home, international = _HOME.search(words), _INTERNATIONAL.search(words)
    if bool(home) == bool(international):
        return  # whose fee it is is not said (or both are): not proposed
    said = {k: offer[k] for k in ("name", "price", "priceCurrency", "category") if k in offer}
    found.add("fee_home_gbp" if home else "fee_international_gbp", amount, "offers", said)


def _course(course: dict, found: _Found) -> set[str]:
    """One Course's facts; returns the modes its instances name."""
    instances = course.get("hasCourseInstance") or []
    instances = instances if isinstance(instances, list) else [instances]
    modes = {_instance(i, found) for i in instances if isinstance(i, dict)} - {None}
    months = _months(course.get("timeToComplete"))
    if months:
        # Without a mode it is the full-time length, unless only part-time is offered.
        part_time_only = modes == {"part-time"}
        field = "duration_part_time_months" if part_time_only else "duration_full_time_months"
        found.add(field, months, "timeToComplete", course["timeToComplete"])
    _start(course, found)
    deadline = _date(course.get("applicationDeadline"))
    if deadline:
        for field in ("deadline_home", "deadline_international"):
            found.add(field, deadline.isoformat(), "applicationDeadline", deadline.isoformat())
    offers = course.get("offers") or []
    for offer in offers if isinstance(offers, list) else [offers]:
        _offer(offer, found)
    return modes  # type: ignore[return-value]


def structured_facts(document: str) -> list[Fact]:
    """The facts the page's Course / EducationalOccupationalProgram data states."""
    if "application/ld+json" not in document:
        return []
    found = _Found()
    modes: set[str] = set()
    for block in _blocks(document):
        for node in _nodes(block):
            if _types(node) & COURSE_TYPES:
                modes |= _course(node, found)
    if modes:
        ordered = sorted(modes, key=["full-time", "part-time", "online"].index)
        found.add("modes", ordered, "courseMode", ordered)
    return found.facts()
