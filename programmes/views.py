"""Public, server-rendered pages. Views stay thin: reads live in selectors.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import cache as catalogue_cache
from . import compare as compare_module
from . import exports, fees, page_cache, search, selectors, seo, shortlist
from .filters import MAX_QUERY_LENGTH, ProgrammeFilter, filter_options
from .models import Guide, Nation, Programme, Status, Topic, University


def page_number(raw: str | None, num_pages: int) -> int:
    """A usable page number from any input: junk or < 1 gives 1, past the end gives the last."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(num_pages, 1))


@catalogue_cache.conditional_page
@page_cache.rendered_page
def home(request: HttpRequest) -> HttpResponse:
    def build():
        featured = selectors.programme_cards(
            Programme.objects.published().order_by("-updated", "pk")
        )[:6]
        return {
            "featured": list(featured),
            "topics": list(selectors.topics_with_counts()),
            "programme_count": Programme.objects.published().count(),
            "guides": list(
                Guide.objects.published()
                .only("title", "slug", "body", "rendered_from", "reading_minutes", "published_at")
                .order_by("-published_at", "title")[:4]
            ),
        }

    return render(
        request, "programmes/home.html", catalogue_cache.cached(request, "home", build=build)
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def programme_list(request: HttpRequest) -> HttpResponse:
    options = catalogue_cache.cached(request, "filter-options", build=filter_options)
    filterset = ProgrammeFilter(request.GET or None, options=options)
    listing = catalogue_cache.Listing(request, filterset, settings.PROGRAMMES_PER_PAGE)
    page = listing.page(page_number(request.GET.get("page"), listing.num_pages))
    paginator = page.paginator
    counts = listing.counts
    active_filters = filterset.active_filter_count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "search": _search_notes(
                request,
                filterset.search_text,
                listing.count,
                "programme_list",
                parsed=filterset.search_query,
            ),
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "counts": counts,
            "nations": Nation.choices,
            "query_without_page": query.urlencode(),
            "active_filters": active_filters,
            "fee_sorted": filterset.fee_sorted,
            "fee_basis": fees.BASIS_EXPLAINED,
            "canonical_url": seo.absolute_url(request, seo.list_canonical_path(request)),
            "noindex": active_filters > 2 or (page.number > 1 and active_filters > 0),
            "selected": {
                name: set(request.GET.getlist(name))
                for name in ("topic", "nation", "university", "award")
            },
            "crumbs": [("Programmes", None)],
        },
    )


SITE_SEARCH_PROGRAMMES = 10
# A search with fewer results than this also offers "Did you mean …?" when a word looks misspelt.
SUGGEST_BELOW = 3


def _search_notes(
    request: HttpRequest, text: str, count: int, url_name: str, *, parsed=None
) -> dict:
    """What the results page says about the search itself: words left out, nothing to search
    for, and a "Did you mean …?" link (to the same page, other parameters kept)."""
    if not text:
        return {}
    if parsed is None:
        parsed = search.parse(text, search.synonyms(request))
    notes = {"text": text, "dropped": parsed.dropped, "no_words": not parsed}
    if parsed and count < SUGGEST_BELOW:
        suggestion = catalogue_cache.cached(
            request,
            "search-suggestion",
            text,
            build=lambda: search.suggest(text, request=request),
        )
        if suggestion:
            params = request.GET.copy()
            for name in ("page", "sort"):
                params.pop(name, None)
            params["q"] = suggestion
            notes["suggestion"] = suggestion
            notes["suggestion_url"] = f"{reverse(url_name)}?{params.urlencode()}"
    return notes


