"""What search engines and link previews read: canonical URLs and schema.org JSON-LD."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import fees
from .filters import DEFAULT_SORT, ProgrammeFilter
from .models import FeePeriod, Mode, Programme

# Inside <script>, "</script>" or "<!--" in a value would end or confuse the element; escaped as
# JSON \u sequences they cannot (the same escapes as Django's json_script).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(request, path: str) -> str:
    """``path`` on DJANGO_SITE_URL when set (one canonical host), else on the request's host."""
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    return request.build_absolute_uri(path)


def site_domain(request) -> str:
    """The site's domain (DJANGO_SITE_URL's when set), e.g. for calendar event UIDs."""
    return urlsplit(absolute_url(request, "/")).hostname or "localhost"


def context(request) -> dict:
    """Template context processor: a canonical URL without the query string, for every page.

    Pages whose query string selects what they show (the programme list, guides by topic) pass
    their own ``canonical_url``.
    """
    return {"canonical_url": absolute_url(request, request.path)}


def list_canonical_path(params) -> str:
    """One URL per filter state of the programme list, from its query parameters.

    Only known parameters, no empty values, no ``page=1`` or default sort, in sorted order: every
    address that shows the same list names the same canonical page.
    """
    known = set(ProgrammeFilter.base_filters) | {"page"}
    pairs = sorted(
        (name, value.strip())
        for name, values in params.lists()
        if name in known
        for value in values
        if value.strip()
    )
    pairs = [
        (name, value)
        for name, value in dict.fromkeys(pairs)
        if not (name == "page" and value == "1") and not (name == "sort" and value == DEFAULT_SORT)
    ]
    path = reverse("programme_list")
    return f"{path}?{urlencode(pairs)}" if pairs else path


def script_json(data) -> SafeString:
    """JSON for the inside of a ``<script type="application/ld+json">`` element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


_DURATION_FIELDS = {
    Mode.FULL_TIME: "duration_full_time_months",
    Mode.PART_TIME: "duration_part_time_months",
}


def _intake_date(programme: Programme) -> str:
    """The next intake as an ISO 8601 date of the precision recorded ("2027-09" or "2027")."""
    if programme.next_intake_year is None:
        return ""
    if programme.next_intake_month:
        return f"{programme.next_intake_year}-{programme.next_intake_month:02d}"
    return str(programme.next_intake_year)


def course(request, programme: Programme) -> dict:
    """schema.org ``Course`` for a programme. Unknown facts are left out, never given as 0."""
    university = programme.university
    url = absolute_url(request, programme.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": programme.full_title,
        "description": programme.summary or f"{programme.full_title} at {university.name}",
        "url": url,
        "educationalCredentialAwarded": programme.get_award_display(),
        "provider": {
            "@type": "CollegeOrUniversity",
            "name": university.name,
            "url": university.website or absolute_url(request, university.get_absolute_url()),
        },
    }
    start = _intake_date(programme)
    instances = []
    for mode, field in Programme.MODE_FIELDS.items():
        if not getattr(programme, field):
            continue
        instance = {"@type": "CourseInstance", "courseMode": mode.value}
        months = getattr(programme, _DURATION_FIELDS.get(mode, ""), None)
        if months:
            instance["duration"] = f"P{months}M"
        if start:
            instance["startDate"] = start
        instances.append(instance)
    if start and not instances:
        instances.append({"@type": "CourseInstance", "startDate": start})
    if instances:
        data["hasCourseInstance"] = instances
    # The earliest deadline recorded (home and international may differ; the page shows both).
    deadlines = [when for _, when in programme.deadlines]
    if deadlines:
        data["applicationDeadline"] = min(deadlines).isoformat()
    if programme.applications_open:
        data["applicationStartDate"] = programme.applications_open.isoformat()
    offers = []
    for who, fee in (("Home", programme.fee_home), ("International", programme.fee_international)):
        if fee is None:
            continue
        covers = fees.COVERS.get(programme.fee_period, f"({fees.NOT_STATED})")
        offer = {
            "@type": "Offer",
            "category": "Paid",
            "name": f"{who} fee {covers}",
            "price": fee,
            "priceCurrency": "GBP",
        }
        if programme.fee_period == FeePeriod.PER_YEAR:
            # schema.org: a price per unit of time (ISO 8601 "ANN" = per year).
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": fee,
                "priceCurrency": "GBP",
                "unitCode": "ANN",
                "referenceQuantity": {"@type": "QuantitativeValue", "value": 1, "unitCode": "ANN"},
            }
        if programme.fee_year:
            offer["description"] = f"Academic year {programme.fee_year}"
        if programme.official_page:
            offer["url"] = programme.official_page
        offers.append(offer)
    if offers:
        data["offers"] = offers
    return data


def breadcrumbs(request, crumbs: list[tuple[str, str | None]]) -> dict:
    """schema.org ``BreadcrumbList`` from a page's crumbs (the last one is the page itself)."""
    trail = [("Home", reverse("home")), *crumbs]
    items = []
    for position, (name, path) in enumerate(trail, start=1):
        item = {"@type": "ListItem", "position": position, "name": name}
        item["item"] = absolute_url(request, path if path is not None else request.path)
        items.append(item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def programme_json_ld(request, programme: Programme, crumbs) -> list[SafeString]:
    return [script_json(course(request, programme)), script_json(breadcrumbs(request, crumbs))]
