"""The editors' dashboard on the admin index: what is in the catalogue and what needs attention.

A fixed number of queries whatever the catalogue size: status counts (one grouped query per
model), the verification queue (one count, one sliced list), recent history (one query) and the
completeness figures of /about/data/ (one aggregate query).
"""

from __future__ import annotations

from django import template
from django.contrib.admin.models import LogEntry
from django.db.models import Count, F
from django.urls import reverse

from programmes import selectors
from programmes.models import Guide, Programme, Status

register = template.Library()

QUEUE_SIZE = 10
RECENT_SIZE = 10


def _status_counts(model) -> dict[str, int]:
    grouped = model.objects.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in grouped}


def _cells(counts: dict[str, int]) -> list[dict]:
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in Status.choices
    ]


@register.inclusion_tag("admin/editors_dashboard.html", takes_context=True)
def editors_dashboard(context):
    request = context["request"]
    if not request.user.has_perm("programmes.view_programme"):
        return {"show": False}

    programmes = _status_counts(Programme)
    guides = _status_counts(Guide)
    changelist = reverse("admin:programmes_programme_changelist")
    due = Programme.objects.needs_verification()
    queue = list(
        due.select_related("university").order_by(
            F("last_verified").asc(nulls_first=True), "title", "pk"
        )[:QUEUE_SIZE]
    )
    recent = list(
        LogEntry.objects.filter(content_type__app_label="programmes")
        .select_related("user", "content_type")
        .order_by("-action_time", "-pk")[:RECENT_SIZE]
    )
    published, verified, completeness = selectors.catalogue_completeness()
    return {
        "show": True,
        "completeness": completeness,
        "published": published,
        "verified": verified,
        "missing_url": f"{changelist}?status__exact={Status.PUBLISHED}&missing=",
        "status_rows": [
            {"label": "Programmes", "url": changelist, "cells": _cells(programmes)},
            {
                "label": "Guides",
                "url": reverse("admin:programmes_guide_changelist"),
                "cells": _cells(guides),
            },
        ],
        "queue": queue,
        "queue_total": due.count(),
        "queue_url": f"{changelist}?verification=needed",
        "recent": recent,
    }
