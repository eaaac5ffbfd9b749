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


# ----- related guides on programme and topic pages -----------------------------------------


def guides_on(client, url: str) -> list[str]:
    text = client.get(url).text
    if 'id="guides-title"' not in text:
        return []
    section = text.split('id="guides-title"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)


def dated_guide(slug: str, day: int, *, topics=(), programmes=()) -> Guide:
    guide = Guide(
        title=f"Guide {slug}",
        slug=slug,
        summary="Summary.",
        body="Text.",
        status=Status.PUBLISHED,
        published_at=datetime.date(2026, 1, day),
    )
    guide.render_body()
    guide.save()
    guide.topics.set(topics)
    guide.programmes.set(programmes)
    return guide


def test_a_programme_page_lists_guides_naming_it_or_its_topics_newest_first(client):
    topic = make_topic(name="Genomics", slug="genomics")
    programme = make_programme(title="Subject", topics=[topic])
    dated_guide("names-it", 5, programmes=[programme])
    dated_guide("on-topic", 9, topics=[topic])
    dated_guide("unrelated", 20, topics=[make_topic()])
    assert guides_on(client, programme.get_absolute_url()) == [
        "Guide on-topic",
        "Guide names-it",
    ]


def test_a_topic_page_lists_only_that_topics_guides(client):
    topic = make_topic(name="Genomics", slug="genomics")
    make_programme(topics=[topic])
    dated_guide("older", 2, topics=[topic])
    dated_guide("newer", 3, topics=[topic])
    dated_guide("elsewhere", 4, topics=[make_topic()])
    assert guides_on(client, "/topics/genomics/") == ["Guide newer", "Guide older"]


# ----- facet counts ------------------------------------------------------------------------


def facet_count(text: str, facet: str, slug: str) -> int:
    found = re.search(rf'<label for="{facet}-{slug}">[^<]*<span class="count">\((\d+)\)', text)
    assert found, f"{facet} {slug} not offered"
    return int(found.group(1))


def test_a_chosen_facet_still_counts_its_other_choices(client):
    genomics = make_topic(name="Genomics", slug="genomics")
    imaging = make_topic(name="Imaging", slug="imaging")
    north = make_university(name="North", slug="north")
    south = make_university(name="South", slug="south")
    make_programme(university=north, topics=[genomics])
    make_programme(university=south, topics=[imaging])
    make_programme(university=south, topics=[imaging, genomics])
    text = client.get("/programmes/?university=north&topic=genomics").text
    # Each facet is counted over the *other* filters: choosing North does not hide South.
    assert facet_count(text, "university", "south") == 1  # South on genomics
    assert facet_count(text, "university", "north") == 1
    assert facet_count(text, "topic", "imaging") == 0  # North has no imaging programme
    assert facet_count(text, "topic", "genomics") == 1
