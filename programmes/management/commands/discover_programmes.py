"""Find programmes the catalogue lacks and propose them to editors as new-programme leads.

    python manage.py discover_programmes                       # every university with an index
    python manage.py discover_programmes --university ucl
    python manage.py discover_programmes --university ucl --index https://www.ucl.ac.uk/sitemap.xml

Reads each university's course index (University.course_index_url: a sitemap, a sitemap index
or a course A-Z page), keeps its postgraduate course pages, reads the likely ones politely and
proposes those in the portal's scope (programmes/sources/discover.py). Safe on several machines
at once: a university is read by one run at a time, and a page is never proposed twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from programmes.models import University
from programmes.sources.discover import Report, discover
from programmes.sources.fetch import Fetcher
from programmes.sources.links import same_site


class Command(BaseCommand):
    help = "Read universities' course indexes and propose in-scope programmes the catalogue lacks."

    def add_arguments(self, parser):
        parser.add_argument("--university", metavar="SLUG", help="only this university")
        parser.add_argument(
            "--index",
            metavar="URL",
            help="read this sitemap or A-Z page instead of the university's course index "
            "(needs --university; must be on the university's site)",
        )

    def handle(self, *args, **options):
        slug, index = options["university"], (options["index"] or "").strip()
        if index and not slug:
            raise CommandError("--index needs --university (whose index is it?).")
        if slug:
            university = University.objects.filter(slug=slug).first()
            if university is None:
                raise CommandError(f"No university with slug {slug!r}.")
            if index and not index.startswith(("http://", "https://")):
                raise CommandError("--index must be an http(s) address.")
            known_site = university.course_index_url or university.website
            if index and known_site and not same_site(index, known_site):
                raise CommandError(
                    f"{index} is not on {university.name}'s site ({known_site}): refused."
                )
            universities = [university]
        else:
            universities = list(University.objects.exclude(course_index_url=""))
            if not universities:
                self.stdout.write("No university has a course index set: nothing to read.")
                return
        report = Report()
        with Fetcher() as fetcher:
            for university in universities:
                self.stdout.write(f"{university.name}:")
                discover(university, index_url=index, fetcher=fetcher, report=report, say=self._say)
        self.stdout.write(report.line())

    def _say(self, line: str) -> None:
        self.stdout.write(f"  {line}")
