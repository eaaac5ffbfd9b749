"""``/healthz`` for load balancers and uptime checks: is the database there, is the cache there?"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the value written could not be read back")
    cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@never_cache
def healthz(request):
    """200 ``{"status": "ok", ...}``, or 503 naming each check that failed (and why, in the log)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.error("health check %s failed: %s: %s", name, exc.__class__.__name__, exc)
            results[name] = "error"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "error" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
