"""Staff CSV export: permissions, filters, exact format, formula injection, streaming."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes.exports import HEADER, neutralise
from programmes.models import Nation, Status, months_to_mask
from tests.factories import EXPORT_URL, make_programme, make_topic, make_university, read_export

pytestmark = pytest.mark.django_db


def test_an_anonymous_export_request_is_not_found_and_does_not_point_to_the_admin(client):
    response = client.get(EXPORT_URL + "?nation=wales")
    assert response.status_code == 404
    assert "Location" not in response
    assert "/admin/" not in response.content.decode()


def test_a_signed_in_visitor_who_is_not_staff_gets_403(client):
    client.force_login(User.objects.create_user("visitor", password="pw"))
    assert client.get(EXPORT_URL).status_code == 403


def test_staff_without_the_permission_get_403(client):
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    assert client.get(EXPORT_URL).status_code == 403


def test_superuser_can_export(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    make_programme()
    assert client.get(EXPORT_URL).status_code == 200


def test_headers_file_name_and_bom(exporter):
    # The name uses the site's date (London), taken around the request: midnight may pass.
    before = timezone.localdate()
    response = exporter.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    names = {
        f'attachment; filename="programmes-{d.isoformat()}.csv"'
        for d in (before, timezone.localdate())
    }
    assert response["Content-Disposition"] in names
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.splitlines()[0] == "\ufeff" + ",".join(HEADER)


def test_row_matches_the_programme_field_by_field(exporter):
    uni = make_university(
        name="Queen's University Belfast", slug="qub", nation=Nation.NORTHERN_IRELAND
    )
    topics = [make_topic(slug="genomics", name="Genomics"), make_topic(slug="nlp", name="NLP")]
    make_programme(
        university=uni,
        title="Ulster — Magee Health AI",
        slug="health-ai",
        award="MSc",
        offers_full_time=True,
        offers_online=True,
        duration_full_time_months=12,
        fee_home=9250,
        fee_international=None,
        fee_year="2026/27",
        start_month_mask=months_to_mask([1, 9]),
        min_degree="2:1",
        ielts_overall=Decimal("6.5"),
        placement=True,
        topics=topics,
        summary="Café-level summary.",
        source_urls="https://a.example/1\nhttps://a.example/2",
        source_refers_to="2026/27 entry",
        last_verified=datetime.date(2026, 9, 30),
    )
    (row,) = read_export(exporter.get(EXPORT_URL))
    assert row["university_slug"] == "qub"
    assert row["university_name"] == "Queen's University Belfast"
    assert row["title"] == "Ulster — Magee Health AI"
    assert row["modes"] == "full-time; online"
    assert row["duration_full_time_months"] == "12"
    assert row["duration_part_time_months"] == ""
    assert row["fee_home_gbp"] == "9250"
    assert row["fee_international_gbp"] == ""
    assert row["start_months"] == "January; September"
    assert row["ielts_overall"] == "6.5"
    assert row["placement"] == "yes"
    assert row["topics"] == "genomics; nlp"
    assert row["source_urls"] == "https://a.example/1; https://a.example/2"
    assert row["last_verified"] == "2026-09-30"
    assert row["portal_url"] == "http://testserver/programmes/qub/health-ai/"
    assert row["status"] == "published"


def test_filters_are_carried_into_the_export(exporter):
    scot = make_university(nation=Nation.SCOTLAND)
    make_programme(title="Scottish", university=scot, fee_home=9000, fee_period="full-course")
    make_programme(title="English", fee_home=9000, fee_period="full-course")
    make_programme(title="Dear Scottish", university=scot, fee_home=30000, fee_period="full-course")
    rows = read_export(exporter.get(EXPORT_URL + "?nation=scotland&max_fee_home=10000"))
    assert [r["title"] for r in rows] == ["Scottish"]


def test_export_covers_every_match_not_one_page(exporter):
    for n in range(45):
        make_programme(title=f"P{n:02d}")
    assert len(read_export(exporter.get(EXPORT_URL))) == 45


def test_status_parameter_lets_staff_include_drafts(exporter):
    make_programme(title="Live")
    make_programme(title="Draft", status=Status.DRAFT)
    assert [r["title"] for r in read_export(exporter.get(EXPORT_URL))] == ["Live"]
    assert sorted(r["title"] for r in read_export(exporter.get(EXPORT_URL + "?status=all"))) == [
        "Draft",
        "Live",
    ]


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("-5", "-5"),
        ("12.5", "12.5"),
        ("Ordinary text", "Ordinary text"),
        # A separator then a formula character: a ";" or "," locale splits the cell there.
        ("Dept;=cmd|' /C calc'!A0;x", "'Dept;=cmd|' /C calc'!A0;x"),
        ("Dept,=1+1", "'Dept,=1+1"),
        ("a\t@SUM(A1)", "'a\t@SUM(A1)"),
        ("x; +44 20", "'x; +44 20"),
        ("full-time; part-time", "full-time; part-time"),
        ("A-level, or equivalent", "A-level, or equivalent"),
        ("", ""),
    ],
)
def test_formula_injection_is_neutralised(value, expected):
    assert neutralise(value) == expected


def test_a_formula_after_a_separator_comes_out_inert_in_the_file(exporter):
    make_programme(title="Dept;=cmd|' /C calc'!A0;x")
    (row,) = read_export(exporter.get(EXPORT_URL))
    assert row["title"] == "'Dept;=cmd|' /C calc'!A0;x"


def test_hostile_titles_come_out_inert_in_the_file(exporter):
    make_programme(title="=cmd|' /C calc'!A0", summary="@SUM(1+1)*cmd")
    (row,) = read_export(exporter.get(EXPORT_URL))
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'@SUM(1+1)*cmd"


def test_query_count_is_the_same_for_10_and_1000_rows(exporter):
    topic = make_topic()
    uni = make_university()

    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = exporter.get(EXPORT_URL)
            b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    for n in range(10):
        make_programme(university=uni, topics=[topic], title=f"A{n}")
    small = run()
    from programmes.models import Programme

    template = Programme.objects.first()
    Programme.objects.bulk_create(
        [
            Programme(university=uni, title=f"B{n}", slug=f"b{n}", status=Status.PUBLISHED)
            for n in range(990)
        ]
    )
    Programme.topics.through.objects.bulk_create(
        [
            Programme.topics.through(programme=p, topic=topic)
            for p in Programme.objects.exclude(pk=template.pk)
        ],
        ignore_conflicts=True,
    )
    assert small == run()


@pytest.mark.parametrize(
    "query", ["max_fee_home=abc", "nation=%00", "page=x", "status=%ff", "sort=;drop"]
)
def test_bad_parameters_never_break_the_export(exporter, query):
    make_programme()
    response = exporter.get(f"{EXPORT_URL}?{query}")
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_list_page_shows_staff_the_export_link_with_filters(exporter, client):
    make_programme()
    text = exporter.get("/programmes/?nation=wales&page=2").text
    assert 'href="/staff/export/programmes.csv?nation=wales"' in text


def test_list_page_hides_the_export_link_from_the_public(client):
    make_programme()
    assert "Export these results" not in client.get("/programmes/").text


def test_admin_action_exports_the_selected_rows_with_the_same_writer(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    chosen = make_programme(title="Chosen")
    make_programme(title="Not chosen")
    response = client.post(
        "/admin/programmes/programme/",
        {"action": "export_csv", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="programmes-selected-')
    assert [r["title"] for r in read_export(response)] == ["Chosen"]


def test_admin_export_action_is_offered_only_to_exporters(client):
    from django.core.management import call_command

    call_command("setup_roles", verbosity=0)
    from django.contrib.auth.models import Group

    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    make_programme()
    assert "Export selected as CSV" not in client.get("/admin/programmes/programme/").text
    exporter = User.objects.create_user("ex", password="pw", is_staff=True)
    exporter.groups.add(Group.objects.get(name="Staff exporters"))
    client.force_login(exporter)
    assert "Export selected as CSV" in client.get("/admin/programmes/programme/").text


def test_the_staff_export_and_the_admin_action_send_the_same_download_headers(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    chosen = make_programme()
    today = timezone.localdate().isoformat()
    view = client.get(EXPORT_URL)
    action = client.post(
        "/admin/programmes/programme/",
        {"action": "export_csv", "_selected_action": [chosen.pk]},
    )
    for response, name in ((view, "programmes"), (action, "programmes-selected")):
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        # The admin's own never_cache adds no-cache and max-age=0 to the action's answer.
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert response["Content-Disposition"] == f'attachment; filename="{name}-{today}.csv"'
