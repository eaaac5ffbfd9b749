"""Visitors' "Report a correction" form (no JavaScript needed)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import Status, Suggestion, SuggestionOrigin, SuggestionStatus
from tests.factories import GOOD_CORRECTION, correction_form_url, make_programme

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def programme():
    return make_programme(title="Clinical AI", fee_home=11000)


def test_programme_page_links_to_the_form(client, programme):
    page = text_of(client.get(programme.get_absolute_url()))
    assert f'href="{correction_form_url(programme)}"' in page
    assert "Report a correction" in page


def test_form_works_without_javascript_and_says_it_changes_nothing_by_itself(client, programme):
    page = text_of(client.get(correction_form_url(programme)))
    assert '<form method="post"' in page and "csrfmiddlewaretoken" in page
    for label in ("Which fact is wrong?", "The correct value", "Where you saw it", "Your email"):
        assert label in page
    assert "It does not change the public page by itself." in page
    assert "<script" not in page.split("<form", 1)[1].split("</form>", 1)[0]


def test_a_report_lands_in_the_queue_as_a_visitor_report(client, programme):
    response = client.post(correction_form_url(programme), GOOD_CORRECTION, follow=True)
    # Thanked on the correction page itself: public pages show no messages.
    assert response.redirect_chain[-1][0] == correction_form_url(programme)
    assert "It does not change the programme's page until an editor has checked it." in (
        text_of(response)
    )
    assert "Thank you" not in client.get(programme.get_absolute_url()).text
    report = Suggestion.objects.get()
    assert report.origin == SuggestionOrigin.VISITOR
    assert report.status == SuggestionStatus.OPEN
    assert (report.field, report.value) == ("fee_home_gbp", "£12,500 per year for 2026/27")
    assert report.source_url == "https://www.example.ac.uk/fees"
    assert report.reporter_email == "student@example.com"
    assert report.value_when_made == "11000"
    programme.refresh_from_db()
    assert programme.fee_home == 11000  # never changes the page by itself


def test_preselects_the_fact_from_the_link(client, programme):
    page = text_of(client.get(correction_form_url(programme) + "?field=ielts_overall"))
    assert '<option value="ielts_overall" selected>' in page
    assert client.get(correction_form_url(programme) + "?field=<script>").status_code == 200


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"field": ""}, "field", "This field is required."),
        ({"field": "is_staff"}, "field", "Select a valid choice."),
        ({"value": "   "}, "value", "This field is required."),
        ({"value": "x" * 201}, "value", "at most 200 characters"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL."),
        ({"source_url": "https://e.com/" + "a" * 600}, "source_url", "at most 500 characters"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"note": "n" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_bad_input_gets_messages_beside_the_fields_and_stores_nothing(
    client, programme, changes, field, message
):
    response = client.post(correction_form_url(programme), {**GOOD_CORRECTION, **changes})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert f'id="id_{field}_error"' in page or f"id_{field}" in page
    assert response.context["form"].errors[field]
    assert Suggestion.objects.count() == 0


def test_honeypot_thanks_the_bot_and_stores_nothing(client, programme):
    response = client.post(
        correction_form_url(programme), {**GOOD_CORRECTION, "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert Suggestion.objects.count() == 0


def test_honeypot_is_hidden_from_people(client, programme):
    page = text_of(client.get(correction_form_url(programme)))
    hidden_block = page.split("<div hidden>", 1)[1].split("</form>", 1)[0]
    assert 'id="id_website"' in hidden_block
    assert 'id="id_website"' not in page.split("<div hidden>", 1)[0]


def test_rate_limit_per_address(client, programme, settings):
    settings.CORRECTION_REPORTS_PER_HOUR = 3
    for _ in range(3):
        assert client.post(correction_form_url(programme), GOOD_CORRECTION).status_code == 302
    response = client.post(correction_form_url(programme), GOOD_CORRECTION)
    assert response.status_code == 429
    assert "several reports in the last hour" in text_of(response)
    assert Suggestion.objects.count() == 3
    # Mistakes do not use up the allowance (and are still answered with their messages).
    assert (
        client.post(correction_form_url(programme), {**GOOD_CORRECTION, "value": ""}).status_code
        == 400
    )
    other = Client(REMOTE_ADDR="192.0.2.77")  # another visitor (no request is sent anywhere)
    assert other.post(correction_form_url(programme), GOOD_CORRECTION).status_code == 302


def test_csrf_is_required(programme):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(correction_form_url(programme), GOOD_CORRECTION).status_code == 403
    page = strict.get(correction_form_url(programme))
    token = page.context["csrf_token"]
    response = strict.post(
        correction_form_url(programme), {**GOOD_CORRECTION, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1


def test_unpublished_programmes_have_no_form(client):
    draft = make_programme(status=Status.DRAFT)
    assert client.get(correction_form_url(draft)).status_code == 404
    assert client.post(correction_form_url(draft), GOOD_CORRECTION).status_code == 404
    assert Suggestion.objects.count() == 0


def test_anonymous_visitors_cannot_reach_the_queue(client, programme):
    client.post(correction_form_url(programme), GOOD_CORRECTION)
    response = client.get(reverse("admin:programmes_suggestion_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
