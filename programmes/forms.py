"""Forms shared by the admin (and later the CSV import): programme facts with friendly fields."""

from django import forms

from .models import MONTHS, Programme, mask_to_months, months_to_mask


class ProgrammeAdminForm(forms.ModelForm):
    start_months = forms.TypedMultipleChoiceField(
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every month the programme starts in. Leave all empty if not published.",
    )

    class Meta:
        model = Programme
        exclude = ["start_month_mask"]  # noqa: DJ006 - replaced by the start_months field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial.setdefault("start_months", mask_to_months(self.instance.start_month_mask))

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

    def save(self, commit=True):
        self.instance.start_month_mask = months_to_mask(self.cleaned_data.get("start_months") or [])
        return super().save(commit=commit)
