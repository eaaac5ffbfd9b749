"""The editors' admin: the catalogue (universities, topics, programmes) and the guides.

Editors work here every day, so lists show what needs attention (status, fees, verification)
and bulk actions say how many rows they changed and leave one history entry per row. Editors
who are not superusers may delete drafts only; published or archived rows must be unpublished
first (see ``EditorialAdmin``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import HttpResponseBadRequest
from django.urls import path, reverse
from django.utils import timezone

from . import admin_import, exports, fees, search, selectors
from .admin_site import bad_date_hierarchy, object_pk
from .cache import invalidate
from .forms import GuideAdminForm, InRangeModelMultipleChoiceField, ProgrammeAdminForm, fits_field
from .models import (
    FundingScheme,
    Guide,
    Mode,
    Programme,
    ReferenceFigure,
    ReferenceRule,
    SearchSynonym,
    Status,
    Topic,
    University,
)
from .sources import admin as admin_sources


class StudyModeFilter(admin.SimpleListFilter):
    title = "study mode"
    parameter_name = "mode"

    def lookups(self, request, model_admin):
        return Mode.choices

    def queryset(self, request, queryset):
        # Unknown values (hand-edited URLs) are ignored rather than raising KeyError.
        if self.value() in Programme.MODE_FIELDS:
            return queryset.with_mode(self.value())
        return queryset


class NeedsVerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("needed", "Needs verification (never, or over 12 months ago)"),
            ("current", "Verified in the last 12 months"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needs_verification()
        if self.value() == "current":
            return queryset.filter(last_verified__gte=queryset.verification_cutoff())
        return queryset


class MissingFactFilter(admin.SimpleListFilter):
    """The editors' to-do list: programmes without a given fact (linked from the dashboard)."""

    title = "missing fact"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(fact.key, fact.label) for fact in selectors.COMPLETENESS_FACTS]

    def queryset(self, request, queryset):
        fact = selectors.FACTS_BY_KEY.get(self.value() or "")
        if fact is None:  # unknown values (hand-edited URLs) are ignored
            return queryset
        return queryset.filter(fact.applies).exclude(fact.recorded)


class InputSafeAutocompleteMixin:
    """Ignore selected values the database cannot compare when re-rendering a refused form.

    Django's autocomplete widgets look the posted values up with ``pk__in``; a hand-made POST
    carrying "abc" or 10**30 there turns the form's "Select a valid choice" into a 500
    (ValueError / OverflowError). The form field still reports the bad value.
    """

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        to_field = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        return super().optgroups(name, [v for v in value if fits_field(to_field, v)], attr)