@catalogue_cache.conditional_page
@page_cache.rendered_page
def site_search(request: HttpRequest) -> HttpResponse:
    """Programmes (the best few), guides, universities and topics matching ``q``."""
    raw = request.GET.get("q", "")
    # Control characters (NUL, bidi overrides stay: they are text) are never part of a word.
    text = " ".join("".join(c for c in raw if c.isprintable() or c.isspace()).split())
    error = ""
    if len(raw) > MAX_QUERY_LENGTH:
        error = f"Searches can be at most {MAX_QUERY_LENGTH} characters long; yours has {len(raw)}."
        text = ""
    results = None
    if text:
        results = catalogue_cache.cached(
            request,
            "site-search",
            text,
            build=lambda: selectors.site_search(
                text=text, limit=SITE_SEARCH_PROGRAMMES, request=request
            ),
        )
    total = 0 if results is None else results["total"]
    return render(
        request,
        "programmes/search.html",
        {
            "q": text if not error else raw[:MAX_QUERY_LENGTH],
            "error": error,
            "results": results,
            "search": _search_notes(request, text, total, "site_search"),
            "list_url": f"{reverse('programme_list')}?{urlencode({'q': text})}",
            "noindex": True,
            "crumbs": [("Search", None)],
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def programme_detail(request: HttpRequest, university_slug: str, programme_slug: str):
    def build():
        programme = selectors.programme_for_reader(
            university_slug=university_slug, programme_slug=programme_slug
        )
        if programme.status == Status.ARCHIVED:
            return {
                "programme": programme,
                "similar": selectors.similar_programmes(programme=programme)
                or selectors.published_at_university(university=programme.university),
            }
        return {
            "programme": programme,
            "similar": selectors.similar_programmes(programme=programme),
            "guides": selectors.related_guides(programme=programme),
        }

    data = catalogue_cache.cached(
        request, "programme", university_slug, programme_slug, build=build
    )
    programme = data["programme"]
    crumbs = [
        ("Programmes", reverse("programme_list")),
        (programme.university.name, programme.university.get_absolute_url()),
        (programme.full_title, None),
    ]
    if programme.status == Status.ARCHIVED:
        # The address once held a real programme: say so (410 Gone), and where to go next.
        return render(
            request, "programmes/programme_gone.html", {**data, "crumbs": crumbs}, status=410
        )
    return render(
        request,
        "programmes/programme_detail.html",
        {
            **data,
            "crumbs": crumbs,
            "fee_kinds": list(fees.KINDS.items()),
            "json_ld": seo.programme_json_ld(request, programme, crumbs),
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def university_list(request: HttpRequest) -> HttpResponse:
    universities = catalogue_cache.cached(
        request, "universities", build=lambda: list(selectors.universities_with_counts())
    )
    return render(
        request,
        "programmes/university_list.html",
        {
            "universities": universities,
            "crumbs": [("Universities", None)],
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def university_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build():
        university = get_object_or_404(University, slug=slug)
        programmes = selectors.programme_cards(
            university.programmes.published().order_by("title", "pk")
        )
        return university, list(programmes)

    university, programmes = catalogue_cache.cached(request, "university", slug, build=build)
    return render(
        request,
        "programmes/university_detail.html",
        {
            "university": university,
            "programmes": programmes,
            "crumbs": [("Universities", reverse("university_list")), (university.name, None)],
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build():
        topic = get_object_or_404(Topic, slug=slug)
        programmes = selectors.programme_cards(topic.programmes.published().order_by("title", "pk"))
        return topic, list(programmes), selectors.related_guides(topic=topic)

    topic, programmes, guides = catalogue_cache.cached(request, "topic", slug, build=build)
    return render(
        request,
        "programmes/topic_detail.html",
        {
            "topic": topic,
            "programmes": programmes,
            "guides": guides,
            "crumbs": [("Programmes", reverse("programme_list")), (topic.name, None)],
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def about_data(request: HttpRequest) -> HttpResponse:
    """Where facts come from, what "verified" means, and how complete the catalogue is."""
    published, verified, rows = catalogue_cache.cached(
        request, "completeness", build=selectors.catalogue_completeness
    )
    return render(
        request,
        "programmes/about_data.html",
        {
            "published": published,
            "verified": verified,
            "rows": rows,
            "fee_basis": fees.BASIS_EXPLAINED,
            "crumbs": [("About our data", None)],
        },
    )


# ----- shortlist and comparison ------------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() reads a bare word such as "1" as a view name and
    # raises NoReverseMatch (a 500 found by tests/test_fuzz.py).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


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
    ids = shortlist.get(request.session)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": ok,
                "message": message,
                "count": len(ids),
                "ids": ids,
                "compare_url": shortlist.compare_url(ids),
            },
            status=200 if ok else 400,
        )
    messages.add_message(request, level, message)
    return redirect(_safe_next(request, reverse("programme_list")))


@require_POST
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
            f"Your shortlist already holds {shortlist.MAX_SHORTLIST} programmes, the most that fit "
            f"side by side. Remove one before adding {programme.full_title}.",
            messages.WARNING,
            False,
        )
    if outcome == "already":
        return _shortlist_reply(
            request, f"{programme.full_title} is already in your shortlist.", messages.INFO
        )
    return _shortlist_reply(
        request, f"Added {programme.full_title} to your shortlist.", messages.SUCCESS
    )


@require_POST
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    programme_id = _programme_id(request)
    if programme_id is None or not shortlist.remove(request.session, programme_id):
        return _shortlist_reply(request, "That programme was not in your shortlist.", messages.INFO)
    return _shortlist_reply(request, "Removed from your shortlist.", messages.SUCCESS)


@require_POST
def shortlist_clear(request: HttpRequest) -> HttpResponse:
    shortlist.clear(request.session)
    return _shortlist_reply(request, "Your shortlist is empty.", messages.SUCCESS)


def compare(request: HttpRequest) -> HttpResponse:
    if not request.GET.getlist("p"):
        saved = shortlist.get(request.session)
        if saved:
            # The URL alone must reproduce the page, so a shortlist becomes an explicit p list.
            return redirect(shortlist.compare_url(saved))
    return _compare_page(request)


@page_cache.rendered_page
def _compare_page(request: HttpRequest) -> HttpResponse:
    """The comparison itself: the same for everyone with the same ``p`` values."""
    raw = request.GET.getlist("p")
    selection = compare_module.parse_ids(raw)
    programmes, archived = catalogue_cache.cached(
        request,
        "compare",
        tuple(selection.ids),
        build=lambda: selectors.programmes_for_compare(ids=selection.ids),
    )
    found = {p.pk for p in programmes}
    dropped = list(selection.dropped)
    dropped[:0] = [
        (str(i), archived.get(i) or "is not a published programme")
        for i in selection.ids
        if i not in found
    ]
    context = {
        "programmes": programmes,
        "dropped": dropped,
        "fee_basis": fees.BASIS_EXPLAINED,
        "crumbs": [("Programmes", reverse("programme_list")), ("Compare", None)],
        "share_url": request.build_absolute_uri(shortlist.compare_url([p.pk for p in programmes])),
        "remove_urls": [
            shortlist.compare_url([q.pk for q in programmes if q.pk != p.pk]) for p in programmes
        ],
    }
    if len(programmes) >= 2:
        context["rows"] = compare_module.build_rows(programmes)
        context["chart"] = compare_module.build_chart(programmes)
        context["similar_urls"] = [
            f"{reverse('programme_list')}?" + urlencode([("topic", t.slug) for t in p.topics.all()])
            for p in programmes
        ]
    return render(request, "programmes/compare.html", context)


# ----- guides ------------------------------------------------------------------------------


@catalogue_cache.conditional_page
@page_cache.rendered_page
def guide_list(request: HttpRequest) -> HttpResponse:
    topic_slug = request.GET.get("topic", "")

    def build():
        # Only a well-formed slug reaches the database (PostgreSQL rejects e.g. a NUL byte).
        topic = Topic.objects.filter(slug=topic_slug).first() if slug_re.match(topic_slug) else None
        topics_with_guides = Topic.objects.filter(guides__status=Status.PUBLISHED).distinct()
        return {
            "guides": list(selectors.guide_list(topic=topic)),
            "topic": topic,
            "unknown_topic": bool(topic_slug) and topic is None,
            "topics": list(topics_with_guides.order_by("name")),
        }

    data = catalogue_cache.cached(request, "guides", topic_slug, build=build)
    canonical = reverse("guide_list")
    if data["topic"] is not None:
        canonical += "?" + urlencode({"topic": data["topic"].slug})
    return render(
        request,
        "programmes/guide_list.html",
        {
            **data,
            "canonical_url": seo.absolute_url(request, canonical),
            "crumbs": [("Guides", None)],
        },
    )


@catalogue_cache.conditional_page
@page_cache.rendered_page
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build():
        guide = selectors.guide_for_reader(slug=slug, user=request.user)
        return guide, selectors.guide_related_programmes(guide=guide)

    if request.user.is_staff:  # staff previews drafts: read fresh, never cached
        guide, programmes = build()
    else:
        guide, programmes = catalogue_cache.cached(request, "guide", slug, build=build)
    response = render(
        request,
        "programmes/guide_detail.html",
        {
            "guide": guide,
            "rendered": guide.rendered(),
            "is_preview": guide.status != Status.PUBLISHED,
            "programmes": programmes,
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
        return redirect_to_login(request.get_full_path())
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
