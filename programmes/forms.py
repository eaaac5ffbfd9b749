"""Forms shared by the admin (and later the CSV import): programme facts with friendly fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .edit_conflicts import EditConflictMixin
from .models import (
    MONTHS,
    FeePeriod,
    Guide,
    Programme,
    Status,
    mask_to_months,
    months_to_mask,
)


def fits_field(field, value) -> bool:
    """Whether ``value`` is valid for model ``field`` (type and database range), without a query."""
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


class InRangeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids the database cannot compare (e.g. 10**30) as invalid, instead of crashing.

    Django checks each posted id with an exact lookup (which tolerates overflow) and then runs
    ``pk__in=[…]``, which raises OverflowError on SQLite for an id beyond 64 bits.
    """

    def clean(self, value):
        if isinstance(value, list | tuple):
            opts = self.queryset.model._meta
            target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
            for item in value:
                if item not in self.empty_values and not fits_field(target, item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)


class ProgrammeAdminForm(EditConflictMixin, forms.ModelForm):
    start_months = forms.TypedMultipleChoiceField(
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every month the programme starts in. Leave all empty if not recorded yet.",
    )

    class Meta:
        model = Programme
        exclude = ["start_month_mask"]  # noqa: DJ006 - replaced by the start_months field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial.setdefault("start_months", mask_to_months(self.instance.start_month_mask))
        if "fee_period" in self.fields:
            self.fields["fee_period"].choices = [
                ("", "Not stated by the source"),
                *FeePeriod.choices,
            ]

    def values_from_instance(self, instance) -> dict:
        values = super().values_from_instance(instance)
        values["start_months"] = mask_to_months(instance.start_month_mask)
        return values

    def clean_source_urls(self):
        value = self.cleaned_data.get("source_urls", "")
        validator = forms.URLField()
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            try:
                validator.clean(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Line {number} is not a valid URL: {line[:80]!r}"
                ) from None
        return "\n".join(lines)

    def clean(self):
        cleaned_data = super().clean()
        university = cleaned_data.get("university")
        slug = cleaned_data.get("slug")
        # The UniqueConstraint would only give a message at the top of the form; editors need it
        # beside the slug. With the slug in error, the model skips its own constraint check.
        if university and slug:
            clash = Programme.objects.filter(university=university, slug=slug)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "slug",
                    f"{university.name} already has a programme with the slug {slug!r}. "
                    "Choose another slug.",
                )
        self.check_edit_conflict(cleaned_data)  # no edit silently lost (edit_conflicts.py)
        return cleaned_data

    def save(self, commit=True):
        self.instance.start_month_mask = months_to_mask(self.cleaned_data.get("start_months") or [])
        return super().save(commit=commit)


class GuideAdminForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = [
            "title",
            "slug",
            "summary",
            "author",
            "body",
            "topics",
            "universities",
            "programmes",
            "status",
            "published_at",
        ]

    def clean(self):
        cleaned_data = super().clean()
        # A published guide needs a date (a database rule); publishing without one means today.
        if cleaned_data.get("status") == Status.PUBLISHED and not cleaned_data.get("published_at"):
            cleaned_data["published_at"] = timezone.localdate()
        return cleaned_data
