"""PostgreSQL: a stored ``tsvector`` (the four parts as weights A-D, ``unaccent`` then the
``english`` configuration) under a GIN index (migration 0007); the score (``base.score_sql``)
asks which parts match, with weight-restricted queries."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import TABLE, score_sql

if TYPE_CHECKING:
    from ..query import SearchQuery

_UPSERT = (
    f"INSERT INTO {TABLE} (programme_id, {TABLE}) VALUES (%s, "  # noqa: S608 - a constant table name; values are parameters
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'A') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'B') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'D')) "
    f"ON CONFLICT (programme_id) DO UPDATE SET {TABLE} = EXCLUDED.{TABLE}"
)
KEY = "programme_id"


def _tsquery(expression: str) -> str:
    """The query as a constant: through ``portal_unaccent`` (``unaccent`` declared IMMUTABLE,
    migration 0019) PostgreSQL folds it when it plans the statement. With ``unaccent`` itself
    (only STABLE) it was worked out again for every row filtered and the planner could not
    estimate the matches: a broad search at 20,000 programmes took 760 ms of SQL, now 155."""
    return f"to_tsquery('english'::regconfig, portal_unaccent({expression}))"


IDS = f"SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {_tsquery('%s')}"  # noqa: S608


# Every part a query asks about is found in the same pass as the whole query.
PARTS_IN_ONE_PASS = True


def ids_at_once(
    whole: str, parts: list[tuple[str, str | None]], *, with_whole: bool = True
) -> tuple[str, list[Any]]:
    """One statement giving one row: the ids of the entries matching ``whole`` (the query;
    unless not ``with_whole``), then for each ``(part, within)`` those matching that part of
    it. One pass over the entries: the parts are tried only on the entries matching the whole
    query (at 20,000 programmes three passes cost 24 ms, one 14), and a part with ``within``
    (the phrase, whose words must also match the title) only on those matching ``within``,
    cheaper to try.

    Each list of ids comes back packed, eight bytes an id (``id_list`` unpacks it): as text
    arrays, the 24,000 ids of a broad search at 20,000 programmes took 4 ms more to send and
    parse."""
    packed = "string_agg(int8send(programme_id), ''::bytea)"
    columns = [packed] if with_whole else []
    params: list[Any] = []
    for part, within in parts:
        condition = f"{TABLE} @@ {_tsquery('%s')}"
        if within is not None:
            condition = f"{condition} AND {condition}"
            params.append(within)
        columns.append(f"{packed} FILTER (WHERE {condition})")
        params.append(part)
    sql = f"SELECT {', '.join(columns)} FROM {TABLE} WHERE {TABLE} @@ {_tsquery('%s')}"  # noqa: S608 - constant table name and functions; values are parameters
    return sql, [*params, whole]


def id_list(value: Any) -> Sequence[int]:
    """The ids ``ids_at_once`` read, for one expression (big-endian eight-byte integers; none
    matching: NULL)."""
    ids = array("q", bytes(value or b""))
    if sys.byteorder == "little":
        ids.byteswap()
    return ids


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    return IDS, [query.tsquery()]


def parts(query: SearchQuery) -> list[str]:
    """The queries for the parts the score asks about (``base.score_sql``), each for ``IDS``."""
    return [query.phrase_tsquery(), query.tsquery("A"), query.tsquery("AB"), query.tsquery("ABC")]


def within(key: str, expression: str) -> str:
    """``key`` is the id of a programme whose entry matches the ``to_tsquery`` text (one
    parameter); the GIN index answers the subquery once per query."""
    return f"{key} IN (SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {_tsquery(expression)})"  # noqa: S608 - a constant table name; values are parameters


def score(
    key: str, title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    return score_sql(within(key, "%s"), title, title_params, query, parts(query))


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert or replace entries (programme id, four parts)."""
    cursor.executemany(_UPSERT, values)


def replaces_on_write() -> bool:
    return True
