"""Every sort on the list page puts programmes in the order its label promises.

Fees are whole-course amounts (``fee_period="full-course"``), so the order holds whichever fee
basis the sorts compare. Unknown values always go last, whatever the direction.
"""

import datetime

import pytest

from tests.conftest import titles
from tests.factories import make_programme, make_university

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    aberdeen = make_university(name="Aberdeen Test", slug="aberdeen")
    york = make_university(name="York Test", slug="york")
    day = datetime.date(2026, 6, 1)
    rows = [
        # title, university, home fee, international fee, months, last verified
        ("Bravo", york, 12000, 30000, 24, day),
        ("Alpha", york, 9000, None, 12, day - datetime.timedelta(days=30)),
        ("Charlie", aberdeen, None, 25000, 18, None),
        ("Delta", aberdeen, 15000, 20000, None, day + datetime.timedelta(days=10)),
        ("Alpha", aberdeen, 10000, 40000, 36, day - datetime.timedelta(days=60)),
    ]
    for title, uni, home, intl, months, verified in rows:
        make_programme(
            title=title,
            slug=f"{title.lower()}-{uni.slug}",
            university=uni,
            fee_home=home,
            fee_international=intl,
            fee_period="full-course",
            duration_full_time_months=months,
            last_verified=verified,
        )


def order(client, sort: str | None) -> list[str]:
    response = client.get("/programmes/", {"sort": sort} if sort else {})
    assert response.status_code == 200
    return [f"{p.title}@{p.university.slug}" for p in response.context["page"].object_list]


EXPECTED = {
    None: ["Alpha@aberdeen", "Alpha@york", "Bravo@york", "Charlie@aberdeen", "Delta@aberdeen"],
    "title": ["Alpha@aberdeen", "Alpha@york", "Bravo@york", "Charlie@aberdeen", "Delta@aberdeen"],
    "fee_home": [
        "Alpha@york",
        "Alpha@aberdeen",
        "Bravo@york",
        "Delta@aberdeen",
        "Charlie@aberdeen",
    ],
    "-fee_home": [
        "Delta@aberdeen",
        "Bravo@york",
        "Alpha@aberdeen",
        "Alpha@york",
        "Charlie@aberdeen",
    ],
    "fee_international": [
        "Delta@aberdeen",
        "Charlie@aberdeen",
        "Bravo@york",
        "Alpha@aberdeen",
        "Alpha@york",
    ],
    "duration": [
        "Alpha@york",
        "Charlie@aberdeen",
        "Bravo@york",
        "Alpha@aberdeen",
        "Delta@aberdeen",
    ],
    "-verified": [
        "Delta@aberdeen",
        "Bravo@york",
        "Alpha@york",
        "Alpha@aberdeen",
        "Charlie@aberdeen",
    ],
}


@pytest.mark.parametrize("sort", list(EXPECTED), ids=lambda s: s or "default")
def test_each_sort_gives_its_order(client, catalogue, sort):
    assert order(client, sort) == EXPECTED[sort]


def test_the_sort_is_kept_across_pages(client, settings):
    settings.PROGRAMMES_PER_PAGE = 2
    for n in range(5):
        make_programme(title=f"P{n}", fee_home=1000 * (5 - n), fee_period="full-course")
    first = client.get("/programmes/", {"sort": "fee_home"})
    second = client.get("/programmes/", {"sort": "fee_home", "page": 2})
    assert titles(first) + titles(second) == ["P4", "P3", "P2", "P1"]


def test_the_export_sorts_like_the_list(client, catalogue):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="pw"))
    body = b"".join(client.get("/staff/export/programmes.csv?sort=-verified").streaming_content)
    lines = body.decode("utf-8").splitlines()[1:]
    slugs = [line.split(",")[1] for line in lines]
    assert slugs == [
        "delta-aberdeen",
        "bravo-york",
        "alpha-york",
        "alpha-aberdeen",
        "charlie-aberdeen",
    ]
