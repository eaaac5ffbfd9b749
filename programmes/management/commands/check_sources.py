"""Read programmes' official pages and propose the facts found there to editors.

    python manage.py check_sources --due            # what to schedule (daily, say)
    python manage.py check_sources --all            # published and draft programmes, every page
    python manage.py check_sources --programme 12 14 --workers 4

Without an option: every page of every published programme. Safe to run on several machines
at once: each page is claimed before it is read, and a run never reads a page another run
read after it started. Re-running never duplicates a suggestion.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from programmes.sources.services import check_pages, programmes_to_check


class Command(BaseCommand):
    help = "Read official course pages and make suggestions for editors from the facts found."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--due",
            action="store_true",
            help="only pages not read in SOURCE_CHECK_DAYS days (published programmes)",
        )
        which.add_argument("--all", action="store_true", help="draft programmes too, every page")
        which.add_argument(
            "--programme",
            nargs="+",
            type=int,
            metavar="ID",
            help="only these programmes (any status)",
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="pages read at once (default 1, at most 16)"
        )

    def handle(self, *args, **options):
        workers = options["workers"]
        if not 1 <= workers <= 16:
            raise CommandError("--workers must be between 1 and 16.")
        programmes = programmes_to_check(include_drafts=options["all"], ids=options["programme"])
        if options["programme"]:
            found = set(programmes.values_list("pk", flat=True))
            missing = sorted(set(options["programme"]) - found)
            if missing:
                raise CommandError(f"No programme with id {', '.join(map(str, missing))}.")
        count = [0]

        def progress(page, read):
            count[0] += 1
            detail = read.outcome
            if read.suggestions_made:
                detail += f", {read.suggestions_made} suggestion(s)"
            if read.reason and read.detail:
                detail += f" ({read.detail})"
            self.stdout.write(f"[{count[0]}] {page.url} (programme {page.programme_id}): {detail}")

        summary = check_pages(
            programmes, due_only=options["due"], workers=workers, progress=progress
        )
        self.stdout.write(self.style.SUCCESS(summary.line()) if summary.read else summary.line())
