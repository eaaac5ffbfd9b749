"""The search's cap on terms, and the dates the guides' Atom feed gives readers."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from programmes.filters import MAX_QUERY_TERMS
from programmes.models import Guide, Status
from tests.conftest import titles
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def programme():
    return make_programme(title="Clinical machine learning for health data", summary="")


def search(client, words: list[str]) -> list[str]:
    # Every word must match: the partial matches a dead end gets are tested elsewhere.
    response = client.get("/programmes/", {"q": " ".join(words), "match": "all"})
    assert response.status_code == 200
    return titles(response)


def test_every_term_up_to_the_cap_must_match(client, programme):
    assert MAX_QUERY_TERMS == 10
    # Nine words that all match (whole words; search.py drops stop words such as "for").
    words = ["clinical", "machine", "learning", "health", "data"] * 2
    words = words[:9]
    assert search(client, words) == [programme.title]
    # The tenth term is still applied: it matches nothing, so nothing is found.
    assert search(client, [*words, "zzzunknown"]) == []


def test_terms_past_the_cap_are_ignored(client, programme):
    words = ["clinical"] * MAX_QUERY_TERMS
    assert search(client, [*words, "zzzunknown"]) == [programme.title]
    many = ["health"] * 500 + ["zzzunknown"]  # a long query is cut, not run term by term
    assert search(client, many) == [programme.title]


# ----- the Atom feed -----------------------------------------------------------------------


def make_guide(slug: str, published_at: datetime.date, **extra) -> Guide:
    guide = Guide(
        title=f"Guide {slug}",
        slug=slug,
        summary="Summary.",
        body="Text.",
        status=Status.PUBLISHED,
        published_at=published_at,
        **extra,
    )
    guide.render_body()
    guide.save()
    return guide


def feed(client):
    response = client.get("/guides/feed/")
    assert response.status_code == 200
    return ET.fromstring(response.content)


def parse(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def test_feed_entries_carry_their_publication_and_update_dates(client):
    summer = make_guide("summer", datetime.date(2026, 7, 15))
    winter = make_guide("winter", datetime.date(2026, 1, 20))
    root = feed(client)
    entries = root.findall("a:entry", ATOM)
    assert [e.find("a:title", ATOM).text for e in entries] == ["Guide summer", "Guide winter"]
    published = [parse(e.find("a:published", ATOM).text) for e in entries]
    # Midnight, London time, on the day the guide was published (BST in July, GMT in January).
    assert published[0] == datetime.datetime(2026, 7, 14, 23, tzinfo=datetime.UTC)
    assert published[1] == datetime.datetime(2026, 1, 20, 0, tzinfo=datetime.UTC)
    for entry, guide in zip(entries, [summer, winter], strict=True):
        guide.refresh_from_db()
        updated = parse(entry.find("a:updated", ATOM).text)
        assert abs(updated - guide.updated) < datetime.timedelta(seconds=1)


def test_the_feed_is_as_new_as_its_latest_update(client):
    old = make_guide("old", datetime.date(2026, 1, 20))
    make_guide("new", datetime.date(2026, 7, 15))
    Guide.objects.filter(pk=old.pk).update(
        updated=timezone.now() + datetime.timedelta(days=3)  # an edit after the newer guide
    )
    root = feed(client)
    feed_updated = parse(root.find("a:updated", ATOM).text)
    old.refresh_from_db()
    assert abs(feed_updated - old.updated) < datetime.timedelta(seconds=1)
