"""The ORM's side of search: ``matching_ids`` for ``pk__in``, ``SearchMatch`` for ``WHERE``,
``SearchScore`` for ordering. The SQL is the backend's (``backends/``), chosen by the
connection the query runs on."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func
from django.db.models.expressions import RawSQL

from .backends import backend_for
from .query import SearchQuery


def matching_ids(query: SearchQuery) -> RawSQL:
    """The ids of programmes whose entry matches ``query``: one index lookup, run once per
    query as ``id IN (...)`` (on SQLite the rowid, which is the programme id)."""
    sql, params = backend_for(connection.vendor).matching_ids(query)
    return RawSQL(sql, params)  # noqa: S611 - constant SQL; the query travels as a parameter


class SearchMatch(Func):
    """``WHERE`` the programme's index entry matches the query (joins ``programmes_search``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, query: SearchQuery):
        super().__init__(F("search_entry__document"))
        self.query = query

    def as_sql(  # type: ignore[override]  # the engine's SQL, never Func's template
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        sql, more = backend_for(connection.vendor).match(column, self.query)
        return sql, [*params, *more]


class SearchScore(Func):
    """The relevance score, higher is better; only valid next to a ``SearchMatch`` filter.

    Whole units say where the words matched, the same way on both databases: one for the words
    as typed, in order, in the title, and one more when the title is little else (no more than
    ``TITLE_SLACK`` characters longer); one for every word in the title; one for every word in
    the title or the university/topics. So a title match always comes before a summary match,
    and "health data science" lists the programmes of that title first.
    Within a unit, half of the fraction is the engine's own rank (bm25, or ts_rank_cd, with the
    column weights) scaled into [0, 1], and half favours shorter, more specific titles.
    """

    output_field = FloatField()

    def __init__(self, query: SearchQuery):
        super().__init__(F("search_entry__document"), F("title"))
        self.query = query

    def as_sql(  # type: ignore[override]  # the engine's SQL, never Func's template
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        title, title_params = compiler.compile(self.source_expressions[1])
        return backend_for(connection.vendor).score(
            column, list(params), title, list(title_params), self.query
        )
