"""The editors' review queue in the admin: accept, dismiss, accept all, permissions, dashboard."""

from __future__ import annotations

import html
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Programme, Suggestion, SuggestionOrigin, SuggestionStatus
from tests.factories import course_page, make_programme

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:programmes_suggestion_changelist")


def accept_url(s):
    return reverse("admin:programmes_suggestion_accept", args=[s.pk])


def dismiss_url(s):
    return reverse("admin:programmes_suggestion_dismiss", args=[s.pk])


def user_in(role: str | None, name: str) -> User:
    call_command("setup_roles", stdout=io.StringIO())
    user = User.objects.create_user(name, password="pw", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client):
    user = user_in("Editors", "edith")
    client.force_login(user)
    return client


def suggest(programme, field="fee_home_gbp", value="12000", **extra) -> Suggestion:
    values = {
        "programme": programme,
        "field": field,
        "value": value,
        "period": "per-year" if field.startswith("fee_") else "",
        "year": "2026/27" if field.startswith("fee_") else "",
        "quote": "Home | Full-time: £12,000 per year",
        "source_url": "https://www.example.ac.uk/fees",
        "origin": SuggestionOrigin.PAGE,
        "value_when_made": "",
    }
    values.update(extra)
    return Suggestion.objects.create(**values)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_queue_shows_everything_an_editor_needs(editor):
    programme = make_programme(title="Clinical AI", fee_home=11000, fee_year="2025/26")
    suggest(programme, value_when_made="11000")
    page = text_of(editor.get(QUEUE))
    for expected in (
        "Clinical AI",
        "Home fee",
        "£11,000 (period not stated, 2025/26)",  # the current value
        "£12,000 (per year, 2026/27)",  # proposed, with period and year
        "Home | Full-time: £12,000 per year",  # the quote
        "https://www.example.ac.uk/fees",
        "Accept",
        "Dismiss",
    ):
        assert expected in page, expected


def test_queue_lists_open_suggestions_by_default(editor):
    programme = make_programme()
    suggest(programme, value="12000")
    suggest(programme, value="99999", status=SuggestionStatus.DISMISSED)
    page = text_of(editor.get(QUEUE))
    assert "£12,000" in page and "£99,999" not in page
    assert "£99,999" in text_of(editor.get(QUEUE + "?status=all"))
    assert editor.get(QUEUE + "?status=nonsense").status_code == 200


def test_accept_writes_value_source_and_log_and_the_public_page_changes_at_once(editor, client):
    programme = make_programme(title="Clinical AI")
    public = programme.get_absolute_url()
    assert "£12,000" not in text_of(client.get(public))  # cached now, for anonymous visitors too
    fee = suggest(programme)
    response = editor.post(accept_url(fee), follow=True)
    assert "Accepted: home fee of" in text_of(response)
    programme.refresh_from_db()
    assert (programme.fee_home, programme.fee_period, programme.fee_year) == (
        12000,
        "per-year",
        "2026/27",
    )
    assert "https://www.example.ac.uk/fees" in programme.source_url_list
    assert programme.source_refers_to == "2026/27 entry"
    assert programme.last_verified is None  # verifying stays an explicit act
    entry = LogEntry.objects.get(object_id=str(programme.pk))
    assert "Accepted suggestion" in entry.change_message and "fee_home_gbp" in entry.change_message
    assert Suggestion.objects.get(pk=fee.pk).status == SuggestionStatus.ACCEPTED
    client.logout()
    assert "£12,000 per year (2026/27)" in text_of(client.get(public))


def test_dismiss_is_final(editor):
    programme = make_programme()
    fee = suggest(programme)
    response = editor.post(dismiss_url(fee), follow=True)
    assert "will not be proposed again from that page" in text_of(response)
    assert Suggestion.objects.get(pk=fee.pk).status == SuggestionStatus.DISMISSED
    editor.post(accept_url(fee))
    assert Programme.objects.get(pk=programme.pk).fee_home is None


