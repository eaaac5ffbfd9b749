"""The editors' bulk CSV import: dry run first, then one all-or-nothing transaction.

The file format is the export format: the columns in programmes/csv_columns.py, which also say
how each cell is read. Rows are matched to programmes by university slug + programme slug. Every
cell is treated as text and validated by the model's own rules (field validators and database
constraints); nothing in a cell is ever evaluated.
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import search
from .cache import invalidation_deferred
from .csv_columns import (
    COLUMNS,
    FIELD_TO_COLUMN,
    IMPORT_COLUMNS,
    READ_ONLY_COLUMNS,
    CellError,
    split,
    unneutralise,
)
from .models import Programme, Topic, University

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# The cells read into model values here; the two slugs and the topics are looked up in
# plan_import(), the read-only columns are ignored.
_READ = [column for column in COLUMNS if column.read is not None]


class ImportFileError(ValueError):
    """The file as a whole is refused (encoding, size, columns); nothing is read further."""


@dataclass
class RowResult:
    number: int  # the line number in the file (the header is line 1)
    university_slug: str
    programme_slug: str
    action: str = "unchanged"  # "create", "update", "unchanged", "conflict" or "error"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    programme: Programme | None = None
    topic_ids: list[int] | None = None
    # Set when the programme changed after the file was exported (its `updated` cell): what
    # changed since, and by whom. Such a row is written only when the editor says so.
    conflict: str = ""
    conflict_since: datetime.datetime | None = None


@dataclass
class ImportPlan:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Decode and parse the upload, refusing the whole file on any structural problem."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in data:
        raise ImportFileError("The file contains NUL bytes: it is not a UTF-8 CSV text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read). "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from None
    if not text.strip():
        raise ImportFileError("The file is empty.")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows.")
            if None in row:
                raise ImportFileError(f"Line {reader.line_num} has more cells than the header row.")
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV: {exc}.") from None
    header = [h.strip() for h in header]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS and c not in READ_ONLY_COLUMNS]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if unknown:
        problems.append("unknown columns: " + ", ".join(unknown[:10]))
    if duplicated:
        problems.append("repeated columns: " + ", ".join(duplicated))
    if problems:
        raise ImportFileError(
            "The header row does not match the export format (" + "; ".join(problems) + ")."
        )
    if not rows:
        raise ImportFileError("The file has a header row but no programmes.")
    return [{k.strip(): (v or "") for k, v in row.items()} for row in rows]


def _values_from_row(row: dict[str, str], errors: list) -> dict:
    """Cell text -> model values. Cell-level problems are appended to ``errors``."""
    values: dict = {}
    for column in _READ:
        try:
            values.update(column.read(unneutralise(row[column.name].strip())))
        except CellError as exc:
            errors.extend((column.name, message) for message in exc.messages)
    return values


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _exported_at(raw: str) -> datetime.datetime | None:
    """The export's `updated` cell (ISO 8601, to the second), or None when absent or unreadable."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _describe_conflicts(results: list[RowResult]) -> None:
    """Name who changed each conflicting programme, and when: one query for all of them."""
    conflicting = [r for r in results if r.action == "conflict"]
    if not conflicting:
        return
    content_type = ContentType.objects.get_for_model(Programme)
    last: dict[str, LogEntry] = {}
    entries = (
        LogEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(r.programme.pk) for r in conflicting],
        )
        .select_related("user")
        .order_by("object_id", "-action_time")
    )
    for entry in entries:
        last.setdefault(entry.object_id, entry)
    for result in conflicting:
        entry = last.get(str(result.programme.pk))
        when = timezone.localtime(result.conflict_since).strftime("%-d %b %Y %H:%M")
        by = f" by {entry.user.get_username()}" if entry else ""
        result.conflict = (
            f"changed on {when}{by}, after this file was exported: its rows would overwrite "
            "that change"
        )


