"""What was last built from some rows, while the rows read stay the same.

The synonyms and the place words are rebuilt from a query's rows whenever the data cache has
none (or none is configured). The query is cheap; folding every name again is most of the
cost. ``LastBuilt`` still reads the rows every time, so it can never serve anything stale: it
only skips the building when the rows are equal to those it last built from.

``ConstantQuery`` reads those rows cheaply: the query never changes, so its SQL is compiled
once per database, and its rows are read as the driver gives them (no per-value converters).
At 300 universities the place words' rows took 2.9 ms through the queryset, 0.6 ms so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import QuerySet

T = TypeVar("T")


class LastBuilt(Generic[T]):
    """``build(rows)``, remembered for the last rows seen (one per process)."""

    def __init__(self, build: Callable[[tuple[Any, ...]], T]):
        self._build = build
        self._last: tuple[tuple[Any, ...], T] | None = None

    def __call__(self, rows: Iterable[Any]) -> T:
        rows = tuple(rows)
        last = self._last  # one read: another thread may replace it, never half of it
        if last is not None and last[0] == rows:
            return last[1]
        built = self._build(rows)
        self._last = (rows, built)
        return built


class ConstantQuery:
    """The rows of ``make()``'s queryset (a query that never changes), read raw: each value as
    the database driver gives it, so the query must give plain values (cast floats, no
    Decimals; booleans may come back as 0 and 1)."""

    def __init__(self, make: Callable[[], QuerySet]):
        self._make = make
        self._compiled: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}

    def __call__(self) -> list[tuple[Any, ...]]:
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._make().query.sql_with_params()
        sql, params = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]
