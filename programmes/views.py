"""Public, server-rendered pages. Views stay thin: reads live in selectors.py."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.page_cache import Validated, cached, not_stored, public_page
from portal.redirects import safe_next
from portal.same_origin import require_same_origin

from . import calendars, costs, eligibility, exports, fees, search, selectors, seo, shortlist
from . import compare as compare_module
from .filters import (
    HIDE_UNRECORDED,
    MATCH_ALL,
    MATCH_ANY,
    MAX_QUERY_LENGTH,
    ProgrammeFilter,
    filter_options,
)
from .models import Guide, Mode, Nation, Programme, Status, Topic, University


def page_number(raw: str | None, num_pages: int) -> int:
    """A usable page number from any input: junk or < 1 gives 1, past the end gives the last."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(num_pages, 1))


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    featured = selectors.programme_cards(Programme.objects.published().order_by("-updated", "pk"))[
        :6
    ]
    return render(
        request,
        "programmes/home.html",
        {
            "featured": list(featured),
            "topics": list(selectors.topics_with_counts()),
            "programme_count": Programme.objects.published().count(),
            "guides": list(
                Guide.objects.published()
                .only("title", "slug", "body", "rendered_from", "reading_minutes", "published_at")
                .order_by("-published_at", "title")[:4]
            ),
        },
    )


def _understood(request: HttpRequest, filterset: ProgrammeFilter, params: QueryDict):
    """A redirect to the filters a search's words name ("Edinburgh online": the university and
    the online mode), the other words kept as the search; None when they name none."""
    text = filterset.search_text
    if not text or params.get("as_typed") or params.get("read_from"):
        return None
    vocabulary = cached(request, "place-words-2", build=search.load_vocabulary)
    understood = search.understand(text, vocabulary)
    if not understood:
        return None
    target = params.copy()
    target.pop("page", None)
    target.pop("sort", None)
    if understood.text:
        target["q"] = understood.text
    else:
        target.pop("q", None)
    for name, value in understood.params:
        if name == "city":
            target.setdefault(name, value)
        elif value not in target.getlist(name):
            target.appendlist(name, value)
    target["read_from"] = text
    response = redirect(f"{reverse('programme_list')}?{target.urlencode()}")
    not_stored(response)
    return response


def _reading(request: HttpRequest, params: QueryDict) -> dict:
    """How the list read a search's words (for the note above the results), or {}."""
    read_from = params.get("read_from")
    if not read_from:
        return {}
    vocabulary = cached(request, "place-words-2", build=search.load_vocabulary)
    understood = search.understand(read_from, vocabulary)
    return {
        "read_from": read_from,
        "read_as": understood.read_as,
        "read_notes": understood.notes,
        "read_nearby": understood.nearby,
        "query_as_typed": urlencode({"q": read_from, "as_typed": "1"}),
    }


def _with(query: QueryDict, **values: str) -> str:
    """``query`` with ``values`` set, encoded."""
    changed = query.copy()
    for name, value in values.items():
        changed[name] = value
    return changed.urlencode()


@dataclass(frozen=True)
class ListInput:
    """The list page's validated input."""

    filterset: ProgrammeFilter
    params: QueryDict  # the canonical parameters (as typed when they have errors)
    requested: int  # the page number asked for


def _guessed_list_state(request: HttpRequest) -> tuple:
    """Most addresses are the site's own links: found without validating (no database read)."""
    requested = page_number(request.GET.get("page"), MAX_PAGE)
    return (*ProgrammeFilter.likely_params(request.GET), ("page", requested))


def _validated_list(request: HttpRequest) -> Validated:
    requested = page_number(request.GET.get("page"), MAX_PAGE)
    options = cached(request, "filter-options-2", build=filter_options)
    filterset = ProgrammeFilter(request.GET or None, options=options)
    if filterset.is_bound and not filterset.is_valid():
        # Shown back with its errors, as typed: rendered for this request only.
        return Validated(None, ListInput(filterset, request.GET, requested))
    # Rendered from the filters as validated, never the raw query: every address that means
    # the same list gets the same page (and the same cache entry).
    pairs = filterset.url_params()
    params = QueryDict(mutable=True)
    for name, value in pairs:
        params.appendlist(name, value)
    typed = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    if typed != pairs:  # links on the site are canonical already: no second validation
        filterset = ProgrammeFilter(params or None, options=options)
    return Validated((*pairs, ("page", requested)), ListInput(filterset, params, requested))


