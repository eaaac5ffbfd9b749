"""Deadline calendars (``text/calendar``): one all-day event per recorded application deadline.

UIDs are stable (the programme and whose deadline it is), so a calendar app that imports the
file again updates a moved deadline instead of adding a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.http import HttpResponse
from icalendar import Calendar, Event

from .models import Programme

PRODID = "-//UK AI-in-Healthcare Masters portal//Application deadlines//EN"
_WHO_KEY = {"Everyone": "all", "Home students": "home", "International students": "international"}


def deadline_calendar(
    programmes: Iterable[Programme], *, name: str, domain: str, page_url
) -> bytes:
    """The calendar of every recorded deadline of ``programmes``. ``page_url(programme)`` is
    the programme's page on the portal, linked when no official page is recorded."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for programme in programmes:
        for who, when in programme.deadlines:
            event = Event()
            event.add("uid", f"programme-{programme.pk}-deadline-{_WHO_KEY[who]}@{domain}")
            event.add("dtstamp", programme.updated.astimezone(datetime.UTC))
            event.add("dtstart", when)
            event.add("dtend", when + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            audience = "" if who == "Everyone" else f" ({who.lower()})"
            event.add(
                "summary",
                f"Application deadline{audience}: {programme.full_title}, "
                f"{programme.university.name}",
            )
            url = programme.official_page or page_url(programme)
            event.add("url", url)
            intake = f" for {programme.next_intake} entry" if programme.next_intake else ""
            event.add(
                "description",
                f"Deadline{intake} as recorded from the university's pages. Check the official "
                f"page before you rely on it: {url}",
            )
            calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
