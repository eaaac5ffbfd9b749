"""What search engines may crawl: ``/sitemap.xml`` (published pages only).

``/robots.txt``, which names this sitemap, is the project's: ``portal/views.py``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .models import Guide, Programme, Status, Topic, University


class PortalSitemap(Sitemap):
    """Absolute URLs use DJANGO_SITE_URL when it is set, so every page has one canonical host."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)


class ProgrammeSitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Programme.objects.published()
            .select_related("university")
            .only("slug", "updated", "university__slug")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.updated


class UniversitySitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        # A university page lists its programmes, so it changes when they do.
        return (
            University.objects.with_published_programmes()
            .annotate(
                latest=Max("programmes__updated", filter=Q(programmes__status=Status.PUBLISHED))
            )
            .only("slug", "updated")
            .order_by("pk")
        )

    def lastmod(self, item):
        return max(d for d in (item.updated, item.latest) if d is not None)


class TopicSitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return (
            Topic.objects.annotate(
                latest=Max("programmes__updated", filter=Q(programmes__status=Status.PUBLISHED))
            )
            .only("slug", "updated")
            .order_by("pk")
        )

    def lastmod(self, item):
        return max(d for d in (item.updated, item.latest) if d is not None)


class GuideSitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Guide.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class StaticSitemap(PortalSitemap):
    """The fixed pages; each changes when the part of the catalogue it lists does."""

    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["home", "programme_list", "university_list", "guide_list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            programmes = Programme.objects.published().aggregate(m=Max("updated"))["m"]
            guides = Guide.objects.published().aggregate(m=Max("updated"))["m"]
            self._latest = {"programmes": programmes, "guides": guides}
        if item == "guide_list":
            return self._latest["guides"]
        if item == "home":
            dates = [d for d in self._latest.values() if d is not None]
            return max(dates) if dates else None
        return self._latest["programmes"]


SITEMAPS = {
    "pages": StaticSitemap,
    "programmes": ProgrammeSitemap,
    "universities": UniversitySitemap,
    "topics": TopicSitemap,
    "guides": GuideSitemap,
}
