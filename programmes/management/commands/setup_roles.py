"""Create (or bring back in line) the two staff roles: Editors and Staff exporters.

Safe to run on every deploy: each group ends up with exactly the permissions listed here, and a
second run changes nothing. Permissions added to these groups by hand are removed (and reported),
because the roles are defined here, not in the admin.

What editors may delete is narrower than the permission says: ProgrammeAdmin and GuideAdmin let
non-superusers delete drafts only.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

CATALOGUE_MODELS = ["university", "topic", "programme", "guide"]

ROLES: dict[str, list[str]] = {
    "Editors": [
        *(
            f"programmes.{action}_{model}"
            for model in CATALOGUE_MODELS
            for action in ("add", "change", "view")
        ),
        "programmes.delete_programme",
        "programmes.delete_guide",
        # Lets editors read the admin history of the catalogue; LogEntry has no admin of its own.
        "admin.view_logentry",
        # The review queue: read suggestions, accept (with change_programme) or dismiss them.
        "programmes.view_suggestion",
        "programmes.change_suggestion",
        # Programmes the catalogue lacks, found by discover_programmes: accept (a draft is made,
        # with add_programme) or dismiss.
        "programmes.view_programmelead",
        "programmes.change_programmelead",
    ],
    "Staff exporters": [
        *(f"programmes.view_{model}" for model in CATALOGUE_MODELS),
        "programmes.export_programme",
    ],
}


def _permissions(names: list[str]) -> set[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in wanted]
        )
    }
    missing = sorted(f"{app}.{codename}" for app, codename in wanted - found.keys())
    if missing:
        raise CommandError(
            f"Permissions not found: {', '.join(missing)}. Run `manage.py migrate` first."
        )
    return {found[key] for key in wanted}


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


class Command(BaseCommand):
    help = "Create or update the Editors and Staff exporters groups and their permissions."

    @transaction.atomic
    def handle(self, *args, **options):
        changed = False
        for name, permission_names in ROLES.items():
            wanted = _permissions(permission_names)
            group, created = Group.objects.get_or_create(name=name)
            if created:
                self.stdout.write(f"Created group {name!r}.")
                changed = True
            current = set(group.permissions.select_related("content_type"))
            to_add = wanted - current
            to_remove = current - wanted
            if to_add:
                group.permissions.add(*to_add)
                labels = ", ".join(sorted(_label(p) for p in to_add))
                self.stdout.write(f"{name}: granted {labels}.")
                changed = True
            if to_remove:
                group.permissions.remove(*to_remove)
                labels = ", ".join(sorted(_label(p) for p in to_remove))
                self.stdout.write(f"{name}: removed {labels}.")
                changed = True
        if not changed:
            self.stdout.write("Roles already up to date; nothing changed.")
