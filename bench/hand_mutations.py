"""Twelve hand-made code changes, applied one at a time: each must make a test fail.

Each change edits the code the way the issue describes (exact text, which must occur once),
runs the tests aimed at it in a throwaway copy of the working tree, and reports which tests
failed. A change no test notices is a gap in the suite. The working tree is never touched.

    .venv/bin/python bench/hand_mutations.py            # all of them (~3 min on 2 cores)
    .venv/bin/python bench/hand_mutations.py 7 10       # some of them

Exit status 1 when any change survives (or no longer applies because the code moved on: then
update its text here).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = ROOT / ".venv" / "bin" / "pytest"


@dataclass
class Change:
    number: str
    what: str
    edits: list[tuple[str, str, str]]  # (file, exact text, replacement)
    tests: list[str]


CHANGES = [
    Change(
        "1a",
        "staff are not kept out of the page cache (public_page serves them cached pages)",
        [("portal/page_cache.py", "    if signed_in(request):\n", "    if False:\n")],
        ["tests/cache/test_staff_views_not_cached.py", "tests/catalogue/test_guides.py"],
    ),
    Change(
        "1b",
        "…and a staff preview of a draft guide is stored for everyone",
        [
            ("portal/page_cache.py", "    if signed_in(request):\n", "    if False:\n"),
            (
                "portal/page_cache.py",
                '    if "private" in response.get("Cache-Control", ""):\n',
                "    if False:\n",
            ),
        ],
        ["tests/cache/test_staff_views_not_cached.py", "tests/catalogue/test_guides.py"],
    ),
    Change(
        "2",
        "the CSV export stops after its first chunk of 2,000 rows",
        [
            (
                "programmes/exports.py",
                "        yield buffer.getvalue()\n",
                "        yield buffer.getvalue()\n        break\n",
            )
        ],
        ["tests/csv/test_export_chunks.py"],
    ),
    Change(
        "3a",
        "a programme is listed as similar to itself",
        [("programmes/selectors.py", "        .exclude(programme_id=programme.pk)\n", "")],
        ["tests/catalogue/test_related_programmes.py"],
    ),
    Change(
        "3b",
        "similar programmes ignore how many topics they share",
        [
            (
                "programmes/selectors.py",
                '        .order_by("-shared", "programme__title", "programme_id")\n',
                '        .order_by("programme__title", "programme_id")\n',
            ),
            (
                "programmes/selectors.py",
                '        .order_by("-shared", "title", "pk")\n',
                '        .order_by("title", "pk")\n',
            ),
        ],
        ["tests/catalogue/test_related_programmes.py"],
    ),
    Change(
        "4",
        "a guide's related programmes drop the fall-back to its topics and universities",
        [
            (
                "programmes/selectors.py",
                "    return named + list(more[: limit - len(named)])\n",
                "    return named\n",
            )
        ],
        ["tests/catalogue/test_related_programmes.py", "tests/catalogue/test_guides.py"],
    ),
    Change(
        "5a",
        "programme counts on /universities/ count drafts",
        [
            (
                "programmes/selectors.py",
                '        Programme.objects.filter(university=OuterRef("pk"), '
                "status=Status.PUBLISHED)\n",
                '        Programme.objects.filter(university=OuterRef("pk"))\n',
            )
        ],
        ["tests/catalogue/test_public_counts.py"],
    ),
    Change(
        "5b",
        "topic counts on the home page count drafts",
        [
            (
                "programmes/selectors.py",
                '            topic=OuterRef("pk"), programme__status=Status.PUBLISHED\n',
                '            topic=OuterRef("pk")\n',
            )
        ],
        ["tests/catalogue/test_public_counts.py"],
    ),
    Change(
        "6",
        "the compare chart draws every bar at full width",
        [
            (
                "programmes/compare.py",
                "            bar.width = (value / max_fee) * plot if value else 0\n",
                "            bar.width = plot if value else 0\n",
            ),
            (
                "programmes/compare.py",
                "        bar.width = (value / max_months) * plot if value else 0\n",
                "        bar.width = plot if value else 0\n",
            ),
        ],
        ["tests/catalogue/test_compare_chart.py"],
    ),
    Change(
        "7a",
        "load_catalogue ignores --update (topics and universities always updated)",
        [
            (
                "programmes/management/commands/load_catalogue.py",
                "        elif update:\n            for key, value in changed.items():\n",
                "        elif True:\n            for key, value in changed.items():\n",
            )
        ],
        ["tests/catalogue/test_load_catalogue.py"],
    ),
    Change(
        "7b",
        "load_catalogue ignores --update (topics and universities never updated)",
        [
            (
                "programmes/management/commands/load_catalogue.py",
                "        elif update:\n            for key, value in changed.items():\n",
                "        elif False:\n            for key, value in changed.items():\n",
            )
        ],
        ["tests/catalogue/test_load_catalogue.py"],
    ),
    Change(
        "7c",
        "load_catalogue ignores --update (guides always updated)",
        [
            (
                "programmes/management/commands/load_catalogue.py",
                '            elif not update:\n                stats["kept"] += 1\n',
                '            elif False:\n                stats["kept"] += 1\n',
            )
        ],
        ["tests/catalogue/test_load_catalogue.py"],
    ),
    Change(
        "7d",
        "load_catalogue ignores --update (programmes never updated)",
        [
            (
                "programmes/management/commands/load_catalogue.py",
                '        if not update:\n            stats["kept"] += 1\n            return\n',
                '        if True:\n            stats["kept"] += 1\n            return\n',
            )
        ],
        ["tests/catalogue/test_load_catalogue.py"],
    ),
    Change(
        "8a",
        "the page-cache key drops scheme and host",
        [
            (
                "portal/page_cache.py",
                "        request.scheme,\n        canonical_host(request),\n",
                "",
            )
        ],
        ["tests/cache/test_cache_keys.py", "tests/catalogue/test_public_page.py"],
    ),
    Change(
        "8b",
        "the page-cache key (and so the ETag) drops the date",
        [
            (
                "portal/page_cache.py",
                "        timezone.localdate().isoformat(),\n        request.path,\n",
                "        request.path,\n",
            )
        ],
        ["tests/cache/test_cache_keys.py", "tests/catalogue/test_public_page.py"],
    ),
    Change(
        "9a",
        "the import review lets another editor apply someone else's file",
        [
            (
                "programmes/admin_import.py",
                "get_object_or_404(CatalogueImport, pk=batch_id, user=request.user)",
                "get_object_or_404(CatalogueImport, pk=batch_id)",
            )
        ],
        ["tests/csv/test_import_review.py"],
    ),
    Change(
        "9b",
        "an applied import can be applied again by re-POSTing it",
        [
            (
                "programmes/admin_import.py",
                'if request.method == "POST" and batch.status == CatalogueImport.PENDING:',
                'if request.method == "POST":',
            )
        ],
        ["tests/csv/test_import_review.py"],
    ),
    Change(
        "10a",
        "sort=-verified is reversed",
        [
            (
                "programmes/filters.py",
                '[F("last_verified").desc(nulls_last=True)]',
                '[F("last_verified").asc(nulls_last=True)]',
            )
        ],
        ["tests/catalogue/test_sorting.py"],
    ),
    Change(
        "10b",
        "sort=title is reversed",
        [
            (
                "programmes/filters.py",
                '[F("title").asc(), F("university__name").asc()]',
                '[F("title").desc(), F("university__name").asc()]',
            )
        ],
        ["tests/catalogue/test_sorting.py"],
    ),
    Change(
        "11a",
        "shortlist/compare id cleaning accepts bools",
        [
            (
                "programmes/shortlist.py",
                "        if isinstance(value, bool) or not isinstance(value, int | str):\n",
                "        if not isinstance(value, bool | int | str | float):\n",
            )
        ],
        ["tests/catalogue/test_shortlist_session.py", "tests/catalogue/test_shortlist_session.py"],
    ),
    Change(
        "11b",
        "shortlist/compare id cleaning keeps duplicates",
        [
            (
                "programmes/shortlist.py",
                "        if 0 < number < 2**63 and number not in out:\n",
                "        if 0 < number < 2**63:\n",
            )
        ],
        ["tests/catalogue/test_shortlist_session.py", "tests/catalogue/test_shortlist_session.py"],
    ),
    Change(
        "12a",
        "the search term cap (10 terms) is lifted",
        [("programmes/search/text.py", "MAX_QUERY_TERMS = 10\n", "MAX_QUERY_TERMS = 1000\n")],
        ["tests/search/test_search_terms_and_feed.py"],
    ),
    Change(
        "12b",
        "the Atom feed's updated date is the published date",
        [
            (
                "programmes/feeds.py",
                "    def item_updateddate(self, item):\n        return item.updated\n",
                "    def item_updateddate(self, item):\n        return self.item_pubdate(item)\n",
            )
        ],
        ["tests/search/test_search_terms_and_feed.py"],
    ),
    Change(
        "12c",
        "the Atom feed's published date is today",
        [
            (
                "programmes/feeds.py",
                "        return timezone.make_aware(datetime.datetime.combine(item.published_at, "
                "datetime.time()))\n",
                "        return timezone.now()\n",
            )
        ],
        ["tests/search/test_search_terms_and_feed.py"],
    ),
]


def copy_tree(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run(change: Change, copy: Path) -> tuple[str, list[str], float]:
    originals = {}
    for file, old, new in change.edits:
        path = copy / file
        text = path.read_text()
        originals.setdefault(file, text)
        if text.count(old) != 1:
            for name, original in originals.items():
                (copy / name).write_text(original)
            return "DOES NOT APPLY", [f"{file}: text found {text.count(old)} times"], 0.0
        path.write_text(text.replace(old, new))
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "DJANGO_DEBUG": "1",
        "FUZZ_EXAMPLES": "20",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own venv's pytest on our own test paths
        [str(PYTEST), "-q", "-p", "no:cacheprovider", "-rf", "--no-header", *change.tests],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    for name, original in originals.items():
        (copy / name).write_text(original)
    failed = re.findall(r"^FAILED (\S+)", result.stdout, re.M)
    errors = re.findall(r"^ERROR (\S+)", result.stdout, re.M)
    if result.returncode == 0:
        return "SURVIVED", [], seconds
    if not failed and not errors:
        return "BROKE THE RUN", result.stdout.splitlines()[-5:], seconds
    return "caught", failed + errors, seconds


def main(wanted: list[str]) -> int:
    chosen = [c for c in CHANGES if not wanted or c.number in wanted or c.number[:-1] in wanted]
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="hand-mutations-") as tmp:
        copy = Path(tmp)
        copy_tree(copy)
        print(f"{len(chosen)} changes, tests run in a copy at {copy} (SQLite)\n", flush=True)
        for change in chosen:
            outcome, names, seconds = run(change, copy)
            survivors += outcome != "caught"
            print(f"{change.number:>4}  {outcome:<14} {seconds:5.1f} s  {change.what}", flush=True)
            for name in names[:6]:
                print(f"{'':>6}{name}")
            if len(names) > 6:
                print(f"{'':>6}… and {len(names) - 6} more")
    print(f"\n{len(chosen) - survivors}/{len(chosen)} changes caught by a failing test")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
