"""Reading the real seed catalogue that ships in ``programmes/data/``.

The CSV files are copies of ``shared/data`` (see ``programmes/data/SOURCES.md``). Each row maps
to model fields without guessing: an empty cell stays empty (NULL), never 0 or "no".
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from .csv_columns import COLUMNS, CellError
from .models import (
    MONTHS,
    Award,
    DegreeClass,
    FeePeriod,
    Mode,
    Nation,
    Status,
    months_to_mask,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
# The day the shipped catalogue was last revised (data/SOURCES.md): rows the seed archives were
# recorded as closed then.
SEED_REVISED = datetime.date(2026, 12, 1)

TOPICS = {
    "machine-learning": (
        "Machine learning",
        "Methods that learn patterns from data to predict, classify or group: the core of most "
        "AI-in-health courses.",
    ),
    "deep-learning": (
        "Deep learning",
        "Neural networks with many layers, used for images, signals and text.",
    ),
    "natural-language-processing": (
        "Natural language processing",
        "Computing with written language, such as clinical notes, letters and research papers.",
    ),
    "medical-imaging": (
        "Medical imaging",
        "Analysing scans such as X-ray, CT, MRI and pathology slides, increasingly with AI.",
    ),
    "health-informatics": (
        "Health informatics",
        "How health information is recorded, shared and used across care systems.",
    ),
    "electronic-health-records": (
        "Electronic health records",
        "Patient records held in clinical systems, their data standards and secondary use.",
    ),
    "genomics": ("Genomics", "Analysing DNA and other molecular data for health and disease."),
    "public-health-data": (
        "Public health data",
        "Population-level data for surveillance, prevention and health policy.",
    ),
    "statistics-epidemiology": (
        "Statistics and epidemiology",
        "Study design, inference and the distribution of disease in populations.",
    ),
    "ethics-governance": (
        "Ethics and governance",
        "Consent, privacy, bias, regulation and the responsible use of health data and AI.",
    ),
    "digital-health": (
        "Digital health",
        "Apps, digital therapeutics, telehealth and how technology changes care.",
    ),
    "clinical-decision-support": (
        "Clinical decision support",
        "Tools that help clinicians decide, from risk scores to AI alerts.",
    ),
    "drug-discovery": (
        "Drug discovery",
        "Computational methods for finding and developing medicines.",
    ),
    "wearables-sensors": (
        "Wearables and sensors",
        "Data from devices worn or placed around patients, and what it can show.",
    ),
    "data-engineering": (
        "Data engineering",
        "Storing, cleaning, linking and moving health data at scale.",
    ),
    "leadership-innovation": (
        "Leadership and innovation",
        "Leading digital change and bringing new health technology into use.",
    ),
}

# "Also known as" terms for the topic vocabulary: what students type for each topic.
TOPIC_ALIASES = {
    "machine-learning": "ML; statistical learning",
    "deep-learning": "neural networks; DL",
    "natural-language-processing": "NLP; text mining; language models; LLM",
    "medical-imaging": "radiology; imaging AI; computer vision",
    "health-informatics": "clinical informatics; medical informatics",
    "electronic-health-records": "EHR; EHRs; EPR; electronic patient records",
    "genomics": "bioinformatics; genetics",
    "public-health-data": "population health",
    "statistics-epidemiology": "biostatistics; medical statistics",
    "ethics-governance": "AI ethics; data protection; regulation",
    "digital-health": "eHealth; mHealth; telehealth; telemedicine",
    "clinical-decision-support": "CDS; CDSS",
    "drug-discovery": "pharmaceutical; cheminformatics",
    "wearables-sensors": "wearable devices; IoT",
    "data-engineering": "data pipelines",
    "leadership-innovation": "management",
}
# Search synonyms that are not a topic of their own (editors manage these in the admin).
SEARCH_SYNONYMS = [
    # The field's words: a student's "AI for healthcare" finds "machine learning in health".
    "artificial intelligence; AI; machine learning",
    "healthcare; health care; health; medical; medicine; clinical",
    "conversion; any subject; any degree",
    "data science; data analytics",
    "master of science; MSc",
    "master of research; MRes",
    "postgraduate diploma; PGDip",
    "postgraduate certificate; PGCert",
]

# Default synonym groups shipped earlier and since extended: a reload replaces one an editor
# has not changed (the old text exactly) with its extension, so no word sits in two groups.
REPLACED_SEARCH_SYNONYMS = {
    "artificial intelligence; AI": "artificial intelligence; AI; machine learning",
}

NATIONS = {label: value for value, label in Nation.choices}
SEED_FACT_COLUMNS = [
    column
    for column in COLUMNS
    if column.name
    in (
        "ielts_min_component",
        "who_it_is_for",
        "who_it_is_for_in_the_sources_words",
        "work_experience",
        "next_intake",
        "applications_open",
        "deadline_home",
        "deadline_international",
    )
]
MONTH_NUMBERS = {name.lower(): number for number, name in MONTHS}
DEGREE_CLASSES = {value: value for value in DegreeClass.values}


class SeedError(ValueError):
    """A seed row that cannot be loaded; the message names the file, row and column."""


@dataclass
class SeedProgramme:
    university_name: str
    slug: str
    fields: dict
    topic_slugs: list[str] = field(default_factory=list)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _int_or_none(value: str, where: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise SeedError(f"{where}: {value!r} is not a whole number") from None


def read_universities(path: Path | None = None) -> list[dict]:
    path = path or DATA_DIR / "universities.csv"
    if path.is_dir():
        path = path / "universities.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} row {number}"
            nation = NATIONS.get(row["nation"].strip())
            if nation is None:
                raise SeedError(f"{where}, column nation: unknown nation {row['nation']!r}")
            rows.append(
                {
                    "slug": slugify(row["name"]),
                    "name": row["name"].strip(),
                    "short_name": row["short_name"].strip(),
                    "city": row["city"].strip(),
                    "nation": nation,
                    "website": row["website"].strip(),
                }
            )
            if "other_domains" in row:  # data version 3
                rows[-1]["other_domains"] = (row["other_domains"] or "").strip()
    return rows


def read_programmes(path: Path | None = None) -> list[SeedProgramme]:
    """Rows of programmes.csv. Version 1 files (no ``slug``, ``status`` or ``fee_period``
    column) still load, with the slug taken from the title as version 1 did."""
    path = path or DATA_DIR / "programmes.csv"
    if path.is_dir():
        path = path / "programmes.csv"
    out = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} row {number}"
            programme = _programme_from_row(row, where)
            key = (programme.university_name, programme.slug)
            if key in seen:
                raise SeedError(
                    f"{where}, column slug: {programme.slug!r} is already used at "
                    f"{programme.university_name} by row {seen[key]}"
                )
            seen[key] = number
            out.append(programme)
    return out


def _later_facts(row: dict, where: str) -> dict:
    """Facts added to the seed later: optional columns, read as the CSV import reads them."""
    fields: dict = {}
    for column in SEED_FACT_COLUMNS:
        if column.name in row and column.read is not None:
            try:
                fields.update(column.read((row[column.name] or "").strip()))
            except CellError as exc:
                problem = "; ".join(exc.messages)
                raise SeedError(f"{where}, column {column.name}: {problem}") from None
    return fields


def _programme_from_row(row: dict, where: str) -> SeedProgramme:
    award = row["award"].strip()
    if award not in Award.values:
        raise SeedError(f"{where}, column award: unknown award {award!r}")
    modes = _split(row["modes"])
    for mode in modes:
        if mode not in Mode.values:
            raise SeedError(f"{where}, column modes: unknown mode {mode!r}")
    months = []
    for name in _split(row["start_months"]):
        if name.lower() not in MONTH_NUMBERS:
            raise SeedError(f"{where}, column start_months: unknown month {name!r}")
        months.append(MONTH_NUMBERS[name.lower()])
    min_degree = row["min_degree"].strip()
    if min_degree and min_degree not in DEGREE_CLASSES:
        raise SeedError(f"{where}, column min_degree: unknown class {min_degree!r}")
    placement_raw = row["placement"].strip().lower()
    placement = {"yes": True, "no": False, "": None}.get(placement_raw, "bad")
    if placement == "bad":
        raise SeedError(f"{where}, column placement: expected yes, no or empty")
    ielts = row["ielts_overall"].strip() or None
    official = row["official_course_url"].strip()
    fee_period = (row.get("fee_period") or "").strip()
    if fee_period and fee_period not in FeePeriod.values:
        raise SeedError(f"{where}, column fee_period: expected per-year, full-course or empty")
    if "status" in row:
        status = row["status"].strip()
        if status not in Status.values:
            raise SeedError(f"{where}, column status: expected published, draft or archived")
    else:
        # Version 1: rows without an official course page wait as drafts for an editor.
        status = Status.PUBLISHED if official else Status.DRAFT
    title = row["title"].strip()
    url_slug = row["slug"].strip() if "slug" in row else slugify(title)[:200]
    if not url_slug or url_slug != slugify(url_slug):
        raise SeedError(f"{where}, column slug: {url_slug!r} is not a lower-case URL slug")
    topic_slugs = _split(row["topics"])
    for slug in topic_slugs:
        if slug not in TOPICS:
            raise SeedError(f"{where}, column topics: {slug!r} is not in the topic vocabulary")
    fields = {
        "title": title,
        "award": award,
        "exit_awards": row["exit_awards"].strip(),
        "department": row["department"].strip(),
        "offers_full_time": Mode.FULL_TIME in modes,
        "offers_part_time": Mode.PART_TIME in modes,
        "offers_online": Mode.ONLINE in modes,
        "duration_full_time_months": _int_or_none(
            row["duration_full_time_months"], f"{where}, column duration_full_time_months"
        ),
        "duration_part_time_months": _int_or_none(
            row["duration_part_time_months"], f"{where}, column duration_part_time_months"
        ),
        "fee_home": _int_or_none(row["fee_home_gbp"], f"{where}, column fee_home_gbp"),
        "fee_international": _int_or_none(
            row["fee_international_gbp"], f"{where}, column fee_international_gbp"
        ),
        "fee_year": row["fee_year"].strip(),
        "fee_period": fee_period,
        "start_month_mask": months_to_mask(months),
        "min_degree": min_degree,
        "ielts_overall": ielts,
        "placement": placement,
        "summary": row["summary"].strip(),
        "official_url": official,
        "source_urls": "\n".join(
            part.strip() for part in row["source_url"].split(" ; ") if part.strip()
        ),
        "source_refers_to": row["source_read"].strip(),
        "source_stale": row["stale"].strip().lower() == "yes",
        "editors_notes": row["notes"].strip(),
        "status": status,
    }
    fields.update(_later_facts(row, where))
    return SeedProgramme(
        university_name=row["university"].strip(),
        slug=url_slug,
        fields=fields,
        topic_slugs=topic_slugs,
    )


@dataclass
class SeedGuide:
    slug: str
    fields: dict
    topic_slugs: list[str]


def read_guides(folder: Path | None = None) -> list[SeedGuide]:
    """Guides shipped as Markdown files with a small ``key: value`` front-matter block."""
    folder = folder or DATA_DIR / "guides"
    guides = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            raise SeedError(f"{path.name}: missing the front-matter block")
        header, _, body = text[4:].partition("\n---\n")
        meta = {}
        for line in header.splitlines():
            key, sep, value = line.partition(":")
            if not sep:
                raise SeedError(f"{path.name}: front-matter line {line!r} is not 'key: value'")
            meta[key.strip()] = value.strip()
        for key in ("title", "summary", "published"):
            if not meta.get(key):
                raise SeedError(f"{path.name}: front matter has no {key}")
        topic_slugs = [s.strip() for s in meta.get("topics", "").split(",") if s.strip()]
        for slug in topic_slugs:
            if slug not in TOPICS:
                raise SeedError(f"{path.name}: topic {slug!r} is not in the vocabulary")
        guides.append(
            SeedGuide(
                slug=path.stem,
                fields={
                    "title": meta["title"],
                    "summary": meta["summary"],
                    "author": meta.get("author", "The portal's editors"),
                    "published_at": datetime.date.fromisoformat(meta["published"]),
                    "body": body.strip() + "\n",
                    "status": Status.PUBLISHED,
                },
                topic_slugs=topic_slugs,
            )
        )
    return guides


# ----- reference figures, rules and funding (programmes/data/reference/) ---------------------

REFERENCE_DIR = DATA_DIR / "reference"
# Who each scheme is for, as the filter's tags: the editors' reading of the "who" column (the
# file says it in words). Status: "unknown" where the file says a round may have ended or no
# current round was found; the statutory loans and the schemes with an annual round found are
# current. Editors change both in the admin.
FUNDING_TAGS: dict[str, tuple[tuple[str, ...], str]] = {
    "Postgraduate Master's Loan (England)": (("england",), "yes"),
    "Postgraduate Master's Loan (Wales)": (("wales",), "yes"),
    "Postgraduate tuition fee loan and living-cost loan (Scotland)": (("scotland",), "yes"),
    "Postgraduate tuition fee loan (Northern Ireland)": (("northern-ireland",), "unknown"),
    "Chevening Scholarships": (("international",), "yes"),
    "Commonwealth Master's Scholarships": (("international",), "unknown"),
    "NHS Digital Academy Digital Health Leadership Programme": (("nhs-staff",), "yes"),
    "Topol Digital Fellowship": (("nhs-staff", "clinicians"), "yes"),
    "NIHR bursaries for academic courses": (("clinicians",), "unknown"),
    "Office for Students AI and data science conversion course scholarships": (
        ("underrepresented", "england"),
        "unknown",
    ),
    "NHS Scientist Training Programme (clinical bioinformatics)": (
        ("england", "wales"),
        "yes",
    ),
}


def _reference_rows(name: str, folder: Path | None) -> list[tuple[str, dict]]:
    path = (folder or REFERENCE_DIR) / name
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (f"{name} row {number}", {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(csv.DictReader(handle), start=2)
        ]


def _date(value: str, where: str, column: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise SeedError(
            f"{where}, column {column}: {value!r} is not a date like 2026-12-02"
        ) from None


def _sourced(row: dict, where: str, url_column: str = "source_url") -> dict:
    return {
        "source_url": row[url_column],
        "source_kind": row.get("source_kind", ""),
        "source_read": _date(row["source_read"], where, "source_read"),
        "confidence": row.get("confidence", ""),
        "notes": row.get("notes", ""),
    }


def read_figures(folder: Path | None = None) -> list[dict]:
    rows = []
    for where, row in _reference_rows("costs.csv", folder):
        rows.append(
            {
                "key": row["key"],
                "label": row["label"],
                "amount_gbp": _int_or_none(row["amount_gbp"], f"{where}, column amount_gbp"),
                "unit": row["unit"],
                "max_units": _int_or_none(row["max_units"], f"{where}, column max_units"),
                "applies_to": row["applies_to"],
                "effective_from": _date(row["effective_from"], where, "effective_from"),
                "effective_to": _date(row["effective_to"], where, "effective_to"),
                **_sourced(row, where),
            }
        )
    return rows


def read_rules(folder: Path | None = None) -> list[dict]:
    return [
        {
            "key": row["key"],
            "statement": row["statement"],
            "effective_from": _date(row["effective_from"], where, "effective_from"),
            "effective_to": _date(row["effective_to"], where, "effective_to"),
            **_sourced(row, where),
        }
        for where, row in _reference_rows("rules.csv", folder)
    ]


def read_funding(folder: Path | None = None) -> list[dict]:
    from .models import FundingScheme

    rows = []
    for where, row in _reference_rows("funding.csv", folder):
        tags, current = FUNDING_TAGS.get(row["name"], ((), "unknown"))
        fields = {
            "slug": slugify(row["name"])[:200],
            "name": row["name"],
            "provider": row["provider"],
            "kind": row["kind"],
            "who": row["who"],
            "covers": row["covers"],
            "amount": row["amount"],
            "deadline": row["deadline"],
            "current": current,
            **_sourced(row, where, url_column="url"),
        }
        for tag, name in FundingScheme.WHO_FIELDS.items():
            fields[name] = tag in tags
        rows.append(fields)
    return rows
