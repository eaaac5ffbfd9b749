"""The page cache: whole public pages for every visitor, keys, ETags and 304s, a shared cache
that may be down. It knows nothing of programmes: the site's content version comes from
``bump_version()`` calls (the catalogue's wiring is ``programmes/cache.py``).

A public page is the same for every anonymous visitor: nothing in its HTML belongs to one
visitor (the shortlist's state is filled in by ``static/js/site.js`` from a readable cookie;
flash messages appear only on personal pages such as ``/shortlist/``). So a whole response is
cached once and served to everyone, and browsers or a CDN may keep it too
(``Cache-Control: public`` with a short ``max-age`` and an ETag).

Views declare it at the edge with ``@public_page(validate)``: ``validate(request, ...)``
returns a ``Validated`` (the state the page depends on, as validated, never the raw query
string, and the validated value the view renders from). On a hit the view never runs. Keys
hold the release serving, the page's path, scheme, host and today's date ("check the official
page" notices depend on it), and the validated state; entries record the content version they
were rendered under. Junk parameters therefore never create entries, and a page whose input
has errors (``Validated(None, ...)``: it shows the bad value back) is rendered fresh and not
stored.

After a write (``bump_version``) a kept page rendered less than ``PUBLIC_PAGE_REFRESH_SECONDS``
ago is still served as it is (so a stream of edits costs each page one render per that many
seconds, not one per edit); past that, one visitor renders it (a lock per page and version: no
stampede) and the others get the previous page for at most ``PUBLIC_PAGE_MAX_AGE`` seconds after
the write (the bound a CDN keeps a page anyway), or wait briefly for the new one. Signed-in
users (staff) always get a fresh, private page.

The same ``key()`` names the few shared pieces every page of a kind needs before it can even
validate its input (the list's filter options, search synonyms): ``cached()``.

With ``REDIS_URL`` the cache is shared by every instance; without it, settings use a file
cache that every process on one machine shares. If the cache is unreachable, pages are built
straight from the database (slower, never wrong) and carry no ETag.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from .redis_cache import CacheUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
VERSION_KEY = "catalogue:version"
# When the version last moved (time.time()): how stale a kept page of the previous version is.
# One render per page at a time: the renderer holds this long at most (a crash frees it).
RENDER_LOCK_SECONDS = 10
# A visitor with no previous page to show waits this long for another's render, then renders.
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.05
_MISSING = object()
_DOWN = "_catalogue_cache_down"
_VERSION = "_catalogue_version"
_NOT_STORED = "_public_page_not_stored"
# Response headers a cached page keeps (the rest are added by middleware on every response).
_KEPT_HEADERS = ("Content-Type", "X-Robots-Tag")


# ----- the catalogue version ---------------------------------------------------------------


def _fresh_version() -> int:
    # Nanoseconds: a version key lost to eviction or a flush restarts far above any value
    # bumped before, so old entries can never be mistaken for current ones.
    return time.time_ns()


def _mark_down(request, exc: Exception, what: str) -> None:
    # While the backend pauses after an outage (portal/redis_cache.py) it has logged the outage
    # once already: no line per request.
    level = logging.DEBUG if isinstance(exc, CacheUnavailable) else logging.WARNING
    logger.log(level, "catalogue cache %s failed: %s: %s", what, exc.__class__.__name__, exc)
    if request is not None:
        setattr(request, _DOWN, True)


def content_version(request=None) -> int | None:
    """The current version, read once per request. None when the cache cannot be reached."""
    if request is not None:
        if getattr(request, _DOWN, False):
            return None
        if hasattr(request, _VERSION):
            return getattr(request, _VERSION)
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as exc:  # an unreachable cache must not take pages down
        _mark_down(request, exc, "read")
        return None
    if request is not None:
        if version is None:
            setattr(request, _DOWN, True)
        else:
            setattr(request, _VERSION, version)
    return version


def bump_version() -> None:
    """Make every cached page stale. Call after any write the public pages show."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any new value will do
            cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception as exc:
        # Entries then expire after CATALOGUE_CACHE_SECONDS at the latest.
        logger.error("could not invalidate the catalogue cache: %s: %s", exc.__class__, exc)


