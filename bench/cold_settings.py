"""The portal's production settings with every cache switched off: the "cold" benchmark.

portal/settings.py has no variable that selects a dummy cache, so the bench wraps it. With
Django's DummyCache in every alias nothing is ever kept: each request renders its page from the
database (no whole-page entry, no data entry), which is what a URL no cache has seen costs. The
cache module treats a cache that never keeps a value like an unreachable one.
"""

from portal.settings import *  # noqa: F403
from portal.settings import CACHES as _PORTAL_CACHES

CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in _PORTAL_CACHES
}
