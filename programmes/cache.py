"""The catalogue's side of the page cache (portal/page_cache.py): every write to what public
pages show moves the content version, so no visitor is served a page from before it.

A signal receiver, against the house rule of explicit calls, because the public pages' cache
must be invalidated by *every* write path: the admin, the CSV import, ``load_catalogue``, a
``manage.py shell`` session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.page_cache import bump_version

from . import counts
from .models import (
    FundingScheme,
    Guide,
    Programme,
    ReferenceFigure,
    ReferenceRule,
    SearchSynonym,
    Topic,
    University,
)


def invalidate(**kwargs) -> None:
    """Signal receiver: bump now, and again once the surrounding transaction commits.

    The first bump covers writes outside a transaction; the second stops a request that read the
    database between the first bump and the commit from caching pre-commit data under the new
    version.
    """
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if _deferred.get():
        return  # invalidation_deferred() bumps once at its end
    if kwargs.get("sender") in _COUNTED:
        counts.changed()
    bump_version()
    transaction.on_commit(bump_version)


# Writes that can change the list's counts (programmes/counts.py); None: an explicit call
# (the admin's bulk actions), which may have changed anything.
_COUNTED = {None, Programme, Programme.topics.through, University, Topic}

_deferred: ContextVar[bool] = ContextVar("catalogue_invalidation_deferred", default=False)


@contextmanager
def invalidation_deferred() -> Iterator[None]:
    """Bump the version once for all the writes inside the block (a CSV import of 10,000
    rows would otherwise bump it twice per row, each a cache round trip)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    # Not reached when the block raised (its writes are rolled back).
    counts.changed()
    bump_version()
    transaction.on_commit(bump_version)


def connect_invalidation() -> None:
    """Connect ``invalidate`` to every write of the models public pages show.

    Signals rather than explicit calls because *any* write path must invalidate: the admin, the
    CSV import, ``load_catalogue``, a ``manage.py shell`` session. They do not see
    ``QuerySet.update()``, ``bulk_update()`` or ``bulk_create()``: code that writes that way (the
    admin's bulk actions, ``seed_synthetic``) calls ``bump_version()`` itself.
    """
    for model in (
        University,
        Topic,
        Programme,
        Guide,
        SearchSynonym,
        ReferenceFigure,
        ReferenceRule,
        FundingScheme,
    ):
        uid = f"catalogue-cache-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    for field in (
        Programme.topics,
        Guide.topics,
        Guide.universities,
        Guide.programmes,
        FundingScheme.universities,
        FundingScheme.programmes,
        FundingScheme.topics,
    ):
        through = field.through
        m2m_changed.connect(
            invalidate, sender=through, dispatch_uid=f"catalogue-cache-{through._meta.label_lower}"
        )
