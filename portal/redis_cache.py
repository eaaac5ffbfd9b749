"""Django's Redis cache, made to fail fast while the server is unreachable.

The shared cache only saves work: every caller falls back to the database when it raises (the
catalogue cache, sessions, the fetcher's rate limit, ``/healthz``). What an outage must not
cost is *time*. A Redis that refuses connections fails in a millisecond, but one that has
vanished from the network (a failover, a partition) costs the socket timeout on every call, and
a request makes several calls. So after a call fails to connect or times out, this process
stops trying for ``retry_after`` seconds (an OPTIONS entry, default 5): calls raise
``CacheUnavailable`` at once, which callers treat like any other cache error. The first call
after the pause asks the server first (PING); when it answers, ``cache_back`` is sent and
caching resumes.

The pause is per process and per server (shared by the threads of a worker), and never hides a
working cache for longer than ``retry_after``.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a cache call raises when the cache, not the caller, is at fault: the server is
# unreachable, slow, out of memory or read-only (a replica mid-failover), or a socket failed.
CACHE_ERRORS = (RedisError, OSError)

DEFAULT_RETRY_AFTER = 5.0

# Sent in each process that paused, when the server answers again. Whatever this process wrote
# while it could not reach the cache is missing there (a catalogue version bump, say), and what
# the cache held before may be back (a healed partition, a restart from its snapshot).
cache_back = Signal()


class CacheUnavailable(RedisConnectionError):
    """Raised without trying the server: it failed to answer less than ``retry_after`` ago."""


class _Pause:
    """When this process may next try one server."""

    def __init__(self):
        self.until = 0.0
        self.lock = threading.Lock()


_pauses: dict[tuple[str, ...], _Pause] = {}
_pauses_lock = threading.Lock()


def _pause_for(servers) -> _Pause:
    key = tuple(servers)
    with _pauses_lock:
        return _pauses.setdefault(key, _Pause())


def _fail_fast(name: str):
    call = getattr(RedisCacheClient, name)

    def guarded(self, *args, **kwargs):
        if self._pause.until:
            if time.monotonic() < self._pause.until:
                raise CacheUnavailable(
                    f"the cache failed to answer less than {self._retry_after} s ago"
                )
            self._probe()
        try:
            return call(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            self._trip(exc)
            raise

    guarded.__name__ = name
    guarded.__doc__ = call.__doc__
    return guarded


class _FailFastClient(RedisCacheClient):
    def __init__(self, servers, *, retry_after=DEFAULT_RETRY_AFTER, **options):
        super().__init__(servers, **options)
        self._retry_after = float(retry_after)
        self._pause = _pause_for(servers)

    def _trip(self, exc: Exception) -> None:
        with self._pause.lock:
            first = self._pause.until == 0.0
            self._pause.until = time.monotonic() + self._retry_after
        if first:
            logger.warning(
                "shared cache unreachable (%s: %s): working without it, next try in %s s",
                exc.__class__.__name__,
                exc,
                self._retry_after,
            )

    def _probe(self) -> None:
        """After a pause: is the server back? Raises (and pauses again) if not.

        When it is, ``cache_back`` receivers run *before* the call that was asked for, so that
        call already sees what they changed (a new catalogue version, say).
        """
        try:
            self.get_client(write=True).ping()
        except (RedisConnectionError, RedisTimeoutError) as exc:
            self._trip(exc)
            raise
        with self._pause.lock:
            paused, self._pause.until = self._pause.until, 0.0
        if paused:
            logger.warning("shared cache answering again: caching resumed")
            for receiver, error in cache_back.send_robust(sender=RedisCache):
                if error is not None:
                    logger.error("cache_back receiver %r failed: %r", receiver, error)


# Every call the backend makes on its client (django/core/cache/backends/redis.py).
for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(_FailFastClient, _name, _fail_fast(_name))


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache``; OPTIONS may also hold ``retry_after`` (seconds)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _FailFastClient
