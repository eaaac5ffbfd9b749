"""PostgreSQL: a stored ``tsvector`` (the four parts as weights A-D, ``unaccent`` then the
``english`` configuration) under a GIN index (migration 0007), ranked with ``ts_rank_cd``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import TABLE, TITLE_SLACK, score_shape

if TYPE_CHECKING:
    from ..query import SearchQuery

# ts_rank_cd's weights are given for D, C, B, A.
WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"

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


def match(column: str, query: SearchQuery) -> tuple[str, list[Any]]:
    return f"{column} @@ {_TSQUERY}", [query.tsquery()]


def score(
    column: str, params: list[Any], title: str, title_params: list[Any], query: SearchQuery
) -> tuple[str, list[Any]]:
    shortness, phrase = score_shape(title)
    within = f"(CASE WHEN {column} @@ {_TSQUERY} THEN 1 ELSE 0 END)"
    # Normalisation 32 scales the rank into [0, 1): rank / (rank + 1).
    engine = f"(0.5 * ts_rank_cd('{WEIGHTS}'::float4[], {column}, {_TSQUERY}, 32))"
    in_title = phrase.format(condition=f"{column} @@ {_TSQUERY}")
    sql = f"({in_title} + {within} + {within} + {engine} + {shortness})"
    return sql, [
        *params,
        query.phrase_tsquery(),
        *title_params,
        query.typed_length + TITLE_SLACK,
        *params,
        query.tsquery("A"),
        *params,
        query.tsquery("AB"),
        *params,
        query.tsquery(),
        *title_params,
    ]


def write(cursor: Any, values: list[tuple[Any, ...]]) -> None:
    """Insert or replace entries (programme id, four parts)."""
    cursor.executemany(_UPSERT, values)


def replaces_on_write() -> bool:
    return True
