"""Build a labelled synthetic catalogue for benchmarks and demos, in its own database.

Every row says what it is: universities are "Synthetic University NNN (demo data)" with slugs
starting ``synthetic-``, programmes are "Synthetic programme NNNNN (demo data)" with a summary
saying they are generated, and every URL points at ``https://example.invalid/``. The command
writes to the database ``DATABASE_URL`` names and refuses to touch one that holds any real
(non-synthetic) university, programme or guide, so invented facts never mix into the catalogue.

Existing synthetic rows are replaced, so a second run with the same arguments gives the same
catalogue. Rows go in with ``bulk_create`` in batches inside one transaction: 100,000
programmes take seconds on SQLite, not minutes.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from programmes import counts, search, seed
from programmes.models import (
    Award,
    DegreeClass,
    Guide,
    Nation,
    Programme,
    Status,
    Topic,
    University,
    months_to_mask,
)

SLUG_PREFIX = "synthetic-"
LABEL = "(demo data)"
BASE_URL = "https://example.invalid"
BATCH_SIZE = 2000
GUIDE_SLUG = "synthetic-guide-choosing-a-programme"

# Real UK cities so the city and nation filters behave as they do on the real catalogue; the
# universities placed in them are plainly labelled as invented.
CITIES = [
    ("London", Nation.ENGLAND),
    ("Manchester", Nation.ENGLAND),
    ("Birmingham", Nation.ENGLAND),
    ("Leeds", Nation.ENGLAND),
    ("Bristol", Nation.ENGLAND),
    ("Oxford", Nation.ENGLAND),
    ("Cambridge", Nation.ENGLAND),
    ("Sheffield", Nation.ENGLAND),
    ("Nottingham", Nation.ENGLAND),
    ("Newcastle", Nation.ENGLAND),
    ("Southampton", Nation.ENGLAND),
    ("Liverpool", Nation.ENGLAND),
    ("Exeter", Nation.ENGLAND),
    ("York", Nation.ENGLAND),
    ("Edinburgh", Nation.SCOTLAND),
    ("Glasgow", Nation.SCOTLAND),
    ("Aberdeen", Nation.SCOTLAND),
    ("Dundee", Nation.SCOTLAND),
    ("Cardiff", Nation.WALES),
    ("Swansea", Nation.WALES),
    ("Belfast", Nation.NORTHERN_IRELAND),
    ("Derry", Nation.NORTHERN_IRELAND),
]
AWARDS = [Award.MSC] * 14 + [Award.MRES] * 2 + [Award.PGDIP, Award.PGCERT, Award.MPHIL]
SUBJECTS = [
    "Health Data Science",
    "Artificial Intelligence for Healthcare",
    "Medical Imaging and AI",
    "Clinical Informatics",
    "Digital Health",
    "Genomic Medicine and Data",
    "Machine Learning in Medicine",
    "Public Health Analytics",
]
GUIDE_BODY = """\
This guide is **generated demo data**. It exists so that benchmarks and demonstrations have a
guide page to load; nothing in it describes a real university or programme.

## What a real guide covers

Real guides explain how to compare fees, entry requirements and study modes, and link to the
programmes they mention.

## Where the programmes below come from

