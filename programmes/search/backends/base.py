"""What every backend shares: the index table's name and the shape of the relevance score."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..query import SearchQuery

TABLE = "programmes_search"
TITLE_SLACK = 4  # apostrophes, brackets and the like in a title that is otherwise the query


def score_sql(
    condition: str, title: str, title_params: list[Any], query: SearchQuery, expressions: list[str]
) -> tuple[str, list[Any]]:
    """The relevance score, the same on every engine: whole units say where the words matched,
    and a fraction under one orders programmes within a unit.

    ``condition`` is the engine's "this programme's entry matches" SQL with one parameter;
    ``expressions`` are the engine's queries for: the words as typed, in order, in the title;
    every word in the title; in the title or the university/topics; in those or the summary.

    - 1 for the words as typed in the title, 1 more when the title is little else (no more
      than ``TITLE_SLACK`` characters longer than what was typed);
    - 1 for every word in the title; 1 for every word in the title or the university/topics;
    - 0.5 for every word in the title, university/topics or summary (not the description
      alone), and up to 0.5 for a shorter, more specific title.

    So a title match always comes before a summary match, and a summary match before a match
    in the description only. Each condition is an ``IN`` over the index, run once per query:
    no per-row ranking function (bm25 over every match was two thirds of a broad search's cost
    at 20,000 programmes).
    """
    phrase, in_title, in_title_org, in_summary = expressions
    shortness = f"(0.5 * 10.0 / (10.0 + LENGTH({title})))"
    sql = (
        f"((CASE WHEN {condition} THEN 1 + (CASE WHEN LENGTH({title}) <= %s THEN 1 ELSE 0 END) "
        f"ELSE 0 END) + (CASE WHEN {condition} THEN 1 ELSE 0 END) "
        f"+ (CASE WHEN {condition} THEN 1 ELSE 0 END) "
        f"+ (CASE WHEN {condition} THEN 0.5 ELSE 0 END) + {shortness})"
    )
    return sql, [
        phrase,
        *title_params,
        query.typed_length + TITLE_SLACK,
        in_title,
        in_title_org,
        in_summary,
        *title_params,
    ]
