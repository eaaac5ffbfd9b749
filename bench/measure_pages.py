"""Pick the benchmark URLs from the bench database and measure each page once, in-process.

Run by bench/run_bench.py with production settings (or bench/cold_settings.py):

    python bench/measure_pages.py SESSION_KEY [--public-only]

Prints one JSON object: {"urls": {name: path}, "pages": {name: {"status", "queries", "bytes",
"bytes_gzip", "third_party", "checkboxes"}}, "css_bytes_gzip": n, "published": n}. Queries are
counted with CaptureQueriesContext on the second request (the first fills the cache when there
is one). ``--public-only`` leaves out the staff CSV export (the growth table: at 20,000
programmes the export alone would take longer than every page together). No request carries
If-None-Match: a warm figure is the server's cache, not a 304.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

import common  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from programmes.models import Guide, Programme, Status, Topic, University  # noqa: E402

HOST = "127.0.0.1"
# src= / href= pointing at another origin: anything absolute that is not this host.
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)=["'](https?:)?//([^/"']+)"""
)


# The public page kinds, in the order the table prints them, then the staff export.
PUBLIC = common.PUBLIC_PAGES
CHECKBOX = re.compile(r"""<input\b[^>]*type=["']?checkbox""")


def bench_urls(*, public_only: bool = False) -> dict[str, str]:
    published = Programme.objects.published().select_related("university")
    detail = published.filter(topics__isnull=False).order_by("pk").distinct().first()
    four = list(published.order_by("pk").values_list("pk", flat=True)[10:14])
    guide = Guide.objects.published().order_by("slug").first()
    university = (
        University.objects.filter(programmes__in=published).order_by("slug").distinct().first()
    )
    topic = Topic.objects.filter(programmes__in=published).order_by("slug").distinct().first()
    # Page 100 at 5,000 programmes; where the catalogue is smaller (growth table), the last full
    # page, so that its size compares with the same page at other sizes.
    last_page = max(1, published.count() // settings.PROGRAMMES_PER_PAGE)
    urls = {
        "home": "/",
        "list": "/programmes/",
        "list_filtered": "/programmes/?nation=england&mode=full-time&max_fee_home=25000",
        "list_deep": f"/programmes/?page={min(100, last_page)}",
        "search": "/search/?q=health+data",
        "programme": detail.get_absolute_url(),
        "university": university.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "compare_4": "/compare/?" + "&".join(f"p={pk}" for pk in four),
        "guide_list": "/guides/",
        "guide": guide.get_absolute_url(),
        "about_data": "/about/data/",
    }
    if not public_only:
        urls["export_5000"] = "/staff/export/programmes.csv?status=all"
    return urls


def measure(client: Client, path: str, cookie: str | None) -> dict:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    client.cookies.clear()
    first = client.get(path, headers=headers)
    _body(first)
    client.cookies.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
        body = _body(response)
    text = body.decode("utf-8", "replace")
    third_party = sorted({host for _, host in EXTERNAL.findall(text) if host.split(":")[0] != HOST})
    return {
        "status": response.status_code,
        "queries": len(queries),
        "bytes": len(body),
        "bytes_gzip": len(gzip.compress(body, 6)),
        "third_party": third_party,
        # Form controls on the page: the list page's facets are what grows with the catalogue.
        "checkboxes": len(CHECKBOX.findall(text)),
    }


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def main() -> None:
    session = sys.argv[1]
    urls = bench_urls(public_only="--public-only" in sys.argv[2:])
    client = Client(HTTP_HOST=HOST)
    pages = {
        name: measure(client, path, session if name.startswith("export") else None)
        for name, path in urls.items()
    }
    css = Path(finders.find("css/site.css")).read_bytes()
    print(
        json.dumps(
            {
                "urls": urls,
                "pages": pages,
                "css_bytes": len(css),
                "css_bytes_gzip": len(gzip.compress(css, 6)),
                "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                "published": Programme.objects.filter(status=Status.PUBLISHED).count(),
            }
        )
    )


if __name__ == "__main__":
    main()