def _emptied_by(filterset: ProgrammeFilter, chips: list) -> list[tuple[object, int]]:
    """For an empty list: each active filter with how many programmes show without it (one
    count per filter, only on an empty page), those that would show most first."""
    options = filterset.university_options_pair()
    counted = [
        (chip, ProgrammeFilter(QueryDict(chip.remove_query), options=options).qs.count())
        for chip in chips
    ]
    return sorted(counted, key=lambda pair: -pair[1])


@public_page(_validated_list, guess=_guessed_list_state)
def programme_list(request: HttpRequest, valid: ListInput) -> HttpResponse:
    filterset, params, requested = valid.filterset, valid.params, valid.requested
    understood = _understood(request, filterset, params)
    if understood is not None:
        return understood
    listing = selectors.programme_listing(filterset=filterset, page=requested)
    query = filterset.search_query
    loosened = query.loosened() if query is not None else None
    if not listing.count and loosened is not query and not params.get("match"):
        # Never a dead end: no programme matches every word, so show those matching some.
        loose = params.copy()
        loose["match"] = MATCH_ANY
        loose.pop("page", None)
        if ProgrammeFilter(loose, options=filterset.university_options_pair()).qs.exists():
            response = redirect(f"{reverse('programme_list')}?{loose.urlencode()}")
            not_stored(response)
            return response
    page = listing.page
    assert page is not None  # a page was asked for
    active_filters = filterset.active_filter_count()
    query = params.copy()
    query.pop("page", None)
    shown = query.copy()
    if page.number > 1:
        shown["page"] = str(page.number)
    here = reverse("programme_list") + (f"?{shown.urlencode()}" if shown else "")
    hiding, showing = query.copy(), query.copy()
    hiding["unrecorded"] = HIDE_UNRECORDED
    showing.pop("unrecorded", None)
    chips = filterset.chips()
    cards = list(page.object_list)
    mine = filterset.mine()
    for card in cards:
        card.checks = eligibility.checks(card, mine)
    response = render(
        request,
        "programmes/programme_list.html",
        {
            "search": _search_notes(
                request,
                filterset.search_text,
                listing.count,
                "programme_list",
                params,
                parsed=filterset.search_query,
            ),
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "matched": listing.matched,
            "unrecorded": listing.unrecorded,
            "unrecorded_nouns": listing.unrecorded_nouns,
            "matched_cards": [card for card in cards if not getattr(card, "unrecorded", 0)],
            "unrecorded_cards": [card for card in cards if getattr(card, "unrecorded", 0)],
            "hiding_unrecorded": query.get("unrecorded") == HIDE_UNRECORDED,
            "query_hiding_unrecorded": hiding.urlencode(),
            "query_showing_unrecorded": showing.urlencode(),
            "matching_some_words": params.get("match") == MATCH_ANY,
            **_reading(request, params),
            "query_every_word": _with(query, match=MATCH_ALL),
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "counts": listing.counts,
            "university_facet": filterset.university_facet(listing.counts["university"]),
            "nations": Nation.choices,
            "query_without_page": query.urlencode(),
            "here": here,
            "active_filters": active_filters,
            "chips": chips,
            # Filtered to part-time study: cards show the part-time length (fees stay the
            # full-time ones the catalogue records, and say so).
            "part_time_only": filterset.selected("mode") == [Mode.PART_TIME],
            "emptied_by": _emptied_by(filterset, chips) if not listing.count else [],
            "fee_sorted": filterset.fee_sorted,
            "fee_basis": fees.BASIS_EXPLAINED,
            "canonical_url": seo.absolute_url(request, seo.list_canonical_path(shown)),
            "noindex": active_filters > 2 or (page.number > 1 and active_filters > 0),
            "selected": {
                name: set(params.getlist(name))
                for name in ("topic", "nation", "region", "award", "mode")
            },
            "crumbs": [("Programmes", None)],
        },
    )
    if page.number != requested:
        not_stored(response)  # past the end: shows the last page
    return response


# Page numbers beyond this are read as this (and then as the last page).
MAX_PAGE = 100_000


