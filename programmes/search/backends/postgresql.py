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


def _tsquery(expression: str) -> str:
    """The query as a constant: through ``portal_unaccent`` (``unaccent`` declared IMMUTABLE,
    migration 0019) PostgreSQL folds it when it plans the statement. With ``unaccent`` itself
    (only STABLE) it was worked out again for every row filtered and the planner could not
    estimate the matches: a broad search at 20,000 programmes took 760 ms of SQL, now 155."""
    return f"to_tsquery('english'::regconfig, portal_unaccent({expression}))"


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    sql = f"SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {_tsquery('%s')}"  # noqa: S608
    return sql, [query.tsquery()]


def within(key: str, expression: str) -> str:
    """``key`` is the id of a programme whose entry matches the ``to_tsquery`` text (one
    parameter); the GIN index answers the subquery once per query."""
    return f"{key} IN (SELECT programme_id FROM {TABLE} WHERE {TABLE} @@ {_tsquery(expression)})"  # noqa: S608 - a constant table name; values are parameters


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