@pytest.mark.parametrize("next_value", ["1", "admin", "https://evil.example/", "//evil.example/"])
def test_dismiss_with_a_next_that_is_not_a_path_here_goes_back_to_the_queue(editor, next_value):
    fee = suggest(make_programme())
    response = editor.post(dismiss_url(fee), {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert Suggestion.objects.get(pk=fee.pk).status == SuggestionStatus.DISMISSED


def test_dismiss_with_a_next_path_on_this_site_goes_there(editor):
    programme = make_programme()
    fee = suggest(programme)
    back = reverse("admin:programmes_programme_change", args=[programme.pk])
    response = editor.post(dismiss_url(fee), {"next": back})
    assert response["Location"] == back


def test_accept_all_for_a_programme_when_nothing_conflicts(editor):
    programme = make_programme()
    suggest(programme)
    suggest(programme, field="fee_international_gbp", value="30000")
    suggest(programme, field="ielts_overall", value="6.5")
    url = reverse("admin:programmes_suggestion_accept_all", args=[programme.pk])
    response = editor.post(url, follow=True)
    assert "Accepted 3 suggestion(s)" in text_of(response)
    programme.refresh_from_db()
    assert (programme.fee_home, programme.fee_international) == (12000, 30000)
    assert str(programme.ielts_overall) == "6.5"


def test_accept_all_refuses_when_suggestions_disagree(editor):
    programme = make_programme()
    suggest(programme, value="12000")
    suggest(programme, value="12500", source_url="https://www.example.ac.uk/other")
    url = reverse("admin:programmes_suggestion_accept_all", args=[programme.pk])
    response = editor.post(url, follow=True)
    assert "Nothing was accepted" in text_of(response)
    assert Programme.objects.get(pk=programme.pk).fee_home is None


def test_accept_all_refuses_fees_of_different_years(editor):
    programme = make_programme()
    suggest(programme, year="2026/27")
    suggest(programme, field="fee_international_gbp", value="30000", year="2025/26")
    url = reverse("admin:programmes_suggestion_accept_all", args=[programme.pk])
    assert "Nothing was accepted" in text_of(editor.post(url, follow=True))


def test_accepting_a_value_changed_since_shows_both_and_saves_nothing(editor):
    """Lost edit 3: the field changed after the suggestion was made."""
    programme = make_programme()
    fee = suggest(programme, value_when_made="")
    Programme.objects.filter(pk=programme.pk).update(fee_home=11800)  # another editor's save
    response = editor.post(accept_url(fee), follow=True)
    page = text_of(response)
    assert "changed since this was suggested" in page
    assert "£11,800" in page and "£12,000 (per year, 2026/27)" in page
    assert Programme.objects.get(pk=programme.pk).fee_home == 11800
    # The editor chooses the suggested value, knowingly.
    change = reverse("admin:programmes_suggestion_change", args=[fee.pk])
    editor.post(change, {"decision": "overwrite"})
    assert Programme.objects.get(pk=programme.pk).fee_home == 12000


def test_programme_change_page_shows_open_suggestions_and_reads(editor, pages):
    pages.routes["/course"] = course_page()
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    call_command("check_sources", "--programme", str(programme.pk), stdout=io.StringIO())
    page = text_of(editor.get(reverse("admin:programmes_programme_change", args=[programme.pk])))
    assert "Open suggestions (3)" in page
    assert "£12,000 (period not stated, 2026/27)" in page
    assert "Pages read" in page and "changed (HTTP 200), 3 suggestions" in page
    assert "Accept all 3 open suggestions" in page


def test_dashboard_counts(editor, pages):
    pages.routes["/course"] = course_page()
    programme = make_programme(official_url=pages.url("/course"), source_urls=pages.url("/404"))
    make_programme(title="Never read")
    call_command("check_sources", "--programme", str(programme.pk), stdout=io.StringIO())
    suggest(programme, field="other", value="The course closed", origin=SuggestionOrigin.VISITOR)
    page = text_of(editor.get(reverse("admin:index")))
    assert "Suggestions to review (4)" in page
    assert "Pages changed since the programme was verified" in page
    assert "Pages failing: http-error" in page
    assert "Published programmes never read" in page


def test_end_to_end_a_course_page_to_the_public_page(editor, client, pages):
    pages.routes["/course"] = course_page()
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    call_command("check_sources", "--programme", str(programme.pk), stdout=io.StringIO())
    url = reverse("admin:programmes_suggestion_accept_all", args=[programme.pk])
    assert "Accepted 3 suggestion(s)" in text_of(editor.post(url, follow=True))
    client.logout()
    public = text_of(client.get(programme.get_absolute_url()))
    assert "£12,000" in public and "£31,500" in public and "6.5" in public
    assert pages.url("/course") in public  # the source is listed


# ----- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Staff exporters", None])
def test_staff_exporters_and_plain_staff_cannot_review(client, role):
    programme = make_programme()
    fee = suggest(programme)
    client.force_login(user_in(role, "sam"))
    assert client.get(QUEUE).status_code == 403
    assert client.post(accept_url(fee)).status_code == 403
    assert client.post(dismiss_url(fee)).status_code == 403
    url = reverse("admin:programmes_suggestion_accept_all", args=[programme.pk])
    assert client.post(url).status_code == 403
    assert Suggestion.objects.get(pk=fee.pk).status == SuggestionStatus.OPEN
    assert Programme.objects.get(pk=programme.pk).fee_home is None


def test_anonymous_users_are_sent_to_log_in(client):
    fee = suggest(make_programme())
    response = client.post(accept_url(fee))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Suggestion.objects.get(pk=fee.pk).status == SuggestionStatus.OPEN


def test_decisions_need_post(editor):
    fee = suggest(make_programme())
    assert editor.get(accept_url(fee)).status_code == 405
    assert editor.get(dismiss_url(fee)).status_code == 405


def test_editors_cannot_add_suggestions_by_hand(editor):
    assert editor.get(reverse("admin:programmes_suggestion_add")).status_code == 403


def test_queue_query_count_does_not_grow_with_its_length(editor, django_assert_max_num_queries):
    programme = make_programme()
    for n in range(2):
        suggest(programme, value=str(12000 + n), source_url=f"https://www.example.ac.uk/{n}")
    with CaptureQueriesContext(connection) as few:
        assert editor.get(QUEUE).status_code == 200
    for n in range(2, 30):
        other = make_programme()
        suggest(other, value=str(12000 + n), source_url=f"https://www.example.ac.uk/{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert editor.get(QUEUE).status_code == 200


def test_dashboard_sources_panel_costs_a_fixed_number_of_queries(editor):
    programme = make_programme()
    suggest(programme)
    with CaptureQueriesContext(connection) as one:
        editor.get(reverse("admin:index"))
    for n in range(10):
        suggest(make_programme(), value=str(13000 + n))
    with CaptureQueriesContext(connection) as many:
        editor.get(reverse("admin:index"))
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_visitors_free_text_is_not_applied_automatically(editor):
    programme = make_programme(fee_home=11000)
    report = suggest(
        programme,
        value="£12,500 a year I think",
        period="",
        year="",
        origin=SuggestionOrigin.VISITOR,
        value_when_made="11000",
    )
    response = editor.post(accept_url(report), follow=True)
    assert "Edit the programme by hand instead" in text_of(response)
    assert Programme.objects.get(pk=programme.pk).fee_home == 11000
    assert Suggestion.objects.get(pk=report.pk).status == SuggestionStatus.OPEN


def test_a_visitors_clean_value_can_be_accepted(editor):
    programme = make_programme()
    report = suggest(programme, field="ielts_overall", value="7.0", origin=SuggestionOrigin.VISITOR)
    editor.post(accept_url(report))
    assert str(Programme.objects.get(pk=programme.pk).ielts_overall) == "7.0"


def test_a_value_the_catalogue_rules_refuse_is_not_accepted(editor):
    programme = make_programme()
    report = suggest(programme, field="ielts_overall", value="6.3", origin=SuggestionOrigin.VISITOR)
    response = editor.post(accept_url(report), follow=True)
    assert "Not accepted:" in text_of(response) and "steps of 0.5" in text_of(response)
    assert Programme.objects.get(pk=programme.pk).ielts_overall is None


def test_a_suggestion_from_a_linked_page_says_which_link_led_there(editor):
    from programmes.models import PageKind, PageRead, SourcePage

    programme = make_programme()
    page = SourcePage.objects.create(
        programme=programme,
        url="https://www.example.ac.uk/fees",
        kind=PageKind.LINKED,
        found_on="https://www.example.ac.uk/course",
        link_text="Fees and funding",
    )
    read = PageRead.objects.create(page=page, http_status=200, changed=True)
    suggestion = suggest(programme, read=read)
    queue = editor.get(QUEUE).content.decode()
    assert "read on the page the course page links as “Fees and funding”" in queue
    review = editor.get(reverse("admin:programmes_suggestion_change", args=[suggestion.pk]))
    text = html.unescape(review.content.decode())
    assert 'The course page <a href="https://www.example.ac.uk/course"' in text
    assert "links to this page as “Fees and funding”." in text
