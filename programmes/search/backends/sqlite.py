"""SQLite: an FTS5 virtual table with four searched columns (title; university, short name,
city, award, modes and topics; summary; description) and the programme id, tokenised with
``porter unicode61 remove_diacritics 2`` (migration 0007); the score (``base.score_sql``) asks
which columns match, one MATCH each."""

from __future__ import annotations

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


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    # The SQL text is constant; the query travels as a parameter.
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [query.fts5()]  # noqa: S608


def within(key: str, expression: str) -> str:
    """``key`` is the id of a programme whose entry matches ``expression`` (one parameter);
    the IN list is built once per query, not once per row."""
    return f"{key} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH {expression})"  # noqa: S608 - a constant table name; values are parameters


def score(
    key: str, title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    return score_sql(
        within(key, "%s"),
        title,
        title_params,
        query,
        [
            query.phrase_fts5(),
            query.fts5(("title",)),
            query.fts5(("title", "organisation")),
            query.fts5(("title", "organisation", "summary")),
        ],
    )


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert entries (programme id, four parts); the caller deletes old ones first."""
    cursor.executemany(_INSERT, [(v[0], *v) for v in values])


def replaces_on_write() -> bool:
    """Whether ``write`` replaces an existing entry itself (FTS5 has no upsert)."""
    return False
