"""Editors' CSV import: dry run, all-or-nothing apply, refusals that write nothing."""

from __future__ import annotations

import datetime
import html

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programmes.exports import HEADER, IMPORT_COLUMNS
from programmes.imports import MAX_BYTES, ImportFileError, apply_import, plan_import, read_csv
from programmes.models import CatalogueImport, Programme, Topic, University
from tests.factories import good_row, make_programme, make_topic, make_university, to_csv, upload

pytestmark = pytest.mark.django_db


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


def test_eligibility_and_dates_go_out_and_come_back(client, superuser, uni):
    rows = read_csv(
        to_csv(
            [
                good_row(
                    ielts_overall="6.5",
                    ielts_min_component="6.0",
                    who_it_is_for="computing; any-degree",
                    who_it_is_for_in_the_sources_words="a degree in any subject",
                    work_experience="no",
                    next_intake="2027-09",
                    applications_open="2026-10-01",
                    deadline_home="2027-07-31",
                    deadline_international="2027-06-30",
                )
            ]
        )
    )
    apply_import(rows, user=superuser)
    programme = Programme.objects.get(slug="p")
    assert (programme.for_computing_graduates, programme.for_health_professionals) == (True, False)
    assert programme.for_any_degree and programme.work_experience is False
    assert (programme.next_intake_year, programme.next_intake_month) == (2027, 9)
    assert programme.deadline_international == datetime.date(2027, 6, 30)
    exported = export_as_bytes(client)
    assert "computing; any-degree" in exported.decode("utf-8-sig")
    assert ",2027-09," in exported.decode("utf-8-sig")
    before = snapshot()
    plan = apply_import(read_csv(exported), user=superuser)
    assert [r.action for r in plan.rows] == ["unchanged"]
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
        ({"ielts_min_component": "5.3"}, "ielts_min_component"),
        ({"ielts_overall": "6.0", "ielts_min_component": "6.5"}, "ielts_min_component"),
        ({"who_it_is_for": "astronauts"}, "who_it_is_for"),
        ({"work_experience": "sometimes"}, "work_experience"),
        ({"next_intake": "September 2027"}, "next_intake"),
        ({"next_intake": "2027-13"}, "next_intake"),
        ({"next_intake": "1999-09"}, "next_intake"),
        ({"deadline_home": "31/07/2027"}, "deadline_home"),
        ({"applications_open": "2027-02-30"}, "applications_open"),
        (
            {"applications_open": "2027-03-01", "deadline_international": "2027-01-31"},
            "deadline_international",
        ),
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


UTC = datetime.UTC
EXPORTED = "2026-01-10T12:00:00+00:00"  # the file's `updated` cell: before every edit below
CONFLICT_TAIL = ", after this file was exported: its rows would overwrite that change"


@pytest.fixture
def root():
    return User.objects.create_superuser("root", password="pw")


@pytest.fixture
def root_client(root):
    client = Client()
    client.force_login(root)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def set_updated(programme: Programme, when: datetime.datetime) -> None:
    """As if the programme was last saved at ``when`` (``updated`` is auto_now)."""
    Programme.objects.filter(pk=programme.pk).update(updated=when)


def history_entry(programme, user, when, model=Programme) -> LogEntry:
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(programme.pk),
        object_repr="edited in the admin",
        action_flag=CHANGE,
        change_message="Changed title.",
        action_time=when,
    )


def exported_row(slug="p", **overrides) -> dict:
    return good_row(slug=slug, updated=EXPORTED, **overrides)


# ----- apply_import: every row that needs a write is written ------------------------------


def test_a_row_that_needs_no_write_does_not_stop_the_rows_after_it(uni, root):
    apply_import(read_csv(to_csv([good_row(slug="p"), good_row(slug="q")])), user=root)
    rows = read_csv(to_csv([good_row(slug="p"), good_row(slug="q", title="New title")]))
    plan = apply_import(rows, user=root)
    assert [r.action for r in plan.rows] == ["unchanged", "update"]
    assert Programme.objects.get(slug="q").title == "New title"


# ----- apply_import: the history entry each imported row leaves ---------------------------


