"""Load the real seed catalogue shipped in programmes/data/ (idempotent).

Programmes are matched on university + slug, never on the title, so a renamed programme keeps
its row and its URL. New rows are created with the status the seed gives them. Rows already in
the database are left as they are unless ``--update`` is given; then each seed field is brought
up to the seed unless an editor changed it since the loader last wrote it. What the loader last
wrote is kept on each row (``seed_values``); for rows loaded before that existed, it is the
shipped version 1 seed (``data/v1/``), which is what the old loader wrote. A fee's amount, year
and period are kept or updated together. ``last_verified`` is only ever set by an editor.
Running it twice changes nothing.
"""

from functools import cached_property
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programmes import seed
from programmes.models import (
    FundingScheme,
    Guide,
    Programme,
    ReferenceFigure,
    ReferenceRule,
    SearchSynonym,
    Status,
    Topic,
    University,
)


class Command(BaseCommand):
    help = "Load the real seed catalogue (universities, topics, programmes) shipped in the repo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Bring rows that already exist up to the seed, keeping fields editors changed.",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Read programmes.csv and universities.csv from this folder instead of the "
            "copy shipped in programmes/data/ (for upgrades and tests).",
        )

    def handle(self, *args, update: bool = False, data_dir: Path | None = None, **options):
        self.verbosity = options.get("verbosity", 1)
        try:
            universities = seed.read_universities(data_dir)
            programmes = seed.read_programmes(data_dir)
            guides = seed.read_guides()
            figures, rules, funding = seed.read_figures(), seed.read_rules(), seed.read_funding()
        except seed.SeedError as exc:
            raise CommandError(str(exc)) from exc

        with transaction.atomic():
            topic_stats = self._load_topics(update)
            uni_stats, by_name = self._load_universities(universities, update)
            prog_stats = self._load_programmes(programmes, by_name, update)
            guide_stats = self._load_guides(guides, update)
            reference_stats = self._load_reference(figures, rules, funding, update)

        for label, stats in (
            ("Topics", topic_stats),
            ("Universities", uni_stats),
            ("Programmes", prog_stats),
            ("Guides", guide_stats),
            ("Reference figures, rules and funding schemes", reference_stats),
        ):
            self.stdout.write(
                f"{label}: {stats['created']} created, {stats['updated']} updated, "
                f"{stats['unchanged']} unchanged"
                + (f", {stats['kept']} kept as editors left them" if stats["kept"] else "")
                + (
                    f" ({stats['fields_kept']} fields editors changed were kept)"
                    if stats.get("fields_kept")
                    else ""
                )
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

    def _load_reference(self, figures, rules, funding, update: bool) -> dict:
        stats = self._stats()
        for row in figures:
            lookup = {"key": row["key"], "effective_from": row["effective_from"]}
            values = {k: v for k, v in row.items() if k not in lookup}
            self._upsert(ReferenceFigure, lookup, values, update, stats, f"figure {row['key']}")
        for row in rules:
            values = {k: v for k, v in row.items() if k != "key"}
            self._upsert(
                ReferenceRule, {"key": row["key"]}, values, update, stats, f"rule {row['key']}"
            )
        for row in funding:
            values = {k: v for k, v in row.items() if k != "slug"}
            self._upsert(
                FundingScheme, {"slug": row["slug"]}, values, update, stats, f"scheme {row['name']}"
            )
        return stats

    def _validate(self, obj, label: str):
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"{label}: {problems}") from exc

    def _load_topics(self, update: bool) -> dict:
        stats = self._stats()
        for slug, (name, description) in seed.TOPICS.items():
            topic, _ = self._upsert(
                Topic,
                {"slug": slug},
                {"name": name, "description": description},
                update,
                stats,
                f"topic {slug}",
            )
            # Search terms ship as defaults: filled in when empty, never over an editor's list.
            if not topic.also_known_as and seed.TOPIC_ALIASES.get(slug):
                topic.also_known_as = seed.TOPIC_ALIASES[slug]
                topic.save(update_fields=["also_known_as", "updated"])
        for old, new in seed.REPLACED_SEARCH_SYNONYMS.items():
            for synonym in SearchSynonym.objects.filter(terms=old):
                synonym.terms = new
                synonym.save()  # signals: the synonym cache and pages are refreshed
        for terms in seed.SEARCH_SYNONYMS:
            SearchSynonym.objects.get_or_create(terms=terms)
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
        stats["fields_kept"] = 0
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
            wanted = {**{k: _text(v) for k, v in row.fields.items()}, "topics": _topics(row)}
            programme = (
                Programme.objects.filter(university=university, slug=row.slug)
                .prefetch_related("topics")
                .first()
            )
            if programme is None:
                self._create_programme(university, row, topics, wanted, label)
                stats["created"] += 1
            else:
                self._refresh_programme(programme, row, topics, wanted, update, stats, label)
            if index % 10 == 0 or index == total:
                self.stdout.write(f"  programmes: {index}/{total} read")
        return stats

    def _create_programme(self, university, row, topics, wanted: dict, label: str):
        programme = Programme(university=university, slug=row.slug, **row.fields)
        programme.status = Status.DRAFT
        _apply_seed_status(programme, row.fields["status"])
        programme.seed_values = wanted
        self._validate(programme, label)
        programme.save()
        programme.topics.set([topics[s] for s in row.topic_slugs])

    def _refresh_programme(self, programme, row, topics, wanted, update, stats, label):
        current = {k: _text(getattr(programme, k)) for k in row.fields}
        current["topics"] = _topics_of(programme)
        differing = [k for k in wanted if current[k] != wanted[k]]
        if not differing:
            if programme.seed_values != wanted:
                Programme.objects.filter(pk=programme.pk).update(seed_values=wanted)
            stats["unchanged"] += 1
            return
        if not update:
            stats["kept"] += 1
            return
        # What the loader wrote last: stored on the row, or (rows loaded before rows kept it)
        # the shipped version 1 seed, which is what the old loader wrote.
        baseline = programme.seed_values or self._v1_baseline.get(
            (programme.university.name, programme.slug)
        )
        edited = {k for k in differing if _editor_changed(k, current, baseline)}
        # A fee, its year and its period are one statement: keep all of it if any part was edited.
        if edited & FEE_GROUP:
            edited |= FEE_GROUP & set(differing)
        written = [k for k in differing if k not in edited]
        kept = [k for k in differing if k in edited]
        if written:
            for key in written:
                if key == "topics":
                    continue
                if key == "status":
                    _apply_seed_status(programme, row.fields["status"])
                else:
                    setattr(programme, key, row.fields[key])
            programme.seed_values = wanted
            self._validate(programme, label)
            programme.save()
            if "topics" in written:
                programme.topics.set([topics[s] for s in row.topic_slugs])
            stats["updated"] += 1
        else:
            # Nothing to write: leave the row (and its "updated" time) alone.
            if programme.seed_values != wanted:
                Programme.objects.filter(pk=programme.pk).update(seed_values=wanted)
            stats["unchanged"] += 1
        stats["kept"] += 1
        stats["fields_kept"] += len(kept)
        if self.verbosity >= 2:
            self.stdout.write(f"  {label}: kept as editors left them: {', '.join(kept)}")

    @cached_property
    def _v1_baseline(self) -> dict[tuple[str, str], dict]:
        return {
            (row.university_name, row.slug): {
                **{k: _text(v) for k, v in row.fields.items()},
                "topics": _topics(row),
            }
            for row in seed.read_programmes(seed.DATA_DIR / "v1")
        }

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


def _apply_seed_status(programme: Programme, status: str) -> None:
    """The seed's status; a row the seed archives was recorded as closed when it was revised."""
    programme.set_status(status)
    if programme.status == Status.ARCHIVED:
        programme.archived_on = seed.SEED_REVISED


FEE_GROUP = {"fee_home", "fee_international", "fee_year", "fee_period"}


def _editor_changed(key: str, current: dict, baseline: dict | None) -> bool:
    """Whether the row's value differs from what the loader last wrote there.

    With no record of what was written (a row the loader never wrote), any recorded value is
    treated as an editor's: only empty fields are filled from the seed.
    """
    if baseline is None or key not in baseline:
        return current[key] not in ("", "0", "False")
    return current[key] != baseline[key]


def _text(value) -> str:
    """A field value as the loader compares it: None and "" alike, 6.5 and Decimal("6.5") alike."""
    return "" if value is None else str(value)


def _topics(row) -> str:
    return "; ".join(sorted(row.topic_slugs))


def _topics_of(programme) -> str:
    return "; ".join(sorted(t.slug for t in programme.topics.all()))


def _differs(current, new) -> bool:
    if current is None or new is None:
        return current is not new and not (current in ("", None) and new in ("", None))
    return str(current) != str(new)
