"""The compare shortlist, kept in the session as a list of up to four programme ids.

Session content is never trusted: whatever is stored (a tampered or stale value, a string, a
list of junk) is cleaned to a list of distinct positive ints before use.

Public pages never show the shortlist (they are the same for every visitor). Each reply that
changes it also sets ``COOKIE``, a copy of the ids that ``static/js/site.js`` reads to fill in
the header count and the buttons' state. The server never reads that cookie: the session is
the shortlist.
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
    """Keep ``ids``. An empty shortlist leaves nothing in the session, so a visitor who never
    chose anything costs no session row (the middleware stores only non-empty sessions)."""
    if ids:
        session[SESSION_KEY] = ids[:MAX_SHORTLIST]
    elif SESSION_KEY in session:
        del session[SESSION_KEY]


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
    save(session, [])


def compare_url(ids: list[int]) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    base = reverse("compare")
    return f"{base}?{urlencode([('p', i) for i in ids])}" if ids else base


COOKIE = "shortlist"


def set_cookie(response, ids: list[int]) -> None:
    """Copy the shortlist into the cookie the page's script reads (removed when empty)."""
    from django.conf import settings

    if not ids:
        response.delete_cookie(COOKIE, samesite="Lax")
        return
    response.set_cookie(
        COOKIE,
        ".".join(map(str, ids)),
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read by site.js; it holds only public programme numbers
        samesite="Lax",
    )
