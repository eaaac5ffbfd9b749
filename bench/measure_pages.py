"""Pick the benchmark URLs from the bench database and measure each page once, in-process.

Run by bench/run_bench.py with production settings (or bench/cold_settings.py):

    python bench/measure_pages.py SESSION_KEY

Prints one JSON object: {"urls": {name: path}, "pages": {name: {"status", "queries", "bytes",
"bytes_gzip", "third_party"}}, "css_bytes_gzip": n}. Queries are counted with
CaptureQueriesContext on the second request (the first fills the cache when there is one).
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

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from programmes.models import Guide, Programme, Status  # noqa: E402

HOST = "127.0.0.1"
# src= / href= pointing at another origin: anything absolute that is not this host.
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)=["'](https?:)?//([^/"']+)"""
)


def bench_urls() -> dict[str, str]:
    published = Programme.objects.published().select_related("university")
    detail = published.filter(topics__isnull=False).order_by("pk").distinct().first()
    four = list(published.order_by("pk").values_list("pk", flat=True)[10:14])
    guide = Guide.objects.published().order_by("slug").first()
    return {
        "home": "/",
        "list": "/programmes/",
        "list_filtered": "/programmes/?nation=england&mode=full-time&max_fee_home=25000",
        "list_deep": "/programmes/?page=100",
        "programme": detail.get_absolute_url(),
        "compare_4": "/compare/?" + "&".join(f"p={pk}" for pk in four),
        "guide": guide.get_absolute_url(),
        "export_5000": "/staff/export/programmes.csv?status=all",
    }


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
    }


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def main() -> None:
    session = sys.argv[1]
    urls = bench_urls()
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