@functools.cache
def release_id() -> str:
    """What code is serving: a new release must not reuse the old one's pages or ETags.

    PORTAL_RELEASE (e.g. a commit id) when the deployment sets it; otherwise a hash of the code,
    templates and static files, the same on every instance running the same files.
    """
    configured = os.environ.get("PORTAL_RELEASE", "").strip()
    if configured:
        return configured
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    for folder in ("portal", "programmes", "templates", "static"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ----- keys, get and set -------------------------------------------------------------------


def key(request, name: str, *parts: Any) -> str | None:
    """The one key function: release, catalogue version, a name and what the value depends on.

    None when the cache cannot be reached (then nothing is read or stored).
    """
    version = content_version(request)
    if version is None:
        return None
    raw = repr(tuple(parts)).encode()
    return f"catalogue:{release_id()}:{version}:{name}:{hashlib.sha256(raw).hexdigest()[:24]}"


def _get(request, entry_key: str):
    try:
        return cache.get(entry_key, _MISSING)
    except Exception as exc:
        _mark_down(request, exc, "read")
        return _MISSING


def _set(request, entry_key: str, value) -> None:
    try:
        cache.set(entry_key, value, settings.CATALOGUE_CACHE_SECONDS)
    except Exception as exc:
        _mark_down(request, exc, "write")


def cached(request, name: str, *parts: Any, build: Callable[[], T]) -> T:
    """``build()``'s result, kept under ``key(request, name, *parts)``. Exceptions are not."""
    entry_key = key(request, name, *parts)
    if entry_key is None:
        return build()
    value = _get(request, entry_key)
    if value is _MISSING:
        value = build()
        _set(request, entry_key, value)
    return value


# ----- whole public pages ------------------------------------------------------------------


def signed_in(request: HttpRequest) -> bool:
    """Whether the visitor is signed in. Visitors without a session cookie cost no lookup."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def not_stored(response: HttpResponse) -> HttpResponse:
    """Mark a public page as one not to keep (e.g. it shows a bad value back, or a page number
    past the end): it is still public, but rendered afresh for each request."""
    setattr(response, _NOT_STORED, True)
    return response


def _public_headers(response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    # Signed-in staff get another (fresh) page from the same URL.
    patch_vary_headers(response, ("Cookie",))
    return response


def _page_key(request: HttpRequest, state: Sequence) -> str | None:
    """A page's key. Unlike ``key()`` it leaves the catalogue version out: the entry records
    the version it was rendered under, so after an edit the previous page can still be served
    for a few seconds while one visitor renders the new one (``public_page``)."""
    if content_version(request) is None:
        return None
    parts = (
        request.scheme,
        canonical_host(request),
        timezone.localdate().isoformat(),
        request.path,
        tuple(state),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    return f"catalogue:{release_id()}:page:{digest}"


def canonical_host(request: HttpRequest) -> str:
    """The site a page belongs to, spelled one way: DJANGO_SITE_URL when set (pages then link
    to it whatever host was asked for), else the host in lower case without a trailing dot or
    the scheme's default port. "LOCALHOST", "localhost." and "localhost:80" are one page."""
    if settings.SITE_URL:
        return settings.SITE_URL
    domain, port = split_domain_port(request.get_host())
    default = "443" if request.is_secure() else "80"
    return domain if port in ("", default) else f"{domain}:{port}"


def _etag(entry_key: str, version: int | None) -> str:
    return f'W/"{hashlib.sha256(f"{entry_key}:{version}".encode()).hexdigest()[:32]}"'


def _asked_for(request: HttpRequest, etag: str, *, exists: bool = False) -> bool:
    """Whether the visitor's If-None-Match names this page's ETag. ``*`` ("any version")
    counts only for a page known to exist (``exists``): a made-up address has no version."""
    asked = parse_etags(request.headers.get("If-None-Match", ""))
    return etag in asked or (exists and "*" in asked)


def _current(entry_key: str, entry: tuple, version: int | None) -> bool:
    """Whether a kept page may be served as it is: rendered under the current version, or
    begun within its refresh window (it then misses at most that many seconds' edits).

    Each page's window is between half and all of PUBLIC_PAGE_REFRESH_SECONDS, by its key: pages
    rendered together (after a restart, or an edit) are not all rendered again together."""
    if entry[0] == version:
        return True
    started = _started(entry)
    if started is None:
        return False
    share = int(hashlib.sha256(entry_key.encode()).hexdigest()[:4], 16) / 0xFFFF
    window = settings.PUBLIC_PAGE_REFRESH_SECONDS * (0.5 + share / 2)
    return time.time() - started < window


def _served(request: HttpRequest, entry_key: str, entry: tuple) -> HttpResponse:
    """The kept page ``entry`` (or a 304 when the visitor has it already).

    A page of an earlier version (inside its refresh window, or the previous page while another
    visitor renders) carries its ``Age``: a browser or CDN then keeps it only for what is left of
    ``max-age`` since its render began, so an edit still reaches everyone within that bound."""
    version, status, content, headers = entry[:4]
    etag = _etag(entry_key, version)
    if _asked_for(request, etag, exists=True):
        return _public_headers(HttpResponseNotModified(), etag)
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    started = _started(entry)
    if version != content_version(request) and started is not None:
        response["Age"] = str(max(0, int(time.time() - started)))
    return _public_headers(response, etag)


def _started(entry: tuple) -> float | None:
    """When the kept page's render began (None for entries kept before that was recorded)."""
    return entry[4] if len(entry) > 4 else None


def _entry(request: HttpRequest, entry_key: str) -> tuple | None:
    entry = _get(request, entry_key)
    return None if entry is _MISSING else entry


def _from_cache(request: HttpRequest, entry_key: str, *, vouch: bool) -> HttpResponse | None:
    """A 304 when the visitor has this page already, the current kept page, or None.

    ``vouch``: the key was built from validated state, so a matching ETag earns a 304 without
    reading the entry. A guessed key must find its entry first.
    """
    version = content_version(request)
    if vouch and _asked_for(request, _etag(entry_key, version)):
        return _public_headers(HttpResponseNotModified(), _etag(entry_key, version))
    entry = _entry(request, entry_key)
    if entry is None or not _current(entry_key, entry, version):
        return None
    return _served(request, entry_key, entry)


def _stale_allowed(entry: tuple) -> bool:
    """Whether a kept page of an earlier version may still be served: while its render began
    at most PUBLIC_PAGE_MAX_AGE seconds ago (the same bound a browser or CDN keeps a page
    anyway). It can miss only edits made after that, so none older than the bound. (Counting
    from the latest edit instead let a page that missed an older edit be served for as long as
    edits kept coming.)"""
    started = _started(entry)
    return started is not None and time.time() - started <= settings.PUBLIC_PAGE_MAX_AGE


def _lock(request: HttpRequest, lock_key: str) -> bool:
    """Take the right to render a page (one visitor at a time per page and version)."""
    try:
        return bool(cache.add(lock_key, 1, timeout=RENDER_LOCK_SECONDS))
    except Exception as exc:
        _mark_down(request, exc, "write")
        return True  # no cache: everyone renders, as without it


def _unlock(lock_key: str) -> None:
    with contextlib.suppress(Exception):  # it expires by itself
        cache.delete(lock_key)


def kept_page(request: HttpRequest, state: Sequence) -> HttpResponse | None:
    """The page kept under ``state``, if any: for views whose validation costs more than a
    lookup. ``state`` may be a guess from the raw query; entries exist only under states some
    view validated, so a guess can only find the page those values mean."""
    if request.method not in ("GET", "HEAD") or signed_in(request):
        return None
    entry_key = _page_key(request, state)
    return None if entry_key is None else _from_cache(request, entry_key, vouch=False)


def serve(request: HttpRequest, state: Sequence | None, render: Callable[[], HttpResponse]):
    """The page ``render()`` makes, from the cache when any visitor asked for it before.

    ``state`` is what the page shows beyond its path, as validated by the view (e.g. the list's
    cleaned filters), or None for input that must not be kept (the page is rendered afresh).
    Only 200 and 410 answers are kept; 404s are not, so made-up addresses create no entries.
    """
    if request.method not in ("GET", "HEAD"):
        return render()
    if signed_in(request):
        response = render()
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_cache=True, max_age=0)
        return response
    entry_key = _page_key(request, state) if state is not None else None
    if entry_key is None:
        return _store(request, None, render())
    version = content_version(request)
    if _asked_for(request, _etag(entry_key, version)):
        return _public_headers(HttpResponseNotModified(), _etag(entry_key, version))
    entry = _entry(request, entry_key)
    if entry is not None and _current(entry_key, entry, version):
        return _served(request, entry_key, entry)
    # No page of this version yet: one visitor renders it; the others get the previous page
    # (within the staleness bound) or wait briefly for the new one.
    lock_key = f"{entry_key}:rendering:{version}"
    if not _lock(request, lock_key):
        if entry is not None and _stale_allowed(entry):
            return _served(request, entry_key, entry)
        waited_until = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < waited_until:
            time.sleep(RENDER_POLL_SECONDS)
            entry = _entry(request, entry_key)
            if entry is not None and entry[0] == version:
                return _served(request, entry_key, entry)
        return _store(request, entry_key, _timed(render))  # the renderer is slow: do not wait on
    try:
        return _store(request, entry_key, _timed(render))
    finally:
        _unlock(lock_key)