def plan_import(rows: list[dict[str, str]]) -> ImportPlan:  # noqa: C901 - one pass, row by row
    """Validate every row against the database as it is now; write nothing."""
    universities = {u.slug: u for u in University.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    existing = {
        (p.university.slug, p.slug): p
        for p in Programme.objects.select_related("university").prefetch_related("topics")
    }
    seen: dict[tuple[str, str], int] = {}
    results = []
    for index, row in enumerate(rows, start=2):
        uni_slug = row["university_slug"].strip()
        slug = row["programme_slug"].strip()
        result = RowResult(index, uni_slug, slug)
        results.append(result)
        key = (uni_slug, slug)
        if key in seen:
            result.errors.append(
                ("programme_slug", f"the same programme is also on line {seen[key]}")
            )
        seen.setdefault(key, index)
        university = universities.get(uni_slug)
        if university is None:
            result.errors.append(("university_slug", f"no university with slug {uni_slug[:60]!r}"))
        topic_ids = []
        for topic_slug in split(row["topics"]):
            if topic_slug not in topics:
                result.errors.append(("topics", f"no topic with slug {topic_slug[:60]!r}"))
            else:
                topic_ids.append(topics[topic_slug].pk)
        values = _values_from_row(row, result.errors)
        if result.errors:
            result.action = "error"
            continue
        current = existing.get(key)
        programme = Programme(university=university, slug=slug) if current is None else current
        before = {name: getattr(programme, name) for name in values}
        before_topics = sorted(t.slug for t in current.topics.all()) if current is not None else []
        if current is not None:
            # Work on a copy so the instance that holds the "before" values stays untouched.
            programme = copy.copy(current)
            programme.university = university
        for name, value in values.items():
            if name != "status":
                setattr(programme, name, value)
        if "status" in values:
            programme.set_status(values["status"])  # archiving records the day
        try:
            # Fields and clean() only. Uniqueness (university + slug) is settled above for the
            # whole file at once (a repeat in the file is an error; a slug already in the
            # catalogue is that programme's update), and every check constraint repeats a field
            # validator. Asking the database per row (about ten queries) took 143 s for the
            # 10,000 rows the upload limit allows; the database still enforces all of them.
            # The university is one already read above (its ForeignKey check is a query too).
            programme.full_clean(
                exclude=["university"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = FIELD_TO_COLUMN.get(name, "row")
                for message in messages:
                    result.errors.append((column, message))
            result.action = "error"
            continue
        new_topics = sorted(split(row["topics"]))
        result.programme = programme
        result.topic_ids = topic_ids
        if current is None:
            result.action = "create"
            result.changes = [
                (FIELD_TO_COLUMN.get(n, n), "", _display(v))
                for n, v in values.items()
                if v not in (None, "", False, 0)
            ]
            if new_topics:
                result.changes.append(("topics", "", "; ".join(new_topics)))
        else:
            for name, value in values.items():
                old = before[name]
                if _display(old) != _display(value):
                    result.changes.append(
                        (FIELD_TO_COLUMN.get(name, name), _display(old), _display(value))
                    )
            if before_topics != new_topics:
                result.changes.append(("topics", "; ".join(before_topics), "; ".join(new_topics)))
            result.action = "update" if result.changes else "unchanged"
            exported = _exported_at(row.get("updated", ""))
            if (
                result.changes
                and exported is not None
                and current.updated.replace(microsecond=0) > exported
            ):
                result.action = "conflict"
                result.conflict_since = current.updated
    _describe_conflicts(results)
    return ImportPlan(results)


def apply_import(
    rows: list[dict[str, str]], *, user, overwrite_conflicts: bool = False
) -> ImportPlan:
    """Re-validate and write everything in one transaction, or nothing at all.

    Rows whose programme changed after the file was exported ("conflict") are skipped unless
    ``overwrite_conflicts`` (the editor saw them in the dry run and chose to overwrite).
    Raises ``ImportFileError`` when any row fails, so the caller can show the plan again.
    """
    # One reindex and one cache bump for the whole file, after its rows are written (inside
    # the transaction, so a failure leaves the index and the pages as they were).
    with transaction.atomic(), invalidation_deferred(), search.indexing_deferred():
        plan = plan_import(rows)
        if not plan.is_valid:
            raise ImportFileError(f"{len(plan.errors)} row(s) have errors; nothing was written.")
        for result in plan.rows:
            if result.action == "conflict" and overwrite_conflicts:
                result.action = "update"
            if result.action not in ("create", "update"):
                continue
            programme = result.programme
            programme.save()
            programme.topics.set(result.topic_ids or [])
            LogEntry.objects.log_actions(
                user_id=user.pk,
                queryset=[programme],
                action_flag=CHANGE if result.action == "update" else ADDITION,
                change_message=(
                    f"CSV import line {result.number}: "
                    + ", ".join(f"{c}: {o!r} → {n!r}" for c, o, n in result.changes[:20])
                )[:2000],
                single_object=True,
            )
    return plan
