"""No edit silently lost in the admin: a change form refuses to save over a newer save.

Two editors open the same programme; the first saves a new title; the second, still holding the
old form, saves a new summary. Without this, the second save would put the old title back and
nobody would know. ``EditConflictMixin`` carries a signed snapshot of the values the editor
started from in a hidden field. On save it compares that snapshot with the database: when
someone else changed a field since, nothing is saved; the form says which fields, their saved
value, the editor's value and who saved it when, and comes back with the saved values filled in
for fields only the other editor changed (the editor's own values stay where they changed
them). Saving again then goes through: the editor has seen both and chosen.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone

SNAPSHOT_FIELD = "seen_values"
_SALT = "programmes.edit-conflicts"


def normalise(value):
    """One comparable form for initial data, cleaned data and database values."""
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | QuerySet):
        return sorted(normalise(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).strip()


class EditConflictMixin(forms.Form):
    """For ModelForms whose instance may be edited by several people at once.

    A Form itself so that its hidden field is a declared field: the admin renders (and accepts
    in fieldsets) only declared and model fields. List ``seen_values`` in the admin's fieldsets.
    """

    seen_values = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial[SNAPSHOT_FIELD] = self._snapshot(self.instance)

    # Subclasses add values not stored under their form field's name (e.g. a bit mask).
    def values_from_instance(self, instance) -> dict:
        names = [n for n in self.fields if n != SNAPSHOT_FIELD]
        return model_to_dict(instance, fields=names)

    def _compared_names(self) -> list[str]:
        return [n for n in self.fields if n != SNAPSHOT_FIELD]

    def _normalised(self, instance) -> dict:
        values = self.values_from_instance(instance)
        return {n: normalise(values.get(n)) for n in self._compared_names() if n in values}

    def _snapshot(self, instance) -> str:
        return signing.dumps(self._normalised(instance), salt=_SALT, compress=True)

    def _last_change(self) -> str:
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(type(self.instance)),
                object_id=str(self.instance.pk),
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        if entry is None:
            return ""
        when = timezone.localtime(entry.action_time).strftime("%-d %b %Y at %H:%M")
        return f"{entry.user.get_username()} on {when}"

    def _display(self, name: str, value) -> str:
        field = self.fields.get(name)
        if value in (None, "", []):
            return "empty"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(field, forms.ModelChoiceField) and not isinstance(value, Model):
            obj = field.queryset.filter(pk=value).first()
            return str(obj) if obj else str(value)
        if isinstance(field, forms.MultipleChoiceField) and field.choices:
            labels = {str(k): v for k, v in field.choices}
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        if isinstance(value, list | tuple | QuerySet):
            return ", ".join(str(v) for v in value) or "empty"
        text = str(value)
        return text if len(text) <= 200 else text[:197] + "…"

    def _put(self, name: str, value) -> None:
        """Write ``value`` into the bound data the way the field's widget posts it."""
        field = self.fields[name]
        key = self.add_prefix(name)
        widget = getattr(field.widget, "widget", field.widget)  # the admin's wrappers
        prepared = field.prepare_value(value)
        if isinstance(widget, forms.NullBooleanSelect):
            self.data[key] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        elif getattr(widget, "allow_multiple_selected", False):
            self.data.setlist(key, [str(v) for v in prepared or []])
        else:
            self.data[key] = "" if prepared is None else str(prepared)

    def check_edit_conflict(self, cleaned_data: dict) -> None:
        """Call from clean(): add a form error (and refill the form) if someone saved since."""
        if not self.instance.pk or not self.is_bound:
            return
        raw = self.data.get(self.add_prefix(SNAPSHOT_FIELD), "")
        if not raw:
            return  # a form from before this check existed, or a script: nothing to compare
        try:
            seen = signing.loads(raw, salt=_SALT)
        except signing.BadSignature:
            self.add_error(
                None, "This form is damaged. Reload the page and make your change again."
            )
            return
        fresh = type(self.instance)._default_manager.get(pk=self.instance.pk)
        now = self._normalised(fresh)
        theirs = [n for n in self._compared_names() if n in seen and now.get(n) != seen[n]]
        if not theirs:
            return
        mine = {
            n
            for n in self._compared_names()
            if n in seen and n in cleaned_data and normalise(cleaned_data[n]) != seen[n]
        }
        raw_now = self.values_from_instance(fresh)
        by = self._last_change()
        lines = []
        for name in theirs:
            label = self.fields[name].label or name
            saved = self._display(name, raw_now.get(name))
            if name in mine:
                yours = self._display(name, cleaned_data.get(name))
                lines.append(f"{label}: saved “{saved}”, yours “{yours}” (you both changed it)")
            else:
                lines.append(f"{label}: now “{saved}” (you had not changed it)")
        self.data = self.data.copy()
        for name in theirs:
            if name not in mine:
                self._put(name, raw_now.get(name))
        self.data[self.add_prefix(SNAPSHOT_FIELD)] = self._snapshot(fresh)
        self.add_error(
            None,
            "Nothing was saved: this programme was changed"
            + (f" by {by}" if by else "")
            + " after you opened it. "
            + "; ".join(lines)
            + ". The form now shows the saved values where only they changed something, and "
            "your values where you did. Check the fields you both changed, then save again.",
        )
