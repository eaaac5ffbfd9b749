"""Sessions in the shared cache with the database behind them (with REDIS_URL).

The database row is the record; the cache copy only saves a query per request. So when the
cache fails (unreachable, timing out, out of memory, read-only), sessions carry on from the
database alone, slower and never lost. Django's store already survives a failed cache *write*
on save, but not a failed read-back fill, ``exists()`` (every new session asks it) or a delete
(logout): those were 500s.

One subtlety: a save whose cache write failed leaves the *previous* copy in the cache, and the
cache may show it again when it comes back (a partition heals, or Redis restarts from its
snapshot), or may never have lost it (a server refusing writes but still serving reads). Read
back, that copy would undo the save: a programme added to the shortlist during the outage would
vanish. So such a save moves the session to a new key, which no cache has seen; the cookie sent
with the response carries it. The old row is left to expire (``clearsessions``), so a request
already on its way with the old cookie still finds a session rather than an error.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

from portal.redis_cache import CACHE_ERRORS, CacheUnavailable

from . import ValidKeyMixin

logger = logging.getLogger("portal.sessions")


def _report(action: str, exc: Exception) -> None:
    if isinstance(exc, CacheUnavailable):  # the cache backend has logged the outage once
        return
    logger.warning("session cache %s failed: %s: %s", action, exc.__class__.__name__, exc)


class SessionStore(ValidKeyMixin, cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as exc:  # as Django's own store: also a copy that cannot be unpickled
            _report("read", exc)
            return self._load_from_database(fill_cache=False)
        if data is None:
            return self._load_from_database(fill_cache=True)
        return data

    def _load_from_database(self, *, fill_cache: bool) -> dict:
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        if fill_cache:
            try:
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            except CACHE_ERRORS as exc:
                _report("fill", exc)
        return data

    def exists(self, session_key):
        if session_key:
            try:
                if (self.cache_key_prefix + session_key) in self._cache:
                    return True
            except CACHE_ERRORS as exc:
                _report("lookup", exc)
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except CACHE_ERRORS as exc:
            _report("write", exc)
            if not must_create:  # a brand-new key has no older copy in any cache
                self._move_to_new_key()

    def _move_to_new_key(self) -> None:
        # Only the row: the next read fills the cache. (self.save would try the cache again.)
        self._session_key = self._get_new_session_key()
        DBStore.save(self, must_create=True)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CACHE_ERRORS as exc:
            _report("delete", exc)
