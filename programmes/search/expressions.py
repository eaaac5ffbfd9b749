"""The ORM's side of search: ``matching_ids`` for ``pk__in``, ``SearchScore`` for ordering.
The SQL is the backend's (``backends/``), chosen by the connection the query runs on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

from .backends import backend_for
from .query import SearchQuery

# The parts of a programme's entry the score asks about (``backends/base.score_sql``), in the
# order each backend's ``parts`` gives their queries.
PARTS = ("phrase", "title", "title_org", "title_org_summary")


def ids_matching(query: SearchQuery, *parts: str, with_whole: bool = True) -> list[Sequence[int]]:
    """The ids of programmes (published or not) whose entry matches ``query`` (unless not
    ``with_whole``), then of those whose ``parts`` match it (each one of ``PARTS``): one
    statement, read into Python."""
    backend = backend_for(connection.vendor)
    _, (whole,) = backend.matching_ids(query)
    expressions = dict(zip(PARTS, backend.parts(query), strict=True))
    # The words as typed in the title ("phrase") also match the title one by one ("title").
    within = {"phrase": expressions["title"]}
    sql, params = backend.ids_at_once(
        whole, [(expressions[part], within.get(part)) for part in parts], with_whole=with_whole
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return [backend.id_list(value) for value in row]


def parts_in_one_pass() -> bool:
    """Whether asking for parts of a query along with it costs one pass (PostgreSQL), not one
    more pass each (SQLite's FTS5)."""
    return backend_for(connection.vendor).PARTS_IN_ONE_PASS


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
