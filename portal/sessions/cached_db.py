"""Sessions in the shared cache with the database behind them (with REDIS_URL)."""

from django.contrib.sessions.backends import cached_db

from . import ValidKeyMixin


class SessionStore(ValidKeyMixin, cached_db.SessionStore):
    pass