def _validated_filters(request: HttpRequest) -> Validated:
    options = cached(request, "filter-options-2", build=filter_options)
    filterset = ProgrammeFilter(request.GET or None, options=options)
    # Refused values are named on the page: such a page is rendered for this request only.
    state = filterset.url_params() if not filterset.is_bound or filterset.is_valid() else None
    return Validated(state, filterset)


@public_page(_validated_filters)
def programme_universities(request: HttpRequest, valid: ProgrammeFilter) -> HttpResponse:
    """Every university with its matches for the list's other filters: the list page's
    university facet shows only the top few, and links here for the rest."""
    filterset = valid
    listing = selectors.programme_listing(filterset=filterset, page=None)
    list_query = urlencode(listing.params)
    list_url = reverse("programme_list") + (f"?{list_query}" if list_query else "")
    context = {
        "form": filterset.form,
        "universities": filterset.university_choices(listing.counts["university"]),
        "count": listing.count,
        "active_filters": filterset.active_filter_count(),
        "list_url": list_url,
        "canonical_url": seo.absolute_url(request, reverse("programme_universities")),
        # A helper for choosing filters; /universities/ is the page for search engines.
        "noindex": True,
        "crumbs": [("Programmes", list_url), ("Universities", None)],
    }
    return render(request, "programmes/programme_universities.html", context)


SITE_SEARCH_PROGRAMMES = 10
# A search with fewer results than this also offers "Did you mean …?" when a word looks misspelt.
SUGGEST_BELOW = 3


def _search_notes(
    request: HttpRequest, text: str, count: int, url_name: str, params, *, parsed=None
) -> dict:
    """What the results page says about the search itself: words left out, nothing to search
    for, and a "Did you mean …?" link (to the same page, other parameters kept)."""
    if not text:
        return {}
    if parsed is None:
        parsed = search.parse(text, search.synonyms(request))
    notes = {"text": text, "dropped": parsed.dropped, "no_words": not parsed}
    if parsed and count < SUGGEST_BELOW:
        suggestion = search.suggest(text, request=request)
        if suggestion:
            params = params.copy()
            for name in ("page", "sort"):
                params.pop(name, None)
            params["q"] = suggestion
            notes["suggestion"] = suggestion
            notes["suggestion_url"] = f"{reverse(url_name)}?{params.urlencode()}"
    return notes


@dataclass(frozen=True)
class SearchInput:
    raw: str
    text: str  # the words searched for ("" when refused)
    error: str


def _validated_search(request: HttpRequest) -> Validated:
    raw = request.GET.get("q", "")
    # Control characters (NUL, bidi overrides stay: they are text) are never part of a word.
    text = " ".join("".join(c for c in raw if c.isprintable() or c.isspace()).split())
    error = ""
    if len(raw) > MAX_QUERY_LENGTH:
        error = f"Searches can be at most {MAX_QUERY_LENGTH} characters long; yours has {len(raw)}."
        text = ""
    return Validated(None if error else (("q", text),), SearchInput(raw, text, error))


@public_page(_validated_search)
def site_search(request: HttpRequest, valid: SearchInput) -> HttpResponse:
    """Programmes (the best few), guides, universities and topics matching ``q``."""
    raw, text, error = valid.raw, valid.text, valid.error
    results = None
    if text:
        results = selectors.site_search(text=text, limit=SITE_SEARCH_PROGRAMMES, request=request)
    total = 0 if results is None else results["total"]
    context = {
        "q": text if not error else raw[:MAX_QUERY_LENGTH],
        "error": error,
        "results": results,
        "search": _search_notes(request, text, total, "site_search", QueryDict(mutable=True)),
        "list_url": f"{reverse('programme_list')}?{urlencode({'q': text})}",
        "noindex": True,
        "crumbs": [("Search", None)],
    }
    return render(request, "programmes/search.html", context)


def _reference_figures(request: HttpRequest) -> costs.Figures:
    """The cost figures and rules, kept with the catalogue (a changed figure bumps it)."""
    return cached(request, "reference-figures", build=costs.Figures.load)