_STARTED = "_public_page_render_started"


def _timed(render: Callable[[], HttpResponse]) -> HttpResponse:
    """``render()``, its response marked with when the render began (what it can miss of the
    catalogue is what was written after that)."""
    started = time.time()
    response = render()
    setattr(response, _STARTED, started)
    return response


def _store(request: HttpRequest, entry_key: str | None, response: HttpResponse) -> HttpResponse:
    """Keep a freshly rendered public page (when it may be kept) and add its headers."""
    if response.status_code not in (200, 410) or response.streaming:
        return response
    if "private" in response.get("Cache-Control", ""):
        return response
    if getattr(response, _NOT_STORED, False) or entry_key is None:
        return _public_headers(response, None)
    version = content_version(request)
    headers = [(name, response[name]) for name in _KEPT_HEADERS if name in response]
    started = getattr(response, _STARTED, None)
    entry = (version, response.status_code, response.content, headers, started)
    _set(request, entry_key, entry)
    down = getattr(request, _DOWN, False)
    etag = None if down else _etag(entry_key, version)
    if etag is not None and response.status_code == 200 and _asked_for(request, etag, exists=True):
        return _public_headers(HttpResponseNotModified(), etag)  # ``*``: the page exists now
    return _public_headers(response, etag)


# ----- the decorator views use -------------------------------------------------------------


