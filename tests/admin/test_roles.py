"""Who may do what in the admin: the Editors and Staff exporters groups made by setup_roles."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.utils import timezone

from programmes.models import Guide, Programme, Status, Topic, University
from tests.factories import admin_form_data, change_url, make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
CATALOGUE = ["university", "topic", "programme", "guide"]


def setup_roles() -> str:
    out = StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def group_permissions(name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def make_user(role: str | None, username: str | None = None) -> User:
    user = User.objects.create_user(username or (role or "staff"), password=PASSWORD, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def login(client):
    setup_roles()

    def login_as(role: str | None):
        client.force_login(make_user(role))
        return client

    return login_as


def make_guide(status=Status.DRAFT, slug="a-guide") -> Guide:
    return Guide.objects.create(
        title="A guide",
        slug=slug,
        summary="Summary.",
        body="## Body",
        status=status,
        published_at=datetime.date(2026, 11, 1) if status == Status.PUBLISHED else None,
    )


# --- the command ---------------------------------------------------------------------------


def test_setup_roles_creates_both_groups_with_exactly_their_permissions():
    output = setup_roles()
    assert "Created group 'Editors'." in output
    assert "Created group 'Staff exporters'." in output
    assert group_permissions("Editors") == {
        *(f"programmes.{a}_{m}" for m in CATALOGUE for a in ("add", "change", "view")),
        "programmes.delete_programme",
        "programmes.delete_guide",
        "admin.view_logentry",
        "programmes.view_suggestion",
        "programmes.change_suggestion",
        "programmes.view_programmelead",
        "programmes.change_programmelead",
    }
    assert group_permissions("Staff exporters") == {
        *(f"programmes.view_{m}" for m in CATALOGUE),
        "programmes.export_programme",
    }


def test_setup_roles_a_second_time_changes_nothing():
    setup_roles()
    before = {name: group_permissions(name) for name in ("Editors", "Staff exporters")}
    output = setup_roles()
    assert output.strip() == "Roles already up to date; nothing changed."
    assert Group.objects.count() == 2
    assert {name: group_permissions(name) for name in before} == before


def test_setup_roles_restores_a_group_edited_by_hand():
    setup_roles()
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_user"))
    editors.permissions.remove(Permission.objects.get(codename="change_programme"))
    output = setup_roles()
    assert "Editors: granted programmes.change_programme." in output
    assert "Editors: removed auth.delete_user." in output
    assert "auth.delete_user" not in group_permissions("Editors")
    assert "programmes.change_programme" in group_permissions("Editors")


def test_only_exporters_hold_the_export_permission():
    setup_roles()
    assert make_user("Staff exporters").has_perm("programmes.export_programme")
    assert not make_user("Editors").has_perm("programmes.export_programme")


# --- the permission matrix, through the admin ----------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/programmes/programme/", "/admin/auth/user/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.parametrize("role", ["Editors", "Staff exporters", None])
@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/auth/user/add/",
        "/admin/auth/group/add/",
    ],
)
def test_no_role_reaches_users_or_groups(login, role, url):
    assert login(role).get(url).status_code == 403


@pytest.mark.parametrize("role,expected", [("Editors", 200), ("Staff exporters", 200), (None, 403)])
@pytest.mark.parametrize("model", CATALOGUE)
def test_catalogue_lists_are_open_to_both_roles(login, role, expected, model):
    assert login(role).get(f"/admin/programmes/{model}/").status_code == expected


@pytest.mark.parametrize("role,expected", [("Editors", 200), ("Staff exporters", 403)])
@pytest.mark.parametrize("model", CATALOGUE)
def test_only_editors_may_add(login, role, expected, model):
    assert login(role).get(f"/admin/programmes/{model}/add/").status_code == expected


def test_editor_can_change_a_programme(login):
    client = login("Editors")
    programme = make_programme(fee_home=9000)
    data = admin_form_data(client.get(change_url(programme)), fee_home="9500")
    assert client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert programme.fee_home == 9500


def test_exporter_sees_a_programme_but_cannot_change_it(login):
    programme = make_programme(fee_home=9000)
    editor_page = login("Editors").get(change_url(programme))
    data = admin_form_data(editor_page, fee_home="1")
    client = login("Staff exporters")
    page = client.get(change_url(programme))
    assert page.status_code == 200
    assert 'name="fee_home"' not in page.text  # read-only view
    assert client.post(change_url(programme), data).status_code == 403
    programme.refresh_from_db()
    assert programme.fee_home == 9000


def test_exporter_is_offered_only_the_export_action_and_cannot_publish(login):
    client = login("Staff exporters")
    draft = make_programme(status=Status.DRAFT)
    changelist = client.get("/admin/programmes/programme/").text
    assert '<option value="export_csv">' in changelist
    assert '<option value="publish">' not in changelist
    client.post(
        "/admin/programmes/programme/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("factory", [make_programme, make_guide])
def test_editor_can_delete_a_draft(login, factory):
    client = login("Editors")
    draft = factory(status=Status.DRAFT)
    delete_url = change_url(draft).replace("/change/", "/delete/")
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not type(draft).objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED])
@pytest.mark.parametrize("factory", [make_programme, make_guide])
def test_editor_cannot_delete_a_published_or_archived_row(login, factory, status):
    client = login("Editors")
    row = factory(status=status)
    delete_url = change_url(row).replace("/change/", "/delete/")
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
    assert delete_url not in client.get(change_url(row)).text  # no Delete button either


def test_superuser_can_delete_a_published_programme(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", PASSWORD))
    programme = make_programme(status=Status.PUBLISHED)
    delete_url = change_url(programme).replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_editor_bulk_delete_refuses_a_selection_with_a_published_programme(login):
    client = login("Editors")
    draft = make_programme(status=Status.DRAFT)
    published = make_programme(status=Status.PUBLISHED)
    response = client.post(
        "/admin/programmes/programme/",
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Programme.objects.count() == 2
    assert "Nothing was deleted: 1 of the selected programmes is not a draft." in response.text


def test_editor_bulk_delete_removes_drafts(login):
    client = login("Editors")
    drafts = [make_programme(status=Status.DRAFT) for _ in range(2)]
    data = {"action": "delete_selected", "_selected_action": [p.pk for p in drafts]}
    confirm = client.post("/admin/programmes/programme/", data)
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.text
    done = client.post("/admin/programmes/programme/", {**data, "post": "yes"}, follow=True)
    assert "Successfully deleted 2 programmes." in done.text
    assert not Programme.objects.exists()


@pytest.mark.parametrize("model", [University, Topic])
def test_editor_cannot_delete_universities_or_topics(login, model):
    client = login("Editors")
    row = make_university() if model is University else make_topic()
    delete_url = change_url(row).replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", ["Staff exporters", None])
def test_exporters_and_plain_staff_cannot_delete_even_drafts(login, role):
    client = login(role)
    draft = make_programme(status=Status.DRAFT)
    delete_url = change_url(draft).replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Programme.objects.filter(pk=draft.pk).exists()


# --- the editor's day ----------------------------------------------------------------------


def test_an_editor_edits_verifies_and_publishes_but_cannot_manage_users(client):
    setup_roles()
    editor = make_user("Editors", username="edith")
    programme = make_programme(title="Clinical AI", fee_home=9000)
    guide = make_guide()

    login_page = client.post(
        "/admin/login/?next=/admin/",
        {"username": "edith", "password": PASSWORD, "next": "/admin/"},
    )
    assert login_page.status_code == 302
    assert client.get("/admin/").status_code == 200

    form = client.get(change_url(programme))
    saved = client.post(change_url(programme), admin_form_data(form, fee_home="14500"))
    assert saved.status_code == 302

    before = timezone.localdate()  # the actions may straddle midnight
    verified = client.post(
        "/admin/programmes/programme/",
        {"action": "mark_verified_today", "_selected_action": [programme.pk]},
        follow=True,
    )
    assert "1 programme marked as verified today." in verified.text

    published = client.post(
        "/admin/programmes/guide/",
        {"action": "publish", "_selected_action": [guide.pk]},
        follow=True,
    )
    assert "1 guide published." in published.text

    programme.refresh_from_db()
    guide.refresh_from_db()
    assert programme.fee_home == 14500
    assert programme.last_verified in {before, timezone.localdate()}
    assert guide.status == Status.PUBLISHED
    assert guide.published_at in {before, timezone.localdate()}
    assert LogEntry.objects.filter(user=editor, action_flag=CHANGE).count() == 3

    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
