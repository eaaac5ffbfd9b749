import pytest
from django.core.management import call_command

from programmes.models import Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


def test_home_page_shows_search_topics_and_programmes(client):
    topic = make_topic(name="Genomics", slug="genomics")
    make_programme(title="Genomic Medicine", topics=[topic])
    response = client.get("/")
    assert response.status_code == 200
    assert 'role="search"' in response.text
    assert 'href="/topics/genomics/"' in response.text
    assert "Genomic Medicine" in response.text


def test_detail_shows_every_fact_with_units_and_honest_gaps(client):
    uni = make_university(
        name="University of Glenmore", slug="glenmore", website="https://www.glenmore.ac.uk"
    )
    make_programme(
        university=uni,
        title="Clinical AI",
        slug="clinical-ai",
        fee_home=14500,
        fee_year="2025/26",
        duration_full_time_months=12,
        official_url="https://www.glenmore.ac.uk/clinical-ai",
    )
    response = client.get("/programmes/glenmore/clinical-ai/")
    assert response.status_code == 200
    text = response.text
    assert "£14,500 (2025/26), per year or whole course not stated" in text
    assert "12 months (1 year)" in text
    # International fee and IELTS were not given: they say so instead of showing 0, and send
    # the student to the official page. We never claim the university does not publish them.
    not_recorded = (
        'Not recorded yet: <a href="https://www.glenmore.ac.uk/clinical-ai" rel="noopener">'
        "check the official page</a>"
    )
    assert text.count(not_recorded) >= 3
    assert "not published" not in text.lower()
    assert 'href="https://www.glenmore.ac.uk/clinical-ai"' in text
    assert "Not yet verified by our editors" in text
    assert "Check the official page" in text


def test_detail_of_recently_verified_programme_has_no_stale_notice(client):
    from django.utils import timezone

    programme = make_programme(last_verified=timezone.localdate())
    response = client.get(programme.get_absolute_url())
    assert "Check the official page" not in response.text


def test_draft_programmes_are_404(client):
    programme = make_programme(status=Status.DRAFT)
    assert client.get(programme.get_absolute_url()).status_code == 404
    assert programme.title not in client.get("/programmes/").text


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/nowhere/nothing/",
        "/universities/nowhere/",
        "/topics/nothing/",
        "/programmes/a/b/c/",
    ],
)
def test_unknown_slugs_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_programme_at_wrong_university_is_404(client):
    programme = make_programme()
    other = make_university()
    assert client.get(f"/programmes/{other.slug}/{programme.slug}/").status_code == 404


def test_university_page_lists_only_its_published_programmes(client):
    uni = make_university(name="University of Glenmore", slug="glenmore")
    make_programme(university=uni, title="Shown Programme")
    make_programme(university=uni, title="Draft Programme", status=Status.DRAFT)
    make_programme(title="Elsewhere Programme")
    response = client.get("/universities/glenmore/")
    assert "Shown Programme" in response.text
    assert "Draft Programme" not in response.text
    assert "Elsewhere Programme" not in response.text
    listing = client.get("/universities/")
    assert "University of Glenmore" in listing.text


def test_topic_page_lists_its_published_programmes(client):
    topic = make_topic(name="Genomics", slug="genomics")
    make_programme(title="Genomic Medicine", topics=[topic])
    make_programme(title="Imaging Only")
    response = client.get("/topics/genomics/")
    assert "Genomic Medicine" in response.text
    assert "Imaging Only" not in response.text


def test_real_catalogue_scotland_filter_lists_exactly_scottish_programmes(client):
    call_command("load_catalogue", verbosity=0, stdout=None)
    from programmes.models import Programme

    expected = sorted(
        Programme.objects.published()
        .filter(university__nation="scotland")
        .values_list("title", flat=True)
    )
    response = client.get("/programmes/?nation=scotland")
    shown = sorted(p.title for p in response.context["page"].object_list)
    assert shown == expected
    assert len(expected) == 3  # Edinburgh's CDT year is archived in seed v2
