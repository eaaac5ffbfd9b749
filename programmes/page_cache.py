"""Whole rendered pages for anonymous visitors, cached once and personalised per request.

A public page is the same for every anonymous visitor except for a few small parts: the
shortlist count and link in the header, flash messages, and each "Add to compare" form (its
CSRF token and whether the programme is already in the visitor's shortlist). When a page is
rendered for the cache, templates write placeholders for exactly those parts (see
``shortlist.context`` and ``includes/compare_button.html``); each request then fills them in
with string replacement, which costs far less than rendering the templates again.

Entries live under the catalogue version (programmes/cache.py), so any write to the catalogue
makes them stale at once. Signed-in users (staff) always get a freshly rendered page.
"""

from __future__ import annotations

import functools
import logging
import re

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from . import shortlist
from .cache import _key, catalogue_version

logger = logging.getLogger(__name__)

FLAG = "personalise_later"
CSRF = "__CSRF_TOKEN__"
SHORTLIST_URL = "__SHORTLIST_URL__"
SHORTLIST_COUNT = "<!--shortlist-count-->"
MESSAGES = "<!--messages-->"
# Both variants of each compare form are cached; the visitor's shortlist picks one.
COMPARE_FORM = re.compile(r"<!--cmp:(\d+):(add|remove)-->(.*?)<!--/cmp-->", re.S)


def _visitor_shortlist(request) -> list[int]:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    return shortlist.get(request.session)


def personalise(request, html: str) -> str:
    ids = _visitor_shortlist(request)
    chosen = set(ids)

    def pick(match: re.Match) -> str:
        in_shortlist = int(match.group(1)) in chosen
        return match.group(3) if in_shortlist == (match.group(2) == "remove") else ""

    html = COMPARE_FORM.sub(pick, html)
    html = html.replace(SHORTLIST_COUNT, str(len(ids)), 1)
    html = html.replace(SHORTLIST_URL, shortlist.compare_url(ids))
    if CSRF in html:
        html = html.replace(CSRF, get_token(request))
    if MESSAGES in html:
        stored = messages.get_messages(request)
        rendered = (
            render_to_string("includes/messages.html", {"messages": stored}) if len(stored) else ""
        )
        html = html.replace(MESSAGES, rendered, 1)
    return html


def rendered_page(view):
    """Serve anonymous GETs from a cached rendering of the page, personalised per request."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        version = catalogue_version(request)
        if version is None:
            return view(request, *args, **kwargs)
        # Pages hold absolute URLs (canonical, share links), so scheme and host are in the key;
        # "check the official page" notices depend on today's date, so the date is too.
        key = _key(
            version,
            "page",
            [
                request.scheme,
                request.get_host(),
                timezone.localdate().isoformat(),
                request.get_full_path(),
            ],
        )
        try:
            html = cache.get(key)
        except Exception as exc:
            logger.warning("page cache read failed: %s: %s", exc.__class__.__name__, exc)
            return view(request, *args, **kwargs)
        if html is None:
            setattr(request, FLAG, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                delattr(request, FLAG)
            if response.streaming:
                return response
            if response.status_code != 200:
                # Not cached (e.g. a 410 page), but rendered with placeholders all the same.
                html = response.content.decode(response.charset)
                response.content = personalise(request, html)
                return response
            html = response.content.decode(response.charset)
            try:
                cache.set(key, html, settings.CATALOGUE_CACHE_SECONDS)
            except Exception as exc:
                logger.warning("page cache write failed: %s: %s", exc.__class__.__name__, exc)
            response.content = personalise(request, html)
            return response
        return HttpResponse(personalise(request, html))

    return wrapped
