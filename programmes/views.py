"""Public, server-rendered pages. Views stay thin: reads live in selectors.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import compare as compare_module
from . import selectors, shortlist
from .filters import ProgrammeFilter
from .models import Guide, Nation, Programme, Status, Topic, University


def page_number(raw: str | None, num_pages: int) -> int:
    """A usable page number from any input: junk or < 1 gives 1, past the end gives the last."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(num_pages, 1))


def home(request: HttpRequest) -> HttpResponse:
    featured = selectors.programme_cards(Programme.objects.published().order_by("-updated", "pk"))[
        :6
    ]
    return render(
        request,
        "programmes/home.html",
        {
            "featured": featured,
            "topics": selectors.topics_with_counts(),
            "programme_count": Programme.objects.published().count(),
            "guides": Guide.objects.published()
            .only("title", "slug", "reading_minutes", "published_at")
            .order_by("-published_at", "title")[:4],
        },
    )


def programme_list(request: HttpRequest) -> HttpResponse:
    filterset = ProgrammeFilter(request.GET or None)
    programmes = selectors.programme_cards(filterset.ordered_queryset())
    paginator = Paginator(programmes, settings.PROGRAMMES_PER_PAGE)
    page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    counts = selectors.facet_counts(filterset=filterset)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "counts": counts,
            "nations": Nation.choices,
            "query_without_page": query.urlencode(),
            "active_filters": filterset.active_filter_count(),
            "selected": {
                name: set(request.GET.getlist(name))
                for name in ("topic", "nation", "university", "award")
            },
            "crumbs": [("Programmes", None)],
        },
    )


def programme_detail(request: HttpRequest, university_slug: str, programme_slug: str):
    programme = selectors.published_programme(
        university_slug=university_slug, programme_slug=programme_slug
    )
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "similar": selectors.similar_programmes(programme=programme),
            "guides": selectors.related_guides(programme=programme),
            "crumbs": [
                ("Programmes", reverse("programme_list")),
                (programme.university.name, programme.university.get_absolute_url()),
                (programme.full_title, None),
            ],
        },
    )


def university_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/university_list.html",
        {
            "universities": selectors.universities_with_counts(),
            "crumbs": [("Universities", None)],
        },
    )


def university_detail(request: HttpRequest, slug: str) -> HttpResponse:
    university = get_object_or_404(University, slug=slug)
    programmes = selectors.programme_cards(
        university.programmes.published().order_by("title", "pk")
    )
    return render(
        request,
        "programmes/university_detail.html",
        {
            "university": university,
            "programmes": programmes,
            "crumbs": [("Universities", reverse("university_list")), (university.name, None)],
        },
    )


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    programmes = selectors.programme_cards(topic.programmes.published().order_by("title", "pk"))
    return render(
        request,
        "programmes/topic_detail.html",
        {
            "topic": topic,
            "programmes": programmes,
            "guides": selectors.related_guides(topic=topic),
            "crumbs": [("Programmes", reverse("programme_list")), (topic.name, None)],
        },
    )


# ----- shortlist and comparison ------------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
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
    raw = request.GET.getlist("p")
    if not raw:
        saved = shortlist.get(request.session)
        if saved:
            # The URL alone must reproduce the page, so a shortlist becomes an explicit p list.
            return redirect(shortlist.compare_url(saved))
    selection = compare_module.parse_ids(raw)
    programmes = selectors.programmes_for_compare(ids=selection.ids)
    found = {p.pk for p in programmes}
    dropped = list(selection.dropped)
    dropped[:0] = [
        (str(i), "is not a published programme") for i in selection.ids if i not in found
    ]
    context = {
        "programmes": programmes,
        "dropped": dropped,
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


def guide_list(request: HttpRequest) -> HttpResponse:
    topic_slug = request.GET.get("topic", "")
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug.isascii() else None
    topics_with_guides = Topic.objects.filter(guides__status=Status.PUBLISHED).distinct()
    return render(
        request,
        "programmes/guide_list.html",
        {
            "guides": selectors.guide_list(topic=topic),
            "topic": topic,
            "unknown_topic": bool(topic_slug) and topic is None,
            "topics": topics_with_guides.order_by("name"),
            "crumbs": [("Guides", None)],
        },
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = selectors.guide_for_reader(slug=slug, user=request.user)
    response = render(
        request,
        "programmes/guide_detail.html",
        {
            "guide": guide,
            "is_preview": guide.status != Status.PUBLISHED,
            "programmes": selectors.guide_related_programmes(guide=guide),
            "crumbs": [("Guides", reverse("guide_list")), (guide.title, None)],
        },
    )
    if guide.status != Status.PUBLISHED:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response
