"""SQLite: an FTS5 virtual table with four searched columns (title; university, short name,
city, award, modes and topics; summary; description) and the programme id, tokenised with
``porter unicode61 remove_diacritics 2`` (migration 0007) and ranked with ``bm25`` using the
column weights in ``WEIGHTS``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import TABLE, TITLE_SLACK, score_shape

if TYPE_CHECKING:
    from ..query import SearchQuery

# Column weights: a title match counts most, then the university/topics, summary, description.
WEIGHTS = (0.0, 10.0, 5.0, 2.0, 1.0)  # programme_id (not searched), then the four

_INSERT = (
    f"INSERT INTO {TABLE} (rowid, programme_id, title, organisation, summary, body) "  # noqa: S608 - a constant table name; values are parameters
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
# FTS5's key is the rowid (programme_id is not indexed there).
KEY = "rowid"


def matching_ids(query: SearchQuery) -> tuple[str, list[Any]]:
    # The SQL text is constant; the query travels as a parameter.
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [query.fts5()]  # noqa: S608


def match(column: str, query: SearchQuery) -> tuple[str, list[Any]]:
    return f"{column} MATCH %s", [query.fts5()]


def score(
    column: str, params: list[Any], title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    shortness, phrase = score_shape(title)
    rowid = column.rsplit(".", 1)[0] + ".rowid"
    weights = ", ".join(str(w) for w in WEIGHTS)
    # Each IN (...) runs its MATCH once per query, not once per row.
    within = (
        f"(CASE WHEN {rowid} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH %s) "  # noqa: S608 - a constant table name; values are parameters
        "THEN 1 ELSE 0 END)"
    )
    # bm25() is lower (more negative) for better matches; capped at 10 and scaled into
    # [0, 1] with one call (it is computed per matching row, and two calls cost 20% more).
    engine = f"(0.5 * MIN(-bm25({column}, {weights}), 10.0) / 10.0)"
    in_title = phrase.format(
        condition=f"{rowid} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH %s)"  # noqa: S608 - a constant table name; values are parameters
    )
    sql = f"({in_title} + {within} + {within} + {engine} + {shortness})"
    return sql, [
        query.phrase_fts5(),
        *title_params,
        query.typed_length + TITLE_SLACK,
        query.fts5(("title",)),
        query.fts5(("title", "organisation")),
        *params,
        *title_params,
    ]


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert entries (programme id, four parts); the caller deletes old ones first."""
    cursor.executemany(_INSERT, [(v[0], *v) for v in values])


def replaces_on_write() -> bool:
    """Whether ``write`` replaces an existing entry itself (FTS5 has no upsert)."""
    return False