They are synthetic programmes created by `manage.py seed_synthetic`.
"""


class Command(BaseCommand):
    help = (
        "Fill the database DATABASE_URL names with a labelled synthetic catalogue (demo data for "
        "benchmarks). Refuses to run against a database holding any real catalogue rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programmes", type=int, default=1000, help="How many programmes.")
        parser.add_argument("--universities", type=int, default=100, help="How many universities.")
        parser.add_argument(
            "--topics-from-vocabulary",
            action="store_true",
            help="Tag each programme with 1 to 4 topics from the real topic vocabulary "
            "(without it programmes have no topics; the 16 topics are created either way).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)."
        )

    def handle(self, *args, **options):
        n_programmes = options["programmes"]
        n_universities = options["universities"]
        if not 1 <= n_universities <= 999:
            raise CommandError("--universities must be between 1 and 999.")
        if not 0 <= n_programmes <= 999_999:
            raise CommandError("--programmes must be between 0 and 999,999.")
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        self._refuse_real_data()
        with transaction.atomic():
            removed = self._delete_synthetic()
            if removed:
                self.stdout.write(
                    f"Removed the previous synthetic catalogue ({removed} programmes)."
                )
            topics = self._ensure_topics()
            universities = self._create_universities(n_universities)
            programmes = self._create_programmes(n_programmes, universities, started)
            links = 0
            if options["topics_from_vocabulary"]:
                links = self._tag_topics(programmes, topics, started)
            # bulk_create and the raw deletes above send no signals: index everything afresh.
            indexed = search.rebuild_index()
            self._progress("programmes indexed for search", indexed, indexed, started)
            counts.rebuild()  # the list's stored counts, likewise
            guide = self._create_guide(programmes, topics)
        elapsed = time.monotonic() - started
        published = sum(1 for p in programmes if p.status == Status.PUBLISHED)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic catalogue (demo data): {len(universities)} universities, "
                f"{len(programmes)} programmes ({published} published), {links} topic links, "
                f"{len(topics)} topics, 1 guide ({guide.slug}) in {elapsed:.1f} s."
            )
        )

    # ----- safety ----------------------------------------------------------------------------

    def _refuse_real_data(self) -> None:
        real_universities = University.objects.exclude(slug__startswith=SLUG_PREFIX)
        real_programmes = Programme.objects.exclude(
            slug__startswith=SLUG_PREFIX, university__slug__startswith=SLUG_PREFIX
        )
        real_guides = Guide.objects.exclude(slug__startswith=SLUG_PREFIX)
        found = [
            f"{count} {label}"
            for label, count in (
                ("universities", real_universities.count()),
                ("programmes", real_programmes.count()),
                ("guides", real_guides.count()),
            )
            if count
        ]
        if found:
            example = real_universities.first() or real_programmes.first() or real_guides.first()
            raise CommandError(
                "Refusing to write synthetic data: this database holds a real catalogue "
                f"({', '.join(found)}; e.g. {example!s}). Point DATABASE_URL at a separate, "
                "empty database (for example sqlite:///bench/out/bench.sqlite3) and run "
                "`manage.py migrate` there first."
            )

    def _delete_synthetic(self) -> int:
        synthetic = Programme.objects.filter(
            Q(slug__startswith=SLUG_PREFIX) & Q(university__slug__startswith=SLUG_PREFIX)
        )
        ids = synthetic.values("pk")
        # Through rows first, as plain deletes: the ORM's cascade collector would load each row.
        Programme.topics.through.objects.filter(programme__in=ids)._raw_delete("default")
        Guide.programmes.through.objects.filter(programme__in=ids)._raw_delete("default")
        Guide.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        count = synthetic.count()
        synthetic._raw_delete("default")
        University.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        return count

    # ----- building --------------------------------------------------------------------------

    def _ensure_topics(self) -> list[Topic]:
        for slug, (name, description) in seed.TOPICS.items():
            Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
        return list(Topic.objects.filter(slug__in=list(seed.TOPICS)).order_by("slug"))

    def _create_universities(self, count: int) -> list[University]:
        universities = []
        for n in range(1, count + 1):
            city, nation = CITIES[(n - 1) % len(CITIES)]
            slug = f"{SLUG_PREFIX}university-{n:03d}"
            universities.append(
                University(
                    name=f"Synthetic University {n:03d} {LABEL}",
                    short_name=f"SU{n:03d}",
                    slug=slug,
                    city=city,
                    nation=nation,
                    website=f"{BASE_URL}/{slug}/",
                    description="Generated demo data for benchmarks and demonstrations; "
                    "not a real university.",
                )
            )
        for university in universities:
            university.fill_location()  # bulk_create calls no save()
        University.objects.bulk_create(universities, batch_size=BATCH_SIZE)
        # bulk_create sets primary keys on SQLite and PostgreSQL (RETURNING); re-read to be sure.
        return list(University.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))

    def _programme(self, n: int, university: University, today: datetime.date) -> Programme:
        rng = self.rng
        slug = f"{SLUG_PREFIX}programme-{n:05d}"
        full_time = rng.random() < 0.9
        part_time = rng.random() < 0.45 or not full_time
        online = rng.random() < 0.15
        ft_months = rng.choice([12, 12, 12, 12, 12, 15, 18, 24]) if full_time else None
        pt_months = rng.choice([24, 24, 30, 36, 48]) if part_time else None
        # Realistic gaps: universities often leave some facts unpublished.
        if rng.random() < 0.08:
            ft_months = None
        fee_home = None if rng.random() < 0.12 else rng.randrange(8_000, 40_001, 50)
        fee_international = None if rng.random() < 0.15 else rng.randrange(15_000, 55_001, 50)
        months = [9] if rng.random() < 0.8 else rng.choice([[1], [9, 1], [10], [9, 2]])
        ielts = None if rng.random() < 0.2 else Decimal(rng.choice([60, 65, 65, 70, 75])) / 10
        placement = rng.choice([True, False, None])
        verified = (
            None if rng.random() < 0.3 else today - datetime.timedelta(days=rng.randrange(0, 600))
        )
        status = Status.PUBLISHED
        roll = rng.random()
        if roll < 0.05:
            status = Status.DRAFT
        elif roll < 0.07:
            status = Status.ARCHIVED
        url = f"{BASE_URL}/{university.slug}/{slug}"
        subject = SUBJECTS[n % len(SUBJECTS)]
        return Programme(
            university=university,
            title=f"Synthetic programme {n:05d} {LABEL}",
            slug=slug,
            award=rng.choice(AWARDS),
            department="Synthetic Department of Health Data (demo data)",
            offers_full_time=full_time,
            offers_part_time=part_time,
            offers_online=online,
            duration_full_time_months=ft_months,
            duration_part_time_months=pt_months,
            fee_home=fee_home,
            fee_international=fee_international,
            fee_year="" if fee_home is None and fee_international is None else "2025/26",
            # Every fee basis appears (per year, whole course, unstated), without changing the
            # random sequence the benchmarks were measured on.
            fee_period=""
            if fee_home is None and fee_international is None
            else ("per-year", "full-course", "")[n % 3],
            start_month_mask=months_to_mask(months),
            min_degree=rng.choice(["", DegreeClass.UPPER_SECOND, DegreeClass.LOWER_SECOND]),
            ielts_overall=ielts,
            placement=placement,
            summary=f"Generated demo data, not a real programme: a synthetic {subject.lower()} "
            "course for benchmarks.",
            description="This programme is generated demo data. Its facts are invented and "
            "describe no real course.",
            official_url=url,
            source_urls=url,
            source_refers_to="Synthetic demo data",
            last_verified=verified,
            status=status,
        )

    def _create_programmes(self, count, universities, started) -> list[Programme]:
        today = datetime.date.today()
        created: list[Programme] = []
        for first in range(1, count + 1, BATCH_SIZE):
            batch = [
                self._programme(n, universities[(n - 1) % len(universities)], today)
                for n in range(first, min(first + BATCH_SIZE, count + 1))
            ]
            created.extend(Programme.objects.bulk_create(batch, batch_size=BATCH_SIZE))
            if len(created) % 10_000 == 0 or len(created) == count:
                self._progress("programmes", len(created), count, started)
        if created and created[0].pk is None:  # a backend without RETURNING
            created = list(Programme.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk"))
        return created

    def _tag_topics(self, programmes, topics, started) -> int:
        Through = Programme.topics.through
        rows = []
        total = 0
        for done, programme in enumerate(programmes, start=1):
            for topic in self.rng.sample(topics, self.rng.randint(1, 4)):
                rows.append(Through(programme_id=programme.pk, topic_id=topic.pk))
            if done % BATCH_SIZE == 0 or done == len(programmes):
                Through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                total += len(rows)
                rows = []
                if done % 10_000 == 0 or done == len(programmes):
                    self._progress("topics tagged on programmes", done, len(programmes), started)
        return total

    def _create_guide(self, programmes, topics) -> Guide:
        guide = Guide(
            title=f"Choosing a programme: a synthetic guide {LABEL}",
            slug=GUIDE_SLUG,
            summary="Generated demo data: a placeholder guide for benchmarks, not real advice.",
            body=GUIDE_BODY,
            status=Status.PUBLISHED,
            published_at=datetime.date.today(),
            author="seed_synthetic (demo data)",
        )
        guide.render_body()
        guide.save()
        guide.topics.set(topics[:2])
        guide.programmes.set([p for p in programmes if p.status == Status.PUBLISHED][:3])
        return guide

    def _progress(self, label: str, done: int, total: int, started: float) -> None:
        self.stdout.write(f"  {label}: {done:,}/{total:,} ({time.monotonic() - started:.1f} s)")
