"""The editors' admin site, and its index: a dashboard of the catalogue and what needs attention.

``settings.INSTALLED_APPS`` names ``portal.apps.PortalAdminConfig``, which makes this the
default ``admin.site``, so every ``@admin.register`` uses it. The index view gathers the dashboard's
figures here; ``templates/admin/index.html`` and its two partials only display them.

A fixed number of queries whatever the catalogue size: status counts (one grouped query per
model), the verification queue (one count, one sliced list), recent history (one query), the
completeness figures of /about/data/ (one aggregate query) and the review queue's figures (four
grouped or counted queries).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from . import selectors
from .models import (
    Guide,
    LeadStatus,
    Programme,
    ProgrammeLead,
    ReferenceFigure,
    ReferenceRule,
    SourcePage,
    Status,
    Suggestion,
    SuggestionOrigin,
)

QUEUE_SIZE = 10
RECENT_SIZE = 10


def object_pk(value: object) -> int | None:
    """An object id from a URL: ASCII digits only ("²".isdigit() is true, int("²") fails)."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def bad_date_hierarchy(request, field: str) -> str | None:
    """Why the date hierarchy's parameters cannot be a date (Django's own code overflows on a
    year such as 99999999999 and answers 500), or None when they can."""
    for part, (low, high) in DATE_PARTS.items():
        raw = request.GET.get(f"{field}__{part}")
        if raw is None:
            continue
        number = object_pk(raw)
        if number is None or not low <= number <= high:
            return f"{part} {raw[:20]!r} is not a {part} of a date"
    return None


class PortalAdminSite(admin.AdminSite):
    site_header = "AI Health Masters UK: editors"
    site_title = "AI Health Masters UK admin"
    index_title = "Catalogue and guides"
    # The programme list has many columns; the app sidebar would push them off narrow screens.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {
            "dashboard": catalogue_dashboard() if _may_view(request, "programme") else None,
            "review_dashboard": review_dashboard() if _may_view(request, "suggestion") else None,
            **(extra_context or {}),
        }
        return super().index(request, context)


def _may_view(request, model_name: str) -> bool:
    return request.user.has_perm(f"programmes.view_{model_name}")


def _status_counts(model) -> dict[str, int]:
    grouped = model.objects.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in grouped}


def _cells(counts: dict[str, int]) -> list[dict]:
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in Status.choices
    ]


def catalogue_dashboard() -> dict:
    """Status counts, the verification queue, completeness and recent history."""
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
    today = timezone.localdate()
    reference_due = [
        {
            "label": str(model._meta.verbose_name_plural).capitalize(),
            "url": reverse(f"admin:programmes_{model._meta.model_name}_changelist"),
            "count": model.objects.needing_a_check(today).count(),
        }
        for model in (ReferenceFigure, ReferenceRule)
    ]
    return {
        "reference_due": reference_due,
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


def review_dashboard() -> dict:
    """The review queue's figures (the queue itself: programmes/sources/admin.py)."""
    queue = reverse("admin:programmes_suggestion_changelist")
    return {
        **_review_counts(),
        "queue_url": queue,
        "page_url": f"{queue}?origin__exact={SuggestionOrigin.PAGE}",
        "visitor_url": f"{queue}?origin__exact={SuggestionOrigin.VISITOR}",
        "open_leads": ProgrammeLead.objects.filter(status=LeadStatus.OPEN).count(),
        "leads_url": reverse("admin:programmes_programmelead_changelist")
        + f"?status__exact={LeadStatus.OPEN}",
    }


def _review_counts() -> dict:
    """Fixed cost: four grouped or counted queries."""
    open_by_origin = dict(
        Suggestion.objects.open()
        .order_by()
        .values_list("origin")
        .annotate(n=Count("pk"))
        .values_list("origin", "n")
    )
    changed = (
        SourcePage.objects.filter(changed_at__isnull=False)
        .filter(
            Q(programme__last_verified__isnull=True)
            | Q(changed_at__date__gt=F("programme__last_verified"))
        )
        .count()
    )
    failed = list(
        SourcePage.objects.exclude(last_reason="")
        .order_by()
        .values_list("last_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "last_reason")
    )
    never_read = (
        Programme.objects.published().exclude(pages__last_read_at__isnull=False).distinct().count()
    )
    return {
        "open_page": open_by_origin.get(SuggestionOrigin.PAGE, 0),
        "open_visitor": open_by_origin.get(SuggestionOrigin.VISITOR, 0),
        "changed_since_verified": changed,
        "failed": failed,
        "never_read": never_read,
    }
