"""The guides feed (Atom) at /guides/feed/."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import Guide


def _on_site(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else path


class GuidesFeed(Feed):
    feed_type = Atom1Feed
    title = "AI Health Masters UK: guides"
    subtitle = "Guides for choosing a UK master's in AI for healthcare."

    # Absolute links from DJANGO_SITE_URL when it is set (one canonical host); otherwise
    # Django adds the request's host to these paths.
    def link(self):
        return _on_site(reverse("guide_list"))

    def feed_url(self):
        return _on_site(reverse("guide_feed")) if settings.SITE_URL else None

    def item_link(self, item):
        return _on_site(item.get_absolute_url())

    def items(self):
        return Guide.objects.published().order_by("-published_at", "title")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.author

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.published_at, datetime.time()))

    def item_updateddate(self, item):
        return item.updated
