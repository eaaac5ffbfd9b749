"""The portal's production settings with the data cache switched off: the "cold" benchmark.

portal/settings.py has no variable that selects a dummy cache, so the bench wraps it. With
Django's DummyCache every catalogue read goes to the database on every request (the cache
module treats a cache that never keeps a value like an unreachable one).
"""

from portal.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
