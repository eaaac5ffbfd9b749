"""The index table ``programmes_search``, and keeping it in step with writes.

Kept in step the way the public cache is (see programmes/cache.py): signal receivers for saves
and topic changes made through the ORM (admin, CSV import, load_catalogue, a shell session),
Django's cascade for deletes, and explicit calls from code that writes with
``bulk_create``/``bulk_update`` (seed_synthetic, the admin's bulk actions).
``manage.py rebuild_search_index`` rebuilds it from scratch. The receivers are the one place
signals do this work: every path that saves a programme must reindex it, and a forgotten
explicit call would leave search silently wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from programmes.models import Programme, Topic, University

from .backends import TABLE, backend_for, supported


def document_parts(
    *,
    title: str,
    award: str,
    university_name: str,
    short_name: str,
    city: str,
    topic_names: Iterable[str],
    summary: str,
    description: str,
    modes: Iterable[str] = (),
) -> tuple[str, str, str, str]:
    """The four weighted parts of a programme's index entry (modes as their labels, e.g.
    "Online / distance", so "online" finds distance courses)."""
    organisation = " ".join(p for p in (university_name, short_name, city, award, *modes) if p)
    topics = " ".join(sorted(topic_names))
    return (title, f"{organisation} {topics}".strip(), summary or "", description or "")


def write_entries(db, rows: list[tuple[int, tuple[str, str, str, str]]], *, fresh=False) -> None:
    """Replace the index entries of these (programme id, parts) rows on connection ``db``."""
    if not rows:
        return
    backend = backend_for(db.vendor)
    # NUL cannot be stored in PostgreSQL text; it is never part of a word anyway.
    values = [(pk, *(part.replace("\x00", " ") for part in parts)) for pk, parts in rows]
    if not fresh and not backend.replaces_on_write():
        delete_entries(db, [pk for pk, _ in rows])
    with db.cursor() as cursor:
        backend.write(cursor, values)


def delete_entries(db, ids: list[int]) -> None:
    key = backend_for(db.vendor).KEY
    with db.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE {key} IN ({marks})", chunk)  # noqa: S608 - a constant table name; values are parameters


# Inside ``indexing_deferred()``: the programmes to index once it ends, instead of one by one.
_deferred: ContextVar[set[int] | None] = ContextVar("search_indexing_deferred", default=None)


@contextmanager
def indexing_deferred() -> Iterator[None]:
    """Index the programmes written inside the block once, at its end, in chunks: a CSV import
    of 10,000 rows otherwise reindexes (and reads back) each programme as it is saved."""
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    # Not reached when the block raised: its writes are rolled back, nothing to index.
    index_programmes(pending)


def index_programmes(ids: Iterable[int]) -> None:
    """Bring the index entries of these programmes in step with the database (any status)."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(int(i) for i in ids if i is not None)
        return
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids or not supported(connection.vendor):
        return
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        programmes = (
            Programme.objects.filter(pk__in=chunk)
            .select_related("university")
            .prefetch_related("topics")
            .only(
                "title",
                "award",
                "offers_full_time",
                "offers_part_time",
                "offers_online",
                "summary",
                "description",
                "university__name",
                "university__short_name",
                "university__city",
            )
        )
        rows = [(p.pk, programme_document(p)) for p in programmes]
        found = {pk for pk, _ in rows}
        gone = [pk for pk in chunk if pk not in found]
        write_entries(connection, rows)
        if gone:
            delete_entries(connection, gone)


def programme_document(programme) -> tuple[str, str, str, str]:
    university = programme.university
    return document_parts(
        title=programme.title,
        award=programme.award,
        university_name=university.name,
        short_name=university.short_name,
        city=university.city,
        topic_names=[t.name for t in programme.topics.all()],
        summary=programme.summary,
        description=programme.description,
        modes=programme.modes,
    )


def rebuild_index() -> int:
    """Index every programme afresh. Returns how many entries were written."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - a constant table name; values are parameters
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    index_programmes(ids)
    return len(ids)


# ----- keeping it in step ------------------------------------------------------------------


# Django sends every signal argument by keyword, so a receiver names only those it reads.


def _programme_saved(instance, **kwargs):
    index_programmes([instance.pk])


def _programme_topics_changed(instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        if action == "pre_clear" and reverse:
            instance._search_reindex = list(instance.programmes.values_list("pk", flat=True))
        return
    if not reverse:
        index_programmes([instance.pk])
    elif action == "post_clear":
        index_programmes(getattr(instance, "_search_reindex", []))
    else:
        index_programmes(pk_set or [])


def _university_saved(instance, **kwargs):
    index_programmes(instance.programmes.values_list("pk", flat=True))


def _topic_saved(instance, created=False, **kwargs):
    if not created:
        index_programmes(instance.programmes.values_list("pk", flat=True))


def _topic_deleting(instance, **kwargs):
    # Its programmes, read before Django removes the topic's links; reindexed after the delete.
    instance._search_reindex = list(instance.programmes.values_list("pk", flat=True))


def _topic_deleted(instance, **kwargs):
    index_programmes(getattr(instance, "_search_reindex", []))


def connect_indexing() -> None:
    """Connect the receivers that keep ``programmes_search`` in step with ORM writes."""
    post_save.connect(_programme_saved, sender=Programme, dispatch_uid="search-programme-save")
    m2m_changed.connect(
        _programme_topics_changed,
        sender=Programme.topics.through,
        dispatch_uid="search-programme-topics",
    )
    post_save.connect(_university_saved, sender=University, dispatch_uid="search-university")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="search-topic-save")
    pre_delete.connect(_topic_deleting, sender=Topic, dispatch_uid="search-topic-deleting")
    post_delete.connect(_topic_deleted, sender=Topic, dispatch_uid="search-topic-deleted")
