"""The editors' review queue: facts read from official pages and visitors' corrections.

Admin → Suggestions lists open suggestions (the programme, the field, the current and the
proposed value with its fee period and year, the quote, the page and when it was read) with
Accept and Dismiss on every row. A suggestion's own page shows the same with room to read, and
is where a conflict (the field changed since the suggestion was made) is shown with both values
for the editor to choose. "Accept all" takes every open suggestion of one programme when none
of them conflict. Deciding needs ``programmes.change_suggestion`` and, to accept,
``programmes.change_programme`` (Editors have both; Staff exporters neither).
"""

from __future__ import annotations

from contextlib import suppress

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portal.redirects import safe_next
from programmes.admin_site import object_pk
from programmes.fees import money
from programmes.models import (
    FeePeriod,
    LeadStatus,
    PageKind,
    PageRead,
    Programme,
    ProgrammeLead,
    Suggestion,
    SuggestionOrigin,
    SuggestionStatus,
)

from . import discover
from . import services as sources
from .extract import FEE_FIELDS


class DecisionFilter(admin.SimpleListFilter):
    """Open suggestions by default: the queue is what is left to decide."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*SuggestionStatus.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or SuggestionStatus.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or SuggestionStatus.OPEN
        if value == "all":
            return queryset
        if value in SuggestionStatus.values:
            return queryset.filter(status=value)
        return queryset.filter(status=SuggestionStatus.OPEN)  # junk in the URL: the queue


def proposed_text(suggestion: Suggestion) -> str:
    value = suggestion.value
    if suggestion.field in FEE_FIELDS:
        with suppress(ValueError):  # a visitor's free text stays as typed
            value = money(int(value))
        period = FeePeriod(suggestion.period).label if suggestion.period else "period not stated"
        return f"{value} ({period}, {suggestion.year or 'year not stated'})"
    return value


def current_text(programme: Programme, field_name: str) -> str:
    value = sources.current_value(programme, field_name)
    if not value:
        return "not recorded"
    if field_name in FEE_FIELDS:
        period = (
            FeePeriod(programme.fee_period).label if programme.fee_period else "period not stated"
        )
        return f"{money(int(value))} ({period}, {programme.fee_year or 'year not stated'})"
    return value


def _can_decide(request) -> bool:
    return request.user.has_perm("programmes.change_suggestion") and request.user.has_perm(
        "programmes.change_programme"
    )


def _accepted_message(suggestion: Suggestion, programme: Programme) -> str:
    return (
        f"Accepted: {suggestion.get_field_display().lower()} of {programme} is now "
        f"{proposed_text(suggestion)}. The public page shows it now. Marking the programme "
        "verified is still up to you."
    )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    # Few, dense columns so the buttons stay on screen at 1280 px beside the filters.
    # The decision comes right after the values, so it is on screen on a phone too.
    list_display = ["field_name", "change", "decide", "programme_link", "quote_excerpt", "source"]
    list_display_links = None  # the columns carry their own links
    list_filter = [DecisionFilter, "origin", "field"]
    list_select_related = ["programme__university", "read__page"]
    search_fields = ["programme__title", "programme__university__name", "quote", "value"]
    list_per_page = 50
    actions = ["accept_selected", "dismiss_selected"]
    change_form_template = "admin/programmes/suggestion/review.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme__university", "read__page")

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Suggestions to review", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # suggestions come from pages and visitors, never typed in

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", wrap(self.accept_view), name="programmes_suggestion_accept"),
            path(
                "<int:pk>/dismiss/", wrap(self.dismiss_view), name="programmes_suggestion_dismiss"
            ),
            path(
                "accept-all/<int:programme_id>/",
                wrap(self.accept_all_view),
                name="programmes_suggestion_accept_all",
            ),
            *super().get_urls(),
        ]

    # ----- columns -----

    @admin.display(description="programme", ordering="programme__title")
    def programme_link(self, obj):
        url = reverse("admin:programmes_programme_change", args=[obj.programme_id])
        return format_html('<a href="{}">{}</a>', url, obj.programme)

    @admin.display(description="fact", ordering="field")
    def field_name(self, obj):
        return obj.get_field_display()

    @admin.display(description="current → proposed")
    def change(self, obj):
        review = reverse("admin:programmes_suggestion_change", args=[obj.pk])
        return format_html(
            '{} → <a href="{}"><strong>{}</strong></a>',
            current_text(obj.programme, obj.field),
            review,
            proposed_text(obj),
        )

    @admin.display(description="quote")
    def quote_excerpt(self, obj):
        text = obj.quote if len(obj.quote) <= 160 else obj.quote[:157] + "…"
        return format_html("<q>{}</q>", text)

    @admin.display(description="from", ordering="created")
    def source(self, obj):
        moment = obj.read.read_at if obj.read else obj.created
        when = timezone.localtime(moment).strftime("%-d %b %Y %H:%M")
        label = "read" if obj.origin == SuggestionOrigin.PAGE else "visitor report"
        if not obj.source_url:
            return f"{label}, {when}"
        shown = obj.source_url.split("://", 1)[-1]
        shown = shown if len(shown) <= 48 else shown[:45] + "…"
        page = obj.read.page if obj.read else None
        if page is not None and page.kind == PageKind.LINKED:
            label = f"{label} on the page the course page links as “{page.link_text}”"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a><br>{}, {}',
            obj.source_url,
            shown,
            label,
            when,
        )

    @admin.display(description="decide")
    def decide(self, obj):
        if obj.status != SuggestionStatus.OPEN:
            return obj.get_status_display()
        # Buttons of the changelist's own form (it carries the CSRF token): formaction sends
        # the click to the accept or dismiss URL, so the queue needs no script and no nesting.
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="decision" '
            'value="accept" aria-label="Accept {} for {}">Accept</button> '
            '<button type="submit" class="button" formaction="{}" name="decision" '
            'value="dismiss" aria-label="Dismiss {} for {}">Dismiss</button>',
            reverse("admin:programmes_suggestion_accept", args=[obj.pk]),
            obj.get_field_display().lower(),
            obj.programme.full_title,
            reverse("admin:programmes_suggestion_dismiss", args=[obj.pk]),
            obj.get_field_display().lower(),
            obj.programme.full_title,
        )

    # ----- decisions -----

    def _decide_or_403(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not _can_decide(request):
            raise PermissionDenied
        return None

    def accept_view(self, request, pk: int):
        refused = self._decide_or_403(request)
        if refused:
            return refused
        suggestion = get_object_or_404(Suggestion.objects.select_related("programme"), pk=pk)
        queue = reverse("admin:programmes_suggestion_changelist")
        try:
            programme = sources.accept(suggestion, user=request.user)
        except sources.Conflict as exc:
            # Nothing saved: show both values on the suggestion's page and let the editor choose.
            messages.warning(request, str(exc))
            return redirect("admin:programmes_suggestion_change", pk)
        except sources.InvalidValue as exc:
            messages.error(request, f"Not accepted: {exc}. Edit the programme by hand instead.")
            return redirect(safe_next(request, queue))
        except ValidationError as exc:  # a value the model refuses (full_clean)
            messages.error(request, f"Not accepted: {'; '.join(exc.messages)}")
            return redirect(safe_next(request, queue))
        messages.success(request, _accepted_message(suggestion, programme))
        return redirect(safe_next(request, queue))

    def dismiss_view(self, request, pk: int):
        refused = self._decide_or_403(request)
        if refused:
            return refused
        suggestion = get_object_or_404(Suggestion, pk=pk)
        if sources.dismiss(suggestion, user=request.user):
            messages.success(
                request,
                f"Dismissed: {proposed_text(suggestion)} for {suggestion.get_field_display()} "
                "will not be proposed again from that page.",
            )
        else:
            messages.warning(request, "That suggestion was already decided.")
        return redirect(safe_next(request, reverse("admin:programmes_suggestion_changelist")))

    def accept_all_view(self, request, programme_id: int):
        refused = self._decide_or_403(request)
        if refused:
            return refused
        programme = get_object_or_404(Programme, pk=programme_id)
        fallback = reverse("admin:programmes_programme_change", args=[programme_id])
        open_ones = list(programme.suggestions.open().order_by("pk"))
        if not open_ones:
            messages.info(request, "There are no open suggestions for this programme.")
            return redirect(safe_next(request, fallback))
        conflicts = sources.conflicting_fields(open_ones)
        if conflicts:
            messages.error(
                request,
                "Nothing was accepted: these facts have suggestions that disagree: "
                + ", ".join(sorted(conflicts))
                + ". Decide them one by one.",
            )
            return redirect(safe_next(request, fallback))
        try:
            with transaction.atomic():
                for suggestion in open_ones:
                    sources.accept(suggestion, user=request.user)
        except (sources.Conflict, sources.InvalidValue) as exc:
            messages.error(request, f"Nothing was accepted: {exc}")
            return redirect(safe_next(request, fallback))
        messages.success(
            request,
            f"Accepted {len(open_ones)} suggestion(s) for {programme}. Marking the programme "
            "verified is still up to you.",
        )
        return redirect(safe_next(request, fallback))

    @admin.action(permissions=["change"], description="Accept selected suggestions")
    def accept_selected(self, request, queryset):
        if not request.user.has_perm("programmes.change_programme"):
            raise PermissionDenied
        accepted, refused = 0, []
        for suggestion in queryset.filter(status=SuggestionStatus.OPEN).order_by("pk"):
            try:
                sources.accept(suggestion, user=request.user)
                accepted += 1
            except (sources.Conflict, sources.InvalidValue) as exc:
                refused.append(str(exc))
        self.message_user(request, f"{accepted} suggestion(s) accepted.", messages.SUCCESS)
        for message in refused[:10]:
            self.message_user(request, f"Not accepted: {message}", messages.WARNING)

    @admin.action(permissions=["change"], description="Dismiss selected suggestions")
    def dismiss_selected(self, request, queryset):
        open_ones = queryset.filter(status=SuggestionStatus.OPEN)
        count = sum(sources.dismiss(s, user=request.user) for s in open_ones)
        self.message_user(request, f"{count} suggestion(s) dismissed.", messages.SUCCESS)

    # ----- the review page (the change view, read-only) -----

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pk = object_pk(object_id)
        if pk is None:
            raise Http404("No suggestion at this address.")
        suggestion = get_object_or_404(
            Suggestion.objects.select_related("programme__university", "read__page", "decided_by"),
            pk=pk,
        )
        if not self.has_view_or_change_permission(request, suggestion):
            raise PermissionDenied
        programme = suggestion.programme
        if request.method == "POST":
            if not _can_decide(request):
                raise PermissionDenied
            if request.POST.get("decision") == "overwrite":
                try:
                    programme = sources.accept(suggestion, user=request.user, overwrite=True)
                except sources.InvalidValue as exc:
                    messages.error(request, f"Not accepted: {exc}.")
                else:
                    messages.success(request, _accepted_message(suggestion, programme))
                    return redirect("admin:programmes_suggestion_changelist")
            elif request.POST.get("decision") == "dismiss":
                return self.dismiss_view(request, suggestion.pk)
            suggestion.refresh_from_db()
        now = sources.current_value(programme, suggestion.field)
        changed_since = (
            suggestion.status == SuggestionStatus.OPEN and now != suggestion.value_when_made
        )
        others = programme.suggestions.open().exclude(pk=suggestion.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{suggestion.get_field_display()} for {programme}",
            "suggestion": suggestion,
            "programme": programme,
            "current": current_text(programme, suggestion.field),
            "proposed": proposed_text(suggestion),
            "changed_since": changed_since,
            "last_editor": sources._last_editor(programme) if changed_since else "",
            "can_decide": _can_decide(request),
            "other_open": others.count(),
            "original": suggestion,
            "is_visitor": suggestion.origin == SuggestionOrigin.VISITOR,
        }
        return TemplateResponse(request, self.change_form_template, context)


# ----- on the programme's change page ------------------------------------------------------


def programme_panel(programme: Programme) -> dict:
    """Open suggestions and the latest read of each page, for the programme change page."""
    suggestions = list(
        programme.suggestions.open().select_related("read").order_by("field", "-created")
    )
    pages = list(programme.pages.order_by("kind", "url"))
    latest: dict[int, PageRead] = {}
    for read in PageRead.objects.filter(page__in=pages).order_by("page_id", "-read_at", "-pk"):
        latest.setdefault(read.page_id, read)
    return {
        "open_suggestions": [
            {"s": s, "current": current_text(programme, s.field), "proposed": proposed_text(s)}
            for s in suggestions
        ],
        "conflicts": sorted(sources.conflicting_fields(suggestions)),
        "pages": [{"page": p, "read": latest.get(p.pk)} for p in pages],
    }


@admin.register(ProgrammeLead)
class ProgrammeLeadAdmin(admin.ModelAdmin):
    """Programmes the catalogue lacks, found by ``discover_programmes``: accept makes a draft."""

    list_display = ["title", "award", "university", "page", "matched", "status", "created"]
    list_filter = ["status", "university"]
    search_fields = ["title", "url", "matched"]
    list_select_related = ["university", "programme"]
    readonly_fields = [
        "university",
        "url",
        "title",
        "award",
        "matched",
        "lead",
        "found_on",
        "status",
        "programme",
        "created",
        "decided_at",
        "decided_by",
    ]
    actions = ["accept_leads", "dismiss_leads"]

    def has_add_permission(self, request):
        return False  # leads come from discover_programmes; add a programme by hand instead

    def has_delete_permission(self, request, obj=None):
        return False  # a dismissed lead is what keeps its address from being proposed again

    @admin.display(description="page")
    def page(self, obj):
        shown = obj.url.split("://", 1)[-1]
        shown = shown if len(shown) <= 48 else shown[:45] + "…"
        return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', obj.url, shown)

    @admin.action(description="Accept: make a draft programme of each", permissions=["change"])
    def accept_leads(self, request, queryset):
        if not request.user.has_perm("programmes.add_programme"):
            raise PermissionDenied
        made = []
        for lead in queryset.filter(status=LeadStatus.OPEN).select_related("university"):
            try:
                programme = discover.accept_lead(lead, user=request.user)
            except ValidationError as exc:
                messages.error(request, f"{lead.title}: not accepted: {'; '.join(exc.messages)}")
                continue
            made.append(programme)
        if made:
            names = ", ".join(str(p) for p in made)
            messages.success(
                request, f"{len(made)} draft programme(s) made: {names}. Fill in and publish."
            )

    @admin.action(description="Dismiss: never propose these pages again", permissions=["change"])
    def dismiss_leads(self, request, queryset):
        leads = list(queryset.filter(status=LeadStatus.OPEN))
        for lead in leads:
            discover.dismiss_lead(lead, user=request.user)
        messages.success(request, f"{len(leads)} lead(s) dismissed.")
