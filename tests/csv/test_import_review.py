"""The import review page: only the editor who uploaded a file can apply it, and only once."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from programmes.models import CatalogueImport, Programme
from tests.factories import good_row, make_programme, make_university, to_csv, upload

pytestmark = pytest.mark.django_db


def editor(name: str) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(name, password="pw"))
    return client


@pytest.fixture
def uploaded():
    uni = make_university(slug="uni")
    make_programme(university=uni, slug="p", title="Old title")
    alice = editor("alice")
    response = upload(alice, to_csv([good_row(title="New title")]))
    assert response.status_code == 302
    return alice, response["Location"]


def test_another_editor_cannot_see_or_apply_someone_elses_file(uploaded):
    _, review_url = uploaded
    bob = editor("bob")
    assert bob.get(review_url).status_code == 404
    assert bob.post(review_url).status_code == 404
    assert Programme.objects.get(slug="p").title == "Old title"
    assert CatalogueImport.objects.get().status == CatalogueImport.PENDING
    assert not LogEntry.objects.exists()


def test_the_uploader_can_still_apply_after_someone_else_tried(uploaded):
    alice, review_url = uploaded
    editor("bob").post(review_url)
    assert alice.post(review_url).status_code == 302
    assert Programme.objects.get(slug="p").title == "New title"


def test_posting_an_applied_batch_again_writes_nothing(uploaded):
    alice, review_url = uploaded
    assert alice.post(review_url).status_code == 302
    assert LogEntry.objects.count() == 1
    # Someone edits the programme after the import; a second POST (a double click, the back
    # button, a replayed request) must not put the file's values back.
    Programme.objects.filter(slug="p").update(title="Edited since")
    again = alice.post(review_url)
    assert again.status_code == 200
    assert Programme.objects.get(slug="p").title == "Edited since"
    assert LogEntry.objects.count() == 1
    assert 'value="Apply' not in again.text
    assert "This file has already been applied" in again.text
    assert CatalogueImport.objects.get().status == CatalogueImport.APPLIED


def test_the_review_counts_each_action_and_shows_old_and_new_values():
    uni = make_university(slug="uni")
    make_programme(university=uni, slug="p", title="Old title", placement=False)
    alice = editor("alice")
    rows = [
        good_row(title="Old title", placement="yes"),
        good_row(slug="new-1"),
        good_row(slug="new-2"),
    ]
    review_url = upload(alice, to_csv(rows))["Location"]
    review = alice.get(review_url)
    assert "2 to create, 1 to update" in review.text
    assert "<code>placement</code>: no → yes" in review.text
    # A fact that was not known shows as "empty", never as a word such as "None".
    assert "<code>duration_full_time_months</code>" not in review.text
    applied = alice.post(review_url, follow=True)
    assert "Import applied: 2 created, 1 updated, 0 unchanged." in applied.text
