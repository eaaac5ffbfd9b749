"""Project-level views that belong to no app: what the site tells crawlers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    """Rendered without a request context: no session, no database, nothing per visitor."""
    sitemap_path = reverse("sitemap")
    base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    body = render_to_string(
        "robots.txt",
        {
            "disallow": [
                f"/{settings.ADMIN_URL}",
                "/staff/",
                reverse("compare"),
                "/shortlist/",
            ],
            "sitemap_url": f"{base}{sitemap_path}",
        },
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
