""" "Similar programmes" on a programme page and "Related programmes" on a guide page."""

import datetime
import re

import pytest

from programmes.models import Guide, Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>')
LIST_ITEM = re.compile(r'<li><a href="[^"]+">([^<]+)</a>')


def similar_on_page(client, programme) -> list[str]:
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    if 'id="similar-title"' not in response.text:
        return []
    section = response.text.split('id="similar-title"', 1)[1].split("</section>", 1)[0]
    return LIST_ITEM.findall(section)


@pytest.fixture
def topics():
    return [make_topic(name=f"Shared topic {n}", slug=f"shared-{n}") for n in range(3)]


def test_similar_programmes_never_list_the_programme_itself(client, topics):
    programme = make_programme(title="Itself", topics=topics)
    make_programme(title="Other", topics=topics[:1])
    assert similar_on_page(client, programme) == ["MSc Other"]


def test_similar_programmes_are_ordered_by_how_many_topics_they_share(client, topics):
    programme = make_programme(title="Subject", topics=topics)
    # Titles in the opposite order of shared topics, so an alphabetical list fails.
    make_programme(title="Aardvark one shared", topics=topics[:1])
    make_programme(title="Mango two shared", topics=topics[:2])
    make_programme(title="Zebra three shared", topics=topics)
    make_programme(title="Nothing shared", topics=[make_topic()])
    make_programme(title="Draft all shared", topics=topics, status=Status.DRAFT)
    assert similar_on_page(client, programme) == [
        "MSc Zebra three shared",
        "MSc Mango two shared",
        "MSc Aardvark one shared",
    ]


def test_similar_programmes_stop_at_four_most_similar(client, topics):
    programme = make_programme(title="Subject", topics=topics)
    make_programme(title="A one shared", topics=topics[:1])
    for n in range(4):
        make_programme(title=f"B{n} two shared", topics=topics[:2])
    assert similar_on_page(client, programme) == [f"MSc B{n} two shared" for n in range(4)]


def test_a_programme_without_topics_has_no_similar_section(client):
    programme = make_programme(title="Lonely")
    make_programme(title="Another lonely")
    assert similar_on_page(client, programme) == []


# ----- guides ------------------------------------------------------------------------------


def make_guide(*, topics=(), universities=(), programmes=()) -> Guide:
    guide = Guide(
        title="Choosing",
        slug="choosing",
        summary="How to choose.",
        body="Text.",
        status=Status.PUBLISHED,
        published_at=datetime.date(2026, 11, 1),
    )
    guide.render_body()
    guide.save()
    guide.topics.set(topics)
    guide.universities.set(universities)
    guide.programmes.set(programmes)
    return guide


def related_on_guide(client) -> list[str]:
    response = client.get("/guides/choosing/")
    assert response.status_code == 200
    if 'id="related-title"' not in response.text:
        return []
    section = response.text.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    return CARD_TITLE.findall(section)


def test_a_guide_without_named_programmes_falls_back_to_its_topics_and_universities(client):
    topic = make_topic(name="Genomics", slug="genomics")
    uni = make_university(name="Glenmore", slug="glenmore")
    make_programme(title="On the topic", topics=[topic])
    make_programme(title="At the university", university=uni)
    make_programme(title="Unrelated", topics=[make_topic()])
    make_programme(title="Draft on the topic", topics=[topic], status=Status.DRAFT)
    make_guide(topics=[topic], universities=[uni])
    assert related_on_guide(client) == ["MSc At the university", "MSc On the topic"]


def test_named_programmes_come_first_then_the_fall_back_without_repeats(client):
    topic = make_topic(name="Genomics", slug="genomics")
    named = make_programme(title="Zulu named", topics=[topic])
    make_programme(title="Alpha on the topic", topics=[topic])
    make_guide(topics=[topic], programmes=[named])
    assert related_on_guide(client) == ["MSc Zulu named", "MSc Alpha on the topic"]


def test_the_fall_back_fills_up_to_six(client):
    topic = make_topic(name="Genomics", slug="genomics")
    named = make_programme(title="Named", topics=[topic])
    for n in range(8):
        make_programme(title=f"Topic {n}", topics=[topic])
    make_guide(topics=[topic], programmes=[named])
    assert related_on_guide(client) == ["MSc Named"] + [f"MSc Topic {n}" for n in range(5)]
