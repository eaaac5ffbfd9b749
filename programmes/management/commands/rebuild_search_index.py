"""Rebuild the full-text search index from the database.

Saves through the ORM keep the index in step (programmes/search/); this is for everything
else: a restore from a dump that left the index out, SQL run by hand, or a changed document
layout after an upgrade. Safe to run at any time: one transaction, readers see the old index
until it commits.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.page_cache import bump_version
from programmes import search


class Command(BaseCommand):
    help = "Rebuild the programme search index (SQLite FTS5 or PostgreSQL tsvector)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild_index()
        bump_version()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} programmes."))
