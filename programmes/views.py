"""Public, server-rendered pages. Views stay thin: reads live in selectors.py."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import selectors
from .filters import ProgrammeFilter
from .models import Nation, Programme, Topic, University


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
            "crumbs": [("Programmes", reverse("programme_list")), (topic.name, None)],
        },
    )
