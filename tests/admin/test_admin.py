"""The editors' admin: lists, filters, forms that refuse bad facts, bulk actions, the dashboard."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes.models import Guide, Programme, Status
from tests.factories import admin_form_data, change_url, make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

PROGRAMMES = "/admin/programmes/programme/"
GUIDES = "/admin/programmes/guide/"


# --- helpers -------------------------------------------------------------------------------


def row(programme: Programme) -> dict:
    return Programme.objects.values().get(pk=programme.pk)


def make_guide(**overrides) -> Guide:
    values = {
        "title": "How to choose",
        "slug": "how-to-choose",
        "summary": "Questions to ask before you apply.",
        "body": "## Start here\n\nRead the official page.",
        "status": Status.DRAFT,
    }
    values.update(overrides)
    return Guide.objects.create(**values)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, changelist: str, action: str, objects) -> object:
    return client.post(
        changelist,
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def change_logs(model) -> int:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action_flag=CHANGE
    ).count()


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.fixture
def editor_client(client):
    call_command("setup_roles", stdout=StringIO())
    editor = User.objects.create_user("edith", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


# --- the programme list ----------------------------------------------------------------------


def test_programme_list_shows_status_fees_and_verification(superuser_client):
    make_programme(title="Clinical AI", fee_home=14500, fee_international=32000)
    response = superuser_client.get(PROGRAMMES)
    assert response.status_code == 200
    text = response.text
    for heading in ("Status", "University", "Award", "Fees (home / international)"):
        assert heading in text
    assert "Last verified" in text
    assert "Needs verification" in text
    assert "Clinical AI" in text
    assert "£14,500 / £32,000" in text
    assert 'alt="True"' in text  # never verified: the boolean icon says so


def test_needs_verification_filter_lists_never_and_stale_programmes_only(superuser_client):
    today = timezone.localdate()
    make_programme(title="Never checked")
    make_programme(title="Checked long ago", last_verified=today - datetime.timedelta(days=400))
    make_programme(title="Checked recently", last_verified=today - datetime.timedelta(days=30))
    needed = superuser_client.get(f"{PROGRAMMES}?verification=needed")
    current = superuser_client.get(f"{PROGRAMMES}?verification=current")
    assert {p.title for p in needed.context["cl"].result_list} == {
        "Never checked",
        "Checked long ago",
    }
    assert {p.title for p in current.context["cl"].result_list} == {"Checked recently"}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("mode=part-time", {"Part-time only"}),
        ("mode=online", {"Online"}),
        ("mode=full-time", {"Full-time", "Online"}),
        ("university__nation__exact=scotland", {"Online"}),
        ("status__exact=draft", {"Part-time only"}),
        ("q=Glenmore", {"Online"}),
    ],
)
def test_programme_list_filters_and_search(superuser_client, query, expected):
    glenmore = make_university(name="University of Glenmore", nation="scotland")
    make_programme(title="Full-time", offers_full_time=True)
    make_programme(title="Part-time only", offers_part_time=True, status=Status.DRAFT)
    make_programme(title="Online", offers_online=True, offers_full_time=True, university=glenmore)
    response = superuser_client.get(f"{PROGRAMMES}?{query}")
    assert {p.title for p in response.context["cl"].result_list} == expected


def test_programme_list_query_count_does_not_grow_with_rows(superuser_client):
    topic = make_topic()
    make_programme(topics=[topic])
    with CaptureQueriesContext(connection) as one:
        assert superuser_client.get(PROGRAMMES).status_code == 200
    university = make_university()
    for _ in range(15):
        make_programme(university=university, topics=[topic])
    with CaptureQueriesContext(connection) as many:
        assert superuser_client.get(PROGRAMMES).status_code == 200
    assert len(one.captured_queries) == len(many.captured_queries)


def test_change_form_groups_fields_in_readable_sections(superuser_client):
    programme = make_programme()
    response = superuser_client.get(change_url(programme))
    for section in (
        "Identity",
        "Study options",
        "Fees",
        "Entry requirements",
        "Description",
        "Sources and verification",
        "Editorial",
    ):
        assert f">{section}<" in response.text
    assert "Whole pounds, as the source states it" in response.text  # help texts are shown


def test_view_on_site_leads_to_the_public_page_of_a_published_programme(superuser_client):
    programme = make_programme(status=Status.PUBLISHED)
    response = superuser_client.get(change_url(programme))
    assert "View on site" in response.text
    link = response.context["absolute_url"]
    redirect = superuser_client.get(link)
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(programme.get_absolute_url())


def test_drafts_offer_no_view_on_site_link(superuser_client):
    programme = make_programme(status=Status.DRAFT)
    response = superuser_client.get(change_url(programme))
    assert "View on site" not in response.text


def test_saving_the_change_form_keeps_start_months_and_writes_history(superuser_client):
    programme = make_programme(start_month_mask=0b100000001)  # January and September
    response = superuser_client.get(change_url(programme))
    data = admin_form_data(response, title="Clinical AI", fee_home="14500")
    assert data["start_months"] == ["1", "9"]
    saved = superuser_client.post(change_url(programme), data)
    assert saved.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Clinical AI"
    assert programme.fee_home == 14500
    assert programme.start_months == [1, 9]
    assert LogEntry.objects.filter(object_id=str(programme.pk), action_flag=CHANGE).count() == 1


# --- validation beside the field -----------------------------------------------------------


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("fee_home", "-1", "Ensure this value is greater than or equal to 0."),
        ("fee_international", "-500", "Ensure this value is greater than or equal to 0."),
        ("ielts_overall", "9.5", "Ensure this value is less than or equal to 9."),
        ("ielts_overall", "6.3", "IELTS scores go in steps of 0.5"),
        ("duration_full_time_months", "0", "Ensure this value is greater than or equal to 1."),
        ("duration_part_time_months", "61", "Ensure this value is less than or equal to 60."),
        ("official_url", "not a web address", "Enter a valid URL."),
        ("source_urls", "https://www.example.ac.uk/\nnot a url", "Line 2 is not a valid URL"),
    ],
)
def test_change_form_refuses_bad_facts_beside_the_field(superuser_client, field, value, message):
    programme = make_programme(fee_home=9000, ielts_overall="6.5")
    before = row(programme)
    data = admin_form_data(superuser_client.get(change_url(programme)), **{field: value})
    response = superuser_client.post(change_url(programme), data)
    assert response.status_code == 200
    assert message in response.text
    form = response.context["adminform"].form
    assert any(message in error for error in form.errors[field])
    assert f'id="id_{field}_error"' in response.text  # rendered in the field's own row
    assert row(programme) == before


def test_duplicate_slug_within_a_university_is_refused_beside_the_slug(superuser_client):
    university = make_university(name="University of Glenmore")
    make_programme(university=university, title="Clinical AI", slug="clinical-ai")
    other = make_programme(university=university, title="Health Data", slug="health-data")
    before = row(other)
    data = admin_form_data(superuser_client.get(change_url(other)), slug="clinical-ai")
    response = superuser_client.post(change_url(other), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "University of Glenmore already has a programme with the slug" in errors["slug"][0]
    assert "__all__" not in errors  # not repeated at the top of the form
    assert 'id="id_slug_error"' in response.text
    assert row(other) == before


def test_add_form_refuses_a_duplicate_slug_and_adds_nothing(superuser_client):
    university = make_university()
    make_programme(university=university, slug="clinical-ai")
    data = admin_form_data(
        superuser_client.get(f"{PROGRAMMES}add/"),
        university=str(university.pk),
        title="Clinical AI",
        slug="clinical-ai",
        award="MSc",
        status="draft",
    )
    response = superuser_client.post(f"{PROGRAMMES}add/", data)
    assert response.status_code == 200
    assert "already has a programme with the slug" in response.text
    assert Programme.objects.filter(university=university).count() == 1


def test_the_same_slug_at_another_university_is_fine(superuser_client):
    make_programme(slug="clinical-ai")
    other = make_programme(slug="health-data")
    data = admin_form_data(superuser_client.get(change_url(other)), slug="clinical-ai")
    assert superuser_client.post(change_url(other), data).status_code == 302
    other.refresh_from_db()
    assert other.slug == "clinical-ai"


HUGE = str(10**30)


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", "Clinical \x00AI"),
        ("description", "\x00"),
        ("editors_notes", "a\x00b"),
        ("official_url", "https://example.ac.uk/\x00"),
        ("fee_home", HUGE),
        ("fee_international", HUGE),
        ("fee_home", "1e10"),
        ("fee_home", "NaN"),
        ("duration_full_time_months", HUGE),
        ("ielts_overall", "1e400"),
        ("ielts_overall", "NaN"),
        ("ielts_overall", "-Infinity"),
        ("university", HUGE),
        ("university", "'; DROP TABLE programmes_programme; --"),
        ("topics", [HUGE]),
        ("topics", ["abc"]),
        ("start_months", ["13"]),
        ("start_months", [HUGE]),
        ("status", "deleted"),
        ("award", "PhD" * 100),
        ("last_verified", "99999-99-99"),
        ("last_verified", HUGE),
        ("slug", "<script>"),
        ("title", "x" * 10_000),
    ],
)
def test_hostile_values_are_refused_without_a_server_error(superuser_client, field, value):
    programme = make_programme()
    before = row(programme)
    data = admin_form_data(superuser_client.get(change_url(programme)), **{field: value})
    response = superuser_client.post(change_url(programme), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert row(programme) == before


@pytest.mark.parametrize(
    "field,value",
    [
        ("programmes", [HUGE]),
        ("universities", ["abc"]),
        ("topics", ["-1"]),
        ("published_at", "2025-02-30"),
        ("body", "\x00"),
        ("slug", "not a slug"),
    ],
)
def test_hostile_guide_values_are_refused_without_a_server_error(superuser_client, field, value):
    guide = make_guide()
    data = admin_form_data(superuser_client.get(change_url(guide)), **{field: value})
    response = superuser_client.post(change_url(guide), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def test_markup_in_a_title_is_stored_as_text_and_shown_escaped(superuser_client):
    programme = make_programme()
    hostile = "<script>alert(1)</script>"
    data = admin_form_data(superuser_client.get(change_url(programme)), title=hostile)
    assert superuser_client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert programme.title == hostile
    listing = superuser_client.get(PROGRAMMES)
    assert hostile not in listing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing.text


@pytest.mark.parametrize(
    "url",
    [
        f"{PROGRAMMES}{HUGE}/change/",
        f"{PROGRAMMES}abc/change/",
        f"{PROGRAMMES}?mode=sideways",
        f"{PROGRAMMES}?verification=%00",
        f"{PROGRAMMES}?status__exact=deleted",
        f"{PROGRAMMES}?university__id__exact={HUGE}",
        f"{PROGRAMMES}?q=%00",
        f"{PROGRAMMES}?o=abc",
        f"{PROGRAMMES}?p=-1",
        f"{GUIDES}?topics__id__exact=abc",
    ],
)
def test_hostile_admin_urls_never_give_a_server_error(superuser_client, url):
    make_programme()
    response = superuser_client.get(url)
    assert response.status_code in (200, 302)


# --- programme actions ---------------------------------------------------------------------


def test_publish_action_publishes_drafts_logs_each_and_reports_the_count(editor_client):
    drafts = [make_programme(status=Status.DRAFT) for _ in range(3)]
    already = make_programme(status=Status.PUBLISHED)
    response = run_action(editor_client, PROGRAMMES, "publish", [*drafts, already])
    assert "3 programmes published. 1 already published, left unchanged." in messages_of(response)
    assert set(Programme.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert change_logs(Programme) == 3


def test_publish_action_speaks_of_one_programme_in_the_singular(editor_client):
    response = run_action(
        editor_client, PROGRAMMES, "publish", [make_programme(status=Status.DRAFT)]
    )
    assert messages_of(response) == ["1 programme published."]


def test_unpublish_action_returns_programmes_to_draft(editor_client):
    programmes = [make_programme(status=Status.PUBLISHED), make_programme(status=Status.ARCHIVED)]
    response = run_action(editor_client, PROGRAMMES, "unpublish", programmes)
    assert messages_of(response) == ["2 programmes unpublished (now drafts)."]
    assert set(Programme.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert change_logs(Programme) == 2


def test_archive_action_archives_programmes(editor_client):
    programmes = [make_programme(), make_programme(status=Status.DRAFT)]
    response = run_action(editor_client, PROGRAMMES, "archive", programmes)
    assert messages_of(response) == ["2 programmes archived."]
    assert set(Programme.objects.values_list("status", flat=True)) == {Status.ARCHIVED}
    assert change_logs(Programme) == 2


def test_mark_verified_today_sets_the_date_and_clears_the_flag(editor_client):
    today = timezone.localdate()
    stale = make_programme(last_verified=today - datetime.timedelta(days=500))
    never = make_programme()
    done = make_programme(last_verified=today)
    response = run_action(editor_client, PROGRAMMES, "mark_verified_today", [stale, never, done])
    assert messages_of(response) == [
        "2 programmes marked as verified today. 1 already verified today, left unchanged."
    ]
    assert set(Programme.objects.values_list("last_verified", flat=True)) == {today}
    assert not Programme.objects.needs_verification().exists()
    assert change_logs(Programme) == 2
    entry = LogEntry.objects.get(object_id=str(stale.pk))
    assert entry.user.username == "edith"
    assert today.isoformat() in entry.get_change_message()


def test_actions_bump_the_updated_time(editor_client):
    programme = make_programme(status=Status.DRAFT)
    Programme.objects.filter(pk=programme.pk).update(
        updated=timezone.now() - datetime.timedelta(days=3)
    )
    run_action(editor_client, PROGRAMMES, "publish", [programme])
    programme.refresh_from_db()
    assert timezone.now() - programme.updated < datetime.timedelta(minutes=1)


def test_an_action_costs_the_same_queries_for_two_rows_or_twenty(editor_client):
    def queries_for(n):
        rows = [make_programme(status=Status.DRAFT) for _ in range(n)]
        data = {"action": "publish", "_selected_action": [p.pk for p in rows]}
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.post(PROGRAMMES, data).status_code == 302
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(20)


# --- universities and topics ---------------------------------------------------------------


def test_university_page_lists_its_programmes_with_change_links(superuser_client):
    university = make_university(name="University of Glenmore")
    programme = make_programme(university=university, title="Clinical AI")
    make_programme(title="Elsewhere")
    response = superuser_client.get(change_url(university))
    assert "Clinical AI" in response.text
    assert change_url(programme) in response.text
    assert "Elsewhere" not in response.text


def test_university_can_be_saved_with_its_programmes_inline(superuser_client):
    university = make_university(name="University of Glenmore")
    make_programme(university=university)
    data = admin_form_data(superuser_client.get(change_url(university)), city="Inverglen")
    assert superuser_client.post(change_url(university), data).status_code == 302
    university.refresh_from_db()
    assert university.city == "Inverglen"
    assert university.programmes.count() == 1


def test_university_list_counts_programmes_and_filters_by_nation(superuser_client):
    glenmore = make_university(name="University of Glenmore", nation="scotland")
    make_programme(university=glenmore)
    make_programme(university=glenmore)
    make_university(name="University of Testshire Elsewhere")
    response = superuser_client.get("/admin/programmes/university/?nation__exact=scotland")
    universities = list(response.context["cl"].result_list)
    assert [u.name for u in universities] == ["University of Glenmore"]
    assert universities[0].programme_count == 2


def test_topic_search_finds_topics_by_name(superuser_client):
    make_topic(name="Genomics")
    make_topic(name="Medical imaging")
    response = superuser_client.get("/admin/programmes/topic/?q=genom")
    assert [t.name for t in response.context["cl"].result_list] == ["Genomics"]


# --- guides --------------------------------------------------------------------------------


def test_saving_a_guide_renders_its_body_sanitised(superuser_client):
    body = "## First\n\nText.\n\n## Second\n\n## Third\n\n<script>alert(1)</script>"
    data = admin_form_data(
        superuser_client.get(f"{GUIDES}add/"),
        title="Choosing well",
        slug="choosing-well",
        summary="How to choose.",
        body=body,
        author="The editors",
        status="draft",
    )
    assert superuser_client.post(f"{GUIDES}add/", data).status_code == 302
    guide = Guide.objects.get(slug="choosing-well")
    assert ">First</h2>" in guide.body_html
    assert "<script" not in guide.body_html
    assert "Second" in guide.toc_html
    assert guide.reading_minutes >= 1


def test_editing_a_guide_body_refreshes_the_stored_html(superuser_client):
    guide = make_guide(body="## Old heading", body_html="<h2>Old heading</h2>")
    data = admin_form_data(superuser_client.get(change_url(guide)), body="## New heading")
    assert superuser_client.post(change_url(guide), data).status_code == 302
    guide.refresh_from_db()
    assert "New heading" in guide.body_html
    assert "Old heading" not in guide.body_html


def test_saving_a_published_guide_without_a_date_dates_it_today(superuser_client):
    guide = make_guide()
    data = admin_form_data(superuser_client.get(change_url(guide)), status="published")
    before = timezone.localdate()  # the save may straddle midnight
    assert superuser_client.post(change_url(guide), data).status_code == 302
    guide.refresh_from_db()
    assert guide.published_at in {before, timezone.localdate()}


def test_guide_publish_action_dates_and_renders_new_guides_only(editor_client):
    draft = make_guide(slug="draft", body="## Hello")
    earlier = datetime.date(2024, 9, 1)
    published = make_guide(slug="published", status=Status.PUBLISHED, published_at=earlier)
    returning = make_guide(slug="returning", published_at=earlier)
    before = timezone.localdate()
    response = run_action(editor_client, GUIDES, "publish", [draft, published, returning])
    assert messages_of(response) == ["2 guides published. 1 already published, left unchanged."]
    draft.refresh_from_db()
    returning.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at in {before, timezone.localdate()}
    assert "Hello" in draft.body_html
    assert returning.published_at == earlier  # republishing keeps the first date
    assert change_logs(Guide) == 2


def test_guide_unpublish_and_archive_actions_report_and_log(editor_client):
    guides = [
        make_guide(slug="a", status=Status.PUBLISHED, published_at=datetime.date(2025, 1, 1)),
        make_guide(slug="b", status=Status.PUBLISHED, published_at=datetime.date(2025, 1, 1)),
    ]
    unpublished = run_action(editor_client, GUIDES, "unpublish", guides)
    assert messages_of(unpublished) == ["2 guides unpublished (now drafts)."]
    archived = run_action(editor_client, GUIDES, "archive", guides[:1])
    assert messages_of(archived) == ["1 guide archived."]
    assert dict(Guide.objects.values_list("slug", "status")) == {
        "a": Status.ARCHIVED,
        "b": Status.DRAFT,
    }
    assert change_logs(Guide) == 3


def test_guide_list_shows_status_and_dates_and_filters_by_topic(superuser_client):
    topic = make_topic(name="Genomics")
    tagged = make_guide(slug="tagged", title="Genomics primer")
    tagged.topics.add(topic)
    make_guide(slug="other", title="Other guide")
    response = superuser_client.get(f"{GUIDES}?topics__id__exact={topic.pk}")
    assert [g.title for g in response.context["cl"].result_list] == ["Genomics primer"]
    for heading in ("Status", "Published date", "Updated"):
        assert heading in response.text


# --- the dashboard -------------------------------------------------------------------------


def test_dashboard_shows_counts_queue_and_recent_changes_to_an_editor(editor_client):
    today = timezone.localdate()
    make_programme(title="Never checked", status=Status.DRAFT)
    stale = make_programme(title="Checked long ago", last_verified=today.replace(year=2020))
    make_programme(title="Checked recently", last_verified=today)
    run_action(editor_client, PROGRAMMES, "archive", [stale])
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    text = response.text
    assert "The catalogue at a glance" in text
    assert f'href="{PROGRAMMES}?status__exact=draft">1 draft</a>' in text
    assert "Needs verification (2)" in text
    assert text.index("Never checked") < text.index("Checked long ago")  # never first
    assert "Checked recently" not in text.split("Needs verification")[1].split("Recent")[0]
    assert change_url(stale) in text
    assert f'href="{PROGRAMMES}?verification=needed"' in text
    assert "Recent changes by the team" in text
    assert "Archived with the bulk action." in text


def test_dashboard_lists_at_most_ten_programmes_oldest_first(editor_client):
    university = make_university()
    base = timezone.localdate().replace(year=2015)
    for n in range(12):
        make_programme(
            university=university,
            title=f"Stale {n:02d}",
            last_verified=base + datetime.timedelta(days=n),
        )
    response = editor_client.get("/admin/")
    queue = response.text.split('id="dashboard-verification"')[1].split("</table>")[0]
    assert re.findall(r"Stale \d\d", queue) == [f"Stale {n:02d}" for n in range(10)]
    assert "Needs verification (12)" in response.text


def test_dashboard_query_count_does_not_grow_with_the_catalogue(editor_client):
    make_programme()
    with CaptureQueriesContext(connection) as small:
        editor_client.get("/admin/")
    university = make_university()
    programmes = [make_programme(university=university) for _ in range(15)]
    run_action(editor_client, PROGRAMMES, "archive", programmes)
    with CaptureQueriesContext(connection) as large:
        editor_client.get("/admin/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_dashboard_costs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, settings
):
    make_programme()
    # Session, user, the editor's permissions (2), status counts (2), verification queue and its
    # count, recent history, completeness, review-queue figures (4) and open new-programme
    # leads, the admin's recent actions, and the reference figures and rules that need a check
    # (2).
    # With REDIS_URL the session is read from the cache (cached_db), not the database.
    session_query = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    with django_assert_num_queries(17 + session_query):
        assert editor_client.get("/admin/").status_code == 200


def test_dashboard_is_not_shown_to_staff_without_catalogue_access(client):
    client.force_login(User.objects.create_user("nobody", password="pw", is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Needs verification" not in response.text
