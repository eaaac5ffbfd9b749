"""Print the facts the extractor finds in an HTML or plain-text file (or standard input).

    python manage.py extract_facts page.html
    curl -s https://… | python manage.py extract_facts --json -

With --json: one JSON object per line, ``field`` (a CSV export column name), ``value`` (as that
column holds it), for fees also ``period`` and ``year``, and ``quote``. The same extractor serves
``check_sources``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.sources.extract import FEE_FIELDS, extract

MAX_BYTES = 3 * 1024 * 1024


class Command(BaseCommand):
    help = "Print the programme facts found in an HTML or text file ('-' reads standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an HTML or plain-text file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument(
            "--course-page",
            action="store_true",
            help="read it as one programme's own course page, as check_sources reads the "
            "official page (a lone tuition fee without status words is everyone's fee)",
        )

    def handle(self, *args, **options):
        data = self._read(options["file"])
        text = data.decode("utf-8", errors="replace")
        facts = extract(text, one_programme=options["course_page"])
        if options["json"]:
            for fact in facts:
                self.stdout.write(json.dumps(fact.as_json(), ensure_ascii=False))
            return
        if not facts:
            self.stdout.write("No facts found.")
            return
        for fact in facts:
            extra = ""
            if fact.field in FEE_FIELDS:
                extra = f" ({fact.period or 'period not stated'}, {fact.year or 'year not stated'})"
            self.stdout.write(f"{fact.field}: {fact.display_value()}{extra}")
            self.stdout.write(f"    “{fact.quote}”")

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read(MAX_BYTES + 1)[:MAX_BYTES]
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file.")
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES)