@dataclass(frozen=True)
class Validated:
    """What a view's validation step found: ``state``, what the page depends on beyond its
    path (None when the input has errors: the page shows them and is never kept), and
    ``value``, what the view renders from (e.g. the bound FilterSet), passed as ``valid``."""

    state: Sequence | None
    value: Any = None


def public_page(
    validate: Callable[..., Validated] | None = None,
    *,
    guess: Callable[[HttpRequest], Sequence] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Make a view's page public and cached: validate -> (cache) -> select and render.

    ``validate(request, *args, **kwargs)`` runs first and gives the ``Validated`` state; the
    view then runs only on a miss, with the validated value as its ``valid`` argument. Without
    ``validate`` the page depends on its path alone. ``guess(request)``, for views whose
    validation costs more than a lookup, is the state the request's parameters mean if they are
    plainly valid: a kept page under it is served before anything is validated (entries exist
    only under validated states, so a wrong guess only misses).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if guess is not None:
                kept = kept_page(request, guess(request))
                if kept is not None:
                    return kept
            if validate is None:
                return serve(request, (), functools.partial(view, request, *args, **kwargs))
            validated = validate(request, *args, **kwargs)
            render = functools.partial(view, request, *args, valid=validated.value, **kwargs)
            return serve(request, validated.state, render)

        return wrapper

    return decorate
