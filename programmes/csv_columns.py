"""The programme CSV's columns: one definition for the staff export and the editors' import.

UTF-8 with a byte-order mark (so Excel detects the encoding), a header row whose names carry
units, one row per programme, multi-valued cells joined with "; ", ISO dates, absolute URLs and
empty cells for unknown facts.

Each ``Column`` gives, in file order: its header name; what the export reads for it (flat
``values_list`` names, no model instances); how those values are written as cell text; whether
the cell holds text someone typed (made inert for spreadsheets, see ``neutralise``); and, for
the columns an import may change, the model fields it sets and how cell text is read back into
them. ``exports.py`` writes rows with this; ``imports.py`` reads them; an export imported again
changes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .models import MONTH_NAMES, MONTHS, Mode, Programme, mask_to_months, months_to_mask

# Read by the export beside the flat values: each programme's topic slugs (one link-table query
# per chunk) and the absolute URL of its public page (built once per export).
TOPIC_SLUGS = "topic_slugs"
PORTAL_URL = "portal_url"

SEPARATOR = "; "
MONTH_BY_NAME = {name.lower(): number for number, name in MONTHS}
_YES_NO = {True: "yes", False: "no", None: ""}

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# A separator a spreadsheet may split on (comma, semicolon in some locales, tab), then a formula
# character: "Dept;=cmd|' /C calc'!A0;x" opens as a formula in a ";" locale.
_FORMULA_AFTER_SEPARATOR = re.compile(r"[,;\t]\s*[=+\-@]")


def _dangerous(value: str) -> bool:
    if not value or _PLAIN_NUMBER.match(value):
        return False
    return value.startswith(_DANGEROUS_START) or bool(_FORMULA_AFTER_SEPARATOR.search(value))


def neutralise(value: str) -> str:
    """Make a cell inert in spreadsheets (OWASP CSV injection advice).

    A cell starting with = + - @ tab or carriage return, or in which a separator (, ; tab) is
    followed by one of = + - @, gets a leading apostrophe, except a plain number such as -5 or
    12.5, which no spreadsheet treats as a formula.
    """
    return "'" + value if _dangerous(value) else value


def unneutralise(value: str) -> str:
    """Undo neutralise() on import so an export → import round trip changes nothing."""
    if len(value) > 1 and value[0] == "'" and _dangerous(value[1:]):
        return value[1:]
    return value


def split(value: str) -> list[str]:
    """A multi-valued cell's parts, trimmed, empty parts dropped."""
    return [part.strip() for part in value.split(";") if part.strip()]


