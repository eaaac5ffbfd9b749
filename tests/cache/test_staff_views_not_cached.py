"""What staff see differently never reaches anonymous visitors through the caches.

Each test lets staff visit first (warming every cache they could warm), then an anonymous visitor:
in that order, a staff page stored in the shared cache would be served to the public.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from programmes.models import Guide, Status
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def make_guide(**overrides) -> Guide:
    values = {
        "title": "Choosing a programme",
        "slug": "choosing",
        "summary": "How to choose.",
        "body": "## One\n\nText.",
        "status": Status.PUBLISHED,
        "published_at": datetime.date(2026, 11, 1),
    }
    values.update(overrides)
    guide = Guide(**values)
    guide.render_body()
    guide.save()
    return guide


@pytest.fixture
def staff():
    client = Client()
    user = User.objects.create_user("previewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_programme"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
def test_staff_preview_of_an_unpublished_guide_is_not_served_to_the_public(staff, status):
    make_guide(slug="secret", title="Secret plans", status=status)
    preview = staff.get("/guides/secret/")
    assert preview.status_code == 200
    assert "Secret plans" in preview.text
    for _ in range(2):  # the second visit would come from the page cache
        anonymous = Client().get("/guides/secret/")
        assert anonymous.status_code == 404
        assert "Secret plans" not in anonymous.text


def test_staff_preview_of_a_guide_being_published_shows_the_public_the_published_page(staff):
    guide = make_guide(slug="soon", title="Soon published", status=Status.DRAFT)
    staff.get("/guides/soon/")
    assert Client().get("/guides/soon/").status_code == 404
    guide.status = Status.PUBLISHED
    guide.save()
    public = Client().get("/guides/soon/")
    assert public.status_code == 200
    assert "Soon published" in public.text
    assert "Draft preview" not in public.text


def test_the_staff_export_link_is_not_served_to_the_public(staff):
    make_programme(title="Listed")
    assert "Export these results (CSV)" in staff.get("/programmes/").text
    assert "Export these results (CSV)" in staff.get("/programmes/").text
    for _ in range(2):
        anonymous = Client().get("/programmes/")
        assert anonymous.status_code == 200
        assert "Listed" in anonymous.text
        assert "Export these results" not in anonymous.text
        assert "staff only" not in anonymous.text


def test_staff_get_fresh_private_pages_and_the_public_gets_none_of_their_cookies(staff):
    make_programme(title="Listed")
    Client().get("/programmes/")  # the public page is cached
    staff_page = staff.get("/programmes/")
    assert staff_page.context is not None  # rendered afresh, not the cached public page
    assert "private" in staff_page["Cache-Control"] and "public" not in staff_page["Cache-Control"]
    assert not staff_page.has_header("ETag")
    anonymous = Client().get("/programmes/")
    assert anonymous["Cache-Control"] == "public, max-age=60"
    assert not anonymous.cookies  # no session, no CSRF cookie
    assert "csrfmiddlewaretoken" not in anonymous.text
