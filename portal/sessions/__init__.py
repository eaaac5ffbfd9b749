"""Session stores that refuse a malformed session key before it reaches the database.

Django looks up whatever the session cookie holds. PostgreSQL rejects a NUL byte in a text
query parameter with an error (SQLite just finds nothing), so a forged cookie would be a 500 on
every page. Keys Django makes are lower-case letters and digits, at most 40 long (the column's
size); anything else is treated as no session at all.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS

_VALID = frozenset(VALID_KEY_CHARS)


class ValidKeyMixin:
    def _validate_session_key(self, key):
        return (
            super()._validate_session_key(key)
            and isinstance(key, str)
            and len(key) <= 40
            and set(key) <= _VALID
        )