class CellError(ValueError):
    """A cell the import cannot read; ``messages`` say why (a cell may have several faults)."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class Column:
    name: str
    # What the export reads for the cell (values_list names, or TOPIC_SLUGS / PORTAL_URL).
    reads: tuple[str, ...]
    # The read values -> cell text. None: the one value is already the text (non-null CharFields).
    write: Callable[..., str] | None = None
    # Text an editor typed (or imported): neutralise() on export. The other cells are numbers,
    # dates, choices or built here and cannot start with = + - @ tab or CR.
    free_text: bool = False
    # Model fields the import sets from this cell (also how model errors name their column);
    # empty for the read-only columns, which are written for people and ignored on import.
    fields: tuple[str, ...] = ()
    # Cell text (trimmed, unneutralised) -> {field: value}; raises CellError. None where the
    # import resolves the cell itself against the database (the two slugs and the topics).
    read: Callable[[str], dict] | None = None

    @property
    def importable(self) -> bool:
        return bool(self.fields)


# ----- how values are written ------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool | None) -> str:
    return _YES_NO[value]


def _modes(*offered: bool) -> str:
    """The modes offered, from the MODE_FIELDS flags in their order."""
    pairs = zip(Programme.MODE_FIELDS, offered, strict=True)
    return SEPARATOR.join(mode.value for mode, on in pairs if on)


def _month_names(mask: int) -> str:
    return SEPARATOR.join(MONTH_NAMES[m] for m in mask_to_months(mask))


def _lines(value: str) -> str:
    return SEPARATOR.join(line.strip() for line in value.splitlines() if line.strip())


def _sorted_slugs(slugs) -> str:
    return SEPARATOR.join(sorted(slugs))


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _timestamp(value: datetime.datetime) -> str:
    return value.isoformat(timespec="seconds")


# ----- how cells are read ----------------------------------------------------------------


def _as_text(field: str) -> Callable[[str], dict]:
    return lambda cell: {field: cell}


def _as_whole_number(field: str) -> Callable[[str], dict]:
    def read(cell: str) -> dict:
        raw = cell.replace(",", "").replace("£", "")
        if raw == "":
            return {field: None}
        try:
            value = int(raw)
        except ValueError:
            raise CellError(f"{cell[:40]!r} is not a whole number") from None
        if not -(2**31) < value < 2**31:
            raise CellError(f"{cell[:40]!r} is far too large")
        return {field: value}

    return read


def _as_decimal(field: str) -> Callable[[str], dict]:
    def read(cell: str) -> dict:
        try:
            value = Decimal(cell) if cell else None
            if value is not None and not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise CellError(f"{cell[:40]!r} is not a number") from None
        return {field: value}

    return read


def _as_yes_no(field: str, *, empty: bool | None) -> Callable[[str], dict]:
    mapping = {"yes": True, "no": False, "": empty}

    def read(cell: str) -> dict:
        try:
            return {field: mapping[cell.lower()]}
        except KeyError:
            raise CellError("use yes, no or leave empty") from None

    return read


def _as_modes(cell: str) -> dict:
    modes = [m.lower() for m in split(cell)]
    bad = [m for m in modes if m not in Mode.values]
    if bad:
        raise CellError(*(f"{m[:40]!r} is not one of {', '.join(Mode.values)}" for m in bad))
    return {name: mode.value in modes for mode, name in Programme.MODE_FIELDS.items()}


def _as_months(cell: str) -> dict:
    names = split(cell)
    bad = [name for name in names if name.lower() not in MONTH_BY_NAME]
    if bad:
        raise CellError(*(f"{name[:40]!r} is not a month name" for name in bad))
    return {"start_month_mask": months_to_mask(MONTH_BY_NAME[n.lower()] for n in names)}


def _as_lines(cell: str) -> dict:
    return {"source_urls": "\n".join(split(cell))}


def _as_date(field: str) -> Callable[[str], dict]:
    def read(cell: str) -> dict:
        try:
            return {field: datetime.date.fromisoformat(cell) if cell else None}
        except ValueError:
            raise CellError(f"{cell[:40]!r} is not a date like 2026-09-30") from None

    return read


def _audience(*ticked: bool) -> str:
    pairs = zip(Programme.AUDIENCE_FIELDS, ticked, strict=True)
    return SEPARATOR.join(key for key, on in pairs if on)


def _as_audience(cell: str) -> dict:
    keys = [k.lower() for k in split(cell)]
    bad = [k for k in keys if k not in Programme.AUDIENCE_FIELDS]
    if bad:
        allowed = ", ".join(Programme.AUDIENCE_FIELDS)
        raise CellError(*(f"{k[:40]!r} is not one of {allowed}" for k in bad))
    return {name: key in keys for key, name in Programme.AUDIENCE_FIELDS.items()}


def _intake(year: int | None, month: int | None) -> str:
    if year is None:
        return ""
    return f"{year}-{month:02d}" if month else str(year)


_INTAKE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def _as_intake(cell: str) -> dict:
    if not cell:
        return {"next_intake_year": None, "next_intake_month": None}
    found = _INTAKE.match(cell)
    if not found or not 1 <= int(found[2] or 1) <= 12:
        raise CellError(f"{cell[:40]!r} is not a year and month like 2027-09 (or a year)")
    return {
        "next_intake_year": int(found[1]),
        "next_intake_month": int(found[2]) if found[2] else None,
    }


# ----- the columns, in file order ----------------------------------------------------------


def _text_column(name: str, field: str | None = None, *, free_text: bool = True) -> Column:
    field = field or name
    return Column(name, (field,), free_text=free_text, fields=(field,), read=_as_text(field))


def _number_column(name: str, field: str) -> Column:
    return Column(name, (field,), _text, fields=(field,), read=_as_whole_number(field))


def _yes_no_column(name: str, *, empty: bool | None) -> Column:
    return Column(name, (name,), _yes_no, fields=(name,), read=_as_yes_no(name, empty=empty))


def _date_column(name: str) -> Column:
    return Column(name, (name,), _date, fields=(name,), read=_as_date(name))


COLUMNS: list[Column] = [
    Column("university_slug", ("university__slug",), free_text=True, fields=("university",)),
    Column("programme_slug", ("slug",), free_text=True, fields=("slug",)),
    _text_column("status"),  # through Programme.set_status(): archiving records the day
    _text_column("title"),
    _text_column("award"),
    _text_column("exit_awards"),
    _text_column("department"),
    Column(
        "modes",
        tuple(Programme.MODE_FIELDS.values()),
        _modes,
        fields=tuple(Programme.MODE_FIELDS.values()),
        read=_as_modes,
    ),
    _number_column("duration_full_time_months", "duration_full_time_months"),
    _number_column("duration_part_time_months", "duration_part_time_months"),
    _number_column("fee_home_gbp", "fee_home"),
    _number_column("fee_international_gbp", "fee_international"),
    _text_column("fee_year"),
    _text_column("fee_period", free_text=False),
    Column(
        "start_months",
        ("start_month_mask",),
        _month_names,
        fields=("start_month_mask",),
        read=_as_months,
    ),
    _text_column("min_degree"),
    Column(
        "ielts_overall",
        ("ielts_overall",),
        _text,
        fields=("ielts_overall",),
        read=_as_decimal("ielts_overall"),
    ),
    Column(
        "ielts_min_component",
        ("ielts_min_component",),
        _text,
        fields=("ielts_min_component",),
        read=_as_decimal("ielts_min_component"),
    ),
    Column(
        "who_it_is_for",
        tuple(Programme.AUDIENCE_FIELDS.values()),
        _audience,
        fields=tuple(Programme.AUDIENCE_FIELDS.values()),
        read=_as_audience,
    ),
    _text_column("who_it_is_for_in_the_sources_words", "entry_background"),
    _yes_no_column("work_experience", empty=None),
    Column(
        "next_intake",
        ("next_intake_year", "next_intake_month"),
        _intake,
        fields=("next_intake_year", "next_intake_month"),
        read=_as_intake,
    ),
    _date_column("applications_open"),
    _date_column("deadline_home"),
    _date_column("deadline_international"),
    _yes_no_column("placement", empty=None),
    Column("topics", (TOPIC_SLUGS,), _sorted_slugs, free_text=True, fields=("topics",)),
    _text_column("summary"),
    _text_column("description"),
    _text_column("official_course_url", "official_url"),
    Column(
        "source_urls",
        ("source_urls",),
        _lines,
        free_text=True,
        fields=("source_urls",),
        read=_as_lines,
    ),
    _text_column("source_refers_to"),
    _yes_no_column("source_stale", empty=False),
    _date_column("last_verified"),
    # Written for people reading the file; ignored when a file is imported (``updated`` is
    # read only to notice a programme that changed after the file was exported).
    Column("university_name", ("university__name",), free_text=True),
    Column("portal_url", (PORTAL_URL,)),
    Column("updated", ("updated",), _timestamp),
]

HEADER = [column.name for column in COLUMNS]
IMPORT_COLUMNS = [column.name for column in COLUMNS if column.importable]
READ_ONLY_COLUMNS = [column.name for column in COLUMNS if not column.importable]
# Which column a model field's validation error belongs to.
FIELD_TO_COLUMN = {field: column.name for column in COLUMNS for field in column.fields}
