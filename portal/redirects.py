"""Where a form may send the visitor back to: the one rule for a ``next`` parameter."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` path from the POST or query string when it is a path on this site, else
    ``fallback``.

    Only a path: ``redirect()`` reads a bare word such as "1" as a view name and raises
    NoReverseMatch (a 500), and an absolute URL to another host is an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
