"""Editors' CSV import: dry run, all-or-nothing apply, refusals that write nothing."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes.exports import HEADER, IMPORT_COLUMNS
from programmes.imports import ImportFileError, apply_import, plan_import, read_csv
from programmes.models import CatalogueImport, Programme
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


def to_csv(rows: list[dict], header=IMPORT_COLUMNS, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def good_row(uni_slug="uni", slug="p", **overrides) -> dict:
    row = {
        "university_slug": uni_slug,
        "programme_slug": slug,
        "status": "published",
        "title": "Clinical AI",
        "award": "MSc",
        "modes": "full-time",
        "fee_home_gbp": "9000",
        "official_course_url": "https://example.ac.uk/c",
    }
    row.update(overrides)
    return row


def snapshot():
    return list(Programme.objects.order_by("pk").values())


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", password="pw")


@pytest.fixture
def uni():
    return make_university(slug="uni")


def export_as_bytes(client) -> bytes:
    client.force_login(User.objects.create_superuser("exporter-root", password="pw"))
    response = client.get("/staff/export/programmes.csv?status=all")
    return b"".join(response.streaming_content)


def test_export_then_import_changes_nothing(client, superuser):
    topic = make_topic(slug="genomics")
    make_programme(title="=SUM(1)", summary="-starts with minus", topics=[topic], fee_home=100)
    make_programme(title="Ulster — Magee", ielts_overall="6.5", start_month_mask=257)
    before = snapshot()
    plan = apply_import(read_csv(export_as_bytes(client)), user=superuser)
    assert [r.action for r in plan.rows] == ["unchanged", "unchanged"]
    assert snapshot() == before


def test_dry_run_reports_creates_and_changes_without_writing(uni):
    existing = make_programme(university=uni, slug="old", title="Old title", fee_home=8000)
    rows = read_csv(to_csv([good_row(slug="new"), good_row(slug="old", title="New title")]))
    before = snapshot()
    plan = plan_import(rows)
    assert snapshot() == before
    assert [r.action for r in plan.rows] == ["create", "update"]
    update = plan.rows[1]
    assert ("title", "Old title", "New title") in update.changes
    assert ("fee_home_gbp", "8000", "9000") in update.changes
    existing.refresh_from_db()
    assert (existing.title, existing.fee_home) == ("Old title", 8000)
    assert not Programme.objects.filter(slug="new").exists()


def test_apply_writes_everything_and_logs_each_change(uni, superuser):
    make_programme(university=uni, slug="old", title="Old title")
    rows = read_csv(to_csv([good_row(slug="new"), good_row(slug="old", title="New title")]))
    apply_import(rows, user=superuser)
    assert Programme.objects.get(slug="old").title == "New title"
    assert Programme.objects.get(slug="new").fee_home == 9000
    assert LogEntry.objects.count() == 2


def test_one_bad_row_among_fifty_good_writes_nothing_and_names_the_row(uni, superuser):
    rows = [good_row(slug=f"p{n}") for n in range(50)]
    rows.insert(30, good_row(slug="bad", fee_home_gbp="-100"))
    parsed = read_csv(to_csv(rows))
    plan = plan_import(parsed)
    (bad,) = plan.errors
    assert bad.number == 32  # header is line 1, so the 31st row is line 32
    assert bad.errors[0][0] == "fee_home_gbp"
    with pytest.raises(ImportFileError):
        apply_import(parsed, user=superuser)
    assert Programme.objects.count() == 0
    assert LogEntry.objects.count() == 0


@pytest.mark.parametrize(
    "overrides,column",
    [
        ({"fee_home_gbp": "-1"}, "fee_home_gbp"),
        ({"fee_home_gbp": "ten pounds"}, "fee_home_gbp"),
        ({"fee_home_gbp": "9" * 40}, "fee_home_gbp"),
        ({"ielts_overall": "6.3"}, "ielts_overall"),
        ({"ielts_overall": "9.5"}, "ielts_overall"),
        ({"ielts_overall": "NaN"}, "ielts_overall"),
        ({"duration_full_time_months": "0"}, "duration_full_time_months"),
        ({"duration_full_time_months": "61"}, "duration_full_time_months"),
        ({"official_course_url": "not a url"}, "official_course_url"),
        ({"official_course_url": "javascript:alert(1)"}, "official_course_url"),
        ({"status": "deleted"}, "status"),
        ({"award": "PhD"}, "award"),
        ({"modes": "sideways"}, "modes"),
        ({"start_months": "Smarch"}, "start_months"),
        ({"placement": "maybe"}, "placement"),
        ({"last_verified": "30/09/2026"}, "last_verified"),
        ({"university_slug": "nowhere"}, "university_slug"),
        ({"topics": "astrology"}, "topics"),
        ({"title": ""}, "title"),
    ],
)
def test_values_that_break_a_rule_are_refused_by_row_and_column(uni, superuser, overrides, column):
    make_programme(university=uni, slug="p", title="Keep me", fee_home=5000)
    before = snapshot()
    rows = read_csv(to_csv([good_row(**overrides)]))
    plan = plan_import(rows)
    assert plan.rows[0].action == "error"
    assert column in [c for c, _ in plan.rows[0].errors]
    with pytest.raises(ImportFileError):
        apply_import(rows, user=superuser)
    assert snapshot() == before


def test_duplicate_rows_for_the_same_programme_are_refused(uni):
    plan = plan_import(read_csv(to_csv([good_row(), good_row(title="Other")])))
    assert plan.rows[1].errors == [("programme_slug", "the same programme is also on line 2")]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"title,award\nA,MSc\n", "missing columns"),
        (b"\xff\xfe\x00\x00garbage", "NUL bytes"),
        ("caf\xe9".encode("latin-1") + b",x\n", "not UTF-8"),
        (b"", "empty"),
        (to_csv([]), "no programmes"),
        (to_csv([good_row()], header=[*IMPORT_COLUMNS, "password"]), "unknown columns: password"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_broken_files_are_refused_whole(uni, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_csv(data)


def test_more_than_ten_thousand_rows_is_refused(uni):
    rows = [good_row(slug=f"p{n}") for n in range(10_001)]
    with pytest.raises(ImportFileError, match="more than 10,000 rows"):
        read_csv(to_csv(rows))


def test_hostile_cells_are_stored_as_plain_text(uni, superuser):
    payload = "=cmd|' /C calc'!A0 <script>alert(1)</script>"
    apply_import(read_csv(to_csv([good_row(summary=payload)])), user=superuser)
    assert Programme.objects.get(slug="p").summary == payload


def test_read_only_columns_from_the_export_are_accepted_and_ignored(uni, superuser):
    row = good_row(university_name="Something else", portal_url="x", updated="y")
    plan = apply_import(read_csv(to_csv([row], header=HEADER)), user=superuser)
    assert plan.rows[0].action == "create"


# ----- through the admin -------------------------------------------------------------------


def upload(client, data: bytes, name="programmes.csv"):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/admin/programmes/programme/import/", {"file": file})


def test_admin_upload_dry_run_then_confirm(client, uni, superuser):
    client.force_login(superuser)
    make_programme(university=uni, slug="p", title="Old title")
    response = upload(client, to_csv([good_row(title="New title"), good_row(slug="q")]))
    assert response.status_code == 302
    review = client.get(response["Location"])
    assert "Old title" in review.text and "New title" in review.text
    assert "1 to create, 1 to update" in review.text
    assert Programme.objects.get(slug="p").title == "Old title"  # dry run wrote nothing
    applied = client.post(response["Location"])
    assert applied.status_code == 302
    assert Programme.objects.get(slug="p").title == "New title"
    assert CatalogueImport.objects.get().status == "applied"


def test_admin_review_names_bad_rows_and_offers_no_apply(client, uni, superuser):
    client.force_login(superuser)
    rows = [good_row(slug=f"p{n}") for n in range(50)] + [good_row(slug="x", ielts_overall="6.3")]
    response = upload(client, to_csv(rows))
    review = client.get(response["Location"])
    assert "Line 52, column <code>ielts_overall</code>" in review.text
    assert 'value="Apply' not in review.text
    client.post(response["Location"])
    assert Programme.objects.count() == 0


def test_admin_upload_of_a_broken_file_shows_the_reason(client, uni, superuser):
    client.force_login(superuser)
    response = upload(client, b"\xff\xfe\xfd not csv")
    assert response.status_code == 200
    assert "not UTF-8" in response.text
    assert CatalogueImport.objects.count() == 0


def test_import_pages_need_add_and_change_rights(client, uni):
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    assert client.get("/admin/programmes/programme/import/").status_code == 403
