"""Refuse cross-site POSTs without a per-visitor token in the page.

Public pages are the same for every visitor, so their forms (the shortlist's add, remove and
clear) cannot carry Django's CSRF token. These endpoints check where the request comes from
instead, with what browsers send on every POST:

1. ``Sec-Fetch-Site`` (every current browser): only ``same-origin`` (a page of this site) or
   ``none`` (typed by the user) pass.
2. Without it, ``Origin``: it must be this site (scheme and host) or one of
   ``CSRF_TRUSTED_ORIGINS``; ``Origin: null`` (sandboxed frames, some redirects) is refused.
3. Without either, ``Referer``, when sent, must be this site.

A request with none of the three is not from a browser page (old browsers send at least the
Referer, and the session cookie is ``SameSite=Lax`` so a cross-site form would not carry the
visitor's session anyway), so it passes.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt

ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
REFUSED = (
    "This request came from another website, so nothing was changed. "
    "Use the buttons on this site's own pages."
)


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_same_origin(request: HttpRequest) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() in ALLOWED_FETCH_SITES
    own = {f"{request.scheme}://{request.get_host()}".lower()}
    own |= {origin.lower().rstrip("/") for origin in settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.strip().lower().rstrip("/") in own
    referer = request.headers.get("Referer")
    if referer is not None:
        return _origin_of(referer.strip()) in own
    return True


def require_same_origin(view):
    """Django's CSRF check replaced by ``is_same_origin`` (see the module docstring)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_same_origin(request):
            if request.headers.get("X-Requested-With") == "fetch":
                return JsonResponse({"ok": False, "message": REFUSED}, status=403)
            return HttpResponseForbidden(REFUSED, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
