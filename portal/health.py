"""``/healthz`` for load balancers and uptime checks: is the database there, is the cache there?

The database is the hard dependency: without it nothing works, so the answer is 503 and the
balancer should take this instance out. The shared cache only saves work (pages, sessions and
rate limits fall back to the database), and when it is down it is down for every instance at
once: a 503 then would make the balancer pull them all. So a cache outage answers 200 with
``"status": "degraded"`` and ``"cache": "down"``, for monitoring to alert on.
"""

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
# Checks whose failure takes the instance out of the balancer (503); any other only degrades it.
REQUIRED = {"database"}


@never_cache
def healthz(request):  # noqa: ARG001 - a view's signature
    """200 ``{"status": "ok" | "degraded", ...}``, or 503 when the database is down.

    Each failed check reads ``"down"`` and is listed under ``"failed"``; the reason is logged.
    """
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.error("health check %s failed: %s: %s", name, exc.__class__.__name__, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    unavailable = REQUIRED.intersection(failed)
    status = "error" if unavailable else "degraded" if failed else "ok"
    body = {"status": status, "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if unavailable else 200)
