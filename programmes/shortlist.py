"""The compare shortlist, kept in the session as a list of up to four programme ids.

Session content is never trusted: whatever is stored (a tampered or stale value, a string, a
list of junk) is cleaned to a list of distinct positive ints before use.
"""

from __future__ import annotations

SESSION_KEY = "shortlist"
MAX_SHORTLIST = 4


def clean_ids(values, limit: int = MAX_SHORTLIST) -> list[int]:
    if not isinstance(values, list | tuple):
        return []
    out: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**63 and number not in out:
            out.append(number)
        if len(out) >= limit:
            break
    return out


def get(session) -> list[int]:
    return clean_ids(session.get(SESSION_KEY, []))


def save(session, ids: list[int]) -> None:
    session[SESSION_KEY] = ids[:MAX_SHORTLIST]


def add(session, programme_id: int) -> str:
    """Add one id. Returns "added", "already" or "full" (nothing changes when full)."""
    ids = get(session)
    if programme_id in ids:
        return "already"
    if len(ids) >= MAX_SHORTLIST:
        return "full"
    save(session, [*ids, programme_id])
    return "added"


def remove(session, programme_id: int) -> bool:
    ids = get(session)
    if programme_id not in ids:
        return False
    save(session, [i for i in ids if i != programme_id])
    return True


def clear(session) -> None:
    session[SESSION_KEY] = []


def compare_url(ids: list[int]) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    base = reverse("compare")
    return f"{base}?{urlencode([('p', i) for i in ids])}" if ids else base


def context(request) -> dict:
    """Template context processor: the shortlist for the header and the add/remove buttons.

    Reads the session only when the visitor already has one, so first-time visitors cost no query.
    """
    from django.conf import settings
    from django.db import DatabaseError

    if getattr(request, "personalise_later", False):
        # Rendering for the shared page cache: programmes/page_cache.py fills these in.
        return {
            "shortlist_ids": [],
            "shortlist_url": "__SHORTLIST_URL__",
            "personalise_later": True,
        }
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"shortlist_ids": [], "shortlist_url": compare_url([])}
    try:
        ids = get(request.session)
    except DatabaseError:
        # The 404 page renders with this context: it must still render while the database
        # (where sessions live) is down.
        ids = []
    return {"shortlist_ids": ids, "shortlist_url": compare_url(ids)}
