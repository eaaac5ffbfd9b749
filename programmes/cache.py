"""Cached catalogue reads for the public pages, and conditional GET.

Pages mix catalogue data, the same for everyone, with parts that belong to one visitor: the
shortlist count in the header, flash messages, and "Add to compare" forms carrying a CSRF token.
So whole responses are never cached. What is cached is the expensive part, the results of the
selectors, under keys that start with a *catalogue version*: one integer in the cache that any
write to a university, topic, programme or guide bumps (see ``connect_invalidation``). Old
entries are never deleted one by one; nothing reads them after a bump and they expire.

The same version, plus the visitor's own state, makes each page's ETag, so a browser that asks
again with ``If-None-Match`` gets a 304 when nothing it would see has changed.

With ``REDIS_URL`` the cache is shared by every instance. Without it, settings use a file-based
cache that all processes on one machine share. Either way a write made anywhere bumps the one
version every process reads. If the cache is unreachable, pages are built straight from the
database (slower, never wrong) and carry no ETag.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.views.decorators.http import condition

from . import shortlist

logger = logging.getLogger(__name__)

T = TypeVar("T")
VERSION_KEY = "catalogue:version"
_MISSING = object()
_DOWN = "_catalogue_cache_down"
_VERSION = "_catalogue_version"


# ----- the catalogue version ---------------------------------------------------------------


def _fresh_version() -> int:
    # Nanoseconds: a version key lost to eviction or a flush restarts far above any value
    # bumped before, so old entries can never be mistaken for current ones.
    return time.time_ns()


def catalogue_version(request=None) -> int | None:
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
        logger.warning("catalogue cache unavailable: %s: %s", exc.__class__.__name__, exc)
        version = None
    if request is not None:
        if version is None:
            setattr(request, _DOWN, True)
        else:
            setattr(request, _VERSION, version)
    return version


def bump_version() -> None:
    """Make every cached catalogue read stale. Call after any write the public pages show."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any new value will do
            cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception as exc:
        # Entries then expire after CATALOGUE_CACHE_SECONDS at the latest.
        logger.error("could not invalidate the catalogue cache: %s: %s", exc.__class__, exc)


def invalidate(**kwargs) -> None:
    """Signal receiver: bump now, and again once the surrounding transaction commits.

    The first bump covers writes outside a transaction; the second stops a request that read the
    database between the first bump and the commit from caching pre-commit data under the new
    version.
    """
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump_version()
    transaction.on_commit(bump_version)


def connect_invalidation() -> None:
    """Connect ``invalidate`` to every write of the models public pages show.

    Signals rather than explicit calls because *any* write path must invalidate: the admin, the
    CSV import, ``load_catalogue``, a ``manage.py shell`` session. They do not see
    ``QuerySet.update()``, ``bulk_update()`` or ``bulk_create()``: code that writes that way (the
    admin's bulk actions, ``seed_synthetic``) calls ``bump_version()`` itself.
    """
    from .models import Guide, Programme, SearchSynonym, Topic, University

    for model in (University, Topic, Programme, Guide, SearchSynonym):
        uid = f"catalogue-cache-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    for field in (Programme.topics, Guide.topics, Guide.universities, Guide.programmes):
        through = field.through
        m2m_changed.connect(
            invalidate, sender=through, dispatch_uid=f"catalogue-cache-{through._meta.label_lower}"
        )


@functools.cache
def release_id() -> str:
    """What code is serving: a new release must not reuse the old one's cached objects or ETags.

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


# ----- cached reads ------------------------------------------------------------------------


def _key(version: int, name: str, parts: Sequence[Any]) -> str:
    raw = repr(tuple(parts)).encode()
    return f"catalogue:{release_id()}:{version}:{name}:{hashlib.sha256(raw).hexdigest()[:24]}"


def cached(request, name: str, *parts: Any, build: Callable[[], T]) -> T:
    """``build()``'s result, cached under the catalogue version. Exceptions (Http404) are not."""
    version = catalogue_version(request)
    if version is None:
        return build()
    key = _key(version, name, parts)
    try:
        value = cache.get(key, _MISSING)
    except Exception as exc:
        logger.warning("catalogue cache read failed: %s: %s", exc.__class__.__name__, exc)
        setattr(request, _DOWN, True)
        return build()
    if value is not _MISSING:
        return value
    value = build()
    try:
        cache.set(key, value, settings.CATALOGUE_CACHE_SECONDS)
    except Exception as exc:
        logger.warning("catalogue cache write failed: %s: %s", exc.__class__.__name__, exc)
    return value


