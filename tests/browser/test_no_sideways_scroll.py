"""No page scrolls sideways on a small phone (320 px), a phone (375 px) or a desktop: tables
stack or scroll inside their own region. Measured in Chromium on the real v2 catalogue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from programmes.models import Programme
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_public_pages_never_scroll_sideways(live_server, page):
    call_command("load_catalogue", verbosity=0)
    published = list(Programme.objects.published().select_related("university")[:3])
    manchester = "/programmes/university-of-manchester/health-data-science/"
    paths = {
        "universities": "/universities/",
        "about-data": "/about/data/",
        "list": "/programmes/?sort=fee_home",
        "list-universities": "/programmes/universities/?university=university-of-cambridge",
        "detail": manchester,
        "gone": "/programmes/university-of-edinburgh/biomedical-ai-cdt-msc-by-research-year/",
        "university": "/universities/university-of-cambridge/",
        "compare": "/compare/?" + "&".join(f"p={p.pk}" for p in published),
        "bad-filter": "/programmes/?max_fee_home=abc",
        "shortlist": "/shortlist/",
        "funding": "/funding/",
        "detail-costs": manchester + "?my_ielts=6.5&fee_status=international",
        "list-unrecorded": "/programmes/?max_ielts=9.0&my_ielts=6.5&my_degree=2:1",
        "home": "/",
        "search": "/search/?q=health",
        "guides": "/guides/",
        "list-chips": "/programmes/?nation=scotland&mode=part-time&mode=online&q=health",
        "list-empty": "/programmes/?nation=wales&max_fee_home=1&unrecorded=hide",
        "list-region": "/programmes/?region=north-west",
        "list-place-without-programmes": "/programmes/?q=Birmingham+part+time",
    }
    for name, path in paths.items():
        page.goto(live_server.url + path)
        width = page.evaluate(PAGE_WIDTH)
        assert width <= page.width, f"{path} is {width}px wide at {page.width}px"
        screenshot(page, f"honest-{name}")