def _what_it_costs(request: HttpRequest, programme: Programme, form: costs.CostForm) -> dict:
    """The "What it costs" section for the fee status and home nation chosen (both when none)."""
    chosen = getattr(form, "cleaned_data", {})
    status, nation = chosen.get("fee_status", ""), chosen.get("home_nation", "")
    figures = _reference_figures(request)
    today = timezone.localdate()
    nations = [nation] if nation else [key for key, _ in costs.HOME_NATIONS]
    loans_on = costs.course_start(programme) or today
    return {
        "cost_form": form,
        "fee_status": status,
        "international": (
            costs.international(programme, figures, today) if status != "home" else None
        ),
        "home": (
            costs.home(programme, figures, nations, loans_on) if status != "international" else None
        ),
        "schemes": selectors.schemes_for(programme=programme),
    }


@dataclass(frozen=True)
class DetailInput:
    eligibility: eligibility.EligibilityForm
    cost: costs.CostForm


def _validated_detail(request: HttpRequest, *args: str, **kwargs: str) -> Validated:
    """The student's answers (``my_ielts``, ``my_degree``, ``fee_status``, ``home_nation``):
    the page is kept per valid set (junk parameters make no new entries); a refused value is
    shown back, never kept."""
    forms_ = DetailInput(eligibility.EligibilityForm(request.GET), costs.CostForm(request.GET))
    if not (forms_.eligibility.is_valid() and forms_.cost.is_valid()):
        return Validated(None, forms_)
    mine = forms_.eligibility.mine()
    state = (
        ("my_ielts", str(mine.ielts or "")),
        ("my_degree", mine.degree),
        ("fee_status", forms_.cost.cleaned_data["fee_status"]),
        ("home_nation", forms_.cost.cleaned_data["home_nation"]),
    )
    return Validated(state, forms_)


@public_page(_validated_detail)
def programme_detail(
    request: HttpRequest,
    university_slug: str,
    programme_slug: str,
    valid: DetailInput,
) -> HttpResponse:
    programme = selectors.programme_for_reader(
        university_slug=university_slug, programme_slug=programme_slug
    )
    crumbs = [
        ("Programmes", reverse("programme_list")),
        (programme.university.name, programme.university.get_absolute_url()),
        (programme.full_title, None),
    ]
    if programme.status == Status.ARCHIVED:
        # The address once held a real programme: say so (410 Gone), and where to go next.
        similar = selectors.similar_programmes(
            programme=programme
        ) or selectors.published_at_university(university=programme.university)
        return render(
            request,
            "programmes/programme_gone.html",
            {"programme": programme, "similar": similar, "crumbs": crumbs},
            status=410,
        )
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "similar": selectors.similar_programmes(programme=programme),
            "guides": selectors.related_guides(programme=programme),
            "crumbs": crumbs,
            "fee_kinds": list(fees.KINDS.items()),
            "json_ld": seo.programme_json_ld(request, programme, crumbs),
            "eligibility_form": valid.eligibility,
            "only_own_sources": all(source.kind == "own" for source in programme.sources),
            "today": timezone.localdate(),
            "checks": eligibility.checks(programme, valid.eligibility.mine()),
            **_what_it_costs(request, programme, valid.cost),
        },
    )


@public_page()
def university_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/university_list.html",
        {
            "universities": list(selectors.universities_with_counts()),
            "crumbs": [("Universities", None)],
        },
    )


# University and topic pages show this many cards, then link to the list (which paginates), so
# a page's size does not grow with the catalogue.
FIRST_CARDS = 12


def _first_cards(published, list_url: str) -> dict:
    return {
        "programmes": list(
            selectors.programme_cards(published.order_by("title", "pk"))[:FIRST_CARDS]
        ),
        "programme_count": published.count(),
        "list_url": list_url,
    }


@public_page()
def university_detail(request: HttpRequest, slug: str) -> HttpResponse:
    university = get_object_or_404(University, slug=slug)
    published = university.programmes.published()
    return render(
        request,
        "programmes/university_detail.html",
        {
            "university": university,
            **_first_cards(published, f"{reverse('programme_list')}?university={slug}"),
            "crumbs": [("Universities", reverse("university_list")), (university.name, None)],
        },
    )


