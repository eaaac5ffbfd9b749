"""One module per search engine, chosen once per database connection by its vendor.

Each backend module gives the same small interface: ``match`` (the SQL condition that an index
entry matches a query), ``matching_ids`` (the ids of matching programmes), ``score`` (the
relevance expression), ``write`` and ``delete`` (index upkeep). The index table's name and
the shape of the score are shared here; the SQL dialect is each backend's own.
"""

from __future__ import annotations

from types import ModuleType

from django.db import NotSupportedError

from . import postgresql, sqlite
from .base import TABLE

__all__ = ["TABLE", "backend_for", "supported"]

_BACKENDS: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgresql}


def backend_for(vendor: str) -> ModuleType:
    """The backend module for a connection's ``vendor``; refuses any other database."""
    try:
        return _BACKENDS[vendor]
    except KeyError:
        raise NotSupportedError("Search needs SQLite (FTS5) or PostgreSQL.") from None


def supported(vendor: str) -> bool:
    return vendor in _BACKENDS
