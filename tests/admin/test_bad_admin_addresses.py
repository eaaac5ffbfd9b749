"""Addresses an editor (or a scanner) may type into the admin that are not objects or dates:
a clear 404 or 400, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import make_guide, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    return client


@pytest.mark.parametrize("model", ["programme", "suggestion", "guide", "university"])
@pytest.mark.parametrize("object_id", ["%C2%B2", "%D9%A3", "99999999999999999999999", "1x"])
def test_a_change_address_that_is_not_an_id_is_not_a_server_error(root, model, object_id):
    make_programme()
    response = root.get(f"/admin/programmes/{model}/{object_id}/change/")
    assert response.status_code in (302, 404)
    if response.status_code == 302:  # Django's own answer: back to the admin, with a message
        assert response["Location"].startswith("/admin/")


def test_a_suggestion_address_that_is_not_an_id_is_404(root):
    assert root.get("/admin/programmes/suggestion/%C2%B2/change/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=99999999999",
        "published_at__year=2026&published_at__month=13",
        "published_at__year=2026&published_at__month=2&published_at__day=99",
        "published_at__year=%C2%B2",
        "published_at__year=-1",
    ],
)
def test_a_date_the_guide_list_cannot_show_is_a_400(root, query):
    make_guide()
    response = root.get(f"/admin/programmes/guide/?{query}")
    assert response.status_code == 400
    assert "Not a date to list guides by" in response.content.decode()


def test_a_real_date_lists_guides(root):
    make_guide(title="Choosing a course")
    response = root.get("/admin/programmes/guide/?published_at__year=2026")
    assert response.status_code == 200
