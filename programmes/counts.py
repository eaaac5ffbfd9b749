"""The list's counts kept in step with the catalogue (``models.CatalogueCounts``).

Counting the list and its facets means reading every matching programme: at 20,000 programmes
that was most of the list page's cost, and it grew with the catalogue. For the list with no
filter, or with place and topic filters only (the common pages), the counts come instead from
one row holding, per university with published programmes, the number of them in all and per
topic, and how many of those do not record each fact a filter asks about. Its size grows with
universities times topics, never with programmes.

Kept in step by the catalogue's invalidation wiring (``programmes/cache.py``): every write the
list shows calls ``changed()`` in its own transaction, which adds a change row there and
rebuilds the counts once the write commits. Writers that bypass signals (``seed_synthetic``)
call ``rebuild()`` themselves. While a change row exists the counts are never read (``read()``
answers None), so a rebuild that fails, or a write path that forgot, costs speed only: the
list counts from the programmes as before.

Why change rows rather than a flag on the counts row: a writer marking the one row would hold
its lock until it commits, so every catalogue write would wait on every other (and two
transactions that each wrote a programme the other wants would deadlock on PostgreSQL). A
rebuild removes only the change rows it saw before counting: a write still uncommitted then
keeps its row, so the counts are not read until that write's own rebuild has counted it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists
from django.utils import timezone

from .models import RECORDED, CatalogueCounts, CatalogueCountsChange, Programme

logger = logging.getLogger(__name__)

ROW = 1
# The facts the list's fact filters ask about (the keys of models.RECORDED they use), in the
# order each count row lists them after its total. tests/catalogue/test_catalogue_counts.py
# checks every fact filter's fact is here.
FACTS = (
    "modes",
    "fee_home_course",
    "fee_international_course",
    "duration_full_time_months",
    "placement",
    "ielts_overall",
    "start_months",
    "deadline",
)


def _figures(queryset) -> list[dict[str, Any]]:
    figures: dict[str, Any] = {"n": Count("pk")}
    figures.update({f"no_{fact}": Count("pk", filter=~RECORDED[fact]) for fact in FACTS})
    return list(queryset.annotate(**figures))


def _row(figures: dict[str, Any]) -> list[int]:
    return [figures["n"], *(figures[f"no_{fact}"] for fact in FACTS)]


def build() -> dict[str, Any]:
    """The counts from the programmes themselves (two grouped queries)."""
    published = Programme.objects.published().order_by()
    universities = {
        str(f["university_id"]): _row(f) for f in _figures(published.values("university_id"))
    }
    topics: dict[str, dict[str, list[int]]] = {}
    tagged = published.filter(topics__isnull=False).values("university_id", "topics__id")
    for f in _figures(tagged):
        topics.setdefault(str(f["university_id"]), {})[str(f["topics__id"])] = _row(f)
    return {"facts": list(FACTS), "universities": universities, "topics": topics}


def rebuild() -> None:
    """Count afresh and store. One rebuild at a time (the row is locked first). The change rows
    seen before counting are removed; any committed after that stay, so the counts are not read
    until a later rebuild counts them too."""
    with transaction.atomic():
        CatalogueCounts.objects.get_or_create(pk=ROW)
        CatalogueCounts.objects.select_for_update().filter(pk=ROW).first()
        seen = list(CatalogueCountsChange.objects.values_list("pk", flat=True))
        data = build()
        CatalogueCounts.objects.filter(pk=ROW).update(
            data=data, dirty=False, built_at=timezone.now()
        )
        for start in range(0, len(seen), 500):
            CatalogueCountsChange.objects.filter(pk__in=seen[start : start + 500]).delete()


def _built() -> bool:
    return (
        CatalogueCounts.objects.filter(pk=ROW, dirty=False)
        .exclude(Exists(CatalogueCountsChange.objects.all()))
        .exists()
    )


def rebuild_unless_built() -> None:
    """After a commit: rebuild unless another commit's rebuild did already. Never raises (it
    runs after the write committed; its change row then stays and the counts are not read)."""
    try:
        if not _built():
            rebuild()
    except Exception:
        logger.exception("rebuilding the catalogue counts failed; the list counts without them")


def changed() -> None:
    """A write the list shows: the counts are not read from now on (in this transaction, and
    for everyone once it commits) until they are rebuilt, right after the commit. An insert:
    concurrent writers never wait on one another here."""
    CatalogueCountsChange.objects.create()
    transaction.on_commit(rebuild_unless_built)


def read() -> dict[str, Any] | None:
    """The stored counts, or None when they are dirty, missing or of another shape."""
    data = (
        CatalogueCounts.objects.filter(pk=ROW, dirty=False)
        .exclude(Exists(CatalogueCountsChange.objects.all()))
        .values_list("data", flat=True)
    )
    stored = data.first()
    if not isinstance(stored, dict) or stored.get("facts") != list(FACTS):
        return None
    return stored
