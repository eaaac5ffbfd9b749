"""No edit is silently lost: the admin change form, the CSV import, accepting a suggestion.

Each case is tried as two editors would, through the real admin pages (forms read from the
HTML as a browser would submit them).
"""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme
from tests.factories import make_programme, make_topic
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def editor(name: str) -> Client:
    call_command("setup_roles", stdout=io.StringIO())
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def change_url(programme) -> str:
    return reverse("admin:programmes_programme_change", args=[programme.pk])


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def open_form(client, programme) -> dict:
    response = client.get(change_url(programme))
    assert response.status_code == 200
    data = form_data(response.content.decode(), "programme_form")
    assert data.get("seen_values"), "the snapshot travels in the rendered form"
    return data


@pytest.fixture
def programme():
    return make_programme(
        title="Clinical AI",
        summary="Old summary.",
        fee_home=11000,
        placement=True,
        start_month_mask=256,
        topics=[make_topic(name="Imaging")],
    )


# ----- 1. the admin change form ------------------------------------------------------------


def test_second_editor_with_an_old_form_does_not_wipe_the_first_editors_title(programme):
    alice, bob = editor("alice"), editor("bob")
    alice_form, bob_form = open_form(alice, programme), open_form(bob, programme)

    alice_form["title"] = "Clinical Artificial Intelligence"
    assert alice.post(change_url(programme), alice_form).status_code == 302

    bob_form["summary"] = "A new summary from Bob."
    response = bob.post(change_url(programme), bob_form)
    assert response.status_code == 200
    page = text_of(response)
    assert "Nothing was saved: this programme was changed by alice" in page
    assert "Title: now “Clinical Artificial Intelligence” (you had not changed it)" in page
    saved = Programme.objects.get(pk=programme.pk)
    assert saved.title == "Clinical Artificial Intelligence"
    assert saved.summary == "Old summary."  # nothing saved meanwhile

    # The form came back with Alice's title and Bob's summary: Bob saves again, knowingly.
    again = form_data(response.content.decode(), "programme_form")
    assert again["title"] == "Clinical Artificial Intelligence"
    assert again["summary"] == "A new summary from Bob."
    assert bob.post(change_url(programme), again).status_code == 302
    saved = Programme.objects.get(pk=programme.pk)
    assert (saved.title, saved.summary) == (
        "Clinical Artificial Intelligence",
        "A new summary from Bob.",
    )
    # Fields neither touched survive the round trip.
    assert (saved.fee_home, saved.placement, saved.start_month_mask) == (11000, True, 256)
    assert [t.name for t in saved.topics.all()] == ["Imaging"]


def test_both_editors_changing_one_field_shows_both_values_and_lets_the_second_choose(programme):
    alice, bob = editor("alice"), editor("bob")
    alice_form, bob_form = open_form(alice, programme), open_form(bob, programme)
    alice_form["fee_home"] = "11500"
    assert alice.post(change_url(programme), alice_form).status_code == 302
    bob_form["fee_home"] = "11900"
    response = bob.post(change_url(programme), bob_form)
    page = text_of(response)
    assert "saved “11500”, yours “11900” (you both changed it)" in page
    assert Programme.objects.get(pk=programme.pk).fee_home == 11500
    again = form_data(response.content.decode(), "programme_form")
    assert again["fee_home"] == "11900"  # Bob's value kept in the form for him to decide
    assert bob.post(change_url(programme), again).status_code == 302
    assert Programme.objects.get(pk=programme.pk).fee_home == 11900


def test_saving_an_unchanged_programme_twice_is_not_a_conflict(programme):
    alice = editor("alice")
    data = open_form(alice, programme)
    assert alice.post(change_url(programme), data).status_code == 302
    data = open_form(alice, programme)
    data["summary"] = "Second save."
    assert alice.post(change_url(programme), data).status_code == 302


def test_a_tampered_snapshot_is_refused_with_a_message(programme):
    alice = editor("alice")
    data = open_form(alice, programme)
    data["seen_values"] = "forged"
    response = alice.post(change_url(programme), data)
    assert response.status_code == 200
    assert "This form is damaged" in text_of(response)


# ----- 2. the CSV import -------------------------------------------------------------------


def exported_csv(client: Client) -> str:
    response = client.get("/staff/export/programmes.csv?status=all")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def edit_cell(text: str, column: str, value: str) -> bytes:
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client: Client, data: bytes):
    file = SimpleUploadedFile("programmes.csv", data, content_type="text/csv")
    response = client.post(reverse("admin:programmes_programme_import"), {"file": file})
    assert response.status_code == 302, text_of(response)[:500]
    return response["Location"]


def test_csv_rows_changed_since_the_export_are_conflicts_and_never_written_silently(programme):
    superuser = User.objects.create_superuser("root", password="pw")
    bob = Client()
    bob.force_login(superuser)
    # The export's `updated` is to the second: the programme was last saved well before it.
    Programme.objects.filter(pk=programme.pk).update(updated=timezone.now() - timedelta(days=1))
    export = exported_csv(bob)  # Bob exports for the annual update

    alice = editor("alice")  # meanwhile Alice fixes the title in the admin
    data = open_form(alice, programme)
    data["title"] = "Clinical Artificial Intelligence"
    assert alice.post(change_url(programme), data).status_code == 302

    review = upload(bob, edit_cell(export, "summary", "Bob's new summary."))
    page = text_of(bob.get(review))
    assert "1 changed since the export" in page
    assert "Changed since the export" in page and "by alice" in page
    assert "Overwrite that programme with the file's values anyway" in page

    response = bob.post(review, follow=True)  # confirm without ticking the box
    assert "1 not written (changed since the export)" in text_of(response)
    saved = Programme.objects.get(pk=programme.pk)
    assert (saved.title, saved.summary) == ("Clinical Artificial Intelligence", "Old summary.")

    # Ticking the box is the explicit choice: the file's row is written, title included.
    review = upload(bob, edit_cell(export, "summary", "Bob's new summary."))
    bob.post(review, {"overwrite_conflicts": "1"})
    saved = Programme.objects.get(pk=programme.pk)
    assert (saved.title, saved.summary) == ("Clinical AI", "Bob's new summary.")


def test_csv_rows_exported_after_the_last_change_import_normally(programme):
    bob = Client()
    bob.force_login(User.objects.create_superuser("root", password="pw"))
    review = upload(bob, edit_cell(exported_csv(bob), "summary", "Fresh summary."))
    assert "changed since the export" not in text_of(bob.get(review))
    bob.post(review)
    assert Programme.objects.get(pk=programme.pk).summary == "Fresh summary."


# ----- 3. accepting a suggestion whose field changed: see test_review_queue.py -------------
