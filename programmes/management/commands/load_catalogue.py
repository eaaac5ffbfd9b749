"""Load the real seed catalogue shipped in programmes/data/ (idempotent).

New rows are created. Rows already in the database are left as editors made them unless
``--update`` is given, in which case seed fields are written back (``last_verified`` and
``status`` are never touched for existing rows). Running it twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programmes import seed
from programmes.models import Guide, Programme, Topic, University

KEEP_ON_UPDATE = {"status", "last_verified"}


class Command(BaseCommand):
    help = "Load the real seed catalogue (universities, topics, programmes) shipped in the repo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite seed fields of rows that already exist (editors' changes are lost).",
        )

    def handle(self, *args, update: bool = False, **options):
        try:
            universities = seed.read_universities()
            programmes = seed.read_programmes()
            guides = seed.read_guides()
        except seed.SeedError as exc:
            raise CommandError(str(exc)) from exc

        with transaction.atomic():
            topic_stats = self._load_topics(update)
            uni_stats, by_name = self._load_universities(universities, update)
            prog_stats = self._load_programmes(programmes, by_name, update)
            guide_stats = self._load_guides(guides, update)

        for label, stats in (
            ("Topics", topic_stats),
            ("Universities", uni_stats),
            ("Programmes", prog_stats),
            ("Guides", guide_stats),
        ):
            self.stdout.write(
                f"{label}: {stats['created']} created, {stats['updated']} updated, "
                f"{stats['unchanged']} unchanged"
                + (f", {stats['kept']} kept as editors left them" if stats["kept"] else "")
            )
        self.stdout.write(self.style.SUCCESS("Catalogue loaded."))

    @staticmethod
    def _stats():
        return {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}

    def _upsert(self, model, lookup: dict, values: dict, update: bool, stats: dict, label: str):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._validate(obj, label)
            obj.save()
            stats["created"] += 1
            return obj, True
        changed = {k: v for k, v in values.items() if _differs(getattr(obj, k), v)}
        if not changed:
            stats["unchanged"] += 1
        elif update:
            for key, value in changed.items():
                setattr(obj, key, value)
            self._validate(obj, label)
            obj.save()
            stats["updated"] += 1
        else:
            stats["kept"] += 1
        return obj, False

    def _validate(self, obj, label: str):
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"{label}: {problems}") from exc

    def _load_topics(self, update: bool) -> dict:
        stats = self._stats()
        for slug, (name, description) in seed.TOPICS.items():
            self._upsert(
                Topic,
                {"slug": slug},
                {"name": name, "description": description},
                update,
                stats,
                f"topic {slug}",
            )
        return stats

    def _load_universities(self, rows: list[dict], update: bool):
        stats = self._stats()
        by_name = {}
        for row in rows:
            values = {k: v for k, v in row.items() if k != "slug"}
            uni, _ = self._upsert(
                University,
                {"slug": row["slug"]},
                values,
                update,
                stats,
                f"university {row['name']}",
            )
            by_name[row["name"]] = uni
        return stats, by_name

    def _load_programmes(self, rows, by_name: dict, update: bool) -> dict:
        stats = self._stats()
        topics = {t.slug: t for t in Topic.objects.all()}
        total = len(rows)
        for index, row in enumerate(rows, start=1):
            university = by_name.get(row.university_name)
            if university is None:
                raise CommandError(
                    f"programmes.csv row {index + 1}, column university: "
                    f"{row.university_name!r} is not in universities.csv"
                )
            label = f"programmes.csv row {index + 1} ({row.fields['title']})"
            programme = Programme.objects.filter(university=university, slug=row.slug).first()
            values = dict(row.fields)
            if programme is not None:
                for key in KEEP_ON_UPDATE:
                    values.pop(key, None)
            programme, created = self._upsert(
                Programme,
                {"university": university, "slug": row.slug},
                values,
                update,
                stats,
                label,
            )
            wanted = {topics[s].pk for s in row.topic_slugs}
            current = set(programme.topics.values_list("pk", flat=True))
            if created or (update and wanted != current):
                programme.topics.set(wanted)
            if index % 10 == 0 or index == total:
                self.stdout.write(f"  programmes: {index}/{total} read")
        return stats

    def _load_guides(self, rows, update: bool) -> dict:
        stats = self._stats()
        topics = {t.slug: t for t in Topic.objects.all()}
        for row in rows:
            exists = Guide.objects.filter(slug=row.slug).exists()
            values = dict(row.fields)
            if exists:
                values.pop("status")
            guide = Guide.objects.filter(slug=row.slug).first()
            changed = guide is None or any(
                _differs(getattr(guide, k), v) for k, v in values.items()
            )
            if guide is None:
                guide = Guide(slug=row.slug, **values)
            elif not changed:
                stats["unchanged"] += 1
                continue
            elif not update:
                stats["kept"] += 1
                continue
            else:
                for key, value in values.items():
                    setattr(guide, key, value)
            guide.render_body()
            self._validate(guide, f"guide {row.slug}")
            guide.save()
            guide.topics.set([topics[s] for s in row.topic_slugs])
            stats["created" if not exists else "updated"] += 1
        return stats


def _differs(current, new) -> bool:
    if current is None or new is None:
        return current is not new and not (current in ("", None) and new in ("", None))
    return str(current) != str(new)