@public_page()
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    cards = _first_cards(topic.programmes.published(), f"{reverse('programme_list')}?topic={slug}")
    return render(
        request,
        "programmes/topic_detail.html",
        {
            "topic": topic,
            **cards,
            "nearest_topics": [] if cards["programmes"] else selectors.nearest_topics(topic),
            "guides": selectors.related_guides(topic=topic),
            "crumbs": [("Programmes", reverse("programme_list")), (topic.name, None)],
        },
    )


@public_page()
def about_data(request: HttpRequest) -> HttpResponse:
    """Where facts come from, what "verified" means, and how complete the catalogue is."""

    published, verified, rows = selectors.catalogue_completeness()
    return render(
        request,
        "programmes/about_data.html",
        {
            "published": published,
            "verified": verified,
            "rows": rows,
            "source_figures": selectors.source_figures(),
            "fee_basis": fees.BASIS_EXPLAINED,
            "crumbs": [("About our data", None)],
        },
    )


class FundingForm(forms.Form):
    who = forms.ChoiceField(
        label="Who you are",
        choices=[
            ("", "Anyone"),
            ("england", "Home student from England"),
            ("wales", "Home student from Wales"),
            ("scotland", "Home student from Scotland"),
            ("northern-ireland", "Home student from Northern Ireland"),
            ("international", "International student"),
            ("nhs-staff", "NHS staff"),
            ("clinicians", "Clinician or health professional"),
            ("underrepresented", "From a group under-represented in AI"),
        ],
        required=False,
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind")], required=False)


def _validated_funding(request: HttpRequest) -> Validated:
    form = FundingForm(request.GET)
    kinds = cached(request, "funding-kinds", build=selectors.funding_kinds)
    form.fields["kind"].choices = [("", "Any kind"), *((k, k) for k in kinds)]
    if not form.is_valid():
        return Validated(None, form)
    return Validated((("who", form.cleaned_data["who"]), ("kind", form.cleaned_data["kind"])), form)


@public_page(_validated_funding)
def funding(request: HttpRequest, valid: FundingForm) -> HttpResponse:
    """Every funding scheme recorded, filterable by who may apply and kind."""
    chosen = getattr(valid, "cleaned_data", {})
    schemes = list(selectors.funding_list(who=chosen.get("who", ""), kind=chosen.get("kind", "")))
    return render(
        request,
        "programmes/funding.html",
        {
            "form": valid,
            "schemes": schemes,
            "filtered": bool(chosen.get("who") or chosen.get("kind")),
            "crumbs": [("Funding", None)],
        },
    )


# ----- shortlist and comparison ------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _programme_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("programme", "")
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _shortlist_reply(request: HttpRequest, message: str, level: int, ok: bool = True):
    """JSON for site.js; otherwise the visitor's own shortlist page, which says what happened
    and links back to the page they came from."""
    ids = shortlist.get(request.session)
    if _wants_json(request):
        response = JsonResponse(
            {
                "ok": ok,
                "message": message,
                "count": len(ids),
                "ids": ids,
                "compare_url": shortlist.compare_url(ids),
            },
            status=200 if ok else 400,
        )
    else:
        messages.add_message(request, level, message)
        back = safe_next(request, "")
        target = reverse("shortlist")
        response = redirect(f"{target}?{urlencode({'next': back})}" if back else target)
    shortlist.set_cookie(response, ids)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_same_origin
def shortlist_add(request: HttpRequest) -> HttpResponse:
    programme_id = _programme_id(request)
    programme = (
        Programme.objects.published().filter(pk=programme_id).only("title", "award").first()
        if programme_id
        else None
    )
    if programme is None:
        return _shortlist_reply(
            request,
            "That programme could not be found, so nothing was added.",
            messages.ERROR,
            False,
        )
    outcome = shortlist.add(request.session, programme.pk)
    if outcome == "full":
        return _shortlist_reply(
            request,
            f"Your compare list already holds {shortlist.MAX_SHORTLIST} programmes, the most that "
            f"fit side by side. Remove one before adding {programme.full_title}.",
            messages.WARNING,
            False,
        )
    if outcome == "already":
        return _shortlist_reply(
            request, f"{programme.full_title} is already in your compare list.", messages.INFO
        )
    return _shortlist_reply(
        request, f"Added {programme.full_title} to your compare list.", messages.SUCCESS
    )


@require_POST
@require_same_origin
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    programme_id = _programme_id(request)
    if programme_id is None or not shortlist.remove(request.session, programme_id):
        return _shortlist_reply(
            request, "That programme was not in your compare list.", messages.INFO
        )
    return _shortlist_reply(request, "Removed from your compare list.", messages.SUCCESS)


@require_POST
@require_same_origin
def shortlist_clear(request: HttpRequest) -> HttpResponse:
    shortlist.clear(request.session)
    return _shortlist_reply(request, "Your compare list is empty.", messages.SUCCESS)


def shortlist_page(request: HttpRequest) -> HttpResponse:
    """The visitor's own shortlist: what just changed, what is in it, and the way back.

    A personal page (never cached, never indexed); without JavaScript, every add and remove
    lands here.
    """
    ids = shortlist.get(request.session) if settings.SESSION_COOKIE_NAME in request.COOKIES else []
    found = {
        p.pk: p for p in selectors.programme_cards(Programme.objects.published().filter(pk__in=ids))
    }
    programmes = [found[i] for i in ids if i in found]
    response = render(
        request,
        "programmes/shortlist.html",
        {
            "programmes": programmes,
            "compare_url": shortlist.compare_url([p.pk for p in programmes]),
            "calendar_url": _calendar_url(programmes),
            "back_url": safe_next(request, ""),
            "max_shortlist": shortlist.MAX_SHORTLIST,
            "here": request.get_full_path(),
            "noindex": True,
            "crumbs": [("Programmes", reverse("programme_list")), ("Your compare list", None)],
        },
    )
    shortlist.set_cookie(response, ids)
    response["Cache-Control"] = "private, no-store"
    return response


def compare(request: HttpRequest) -> HttpResponse:
    if not request.GET.getlist("p"):
        saved = (
            shortlist.get(request.session)
            if settings.SESSION_COOKIE_NAME in request.COOKIES
            else []
        )
        if saved:
            # The URL alone must reproduce the page, so a shortlist becomes an explicit p list.
            response = redirect(shortlist.compare_url(saved))
            response["Cache-Control"] = "private, no-store"
            return response
    return _compare_page(request)


def _validated_compare(request: HttpRequest) -> Validated:
    selection = compare_module.parse_ids(request.GET.getlist("p"))
    # Values that are not programme numbers are shown back: such pages are not kept.
    return Validated(None if selection.dropped else (("p", tuple(selection.ids)),), selection)


@public_page()
def programme_calendar(
    request: HttpRequest, university_slug: str, programme_slug: str
) -> HttpResponse:
    """The programme's application deadlines as a calendar file (404 when none is recorded)."""
    programme = selectors.published_programme(
        university_slug=university_slug, programme_slug=programme_slug
    )
    if not programme.deadlines:
        raise Http404("No application deadline is recorded for this programme.")
    return _deadline_calendar(
        request, [programme], f"{programme.full_title} deadlines", programme.slug
    )


def _calendar_url(programmes: list[Programme]) -> str:
    """The deadline calendar of these programmes, or "" when none records a deadline."""
    if not any(p.deadlines for p in programmes):
        return ""
    return f"{reverse('compare_calendar')}?{urlencode([('p', p.pk) for p in programmes])}"


def _deadline_calendar(request, programmes, name: str, filename: str) -> HttpResponse:
    content = calendars.deadline_calendar(
        programmes,
        name=name,
        domain=seo.site_domain(request),
        page_url=lambda p: seo.absolute_url(request, p.get_absolute_url()),
    )
    return calendars.calendar_response(content, f"{filename}-deadlines.ics")


@public_page(_validated_compare)
def compare_calendar(request: HttpRequest, valid: compare_module.Selection) -> HttpResponse:
    """The deadlines of the programmes in a compare list (``p`` as on /compare/)."""
    programmes, _ = selectors.programmes_for_compare(ids=valid.ids)
    return _deadline_calendar(request, programmes, "Application deadlines", "compare")


@public_page(_validated_compare)
def _compare_page(request: HttpRequest, valid: compare_module.Selection) -> HttpResponse:
    """The comparison itself: the same for everyone with the same ``p`` values."""
    selection = valid
    programmes, archived = selectors.programmes_for_compare(ids=selection.ids)
    found = {p.pk for p in programmes}
    dropped = list(selection.dropped)
    dropped[:0] = [
        (str(i), archived.get(i) or "is not a published programme")
        for i in selection.ids
        if i not in found
    ]
    ids = [p.pk for p in programmes]
    data = {
        "programmes": programmes,
        "dropped": dropped,
        "fee_basis": fees.BASIS_EXPLAINED,
        "crumbs": [("Programmes", reverse("programme_list")), ("Compare", None)],
        "share_url": seo.absolute_url(request, shortlist.compare_url(ids)),
        "calendar_url": _calendar_url(programmes),
        "here": shortlist.compare_url(ids),
        "remove_urls": [shortlist.compare_url([q for q in ids if q != p]) for p in ids],
    }
    if len(programmes) >= 2:
        figures = _reference_figures(request)
        data["rows"] = compare_module.build_rows(programmes, figures, timezone.localdate())
        data["chart"] = compare_module.build_chart(programmes)
        data["similar_urls"] = [
            f"{reverse('programme_list')}?" + urlencode([("topic", t.slug) for t in p.topics.all()])
            for p in programmes
        ]
    return render(request, "programmes/compare.html", data)


# ----- guides ------------------------------------------------------------------------------


def _validated_guide_topic(request: HttpRequest) -> Validated:
    topic_slug = request.GET.get("topic", "")
    # Only a well-formed slug reaches the database (PostgreSQL rejects e.g. a NUL byte).
    if topic_slug and not slug_re.match(topic_slug):
        topic_slug = "\0"
    return Validated((("topic", topic_slug),), topic_slug)


@public_page(_validated_guide_topic)
def guide_list(request: HttpRequest, valid: str) -> HttpResponse:
    topic_slug = valid
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug != "\0" else None
    topics_with_guides = Topic.objects.filter(guides__status=Status.PUBLISHED).distinct()
    canonical = reverse("guide_list")
    if topic is not None:
        canonical += "?" + urlencode({"topic": topic.slug})
    response = render(
        request,
        "programmes/guide_list.html",
        {
            "guides": list(selectors.guide_list(topic=topic)),
            "topic": topic,
            "unknown_topic": bool(topic_slug) and topic is None,
            "topics": list(topics_with_guides.order_by("name")),
            "canonical_url": seo.absolute_url(request, canonical),
            "crumbs": [("Guides", None)],
        },
    )
    if topic_slug and topic is None:
        not_stored(response)  # a made-up topic creates no entry
    return response


@public_page()
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Staff preview drafts; public_page never keeps what a signed-in user sees.
    guide = selectors.guide_for_reader(slug=slug, user=request.user)
    rendered = guide.rendered()
    if costs.FIGURE_TAG.search(rendered.html):
        figures = _reference_figures(request)
        html = costs.fill_figures(rendered.html, figures, timezone.localdate())
        rendered = dataclasses.replace(rendered, html=html)
    response = render(
        request,
        "programmes/guide_detail.html",
        {
            "guide": guide,
            "rendered": rendered,
            "is_preview": guide.status != Status.PUBLISHED,
            "programmes": selectors.guide_related_programmes(guide=guide),
            "crumbs": [("Guides", reverse("guide_list")), (guide.title, None)],
        },
    )
    if guide.status != Status.PUBLISHED:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response


# ----- staff export ------------------------------------------------------------------------


def export_programmes(request: HttpRequest) -> HttpResponse:
    """Staff-only streaming CSV of the catalogue, filtered by the same parameters as the list."""
    if not request.user.is_authenticated:
        # Not a redirect to the login page: that would say where a moved admin lives.
        raise Http404("No page at this address.")
    if not request.user.has_perm("programmes.export_programme"):
        raise PermissionDenied("You do not have permission to export the catalogue.")
    filterset = ProgrammeFilter(request.GET or None, queryset=Programme.objects.all())
    if request.GET.get("status") in Status.values:
        queryset = filterset.ordered_queryset().filter(status=request.GET["status"])
    elif request.GET.get("status") == "all":
        queryset = filterset.ordered_queryset()
    else:
        queryset = filterset.ordered_queryset().filter(status=Status.PUBLISHED)
    return exports.csv_response(request, queryset, name="programmes")
