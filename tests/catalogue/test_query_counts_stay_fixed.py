"""Every page makes a fixed number of SQL queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes import counts
from programmes.models import CatalogueCounts, Topic
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def build(n: int):
    topics = [
        Topic.objects.get_or_create(slug="genomics", defaults={"name": "Genomics"})[0],
        make_topic(),
    ]
    uni = make_university()
    programmes = [
        make_programme(university=uni, topics=topics, fee_home=9000, fee_period="full-course")
        for _ in range(n)
    ]
    counts.rebuild()  # as after the writes commit (programmes/counts.py)
    return programmes


# Universities + topics (filter choices), the stored counts (programmes/counts.py), page rows
# and their topics. With a fact filter (a fee limit here) the list counts the programmes: the
# count, which carries how many do not record each fact, that over the list without its fact
# filters, and the facets: topics plus one count per university for nations and universities
# alike, or two when either is filtered.
LIST_QUERIES = {"": 5, "filtered": 9}


@pytest.mark.parametrize(
    "query", ["", "?nation=england&topic=genomics&max_fee_home=100000&sort=fee_home"]
)
def test_list_page_query_count_is_the_same_for_one_result_and_a_full_page(client, query):
    build(1)
    one = count_queries(client, f"/programmes/{query}")
    build(30)
    full = count_queries(client, f"/programmes/{query}")
    assert one == full == LIST_QUERIES["filtered" if "nation" in query else ""]


# The list page's reads without its page rows and their topics: universities + topics (filter
# choices) and the stored counts; with a filter they do not answer (a mode here), the counts
# with and without the fact filters and the facets (two or three, as on the list). It lists
# every university, so the count must not grow with them.
UNIVERSITY_CHOOSER_QUERIES = {"": 3, "filtered": 7}


@pytest.mark.parametrize("query", ["", "?nation=england&university=x&mode=online&max_fee_home=a"])
def test_university_chooser_query_count_does_not_grow_with_universities(client, query):
    build(1)
    few = count_queries(client, f"/programmes/universities/{query}")
    for _ in range(12):
        make_programme(university=make_university())
    counts.rebuild()
    many = count_queries(client, f"/programmes/universities/{query}")
    assert few == many == UNIVERSITY_CHOOSER_QUERIES["filtered" if "nation" in query else ""]


def test_before_the_stored_counts_are_built_the_list_counts_the_programmes(client):
    build(1)
    CatalogueCounts.objects.all().delete()
    # Filter choices (2), the (missing) stored counts (1), the count with the universities'
    # facet in one grouped query (1), the topics' facet (1), the page and its topics (2).
    assert count_queries(client, "/programmes/") == 2 + 1 + 1 + 1 + 2


def test_home_university_and_topic_pages_have_fixed_query_counts(client):
    programmes = build(2)
    uni = programmes[0].university
    topic = programmes[0].topics.first()
    small = [
        count_queries(client, url)
        for url in ("/", "/universities/", uni.get_absolute_url(), topic.get_absolute_url())
    ]
    build(15)
    large = [
        count_queries(client, url)
        for url in ("/", "/universities/", uni.get_absolute_url(), topic.get_absolute_url())
    ]
    assert small == large


def test_detail_page_query_count_does_not_grow_with_topics(client, django_assert_num_queries):
    programme = make_programme(topics=[make_topic() for _ in range(6)])
    make_programme(topics=list(programme.topics.all()))
    # programme + its topics + similar programmes + related guides + funding schemes linked to
    # it, and the reference figures and rules for "What it costs" (kept once read)
    with django_assert_num_queries(7):
        response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
