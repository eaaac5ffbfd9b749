"""The list's counts kept in step with the catalogue (``models.CatalogueCounts``).

Counting the list and its facets means reading every matching programme: at 20,000 programmes
that was most of the list page's cost, and it grew with the catalogue. For the list with no
filter, or with place and topic filters only (the common pages), the counts come instead from
one row holding, per university with published programmes, the number of them in all and per
topic, and how many of those do not record each fact a filter asks about. Its size grows with
universities times topics, never with programmes.

Kept in step by the catalogue's invalidation wiring (``programmes/cache.py``): every write the
list shows calls ``changed()`` in its own transaction, which adds a change row there and
rebuilds the counts once the write commits. Writers that bypass signals (``seed_synthetic``)
call ``rebuild()`` themselves. While a change row exists the counts are never read (``read()``
answers None), so a rebuild that fails, or a write path that forgot, costs speed only: the
list counts from the programmes as before.

Why change rows rather than a flag on the counts row: a writer marking the one row would hold
its lock until it commits, so every catalogue write would wait on every other (and two
transactions that each wrote a programme the other wants would deadlock on PostgreSQL). A
rebuild removes only the change rows it saw before counting: a write still uncommitted then
keeps its row, so the counts are not read until that write's own rebuild has counted it.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import sys
import threading
import uuid
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import numpy as np
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils import timezone

from .models import RECORDED, CatalogueCounts, CatalogueCountsChange, Programme, Status

logger = logging.getLogger(__name__)

ROW = 1
# The facts the list's fact filters ask about (the keys of models.RECORDED they use), in the
# order each count row lists them after its total. tests/catalogue/test_catalogue_counts.py
# checks every fact filter's fact is here.
FACTS = (
    "modes",
    "fee_home_course",
    "fee_international_course",
    "duration_full_time_months",
    "placement",
    "ielts_overall",
    "start_months",
    "deadline",
)


def _figures(queryset) -> list[dict[str, Any]]:
    figures: dict[str, Any] = {"n": Count("pk")}
    figures.update({f"no_{fact}": Count("pk", filter=~RECORDED[fact]) for fact in FACTS})
    return list(queryset.annotate(**figures))


def _row(figures: dict[str, Any]) -> list[int]:
    return [figures["n"], *(figures[f"no_{fact}"] for fact in FACTS)]


def build() -> dict[str, Any]:
    """The counts from the programmes themselves (two grouped queries)."""
    published = Programme.objects.published().order_by()
    universities = {
        str(f["university_id"]): _row(f) for f in _figures(published.values("university_id"))
    }
    topics: dict[str, dict[str, list[int]]] = {}
    tagged = published.filter(topics__isnull=False).values("university_id", "topics__id")
    for f in _figures(tagged):
        topics.setdefault(str(f["university_id"]), {})[str(f["topics__id"])] = _row(f)
    return {"facts": list(FACTS), "universities": universities, "topics": topics}


INDEX_VERSION = 5
# The index's arrays, in the order they are packed, with their lengths: "count" (one a
# published programme), "span" (one a programme id, 0 up to the largest), "topics" (one a
# topic), "topics+1" and "links" (one a topic of a set of topics).
_COLUMNS = (
    ("ids", "count"),
    ("university", "count"),
    ("profile", "count"),
    ("flags", "count"),
    ("title_length", "count"),
    ("order", "count"),
    ("topic_ids", "topics"),
    ("topic_start", "topics+1"),
    ("topic_profiles", "links"),
    ("dense", "span"),
)
# Unpacked as lists, not arrays: reading an item of a list makes no new int object, so counting
# 13,000 matches' universities takes half the time (the other columns are read less).
_COUNTED = {"university", "profile", "flags"}
# ``dense`` (id -> position, -1 for none) is kept while ids are this dense or denser; a
# catalogue whose ids are sparser looks positions up in a dict built when read.
DENSE_AT_MOST = 4


def _smallest_code(values: Sequence[int]) -> str:
    """The array type code of the fewest bytes that holds every one of ``values``."""
    low, high = min(values, default=0), max(values, default=0)
    for code in ("b", "B", "h", "H", "i", "I", "q"):
        size = array(code).itemsize * 8
        least, most = (
            (-(2 ** (size - 1)), 2 ** (size - 1) - 1) if code.islower() else (0, 2**size - 1)
        )
        if least <= low and high <= most:
            return code
    raise OverflowError("an id beyond 64 bits")


@dataclass(frozen=True)
class IndexArrays:
    """``CatalogueIndex``'s columns as numpy arrays, one item a position (a published
    programme, in id order) unless said: a search counts and ranks 13,000 matches over these
    in a few vectorised steps instead of a Python loop each."""

    ids: np.ndarray
    university: np.ndarray  # its university's number: an index into ``universities``
    universities: np.ndarray  # the universities' ids, ascending
    profile: np.ndarray
    profiles: int  # how many sets of topics (profile numbers run from 0 below this)
    flags: np.ndarray
    title_length: np.ndarray
    order: np.ndarray  # every position, in the order of equal relevance
    dense: np.ndarray  # one item an id: its position, -1 if none; empty when ids are sparse


@dataclass(frozen=True)
class CatalogueIndex:
    """Per published programme (its position: the programmes in id order), what a search's
    count, facets and ranked page need without reading the programmes:

    - ``university``: its university's id;
    - ``profile``: its set of topics, a number shared by the programmes with the same topics;
      the sets holding topic ``topic_ids[t]`` are ``topic_profiles[topic_start[t]:
      topic_start[t + 1]]``;
    - ``flags``: the facts it does not record (bit ``i`` for ``FACTS[i]``);
    - ``title_length``; and ``order``: every position in the order a search sorts programmes
      of equal relevance (shorter titles first, then by title and id, as the database sorts
      them).

    Packed as arrays of the smallest type that holds their values (about 15 bytes a
    programme at 20,000), read in one query and unpacked without a loop."""

    ids: Sequence[int]
    university: Sequence[int]
    profile: Sequence[int]
    flags: Sequence[int]
    title_length: Sequence[int]
    order: Sequence[int]
    topic_ids: Sequence[int]
    topic_start: Sequence[int]
    topic_profiles: Sequence[int]
    dense: Sequence[int]  # id -> position (-1: not published), or empty (ids too sparse)

    @cached_property
    def arrays(self) -> IndexArrays:
        """The columns a search reads, as numpy arrays (made once per index; the index itself
        is decoded once per rebuild, ``read_index``)."""
        universities, university = np.unique(
            np.asarray(self.university, dtype=np.int64), return_inverse=True
        )
        profile = np.asarray(self.profile, dtype=np.intp)
        return IndexArrays(
            ids=np.asarray(self.ids, dtype=np.int64),
            university=university.astype(np.intp),
            universities=universities,
            profile=profile,
            profiles=int(profile.max()) + 1 if len(profile) else 0,
            flags=np.asarray(self.flags, dtype=np.int64),
            title_length=np.asarray(self.title_length, dtype=np.int64),
            order=np.asarray(self.order, dtype=np.intp),
            dense=np.asarray(self.dense, dtype=np.intp),
        )

    def positions(self, ids: Sequence[int]) -> np.ndarray:
        """The positions of the published programmes among ``ids`` (others left out)."""
        arrays = self.arrays
        found = np.asarray(ids, dtype=np.int64)
        if len(arrays.dense):
            found = found[(found >= 0) & (found < len(arrays.dense))]
            at = arrays.dense[found]
            return at[at >= 0]
        # Ids too sparse for ``dense``: positions are the programmes in id order.
        at = np.searchsorted(arrays.ids, found)
        inside = at < len(arrays.ids)
        at, found = at[inside], found[inside]
        return at[arrays.ids[at] == found]

    def profiles_with(self, topic_id: int) -> Sequence[int]:
        """The sets of topics (``profile`` numbers) that hold ``topic_id``."""
        for t, pk in enumerate(self.topic_ids):
            if pk == topic_id:
                return self.topic_profiles[self.topic_start[t] : self.topic_start[t + 1]]
        return ()

    def pack(self) -> bytes:
        # Each column in the smallest type that holds its values: a smaller value to read.
        codes = {name: _smallest_code(getattr(self, name)) for name, _ in _COLUMNS}
        header = json.dumps(
            {
                "version": INDEX_VERSION,
                "byteorder": sys.byteorder,
                "facts": list(FACTS),
                "codes": codes,
                "count": len(self.ids),
                "span": len(self.dense),
                "topics": len(self.topic_ids),
                "links": len(self.topic_profiles),
            }
        ).encode()
        columns = b"".join(array(codes[name], getattr(self, name)).tobytes() for name in codes)
        return len(header).to_bytes(4, "little") + header + columns

    @classmethod
    def unpack(cls, packed: bytes | memoryview | None) -> CatalogueIndex | None:
        """The index, or None when it is missing, damaged, or was packed by another version,
        another list of facts or a machine of the other byte order (the list then counts in
        SQL, as it always can)."""
        if not packed:
            return None
        try:
            return cls._unpack(memoryview(packed))
        except (ValueError, KeyError, TypeError, OverflowError):
            return None

    @classmethod
    def _unpack(cls, view: memoryview) -> CatalogueIndex | None:
        size = int.from_bytes(view[:4], "little")
        header = json.loads(bytes(view[4 : 4 + size]))
        if not isinstance(header, dict) or header.get("version") != INDEX_VERSION:
            return None
        if header.get("byteorder") != sys.byteorder or header.get("facts") != list(FACTS):
            return None
        codes = header.get("codes")
        if not isinstance(codes, dict) or list(codes) != [name for name, _ in _COLUMNS]:
            return None
        lengths = {key: int(header[key]) for key in ("count", "span", "topics", "links")}
        lengths["topics+1"] = lengths["topics"] + 1
        offset, columns = 4 + size, {}
        for name, length in _COLUMNS:
            column = array(codes[name])
            end = offset + lengths[length] * column.itemsize
            if end > len(view):
                return None
            column.frombytes(view[offset:end])
            columns[name] = column.tolist() if name in _COUNTED else column
            offset = end
        if offset != len(view):
            return None
        return cls(**columns)


def build_index() -> CatalogueIndex:
    """The index from the programmes themselves (two queries)."""
    # The facts not recorded as one sum of bits, worked out by the database (one value a row
    # to read, not one a fact).
    bits = [
        Case(When(~RECORDED[fact], then=Value(1 << bit)), default=Value(0))
        for bit, fact in enumerate(FACTS)
    ]
    flags = functools.reduce(operator.add, bits[1:], bits[0])
    # In the order a search sorts programmes of equal relevance (backends/base.score_sql):
    # shorter titles first, then title and id, compared by the database itself.
    rows = list(
        Programme.objects.published()
        .annotate(length=Length("title"), flags=ExpressionWrapper(flags, IntegerField()))
        .order_by("length", "title", "pk")
        .values_list("pk", "university_id", "length", "flags")
    )
    topics: dict[int, list[int]] = {}
    links = Programme.topics.through.objects.filter(programme__status=Status.PUBLISHED)
    for programme_id, topic_id in links.order_by("topic_id").values_list(
        "programme_id", "topic_id"
    ):
        topics.setdefault(programme_id, []).append(topic_id)
    profiles: dict[tuple[int, ...], int] = {}
    by_id = []
    for pk, university_id, length, missing in rows:
        profile = profiles.setdefault(tuple(topics.get(pk, ())), len(profiles))
        by_id.append((pk, university_id, profile, missing, length))
    by_id.sort()
    position = {row[0]: p for p, row in enumerate(by_id)}
    span = by_id[-1][0] + 1 if by_id else 0
    dense = [-1] * span if span <= DENSE_AT_MOST * len(by_id) + 4096 else []
    for pk, p in position.items() if dense else ():
        dense[pk] = p
    holding: dict[int, list[int]] = {}
    for topic_set, profile in profiles.items():
        for topic_id in topic_set:
            holding.setdefault(topic_id, []).append(profile)
    topic_start = [0]
    for topic_id in holding:
        topic_start.append(topic_start[-1] + len(holding[topic_id]))
    return CatalogueIndex(
        ids=[row[0] for row in by_id],
        university=[row[1] for row in by_id],
        profile=[row[2] for row in by_id],
        flags=[row[3] for row in by_id],
        title_length=[row[4] for row in by_id],
        order=[position[row[0]] for row in rows],
        topic_ids=list(holding),
        topic_start=topic_start,
        topic_profiles=[profile for found in holding.values() for profile in found],
        dense=dense,
    )


def rebuild() -> None:
    """Count afresh and store. One rebuild at a time (the row is locked first). The change rows
    seen before counting are removed; any committed after that stay, so the counts are not read
    until a later rebuild counts them too."""
    with transaction.atomic():
        CatalogueCounts.objects.get_or_create(pk=ROW)
        CatalogueCounts.objects.select_for_update().filter(pk=ROW).first()
        seen = list(CatalogueCountsChange.objects.values_list("pk", flat=True))
        data = build()
        index = build_index().pack()
        CatalogueCounts.objects.filter(pk=ROW).update(
            data=json.dumps(data, separators=(",", ":")),
            index=index,
            dirty=False,
            built_at=timezone.now(),
            version=uuid.uuid4().hex,
        )
        for start in range(0, len(seen), 500):
            CatalogueCountsChange.objects.filter(pk__in=seen[start : start + 500]).delete()


def _built() -> bool:
    return (
        CatalogueCounts.objects.filter(pk=ROW, dirty=False)
        .exclude(Exists(CatalogueCountsChange.objects.all()))
        .exists()
    )


def rebuild_unless_built() -> None:
    """After a commit: rebuild unless another commit's rebuild did already. Never raises (it
    runs after the write committed; its change row then stays and the counts are not read)."""
    try:
        if not _built():
            rebuild()
    except Exception:
        logger.exception("rebuilding the catalogue counts failed; the list counts without them")


def changed() -> None:
    """A write the list shows: the counts are not read from now on (in this transaction, and
    for everyone once it commits) until they are rebuilt, right after the commit. An insert:
    concurrent writers never wait on one another here."""
    CatalogueCountsChange.objects.create()
    transaction.on_commit(rebuild_unless_built)


def _current():
    return CatalogueCounts.objects.filter(pk=ROW, dirty=False).exclude(
        Exists(CatalogueCountsChange.objects.all())
    )


def read_index() -> CatalogueIndex | None:
    """The stored index (one query), or None whenever ``read`` would answer None."""
    return _read_decoded("index", CatalogueIndex.unpack)


# Per database and column, the version last read and what it decoded to. Kept per process:
# the stored value changes only with a rebuild, which gives it a new version.
_decoded: dict[tuple[str, str, str], tuple[str, Any]] = {}
_decoded_lock = threading.Lock()


def _read_decoded(name: str, decode: Callable[[Any], Any]) -> Any:
    """Column ``name`` of the counts row, decoded, while the counts are current; else None.

    One query either way: it gives the row's version, and the value itself only when that is
    not the version this process decoded last (a 240 kB index read and unpacked took 1.2 ms on
    SQLite and 3.9 ms on PostgreSQL at 20,000 programmes, on every search). A plain cursor:
    through the queryset's iterator a 600 kB value took 3 ms longer on PostgreSQL."""
    key = (connection.alias, str(connection.settings_dict["NAME"]), name)
    known_version, known = _decoded.get(key, ("", None))
    field = cast("Field", CatalogueCounts._meta.get_field(name))
    value: Any = F(name)
    if known_version:  # (a row built before versions existed has "": always read whole)
        value = Case(
            When(version=known_version, then=Value(None)), default=value, output_field=field
        )
    queryset = _current().annotate(value=value).values_list("version", "value")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    version, raw = row
    if version and version == known_version:
        return known
    decoded = decode(raw)
    if version:
        with _decoded_lock:
            _decoded[key] = (version, decoded)
    return decoded


def _counts_from_text(text: str | None) -> dict[str, Any] | None:
    try:
        stored = json.loads(text or "null")
    except ValueError:
        return None
    if not isinstance(stored, dict) or stored.get("facts") != list(FACTS):
        return None
    return stored


def read() -> dict[str, Any] | None:
    """The stored counts, or None when they are dirty, missing or of another shape. (Shared
    with other requests of this process: read, never changed.)"""
    return _read_decoded("data", _counts_from_text)
