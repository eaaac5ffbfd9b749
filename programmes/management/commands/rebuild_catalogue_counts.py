"""Rebuild the list's stored counts (``programmes/counts.py``) from the programmes.

Saves through the ORM keep them in step; this is for everything else: the first deploy of
them, a restore from a dump, SQL run by hand. Until they are built the list counts from the
programmes themselves (slower, never wrong). Safe to run at any time.
"""

import json

from django.core.management.base import BaseCommand

from programmes import counts
from programmes.models import CatalogueCounts


class Command(BaseCommand):
    help = "Rebuild the list's stored counts per university and topic."

    def handle(self, *args, **options):
        counts.rebuild()
        data = json.loads(CatalogueCounts.objects.get(pk=counts.ROW).data)
        programmes = sum(row[0] for row in data["universities"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue counts rebuilt: {programmes} published programmes at "
                f"{len(data['universities'])} universities."
            )
        )