class SafeAutocompleteSelect(InputSafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(InputSafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class EditorialAdmin(admin.ModelAdmin):
    """Shared by programmes and guides: draft/published/archived rows edited by a team."""

    save_on_top = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", InRangeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        # Published and archived rows are history (links, feeds, sitemaps point at them):
        # editors unpublish first, and only a superuser deletes them outright.
        return obj is None or request.user.is_superuser or obj.status == Status.DRAFT

    def view_on_site(self, obj):
        # Drafts and archived rows are 404s on the public site, so offer no link to them.
        if obj.status != Status.PUBLISHED:
            return None
        return reverse(
            "admin:view_on_site",
            kwargs={
                "content_type_id": ContentType.objects.get_for_model(obj).pk,
                "object_id": obj.pk,
            },
            current_app=self.admin_site.name,
        )

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        """Django's bulk delete, refused up front when a non-superuser selected non-drafts."""
        if not request.user.is_superuser:
            not_drafts = queryset.exclude(status=Status.DRAFT).count()
            if not_drafts:
                self.message_user(
                    request,
                    f"Nothing was deleted: {not_drafts} of the selected "
                    f"{self.opts.verbose_name_plural} "
                    f"{'is not a draft' if not_drafts == 1 else 'are not drafts'}. "
                    "Editors can delete drafts only; unpublish first.",
                    messages.ERROR,
                )
                return None
        return django_delete_selected(self, request, queryset)

    def change_rows(
        self,
        request,
        queryset,
        *,
        change: Callable[[object], bool],
        fields: list[str],
        done: str,
        unchanged: str,
        log_message: str,
    ) -> int:
        """Apply ``change`` to each selected row; save, log and report the rows it changed.

        ``change(obj)`` edits the instance and returns whether anything changed. Query cost is
        fixed: one SELECT, one bulk UPDATE and one bulk INSERT of LogEntry rows (one per row).
        """
        with transaction.atomic():
            rows = [obj for obj in queryset if change(obj)]
            if rows:
                now = timezone.now()
                for obj in rows:
                    obj.updated = now  # bulk_update() skips auto_now
                self.model.objects.bulk_update(rows, [*fields, "updated"])
                # bulk_update() sends no model signals: invalidate the public pages explicitly,
                # and bring the search index in step (it holds no status today; cheap anyway).
                invalidate()
                if self.model is Programme:
                    search.index_programmes([obj.pk for obj in rows])
                LogEntry.objects.log_actions(
                    user_id=request.user.pk,
                    queryset=rows,
                    action_flag=CHANGE,
                    change_message=log_message,
                )
        count = len(rows)
        skipped = len(queryset) - count  # the loop above filled the queryset's cache
        message = f"{count} {model_ngettext(self.opts, count)} {done}."
        if skipped:
            message += f" {skipped} {unchanged}, left unchanged."
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)
        return count

    def set_status(self, request, queryset, status: str, *, done: str, log_message: str):
        """Move the selected rows to ``status``; rows already there are reported, not logged."""

        is_programme = self.model is Programme

        def change(obj):
            if is_programme:
                return obj.set_status(status)  # also records or clears the archive date
            if obj.status == status:
                return False
            obj.status = status
            return True

        return self.change_rows(
            request,
            queryset,
            change=change,
            fields=["status", "archived_on"] if is_programme else ["status"],
            done=done,
            unchanged=f"already {Status(status).label.lower()}",
            log_message=log_message,
        )

    @admin.action(permissions=["change"], description="Unpublish selected %(verbose_name_plural)s")
    def unpublish(self, request, queryset):
        self.set_status(
            request,
            queryset,
            Status.DRAFT,
            done="unpublished (now drafts)",
            log_message="Unpublished (status set to draft) with the bulk action.",
        )

    @admin.action(permissions=["change"], description="Archive selected %(verbose_name_plural)s")
    def archive(self, request, queryset):
        self.set_status(
            request,
            queryset,
            Status.ARCHIVED,
            done="archived",
            log_message="Archived with the bulk action.",
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "also_known_as", "programme_count"]
    search_fields = ["name", "slug", "description", "also_known_as"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(programme_count=Count("programmes"))

    @admin.display(description="programmes", ordering="programme_count")
    def programme_count(self, obj):
        return obj.programme_count


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Terms search treats as one (topics' names and universities' short names already are)."""

    list_display = ["terms", "updated"]
    search_fields = ["terms"]


class ProgrammeInline(admin.TabularInline):
    """The university's programmes at a glance; edit each one on its own page.

    Read-only on purpose: adding or deleting here would skip ProgrammeAdminForm's checks and
    the drafts-only delete rule.
    """

    model = Programme
    fields = ["title", "award", "status", "last_verified"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    view_on_site = False  # each programme's own page offers it, for published ones only
    ordering = ["title"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row's title is str(programme), which names the university.
        return super().get_queryset(request).select_related("university")


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "city", "nation", "region", "programme_count"]
    list_filter = ["nation", "region", "city"]
    search_fields = ["name", "short_name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(programme_count=Count("programmes"))

    @admin.display(description="programmes", ordering="programme_count")
    def programme_count(self, obj):
        return obj.programme_count


@admin.register(Programme)
class ProgrammeAdmin(EditorialAdmin):
    form = ProgrammeAdminForm
    list_display = [
        "title",
        "university",
        "award",
        "status",
        "fees",
        "last_verified",
        "verification_due",
    ]
    list_filter = [
        "status",
        "university__nation",
        ("university", admin.RelatedOnlyFieldListFilter),
        "topics",
        "award",
        StudyModeFilter,
        NeedsVerificationFilter,
        MissingFactFilter,
    ]
    list_select_related = ["university"]
    search_fields = [
        "title",
        "slug",
        "department",
        "university__name",
        "university__short_name",
        "university__city",
    ]
    autocomplete_fields = ["university", "topics"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "fee_home_course",
        "fee_international_course",
        "archived_on",
        "created",
        "updated",
    ]
    actions = [
        "publish",
        "unpublish",
        "archive",
        "mark_verified_today",
        "export_csv",
        "delete_selected",
    ]
    fieldsets = [
        ("Identity", {"fields": ["university", "title", "slug", "award", "exit_awards",
                                 "department", "topics"]}),
        ("Study options", {"fields": [("offers_full_time", "offers_part_time", "offers_online"),
                                      "duration_full_time_months", "duration_part_time_months",
                                      "start_months", "placement"]}),
        ("Fees", {"fields": ["fee_home", "fee_international", "fee_year", "fee_period",
                             "fee_home_course", "fee_international_course"],
                  "description": "Enter fees exactly as the source states them. The whole-course "
                                 "figures are worked out from the fee period and the full-time "
                                 "duration, and are what students filter, sort and compare on."}),
        ("Entry requirements", {"fields": ["min_degree", ("ielts_overall", "ielts_min_component"),
                                           ("for_computing_graduates", "for_health_professionals",
                                            "for_any_degree"),
                                           "entry_background", "work_experience"],
                                "description": "Tick who the programme is for only as the "
                                               "official page says; quote its words."}),
        ("Dates", {"fields": [("next_intake_month", "next_intake_year"), "applications_open",
                              ("deadline_home", "deadline_international")],
                   "description": "For the next intake the official page describes."}),
        ("Description", {"fields": ["summary", "description"]}),
        ("Sources and verification", {
            "fields": ["official_url", "source_urls", "source_refers_to", "source_stale",
                       "last_verified"],
            "description": "Set “last verified” only after checking the live official page.",
        }),
        ("Editorial", {"fields": ["status", "archived_on", "editors_notes", "created",
                                  "updated", "seen_values"]}),
    ]  # fmt: skip

    def get_urls(self):
        # The CSV import pages (programmes/admin_import.py) live under the programme admin.
        # They come first: the default URLs end with a catch-all for object ids.
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(partial(admin_import.upload_view, self)),
                name=f"{name}_import",
            ),
            path(
                "import/<int:batch_id>/",
                wrap(partial(admin_import.review_view, self)),
                name=f"{name}_import_review",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # str(programme) names the university (change form title, autocomplete results), and
        # the "needs verification" column sorts, so both come with the row.
        cutoff = Programme.objects.verification_cutoff()
        return (
            super()
            .get_queryset(request)
            .select_related("university")
            .annotate(
                verification_overdue=Case(
                    When(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff), then=True),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Open suggestions and the latest read of each page (programmes/sources/admin.py).
        extra_context = extra_context or {}
        pk = object_pk(object_id)
        programme = Programme.objects.filter(pk=pk).first() if pk is not None else None
        if programme is not None and request.user.has_perm("programmes.view_suggestion"):
            panel = admin_sources.programme_panel(programme)
            panel["can_decide"] = admin_sources._can_decide(request)
            extra_context["sources_panel"] = panel
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # The status field went through the form: record (or clear) the archive date with it.
        if "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial.get("status", Status.DRAFT) if change else Status.DRAFT
            obj.set_status(new_status)
        super().save_model(request, obj, form, change)

    @admin.display(description="fees (home / international)", ordering="fee_home")
    def fees(self, obj):
        def gbp(value):
            return "—" if value is None else fees.money(value)

        if obj.fee_home is None and obj.fee_international is None:
            return None  # the admin's empty-value dash
        covers = fees.COVERS.get(obj.fee_period, "(period not stated)")
        return f"{gbp(obj.fee_home)} / {gbp(obj.fee_international)} {covers}"

    @admin.display(boolean=True, description="needs verification", ordering="verification_overdue")
    def verification_due(self, obj):
        return obj.verification_overdue

    @admin.action(permissions=["change"], description="Publish selected %(verbose_name_plural)s")
    def publish(self, request, queryset):
        self.set_status(
            request,
            queryset,
            Status.PUBLISHED,
            done="published",
            log_message="Published with the bulk action.",
        )

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("programmes.export_programme")

    @admin.action(permissions=["export"], description="Export selected as CSV")
    def export_csv(self, request, queryset):
        """The same streaming writer as /staff/export/programmes.csv, for the ticked rows."""
        return exports.csv_response(
            request, queryset.order_by("title", "pk"), name="programmes-selected"
        )

    @admin.action(permissions=["change"], description="Mark selected programmes as verified today")
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()

        def change(obj):
            if obj.last_verified == today:
                return False
            obj.last_verified = today
            return True

        self.change_rows(
            request,
            queryset,
            change=change,
            fields=["last_verified"],
            done="marked as verified today",
            unchanged="already verified today",
            log_message=f"Marked as verified on {today.isoformat()} with the bulk action.",
        )


@admin.register(Guide)
class GuideAdmin(EditorialAdmin):
    form = GuideAdminForm
    list_display = ["title", "status", "published_at", "updated"]
    list_filter = ["status", "topics"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "universities", "programmes"]
    readonly_fields = ["reading_minutes", "created", "updated"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish", "archive", "delete_selected"]

    def changelist_view(self, request, extra_context=None):
        problem = bad_date_hierarchy(request, "published_at")
        if problem:
            return HttpResponseBadRequest(f"Not a date to list guides by: {problem}.")
        return super().changelist_view(request, extra_context)

    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "author"]}),
        ("Body", {"fields": ["body", "reading_minutes"]}),
        ("Related", {"fields": ["topics", "universities", "programmes"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "created", "updated"],
                "description": "The published date is set to today when a guide is published "
                "without one.",
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "programmes":
            # The selected programmes are shown as str(programme), which names the university.
            kwargs["queryset"] = Programme.objects.select_related("university")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The stored HTML, table of contents and reading time follow the Markdown body.
        obj.render_body()
        super().save_model(request, obj, form, change)

    @admin.action(permissions=["change"], description="Publish selected %(verbose_name_plural)s")
    def publish(self, request, queryset):
        today = timezone.localdate()

        def change(obj):
            if obj.status == Status.PUBLISHED and obj.published_at is not None:
                return False
            obj.status = Status.PUBLISHED
            obj.published_at = obj.published_at or today
            obj.render_body()  # never publish stale or missing HTML
            return True

        self.change_rows(
            request,
            queryset,
            change=change,
            fields=[
                "status",
                "published_at",
                "body_html",
                "toc_html",
                "reading_minutes",
                "rendered_from",
            ],
            done="published",
            unchanged="already published",
            log_message="Published with the bulk action.",
        )


# ----- reference figures and funding ------------------------------------------------------


class NeedsCheckFilter(admin.SimpleListFilter):
    """Past its end date, or not checked against the official page for 12 months."""

    title = "needs a check"
    parameter_name = "check"

    def lookups(self, request, model_admin):
        return [("needed", "Past its end date or not checked for 12 months")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needing_a_check(timezone.localdate())
        return queryset


SOURCE_FIELDS = ("Source", {"fields": ["source_url", "source_kind", "source_read", "verified_on",
                                       "confidence", "notes"]})  # fmt: skip


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "amount_gbp", "unit", "effective_from", "effective_to", "checked_on"]
    list_filter = [NeedsCheckFilter, "source_kind", "confidence"]
    search_fields = ["key", "label"]
    fieldsets = [
        (None, {"fields": ["key", "label", ("amount_gbp", "unit", "max_units"), "applies_to",
                           ("effective_from", "effective_to")]}),
        SOURCE_FIELDS,
    ]  # fmt: skip


@admin.register(ReferenceRule)
class ReferenceRuleAdmin(admin.ModelAdmin):
    list_display = ["statement", "effective_from", "effective_to", "checked_on"]
    list_filter = [NeedsCheckFilter, "source_kind"]
    fieldsets = [
        (None, {"fields": ["key", "statement", ("effective_from", "effective_to")]}),
        SOURCE_FIELDS,
    ]  # fmt: skip


@admin.register(FundingScheme)
class FundingSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "kind", "current", "checked_on"]
    list_filter = ["current", "kind", *FundingScheme.WHO_FIELDS.values()]
    search_fields = ["name", "provider", "who"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["universities", "programmes", "topics"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "provider", "kind", "current"]}),
        ("Who can apply", {"fields": ["who", tuple(FundingScheme.WHO_FIELDS.values())]}),
        ("What it gives", {"fields": ["covers", "amount", "deadline"]}),
        ("Where it applies", {"fields": ["universities", "programmes", "topics"],
                              "description": "Programme and university pages list the schemes "
                                             "linked here (directly or through a topic)."}),
        SOURCE_FIELDS,
    ]  # fmt: skip
