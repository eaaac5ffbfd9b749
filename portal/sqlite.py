"""Make SQLite's case-insensitive matching agree with PostgreSQL's beyond ASCII.

Django implements ``icontains`` (and, on SQLite, ``contains``) with ``LIKE``. SQLite's built-in
LIKE folds case for ASCII letters only, so a search for "école" misses "École" there while
PostgreSQL (``UPPER(...) LIKE UPPER(...)`` under a UTF-8 locale) finds it. SQLite lets an
application replace ``like()``; this one folds case with Python's Unicode rules. The cost is
that SQLite can no longer use an index for ``LIKE 'prefix%'``, which the small embedded
catalogue never needed.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1024)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern, value, escape=None):
    """SQLite calls ``X LIKE Y ESCAPE Z`` as ``like(Y, X, Z)``: the pattern comes first."""
    if pattern is None or value is None:
        return None
    return int(_pattern(str(pattern), escape).fullmatch(str(value)) is not None)


def install_unicode_like(connection, **kwargs) -> None:
    """``connection_created`` receiver: replace LIKE on every new SQLite connection."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("like", 2, like, deterministic=True)
    connection.connection.create_function("like", 3, like, deterministic=True)
