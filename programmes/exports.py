"""The staff CSV export: the programme CSV (columns in ``csv_columns.py``), streamed.

Rows are streamed: the queryset is read as flat values in chunks, with one topic query per
chunk, so memory stays flat and the query count grows only per 2,000 rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from .csv_columns import (
    COLUMNS,
    HEADER,
    IMPORT_COLUMNS,
    PORTAL_URL,
    TOPIC_SLUGS,
    Column,
    neutralise,
)
from .models import Programme, Topic

# HEADER, IMPORT_COLUMNS and neutralise are defined in csv_columns and also importable from
# here, where the export tests look for them.
__all__ = ["CHUNK_SIZE", "HEADER", "IMPORT_COLUMNS", "csv_response", "neutralise", "stream_rows"]

CHUNK_SIZE = 2000
BOM = "\ufeff"

# What the export reads: flat values in one query, no model instances. Building a Programme,
# its University and its Topics per row cost five times as much as writing the CSV itself.
# The programme's pk comes first (for the topic query); TOPIC_SLUGS and PORTAL_URL are supplied
# here per chunk.
_VALUES = ["pk"] + [
    name
    for name in dict.fromkeys(name for column in COLUMNS for name in column.reads)
    if name not in (TOPIC_SLUGS, PORTAL_URL)
]


def _cells(column: Column, values: dict[str, Iterable]) -> Iterable[str]:
    """One column's cells for a chunk, from the chunk's values by name."""
    read = [values[name] for name in column.reads]
    cells = read[0] if column.write is None else map(column.write, *read)
    return map(neutralise, cells) if column.free_text else cells


def _topic_slugs(ids: Iterable[int], slugs: dict[int, str]) -> dict[int, list[str]]:
    """Each programme's topic slugs. Reads only the link table's index."""
    found: dict[int, list[str]] = {}
    rows = Programme.topics.through.objects.filter(programme_id__in=ids).values_list(
        "programme_id", "topic_id"
    )
    for programme_id, topic_id in rows:
        found.setdefault(programme_id, []).append(slugs[topic_id])
    return found


def stream_rows(queryset: QuerySet[Programme], base_url: str) -> Iterator[str]:
    """The CSV in pieces of CHUNK_SIZE rows: two queries per chunk, memory flat at any size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # One reverse() per export, not per row (it was a tenth of the time).
    detail = reverse("programme_detail", args=["UNIVERSITY", "PROGRAMME"])
    detail = detail.replace("UNIVERSITY", "{0}").replace("PROGRAMME", "{1}")
    portal_url = (base_url + detail).format
    yield BOM + ",".join(HEADER) + "\r\n"
    slugs = dict(Topic.objects.values_list("pk", "slug"))
    rows = queryset.values_list(*_VALUES).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        # Column by column: map() runs each writer over the chunk, one Python call per cell
        # (none for text written as it is), instead of building every row cell by cell.
        values = dict(zip(_VALUES, zip(*chunk, strict=True), strict=True))
        topics = _topic_slugs(values["pk"], slugs)
        values[TOPIC_SLUGS] = [topics.get(pk, ()) for pk in values["pk"]]
        values[PORTAL_URL] = list(map(portal_url, values["university__slug"], values["slug"]))
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(zip(*(_cells(column, values) for column in COLUMNS), strict=True))
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