def test_each_imported_row_is_in_the_programmes_history_as_an_addition_or_a_change(
    uni, root, root_client
):
    apply_import(read_csv(to_csv([good_row(slug="p")])), user=root)
    LogEntry.objects.all().delete()
    rows = [good_row(slug="p", title="New title", fee_home_gbp="9500"), good_row(slug="q")]
    apply_import(read_csv(to_csv(rows)), user=root)

    p, q = Programme.objects.get(slug="p"), Programme.objects.get(slug="q")
    changed = LogEntry.objects.get(object_id=str(p.pk))
    added = LogEntry.objects.get(object_id=str(q.pk))
    assert (changed.action_flag, added.action_flag) == (CHANGE, ADDITION)
    assert changed.user == added.user == root
    expected = (
        "CSV import line 2: title: 'Clinical AI' → 'New title', fee_home_gbp: '9000' → '9500'"
    )
    assert changed.change_message == expected
    assert added.change_message.startswith("CSV import line 3: status: '' → 'published', ")
    assert "title: '' → 'Clinical AI'" in added.change_message
    history = text_of(root_client.get(f"/admin/programmes/programme/{p.pk}/history/"))
    assert expected in history


def test_an_overwritten_conflict_is_logged_as_a_change(uni, root):
    programme = make_programme(university=uni, slug="p", title="Edited in the admin")
    set_updated(programme, datetime.datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    rows = read_csv(to_csv([exported_row()], header=HEADER))
    apply_import(rows, user=root, overwrite_conflicts=True)
    (entry,) = LogEntry.objects.all()
    assert entry.action_flag == CHANGE
    assert entry.change_message.startswith(
        "CSV import line 2: title: 'Edited in the admin' → 'Clinical AI'"
    )


def full_row(**overrides) -> dict:
    """A new programme with every column filled: more than twenty changes."""
    make_topic(slug="genomics")
    make_topic(slug="imaging")
    return good_row(
        slug="full",
        exit_awards="PGDip; PGCert",
        department="Department of Health Informatics",
        modes="full-time; part-time; online",
        duration_full_time_months="12",
        duration_part_time_months="24",
        fee_international_gbp="25000",
        fee_year="2026/27",
        fee_period="full-course",
        start_months="September; January",
        min_degree="2:1",
        ielts_overall="6.5",
        placement="yes",
        topics="genomics; imaging",
        summary="A year of clinical machine learning.",
        description="Taught with the local NHS trust.",
        source_urls="https://example.ac.uk/c",
        source_refers_to="2026/27 entry",
        source_stale="yes",
        last_verified="2026-09-30",
        **overrides,
    )


def test_the_history_message_names_only_the_first_twenty_changes(uni, root):
    plan = apply_import(read_csv(to_csv([full_row()])), user=root)
    changes = plan.rows[0].changes
    assert len(changes) > 20
    (entry,) = LogEntry.objects.all()
    first_twenty = ", ".join(f"{c}: {o!r} → {n!r}" for c, o, n in changes[:20])
    assert entry.change_message == "CSV import line 2: " + first_twenty
    assert entry.change_message.count(" → ") == 20


def test_the_history_message_is_cut_at_two_thousand_characters(uni, root):
    description = "A long description. " * 150
    apply_import(read_csv(to_csv([good_row(description=description)])), user=root)
    (entry,) = LogEntry.objects.all()
    assert len(entry.change_message) == 2000
    assert entry.change_message.startswith("CSV import line 2: status: '' → 'published', ")


# ----- apply_import: refusals ---------------------------------------------------------------


def test_a_file_that_breaks_before_it_is_confirmed_shows_why_nothing_was_written(uni, root_client):
    topic = make_topic(slug="genomics")
    review_url = upload(root_client, to_csv([good_row(topics="genomics")]))["Location"]
    topic.delete()  # someone removes the topic between the dry run and the confirmation
    response = root_client.post(review_url)
    assert response.status_code == 200
    assert "Nothing was imported: 1 row(s) have errors; nothing was written." in text_of(response)
    assert not Programme.objects.exists()


def test_a_direct_call_does_not_overwrite_a_change_made_since_the_export(uni, root):
    programme = make_programme(university=uni, slug="p", title="Edited in the admin")
    set_updated(programme, datetime.datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    plan = apply_import(read_csv(to_csv([exported_row()], header=HEADER)), user=root)
    assert [r.action for r in plan.rows] == ["conflict"]
    assert Programme.objects.get(pk=programme.pk).title == "Edited in the admin"
    assert not LogEntry.objects.exists()


# ----- the conflict message -----------------------------------------------------------------


def test_the_conflict_message_names_the_last_editor_and_the_uk_time(uni, root_client):
    alice = User.objects.create_user("alice")
    bob = User.objects.create_user("bob")
    carol = User.objects.create_user("carol")
    edited = make_programme(university=uni, slug="edited", title="Edited")
    untracked = make_programme(university=uni, slug="untracked", title="Untracked")
    # Edited twice in the admin, Alice first; Carol's later entry is for a university that
    # happens to have the same number, and must not be taken for an edit of the programme.
    history_entry(edited, alice, datetime.datetime(2026, 7, 5, 7, 0, tzinfo=UTC))
    history_entry(edited, bob, datetime.datetime(2026, 7, 5, 8, 9, tzinfo=UTC))
    history_entry(edited, carol, datetime.datetime(2026, 7, 6, 10, 0, tzinfo=UTC), University)
    history_entry(untracked, carol, datetime.datetime(2026, 7, 6, 10, 0, tzinfo=UTC), Topic)
    # Summer (British Summer Time, an hour ahead of UTC), then winter (UTC itself).
    set_updated(edited, datetime.datetime(2026, 7, 5, 8, 9, 30, tzinfo=UTC))
    set_updated(untracked, datetime.datetime(2026, 3, 1, 14, 5, 59, tzinfo=UTC))
    rows = [exported_row("edited"), exported_row("untracked")]

    plan = plan_import(read_csv(to_csv(rows, header=HEADER)))
    assert [r.conflict for r in plan.rows] == [
        "changed on 5 Jul 2026 09:09 by bob" + CONFLICT_TAIL,
        "changed on 1 Mar 2026 14:05" + CONFLICT_TAIL,
    ]
    page = text_of(root_client.get(upload(root_client, to_csv(rows, header=HEADER))["Location"]))
    assert "Changed on 5 Jul 2026 09:09 by bob" + CONFLICT_TAIL + "." in page
    assert "Changed on 1 Mar 2026 14:05" + CONFLICT_TAIL + "." in page


def test_naming_who_changed_each_conflict_reads_the_history_in_one_query(uni):
    programmes = [make_programme(university=uni, slug=f"p{n}", title=f"P{n}") for n in range(3)]
    for programme in programmes:
        set_updated(programme, datetime.datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    rows = read_csv(to_csv([exported_row(p.slug) for p in programmes], header=HEADER))
    plan_import(rows)  # content types are cached after the first look-up
    with CaptureQueriesContext(connection) as without_history:
        plan_import(rows)
    for n, programme in enumerate(programmes):
        user = User.objects.create_user(f"editor{n}")
        history_entry(programme, user, datetime.datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    with CaptureQueriesContext(connection) as with_history:
        plan = plan_import(rows)
    assert [f" by editor{n}," in r.conflict for n, r in enumerate(plan.rows)] == [True] * 3
    assert len(with_history) == len(without_history)


# ----- an `updated` cell without an offset is UTC -------------------------------------------


@pytest.mark.parametrize(
    "saved,action",
    [
        # The cell says 08:00 (UTC, 09:00 in London that day).
        (datetime.datetime(2026, 7, 5, 8, 0, 1, tzinfo=UTC), "conflict"),  # saved just after
        (datetime.datetime(2026, 7, 5, 7, 59, 59, tzinfo=UTC), "update"),  # saved just before
    ],
)
def test_an_updated_cell_without_an_offset_is_read_as_utc(uni, saved, action):
    programme = make_programme(university=uni, slug="p", title="Old title")
    set_updated(programme, saved)
    row = good_row(updated="2026-07-05T08:00:00")
    plan = plan_import(read_csv(to_csv([row], header=HEADER)))
    assert [r.action for r in plan.rows] == [action]


# ----- an unknown old value shows as "empty" ------------------------------------------------


def test_a_fact_that_was_unknown_shows_as_empty_in_the_review(uni, root, root_client):
    apply_import(read_csv(to_csv([good_row()])), user=root)
    assert Programme.objects.get(slug="p").duration_full_time_months is None
    review_url = upload(root_client, to_csv([good_row(duration_full_time_months="12")]))
    page = root_client.get(review_url["Location"]).content.decode()
    assert "1 to update" in page
    assert "<code>duration_full_time_months</code>: <em>empty</em> → 12" in page


# ----- read_csv: what an editor is told when a file is refused ------------------------------


def header_line(columns) -> bytes:
    return (",".join(columns) + "\r\n").encode()


def a_row(columns=IMPORT_COLUMNS, extra_cells=0) -> bytes:
    cells = [good_row().get(c, "") for c in columns] + ["extra"] * extra_cells
    return (",".join(cells) + "\r\n").encode()


WITHOUT_TITLE_AND_AWARD = [c for c in IMPORT_COLUMNS if c not in ("title", "award")]
ELEVEN_UNKNOWN = [f"x{n}" for n in range(1, 12)]
NOT_THE_FORMAT = "The header row does not match the export format ("


@pytest.mark.parametrize(
    "data,message",
    [
        (
            b"\xff\xfe\x00\x00garbage",
            "The file contains NUL bytes: it is not a UTF-8 CSV text file.",
        ),
        (
            "caf\xe9".encode("latin-1") + b",x\n",
            "The file is not UTF-8 text (byte 3 cannot be read). "
            "Save it as 'CSV UTF-8' and upload it again.",
        ),
        (b"", "The file is empty."),
        (b" \r\n\r\n", "The file is empty."),
        (header_line(IMPORT_COLUMNS), "The file has a header row but no programmes."),
        (
            header_line(IMPORT_COLUMNS) + a_row() + a_row(extra_cells=1),
            "Line 3 has more cells than the header row.",
        ),
        (
            header_line(IMPORT_COLUMNS) + b'"uni"p' + a_row()[3:],
            "The file is not valid CSV: ',' expected after '\"'.",
        ),
        (
            header_line(WITHOUT_TITLE_AND_AWARD) + a_row(WITHOUT_TITLE_AND_AWARD),
            NOT_THE_FORMAT + "missing columns: title, award).",
        ),
        (
            header_line(WITHOUT_TITLE_AND_AWARD + ELEVEN_UNKNOWN) + a_row(),
            NOT_THE_FORMAT
            + "missing columns: title, award; "
            + "unknown columns: x1, x2, x3, x4, x5, x6, x7, x8, x9, x10).",
        ),
        (
            header_line([*IMPORT_COLUMNS, "title", "award"]) + a_row(),
            NOT_THE_FORMAT + "repeated columns: award, title).",
        ),
    ],
    ids=[
        "nul",
        "not-utf8",
        "empty",
        "blank",
        "header-only",
        "more-cells",
        "bad-quoting",
        "missing",
        "missing-and-unknown",
        "repeated",
    ],
)
def test_a_refused_file_is_refused_with_the_reason_word_for_word(data, message):
    with pytest.raises(ImportFileError) as refused:
        read_csv(data)
    assert str(refused.value) == message


def test_the_upload_page_shows_why_a_file_was_refused(root_client):
    response = upload(root_client, header_line([*IMPORT_COLUMNS, "title"]) + a_row())
    assert response.status_code == 200
    assert NOT_THE_FORMAT + "repeated columns: title)." in text_of(response)


def test_a_file_of_exactly_five_megabytes_is_read(uni):
    # A cell holds at most 128 KiB (the csv module's limit), so the bytes are spread over rows.
    rows = [good_row(slug=f"p{n}", description="x" * 100_000) for n in range(53)]
    rows[-1]["description"] = ""
    rows[-1]["description"] = "x" * (MAX_BYTES - len(to_csv(rows)))
    data = to_csv(rows)
    assert len(data) == MAX_BYTES
    assert len(read_csv(data)) == 53


def test_line_breaks_typed_in_the_admin_survive_an_export_and_import(client, root):
    # A browser sends a textarea's line breaks as CR LF, and that is what the admin saves.
    make_programme(description="Line one.\r\nLine two.", summary="One line.")
    plan = apply_import(read_csv(export_as_bytes(client)), user=root)
    assert [r.action for r in plan.rows] == ["unchanged"]
    assert Programme.objects.get().description == "Line one.\r\nLine two."


def test_a_file_with_old_mac_line_endings_is_read(uni):
    # Excel's "CSV (Macintosh)" ends each line with a carriage return alone.
    data = to_csv([good_row(slug="p"), good_row(slug="q")]).replace(b"\r\n", b"\r")
    assert b"\n" not in data
    assert [row["programme_slug"] for row in read_csv(data)] == ["p", "q"]


# ----- plan_import --------------------------------------------------------------------------


def test_every_row_with_errors_is_reported_not_only_the_first(uni):
    rows = [
        good_row(slug="a", fee_home_gbp="ten"),  # a cell that cannot be read
        good_row(slug="b", fee_home_gbp="-1"),  # read, but refused by the model's rules
        good_row(slug="c", fee_home_gbp="-2"),
        good_row(slug="d"),
    ]
    plan = plan_import(read_csv(to_csv(rows)))
    assert [(r.number, r.action) for r in plan.rows] == [
        (2, "error"),
        (3, "error"),
        (4, "error"),
        (5, "create"),
    ]


def test_an_unknown_slug_is_quoted_cut_to_sixty_characters(uni):
    long_slug = "u" * 59 + "vwxyz"
    row = good_row(uni_slug=long_slug, topics="t" * 59 + "vwxyz")
    (result,) = plan_import(read_csv(to_csv([row]))).rows
    assert result.errors == [
        ("university_slug", f"no university with slug {'u' * 59 + 'v'!r}"),
        ("topics", f"no topic with slug {'t' * 59 + 'v'!r}"),
    ]


def test_a_new_programme_lists_each_fact_it_states_under_its_column(uni):
    make_topic(slug="genomics")
    make_topic(slug="imaging")
    row = good_row(placement="yes", source_stale="no", topics="imaging; genomics")
    (result,) = plan_import(read_csv(to_csv([row]))).rows
    assert result.action == "create"
    assert result.changes == [
        ("status", "", "published"),
        ("title", "", "Clinical AI"),
        ("award", "", "MSc"),
        ("modes", "", "yes"),
        ("fee_home_gbp", "", "9000"),
        ("placement", "", "yes"),
        ("official_course_url", "", "https://example.ac.uk/c"),
        ("topics", "", "genomics; imaging"),
    ]


def test_the_review_shows_each_row_and_a_new_programmes_values(uni, root_client):
    make_topic(slug="genomics")
    make_topic(slug="imaging")
    row = good_row(slug="new", topics="imaging; genomics")
    page = root_client.get(upload(root_client, to_csv([row]))["Location"]).content.decode()
    assert "<td><code>uni/new</code></td>" in page
    assert "<li><code>title</code>: <em>empty</em> → Clinical AI</li>" in page
    assert "<li><code>fee_home_gbp</code>: <em>empty</em> → 9000</li>" in page
    assert "<li><code>topics</code>: <em>empty</em> → genomics; imaging</li>" in page


def test_topics_are_written_for_new_and_changed_programmes(uni, root, root_client):
    genomics, imaging, nlp = (make_topic(slug=s) for s in ("genomics", "imaging", "nlp"))
    make_programme(university=uni, slug="old", title="Old", topics=[genomics, imaging])
    rows = [good_row(slug="old", topics="nlp; imaging"), good_row(slug="new", topics="genomics")]
    plan = plan_import(read_csv(to_csv(rows)))
    assert ("topics", "genomics; imaging", "imaging; nlp") in plan.rows[0].changes
    review_url = upload(root_client, to_csv(rows))["Location"]
    page = root_client.get(review_url).content.decode()
    assert "<li><code>topics</code>: genomics; imaging → imaging; nlp</li>" in page
    root_client.post(review_url)
    old, new = Programme.objects.get(slug="old"), Programme.objects.get(slug="new")
    assert sorted(t.slug for t in old.topics.all()) == ["imaging", "nlp"]
    assert [t.slug for t in new.topics.all()] == ["genomics"]


def test_a_dry_run_costs_the_same_queries_however_big_the_catalogue_and_whoever_is_updated():
    uni = make_university(slug="uni")
    topic = make_topic(slug="genomics")

    def add_programmes(prefix):
        for i in range(3):
            make_programme(university=uni, slug=f"{prefix}{i}", title="Clinical AI", topics=[topic])

    def queries(prefix) -> int:
        rows = read_csv(
            to_csv([good_row(slug=f"{prefix}{i}", topics="genomics") for i in range(3)])
        )
        with CaptureQueriesContext(connection) as captured:
            plan = plan_import(rows)
        assert plan.is_valid
        return len(captured)

    add_programmes("old")
    updates, creates = queries("old"), queries("new")
    add_programmes("more")
    # Three rows for existing programmes cost what three new ones cost: their topics were read
    # with the catalogue, and the catalogue is read with its universities whatever its size.
    assert updates == creates == queries("new")