def filter_state(filterset) -> tuple:
    """The list page's filters as validated, in one order: what its data depends on.

    Built from cleaned data rather than the raw query string, so junk parameters, empty values
    and parameter order do not multiply cache entries.
    """
    if not filterset.is_bound:
        return ()
    filterset.errors  # noqa: B018 - validates, so cleaned_data exists
    state = []
    for name, value in sorted(filterset.form.cleaned_data.items()):
        if value in (None, "", []):
            continue
        if isinstance(value, list | tuple | set):
            state.append((name, tuple(sorted(str(v) for v in value))))
        else:
            state.append((name, str(value)))
    return tuple(state)


class _KnownPage(Sequence):
    """A page of cached objects that tells the Paginator the full count without a query."""

    ordered = True  # the rows were read with an explicit order_by

    def __init__(self, count: int, items: list):
        self._count = count
        self._items = items

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        # The Paginator slices out exactly the page the items were read for.
        return self._items


class Listing:
    """Count, facet counts and pages of the filtered programme list, each read through the cache."""

    def __init__(self, request, filterset, per_page: int):
        from . import selectors

        self._request = request
        self._filterset = filterset
        self._state = filter_state(filterset)
        self.per_page = per_page
        summary = cached(
            request,
            "programme-list",
            self._state,
            build=lambda: {
                # Unordered: a count needs no sort (nor the search rank's join).
                "count": filterset.qs.count(),
                "counts": selectors.facet_counts(filterset=filterset),
            },
        )
        self.count = summary["count"]
        self.counts = summary["counts"]
        self.num_pages = max(1, math.ceil(self.count / per_page))

    def page(self, number: int) -> Page:
        from . import selectors

        start = (number - 1) * self.per_page
        items = cached(
            self._request,
            "programme-page",
            self._state,
            number,
            self.per_page,
            build=lambda: selectors.programme_page(
                queryset=self._filterset.ordered_queryset(),
                start=start,
                stop=start + self.per_page,
            ),
        )
        return Paginator(_KnownPage(self.count, items), self.per_page).page(number)


# ----- conditional GET ---------------------------------------------------------------------


def page_etag(request, *args, **kwargs) -> str | None:
    """A weak ETag for a public page: the catalogue version plus what is the visitor's own.

    None (no ETag, so never a 304) while flash messages wait to be shown, or when the cache or
    the session cannot be read.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        if len(messages.get_messages(request)):
            return None
        version = catalogue_version(request)
        if version is None:
            return None
        ids: list[int] = []
        user = ""
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            ids = shortlist.get(request.session)
            user = f"{request.session.get('_auth_user_id', '')}:" + request.session.get(
                "_auth_user_hash", ""
            )
    except DatabaseError:
        return None
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    parts = [
        release_id(),
        str(version),
        # "Check the official page" notices depend on today's date.
        timezone.localdate().isoformat(),
        ",".join(map(str, ids)),
        salted_hmac("programmes.cache.page_etag", user).hexdigest() if user else "",
        # A page holds forms with tokens made from this cookie: a new cookie, a new page.
        salted_hmac("programmes.cache.page_etag", csrf).hexdigest() if csrf else "",
    ]
    return 'W/"{}"'.format(hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])


def conditional_page(view):
    """Answer 304 when the visitor already has this page (``page_etag``), and make browsers ask.

    ``private, no-cache``: the page holds per-visitor parts, so shared caches must not keep it,
    and browsers must revalidate before reusing it (cheap: a 304 renders nothing).
    """
    conditional = condition(etag_func=page_etag)(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
