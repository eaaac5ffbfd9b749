"""When to apply: next intake, deadlines and the date applications open on the detail page,
cards, compare and JSON-LD; a fee for an earlier year than the intake flagged; "still open"
keeps unknown deadlines in sight; deadline calendars parse as iCalendar."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import titles, unrecorded_titles
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=60)
EARLIER = TODAY - datetime.timedelta(days=10)


@pytest.fixture
def dated():
    return {
        "open": make_programme(
            title="Open",
            next_intake_year=2027,
            next_intake_month=9,
            applications_open=TODAY - datetime.timedelta(days=90),
            deadline_home=LATER,
            deadline_international=LATER - datetime.timedelta(days=30),
            fee_home=12000,
            fee_year="2025/26",
            official_url="https://www.example.ac.uk/open",
        ),
        "closed": make_programme(
            title="Closed", deadline_home=EARLIER, deadline_international=EARLIER
        ),
        "undated": make_programme(title="Undated"),
    }


def test_the_detail_page_says_when_to_apply(client, dated):
    text = client.get(dated["open"].get_absolute_url()).text
    assert "September 2027" in text
    assert f"Home students: {LATER:%-d %B %Y}" in text
    assert "These dates are for September 2027 entry" in text
    assert "2025/26 fee: the 2027/28 fee may differ" in text
    assert "Add the deadlines to your calendar" in text
    closed = client.get(dated["closed"].get_absolute_url()).text
    assert f'Everyone: {EARLIER:%-d %B %Y} <strong class="passed">(passed)</strong>' in closed


def test_cards_show_the_intake_and_deadlines(client, dated):
    text = client.get("/programmes/").text
    assert "<dt>Next intake</dt><dd>September 2027</dd>" in text
    assert f"Home: {LATER:%-d %b %Y}" in text


def test_still_open_keeps_unknown_deadlines_in_sight(client, dated):
    response = client.get("/programmes/?open=yes")
    assert titles(response) == ["Open"]
    assert unrecorded_titles(response) == ["Undated"]
    assert "1 programme does not record its application deadline yet" in response.text


def test_compare_shows_dates_and_links_the_calendar(client, dated):
    a, b = dated["open"], dated["undated"]
    response = client.get(f"/compare/?p={a.pk}&p={b.pk}")
    rows = {row.label: [cell.text for cell in row.cells] for row in response.context["rows"]}
    assert rows["Next intake"] == ["September 2027", None]
    assert rows["Application deadlines"][0].startswith("Home students: ")
    assert f"/compare/deadlines.ics?p={a.pk}&amp;p={b.pk}" in response.text


def test_a_programme_calendar_has_one_all_day_event_per_deadline(client, dated):
    programme = dated["open"]
    response = client.get(programme.get_absolute_url() + "deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [LATER, LATER - datetime.timedelta(30)]
    assert all(type(event.decoded("dtstart")) is datetime.date for event in events)
    assert [str(event["uid"]) for event in events] == [
        f"programme-{programme.pk}-deadline-home@testserver",
        f"programme-{programme.pk}-deadline-international@testserver",
    ]
    assert str(events[0]["url"]) == "https://www.example.ac.uk/open"
    assert "for September 2027 entry" in str(events[0]["description"])


def test_calendar_uids_are_stable_when_a_deadline_moves(client, dated):
    programme = dated["open"]
    url = programme.get_absolute_url() + "deadlines.ics"
    before = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    programme.deadline_home = LATER + datetime.timedelta(days=7)
    programme.save()
    after = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert [e["uid"] for e in before] == [e["uid"] for e in after]
    assert after[0].decoded("dtstart") == LATER + datetime.timedelta(days=7)


def test_the_compare_calendar_gathers_every_programmes_deadlines(client, dated):
    ids = [dated["open"].pk, dated["closed"].pk, dated["undated"].pk]
    response = client.get("/compare/deadlines.ics", {"p": ids})
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 3  # open: home and international; closed: one for everyone
    assert sum("Closed" in str(e["summary"]) for e in events) == 1


@pytest.mark.parametrize("query", ["?p=abc", "?p=", "?p=99999", "?p=1&p=-5", ""])
def test_a_compare_calendar_with_bad_ids_is_never_a_500(client, dated, query):
    response = client.get(f"/compare/deadlines.ics{query}")
    assert response.status_code == 200
    Calendar.from_ical(response.content)


def test_a_programme_without_deadlines_has_no_calendar(client, dated):
    assert client.get(dated["undated"].get_absolute_url() + "deadlines.ics").status_code == 404


def test_json_ld_carries_the_deadline_and_start(client, dated):
    response = client.get(dated["open"].get_absolute_url())
    course = next(
        data
        for data in (json.loads(block) for block in response.context["json_ld"])
        if data["@type"] == "Course"
    )
    assert course["applicationDeadline"] == (LATER - datetime.timedelta(30)).isoformat()
    assert course["hasCourseInstance"][0]["startDate"] == "2027-09"
