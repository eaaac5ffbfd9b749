"""The ORM's side of search: ``matching_ids`` for ``pk__in``, ``SearchScore`` for ordering.
The SQL is the backend's (``backends/``), chosen by the connection the query runs on."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

from .backends import backend_for
from .query import SearchQuery


def matching_ids(query: SearchQuery) -> RawSQL:
    """The ids of programmes whose entry matches ``query``: one index lookup, run once per
    query as ``id IN (...)`` (on SQLite the rowid, which is the programme id)."""
    sql, params = backend_for(connection.vendor).matching_ids(query)
    return RawSQL(sql, params)  # noqa: S611 - constant SQL; the query travels as a parameter


class SearchScore(Func):
    """The relevance score, higher is better (``backends.base.score_sql`` says how it is made):
    whole units for where the words matched, a fraction for a shorter title."""

    output_field = FloatField()

    def __init__(self, query: SearchQuery):
        super().__init__(F("pk"), F("title"))
        self.query = query

    def as_sql(  # type: ignore[override]  # the engine's SQL, never Func's template
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        key, key_params = compiler.compile(self.source_expressions[0])
        title, title_params = compiler.compile(self.source_expressions[1])
        if key_params:
            raise ValueError("the programme id compiles to a column, never a parameter")
        return backend_for(connection.vendor).score(key, title, list(title_params), self.query)
