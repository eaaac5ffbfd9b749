"""PostgreSQL: a stored ``tsvector`` (the four parts as weights A-D, ``unaccent`` then the
``english`` configuration) under a GIN index (migration 0007); the score (``base.score_sql``)
asks which parts match, with weight-restricted queries."""

from __future__ import annotations

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
_TSQUERY = "to_tsquery('english'::regconfig, unaccent(%s))"


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    sql = f"SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {_TSQUERY}"  # noqa: S608
    return sql, [query.tsquery()]


def within(key: str, expression: str) -> str:
    """``key`` is the id of a programme whose entry matches the ``to_tsquery`` text (one
    parameter); the GIN index answers the subquery once per query."""
    tsquery = f"to_tsquery('english'::regconfig, unaccent({expression}))"
    return f"{key} IN (SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {tsquery})"  # noqa: S608 - a constant table name; values are parameters


def score(
    key: str, title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    return score_sql(
        within(key, "%s"),
        title,
        title_params,
        query,
        [query.phrase_tsquery(), query.tsquery("A"), query.tsquery("AB"), query.tsquery("ABC")],
    )


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert or replace entries (programme id, four parts)."""
    cursor.executemany(_UPSERT, values)


def replaces_on_write() -> bool:
    return True
