"""The programme CSV: one format for the staff export and the editors' bulk import.

UTF-8 with a byte-order mark (so Excel detects the encoding), a header row whose names carry
units, one row per programme, multi-valued cells joined with "; ", ISO dates, absolute URLs and
empty cells for unknown facts. Rows are streamed: the queryset is read as flat values in chunks,
with one topic query per chunk, so memory stays flat and the query count grows only per 2,000 rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from .models import MONTH_NAMES, Programme, Topic, mask_to_months

CHUNK_SIZE = 2000
BOM = "\ufeff"

# Columns editors can change through the import, in file order.
IMPORT_COLUMNS = [
    "university_slug",
    "programme_slug",
    "status",
    "title",
    "award",
    "exit_awards",
    "department",
    "modes",
    "duration_full_time_months",
    "duration_part_time_months",
    "fee_home_gbp",
    "fee_international_gbp",
    "fee_year",
    "fee_period",
    "start_months",
    "min_degree",
    "ielts_overall",
    "placement",
    "topics",
    "summary",
    "description",
    "official_course_url",
    "source_urls",
    "source_refers_to",
    "source_stale",
    "last_verified",
]
# Written for people reading the file; ignored when a file is imported.
READ_ONLY_COLUMNS = ["university_name", "portal_url", "updated"]
HEADER = IMPORT_COLUMNS + READ_ONLY_COLUMNS

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def neutralise(value: str) -> str:
    """Make a cell inert in spreadsheets (OWASP CSV injection advice).

    A cell starting with = + - @ tab or carriage return gets a leading apostrophe, except a
    plain number such as -5 or 12.5, which no spreadsheet treats as a formula.
    """
    if value and value.startswith(_DANGEROUS_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo neutralise() on import so an export → import round trip changes nothing."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(_DANGEROUS_START):
        return value[1:]
    return value


# What the export reads: flat values in one query, no model instances. Building a Programme,
# its University and its Topics per row cost five times as much as writing the CSV itself.
_VALUES = [
    "pk",
    "university__slug",
    "slug",
    "status",
    "title",
    "award",
    "exit_awards",
    "department",
    "offers_full_time",
    "offers_part_time",
    "offers_online",
    "duration_full_time_months",
    "duration_part_time_months",
    "fee_home",
    "fee_international",
    "fee_year",
    "fee_period",
    "start_month_mask",
    "min_degree",
    "ielts_overall",
    "placement",
    "summary",
    "description",
    "official_url",
    "source_urls",
    "source_refers_to",
    "source_stale",
    "last_verified",
    "university__name",
    "updated",
]
# Cells holding text an editor typed (or imported). The others are numbers, dates, choices or
# built here and cannot start with = + - @ tab or CR, so they skip neutralise().
_FREE_TEXT = [
    HEADER.index(name)
    for name in (
        "university_slug",
        "programme_slug",
        "status",
        "title",
        "award",
        "exit_awards",
        "department",
        "fee_year",
        "min_degree",
        "topics",
        "summary",
        "description",
        "official_course_url",
        "source_urls",
        "source_refers_to",
        "university_name",
    )
]
_YES_NO = {True: "yes", False: "no", None: ""}


def _text(value) -> str:
    return "" if value is None else str(value)


def _month_names(mask: int) -> str:
    return "; ".join(MONTH_NAMES[m] for m in mask_to_months(mask))


def _topic_slugs(ids: list[int], slugs: dict[int, str]) -> dict[int, str]:
    """Each programme's topic slugs, sorted and joined. Reads only the link table's index."""
    found: dict[int, list[str]] = {}
    rows = Programme.topics.through.objects.filter(programme_id__in=ids).values_list(
        "programme_id", "topic_id"
    )
    for programme_id, topic_id in rows:
        found.setdefault(programme_id, []).append(slugs[topic_id])
    return {pk: "; ".join(sorted(names)) for pk, names in found.items()}


def stream_rows(queryset: QuerySet[Programme], base_url: str) -> Iterator[str]:
    """The CSV in pieces of CHUNK_SIZE rows: two queries per chunk, memory flat at any size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # One reverse() per export, not per row (it was a tenth of the time).
    detail = reverse("programme_detail", args=["UNIVERSITY", "PROGRAMME"])
    detail = detail.replace("UNIVERSITY", "{0}").replace("PROGRAMME", "{1}")
    yield BOM + ",".join(HEADER) + "\r\n"
    slugs = dict(Topic.objects.values_list("pk", "slug"))
    rows = queryset.values_list(*_VALUES).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        topics = _topic_slugs([row[0] for row in chunk], slugs)
        buffer.seek(0)
        buffer.truncate()
        for (
            pk,
            university_slug,
            slug,
            status,
            title,
            award,
            exit_awards,
            department,
            full_time,
            part_time,
            online,
            duration_ft,
            duration_pt,
            fee_home,
            fee_international,
            fee_year,
            fee_period,
            start_mask,
            min_degree,
            ielts,
            placement,
            summary,
            description,
            official_url,
            source_urls,
            source_refers_to,
            source_stale,
            last_verified,
            university_name,
            updated,
        ) in chunk:
            modes = [
                mode
                for mode, offered in (
                    ("full-time", full_time),
                    ("part-time", part_time),
                    ("online", online),
                )
                if offered
            ]
            cells = [
                university_slug,
                slug,
                status,
                title,
                award,
                exit_awards,
                department,
                "; ".join(modes),
                _text(duration_ft),
                _text(duration_pt),
                _text(fee_home),
                _text(fee_international),
                fee_year,
                fee_period,
                _month_names(start_mask),
                min_degree,
                _text(ielts),
                _YES_NO[placement],
                topics.get(pk, ""),
                summary,
                description,
                official_url,
                "; ".join(line.strip() for line in source_urls.splitlines() if line.strip()),
                source_refers_to,
                _YES_NO[source_stale],
                last_verified.isoformat() if last_verified else "",
                university_name,
                base_url + detail.format(university_slug, slug),
                updated.isoformat(timespec="seconds"),
            ]
            for index in _FREE_TEXT:
                cells[index] = neutralise(cells[index])
            writer.writerow(cells)
        yield buffer.getvalue()


def csv_response(
    request: HttpRequest, queryset: QuerySet[Programme], *, name: str
) -> StreamingHttpResponse:
    """The download both exports answer with: the staff view and the admin's bulk action.

    Streamed (``stream_rows``), named ``<name>-<today>.csv`` by the site's date, and never
    stored by a browser or proxy: the file can hold drafts and editors' notes.
    """
    response = StreamingHttpResponse(
        stream_rows(queryset, request.build_absolute_uri("/")[:-1]),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"{name}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
