"""The review queue's figures on the admin dashboard (see programmes/admin_sources.py)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from programmes.admin_sources import dashboard_counts
from programmes.models import SuggestionOrigin

register = template.Library()


@register.inclusion_tag("admin/sources_dashboard.html", takes_context=True)
def sources_dashboard(context):
    request = context["request"]
    if not request.user.has_perm("programmes.view_suggestion"):
        return {"show": False}
    queue = reverse("admin:programmes_suggestion_changelist")
    return {
        "show": True,
        **dashboard_counts(),
        "queue_url": queue,
        "page_url": f"{queue}?origin__exact={SuggestionOrigin.PAGE}",
        "visitor_url": f"{queue}?origin__exact={SuggestionOrigin.VISITOR}",
    }
