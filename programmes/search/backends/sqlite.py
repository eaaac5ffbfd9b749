"""SQLite: an FTS5 virtual table with four searched columns (title; university, short name,
city, award, modes and topics; summary; description) and the programme id, tokenised with
``porter unicode61 remove_diacritics 2`` (migration 0007); the score (``base.score_sql``) asks
which columns match, one MATCH each."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .base import TABLE, score_sql

if TYPE_CHECKING:
    from ..query import SearchQuery

_INSERT = (
    f"INSERT INTO {TABLE} (rowid, programme_id, title, organisation, summary, body) "  # noqa: S608 - a constant table name; values are parameters
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
# FTS5's key is the rowid (programme_id is not indexed there).
KEY = "rowid"


IDS = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - a constant table name
# The same ids as one JSON array: 13,000 ids read as one value cost a third of as many rows.
_IDS_AT_ONCE = f"(SELECT json_group_array(rowid) FROM {TABLE} WHERE {TABLE} MATCH %s)"  # noqa: S608


# FTS5 answers one MATCH per scan of its index: each part a query asks about is a scan of its
# own, so a part is asked for only when it is needed.
PARTS_IN_ONE_PASS = False


def ids_at_once(
    whole: str, parts: list[tuple[str, str | None]], *, with_whole: bool = True
) -> tuple[str, list[Any]]:
    """One statement giving one row: the ids of the entries matching ``whole`` (the query;
    unless not ``with_whole``), then for each ``(part, within)`` those matching that part of
    it (``within`` is for engines that try a part only where another matches)."""
    expressions = ([whole] if with_whole else []) + [part for part, _ in parts]
    return "SELECT " + ", ".join([_IDS_AT_ONCE] * len(expressions)), expressions


def id_list(value: Any) -> list[int]:
    """The ids ``ids_at_once`` read, for one expression."""
    return json.loads(value) if value else []


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    # The SQL text is constant; the query travels as a parameter.
    return IDS, [query.fts5()]


def parts(query: SearchQuery) -> list[str]:
    """The queries for the parts the score asks about (``base.score_sql``), each for ``IDS``."""
    return [
        query.phrase_fts5(),
        query.fts5(("title",)),
        query.fts5(("title", "organisation")),
        query.fts5(("title", "organisation", "summary")),
    ]


def within(key: str, expression: str) -> str:
    """``key`` is the id of a programme whose entry matches ``expression`` (one parameter);
    the IN list is built once per query, not once per row."""
    return f"{key} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH {expression})"  # noqa: S608 - a constant table name; values are parameters


def score(
    key: str, title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    return score_sql(within(key, "%s"), title, title_params, query, parts(query))


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert entries (programme id, four parts); the caller deletes old ones first."""
    cursor.executemany(_INSERT, [(v[0], *v) for v in values])


def replaces_on_write() -> bool:
    """Whether ``write`` replaces an existing entry itself (FTS5 has no upsert)."""
    return False
