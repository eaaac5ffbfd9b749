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
            # Never the admin's address: it is linked from nowhere, and a moved admin
            # (DJANGO_ADMIN_URL) is only worth moving while nobody is told where it went.
            "disallow": [
                "/staff/",
                reverse("compare"),
                "/shortlist/",
            ],
            "sitemap_url": f"{base}{sitemap_path}",
        },
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
