"""Catalogue models: universities, topics and the programmes they offer.

Unknown facts are stored as NULL (or empty) and shown as "not recorded yet" with a link to the
official page; they are never zero, and never described as "not published by the university"
(we only know that we have not recorded them). The database enforces every numeric rule so that
no path (admin, import, shell) can store a fee below zero or an IELTS score of 6.3.

Fees are stored as the source states them (amount, academic year, and whether the amount is per
year or for the full course). Comparisons use one basis, the whole full-time course, worked out by
the database itself (``fee_*_course``, generated columns) so every write path keeps it in step.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from . import places, provenance

VERIFICATION_MAX_AGE_DAYS = 365

MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]
MONTH_NAMES = dict(MONTHS)
IELTS_STEPS = [Decimal(n) / 2 for n in range(0, 19)]  # 0.0, 0.5, ... 9.0


def validate_half_step(value) -> None:
    if value is not None and (Decimal(value) * 2) % 1 != 0:
        raise ValidationError(
            "IELTS scores go in steps of 0.5 (for example 6.0 or 6.5); %(value)s is not one.",
            params={"value": value},
            code="ielts_step",
        )


# Links the site shows: http and https only (Django's URLField also takes ftp; a CSV import or
# a shell session could otherwise store javascript: or data: URLs that pages then link).
validate_http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


def validate_source_urls(value: str) -> None:
    """One http(s) URL per line (``Programme.source_urls``)."""
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            validate_http_url(line)
        except ValidationError:
            raise ValidationError(
                "Line %(number)s is not a web address starting with http:// or https://: %(line)s",
                params={"number": number, "line": repr(line[:80])},
                code="source_url",
            ) from None


def month_bit(month: int) -> int:
    return 1 << (month - 1)


def months_to_mask(months) -> int:
    mask = 0
    for month in months:
        mask |= month_bit(int(month))
    return mask


def mask_to_months(mask: int | None) -> list[int]:
    if not mask:
        return []
    return [month for month, _ in MONTHS if mask & month_bit(month)]


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Region(models.TextChoices):
    """England's nine statistical regions (ONS International Territorial Level 1). Scotland,
    Wales and Northern Ireland are regions of their own: their nation says it."""

    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire-and-the-humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class UniversityQuerySet(models.QuerySet):
    def with_published_programmes(self) -> UniversityQuerySet:
        """Universities with at least one published programme: the only ones the public site
        lists, counts or offers as a filter. EXISTS, not a join with DISTINCT: one index probe
        per university instead of reading and de-duplicating every published programme."""
        published = Programme.objects.published().filter(university=OuterRef("pk"))
        return self.filter(Exists(published))


class University(TimeStamped):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=50, blank=True, help_text="Common short form, e.g. UCL. Leave empty if none."
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in URLs; lower case.")
    city = models.CharField(max_length=100)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    website = models.URLField(
        blank=True, validators=[validate_http_url], help_text="The university's home page."
    )
    description = models.TextField(
        blank=True, help_text="One or two plain sentences shown on the university page."
    )
    other_domains = models.CharField(
        "other own domains",
        max_length=300,
        blank=True,
        help_text="Other domains the university's own pages live on, e.g. one from before a "
        "merger (city.ac.uk). Separate with spaces. Sources elsewhere are shown as other sites.",
    )
    region = models.CharField(
        max_length=30,
        choices=Region.choices,
        blank=True,
        help_text="England's statistical region (empty in Scotland, Wales and Northern Ireland). "
        "Filled from the city when left empty and the city is one the portal knows.",
    )
    latitude = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("49.8")), MaxValueValidator(Decimal("60.9"))],
        help_text="The city centre's, to two decimals (about a kilometre): used only to list the "
        "nearest cities with programmes. Filled from the city when left empty.",
    )
    longitude = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-8.7")), MaxValueValidator(Decimal("1.8"))],
        help_text="The city centre's, to two decimals; negative west of Greenwich.",
    )
    course_index_url = models.URLField(
        "course index",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="The sitemap (sitemap.xml) or postgraduate course A-Z page that "
        "discover_programmes reads to find programmes the catalogue lacks.",
    )

    objects = UniversityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "university"
        verbose_name_plural = "universities"
        indexes = [
            # /programmes/?nation=… and ?city=… filter through the university join.
            models.Index(fields=["nation", "city"], name="university_nation_city_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_location()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("university_detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.region and self.nation != Nation.ENGLAND:
            raise ValidationError(
                {
                    "region": "Regions are England's; leave it empty in Scotland, Wales and "
                    "Northern Ireland."
                }
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both the latitude and the longitude, or neither.")

    def fill_location(self) -> None:
        """The region and coordinates of the university's city (``places.csv``), where they
        are empty and the city is listed there in the same nation."""
        town = places.town(self.city)
        if town is None or town.nation != self.nation:
            return
        if not self.region and self.nation == Nation.ENGLAND:
            self.region = town.region
        if self.latitude is None and self.longitude is None:
            self.latitude, self.longitude = town.latitude, town.longitude

    @property
    def own_domains(self) -> set[str]:
        return provenance.university_domains(self.website, self.other_domains)


class Topic(TimeStamped):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown on the topic's landing page.")
    also_known_as = models.CharField(
        "also known as",
        max_length=300,
        blank=True,
        help_text="Other names and abbreviations students search for, separated by semicolons, "
        "e.g. 'ML; statistical learning'. A search for any of them also finds this topic's name.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "topic"
        verbose_name_plural = "topics"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", args=[self.slug])


class SearchSynonym(TimeStamped):
    """Terms search treats as the same, beyond topics' names and universities' short names."""

    terms = models.CharField(
        max_length=300,
        unique=True,
        help_text="Two or more terms that mean the same to a student, separated by semicolons, "
        "e.g. 'artificial intelligence; AI'. A search for one finds the others.",
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = "search synonym"
        verbose_name_plural = "search synonyms"

    def __str__(self) -> str:
        return self.terms

    def get_absolute_url(self) -> str:
        return reverse("site_search") + "?" + urlencode({"q": self.terms.split(";")[0].strip()})


class FeePeriod(models.TextChoices):
    PER_YEAR = "per-year", "per year"
    FULL_COURSE = "full-course", "for the whole course"


# Full-time durations (months) that are a whole number of years: a per-year fee times the years.
WHOLE_YEAR_MONTHS = [24, 36, 48, 60]


def whole_course_fee(fee: str):
    """The whole full-time course fee as an SQL expression, or NULL when it cannot be known.

    - a full-course fee is the whole course;
    - a course of at most 12 months full-time costs one year's fee, so the amount is the whole
      course whether the source says per year, full course or nothing;
    - a per-year fee for a course of exactly 2, 3, 4 or 5 years is that many years' fees;
    - anything else (per year or unstated with no duration, 18 months, ...) is left out: we do not
      guess how a university charges a part year.
    """
    amount = F(fee)
    months = F("duration_full_time_months")
    return Case(
        When(**{f"{fee}__isnull": True}, then=Value(None)),
        When(fee_period=FeePeriod.FULL_COURSE, then=amount),
        When(duration_full_time_months__lte=12, then=amount),
        When(
            fee_period=FeePeriod.PER_YEAR,
            duration_full_time_months__in=WHOLE_YEAR_MONTHS,
            then=amount * months / 12,
        ),
        default=Value(None),
        output_field=models.PositiveIntegerField(),
    )


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Award(models.TextChoices):
    MSC = "MSc", "MSc"
    MRES = "MRes", "MRes"
    MSCR = "MScR", "MSc by Research"
    MPHIL = "MPhil", "MPhil"
    MDS = "MDS", "Master of Data Science"
    PGDIP = "PGDip", "PGDip"
    PGCERT = "PGCert", "PGCert"
    OTHER = "Other", "Other"


class Mode(models.TextChoices):
    FULL_TIME = "full-time", "Full-time"
    PART_TIME = "part-time", "Part-time"
    ONLINE = "online", "Online / distance"


class DegreeClass(models.TextChoices):
    FIRST = "first", "First-class honours"
    UPPER_SECOND = "2:1", "Upper second-class honours (2:1)"
    LOWER_SECOND = "2:2", "Lower second-class honours (2:2)"
    THIRD = "third", "Third-class or pass"


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def verification_cutoff(self) -> datetime.date:
        return timezone.localdate() - datetime.timedelta(days=VERIFICATION_MAX_AGE_DAYS)

    def verified_recently(self) -> Q:
        """The condition "an editor checked it against the official page in the last 12
        months", for filters and conditional counts. Its negation is "needs verification"."""
        return Q(last_verified__gte=self.verification_cutoff())

    def needs_verification(self):
        """Never verified, or verified more than a year ago."""
        # ~Q on a nullable field also matches NULL (never verified).
        return self.filter(~self.verified_recently())

    def with_mode(self, mode: str):
        field = Programme.MODE_FIELDS[Mode(mode)]
        return self.filter(**{field: True})

    def starting_in(self, month: int):
        bit = month_bit(month)
        return self.alias(_start_bit=models.F("start_month_mask").bitand(bit)).filter(
            _start_bit=bit
        )


class Programme(TimeStamped):
    MODE_FIELDS: dict[Mode, str] = {
        Mode.FULL_TIME: "offers_full_time",
        Mode.PART_TIME: "offers_part_time",
        Mode.ONLINE: "offers_online",
    }

    university = models.ForeignKey(University, on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(
        max_length=200, help_text="Without the award, e.g. 'Health Data Science'."
    )
    slug = models.SlugField(max_length=200, help_text="Unique within the university; used in URLs.")
    award = models.CharField(max_length=10, choices=Award.choices, default=Award.MSC)
    exit_awards = models.CharField(
        max_length=100, blank=True, help_text="Intermediate awards, e.g. 'PGDip; PGCert'."
    )
    department = models.CharField(max_length=200, blank=True)

    offers_full_time = models.BooleanField("full-time", default=False)
    offers_part_time = models.BooleanField("part-time", default=False)
    offers_online = models.BooleanField("online / distance", default=False)

    duration_full_time_months = models.PositiveSmallIntegerField(
        "full-time duration (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Leave empty until it is read on an official page.",
    )
    duration_part_time_months = models.PositiveSmallIntegerField(
        "part-time duration (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Leave empty until it is read on an official page.",
    )
    fee_home = models.PositiveIntegerField(
        "home fee (GBP)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text="Whole pounds, as the source states it (see 'fee period'). Empty when not "
        "recorded (never 0).",
    )
    fee_international = models.PositiveIntegerField(
        "international fee (GBP)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text="Whole pounds, as the source states it (see 'fee period'). Empty when not "
        "recorded.",
    )
    fee_year = models.CharField(
        "fee academic year",
        max_length=20,
        blank=True,
        help_text="The academic year the fees apply to, e.g. 2025/26.",
    )
    fee_period = models.CharField(
        "fee period",
        max_length=12,
        blank=True,
        choices=FeePeriod.choices,
        help_text="What the fee amounts cover, exactly as the source says. Leave empty when the "
        "source does not say: such a fee is compared only for courses of 12 months or less.",
    )
    # Worked out by the database from the fee, its period and the full-time duration (see
    # whole_course_fee): the one basis the filters, the fee sorts and the compare chart use.
    fee_home_course = models.GeneratedField(
        verbose_name="home fee, whole full-time course (GBP)",
        expression=whole_course_fee("fee_home"),
        output_field=models.PositiveIntegerField(null=True),
        db_persist=True,
    )
    fee_international_course = models.GeneratedField(
        verbose_name="international fee, whole full-time course (GBP)",
        expression=whole_course_fee("fee_international"),
        output_field=models.PositiveIntegerField(null=True),
        db_persist=True,
    )
    start_month_mask = models.PositiveSmallIntegerField(
        "start months",
        default=0,
        help_text="Months the programme starts in (stored as a set).",
    )
    min_degree = models.CharField(
        "minimum degree classification", max_length=10, blank=True, choices=DegreeClass.choices
    )
    ielts_overall = models.DecimalField(
        "IELTS overall",
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(9), validate_half_step],
        help_text="0 to 9 in steps of 0.5. Empty when not recorded.",
    )
    ielts_min_component = models.DecimalField(
        "IELTS lowest component",
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(9), validate_half_step],
        help_text="The lowest score allowed in any one part (\u201cno element below 5.5\u201d is "
        "5.5). Empty when not recorded.",
    )
    # Who the programme is for: several may apply; none ticked means not recorded.
    for_computing_graduates = models.BooleanField(
        "for computing or quantitative graduates", default=False
    )
    for_health_professionals = models.BooleanField(
        "for health and care professionals", default=False
    )
    for_any_degree = models.BooleanField("for graduates of any subject (conversion)", default=False)
    entry_background = models.CharField(
        "who it is for, in the source's words",
        max_length=500,
        blank=True,
        help_text="Quote the official page, e.g. \u201ca first degree in a numerate subject\u201d.",
    )
    work_experience = models.BooleanField(
        "work experience required",
        null=True,
        blank=True,
        help_text="Yes only when the university requires it; empty when it does not say.",
    )
    next_intake_year = models.PositiveSmallIntegerField(
        "next intake year",
        null=True,
        blank=True,
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
        help_text="The entry year the recorded facts and dates are for, e.g. 2027.",
    )
    next_intake_month = models.PositiveSmallIntegerField(
        "next intake month", null=True, blank=True, choices=MONTHS
    )
    applications_open = models.DateField(
        "applications open", null=True, blank=True, help_text="For the next intake."
    )
    deadline_home = models.DateField(
        "application deadline (home)",
        null=True,
        blank=True,
        help_text="For the next intake. When the page gives one deadline for everyone, enter it "
        "in both.",
    )
    deadline_international = models.DateField(
        "application deadline (international)", null=True, blank=True
    )
    placement = models.BooleanField(
        "placement or industry project",
        null=True,
        blank=True,
        help_text="Yes only when the university says so; empty when it does not say.",
    )
    topics = models.ManyToManyField(Topic, related_name="programmes", blank=True)
    summary = models.CharField(max_length=500, blank=True, help_text="One factual sentence.")
    description = models.TextField(blank=True)

    official_url = models.URLField(
        "official course URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="The university's own course page.",
    )
    source_urls = models.TextField(
        "source URLs",
        blank=True,
        validators=[validate_source_urls],
        help_text="Where the facts were read, one URL per line.",
    )
    source_refers_to = models.CharField(
        "source refers to",
        max_length=200,
        blank=True,
        help_text="What the source covers, e.g. '2025/26 entry'.",
    )
    source_stale = models.BooleanField(
        "source looks stale",
        default=False,
        help_text="The source is older than 2024/25 or looks superseded.",
    )
    last_verified = models.DateField(
        null=True,
        blank=True,
        help_text="Set only after checking the live official page.",
    )
    editors_notes = models.TextField(
        "editors' notes", blank=True, help_text="Never shown to the public."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    archived_on = models.DateField(
        "archived on",
        null=True,
        blank=True,
        help_text="When the programme stopped being listed; shown on its old address.",
    )
    # What load_catalogue last wrote for each seed field (as text), so a reload can tell an
    # editor's change (kept) from a value only the seed ever set (safe to update).
    seed_values = models.JSONField(default=dict, blank=True, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title", "university__name"]
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        constraints = [
            models.UniqueConstraint(
                fields=["university", "slug"], name="programme_unique_slug_per_university"
            ),
            models.CheckConstraint(
                condition=Q(fee_home__isnull=True) | Q(fee_home__gte=0),
                name="programme_fee_home_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(fee_international__isnull=True) | Q(fee_international__gte=0),
                name="programme_fee_international_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(ielts_overall__isnull=True) | Q(ielts_overall__in=IELTS_STEPS),
                name="programme_ielts_0_to_9_by_half",
            ),
            models.CheckConstraint(
                condition=Q(ielts_min_component__isnull=True)
                | Q(ielts_min_component__in=IELTS_STEPS),
                name="programme_ielts_component_0_to_9_by_half",
            ),
            models.CheckConstraint(
                condition=Q(next_intake_month__isnull=True)
                | Q(next_intake_month__gte=1, next_intake_month__lte=12),
                name="programme_next_intake_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_full_time_months__isnull=True)
                | Q(duration_full_time_months__gte=1, duration_full_time_months__lte=60),
                name="programme_duration_ft_1_to_60",
            ),
            models.CheckConstraint(
                condition=Q(duration_part_time_months__isnull=True)
                | Q(duration_part_time_months__gte=1, duration_part_time_months__lte=60),
                name="programme_duration_pt_1_to_60",
            ),
            models.CheckConstraint(
                condition=Q(start_month_mask__gte=0, start_month_mask__lt=4096),
                name="programme_start_months_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="programme_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fee_period__in=["", *FeePeriod.values]),
                name="programme_fee_period_valid",
            ),
        ]
        indexes = [
            # The public list: published rows ordered by title (the default sort).
            models.Index(fields=["status", "title"], name="programme_status_title_idx"),
            # ?sort=fee_home / ?max_fee_home=… (compared on the whole-course basis)
            models.Index(
                fields=["status", "fee_home_course"], name="programme_status_fee_home_idx"
            ),
            # ?sort=fee_international / ?max_fee_international=…
            models.Index(
                fields=["status", "fee_international_course"], name="programme_status_fee_int_idx"
            ),
            # ?sort=duration / ?max_duration=…
            models.Index(
                fields=["status", "duration_full_time_months"], name="programme_status_duration_idx"
            ),
            # The home page's "recently updated programmes".
            models.Index(fields=["status", "-updated"], name="programme_status_updated_idx"),
            # The list's nation and university facets: counts per university, from the index.
            models.Index(fields=["status", "university"], name="programme_status_uni_idx"),
            # Editors' verification queue and ?sort=-verified.
            models.Index(fields=["status", "last_verified"], name="programme_status_verified_idx"),
        ]
        permissions = [("export_programme", "Can export programmes as CSV")]

    def __str__(self) -> str:
        return f"{self.award} {self.title}, {self.university.name}"

    def get_absolute_url(self) -> str:
        return reverse("programme_detail", args=[self.university.slug, self.slug])

    @property
    def full_title(self) -> str:
        return f"{self.award} {self.title}" if self.award != Award.OTHER else self.title

    @property
    def modes(self) -> list[str]:
        return [
            Mode(mode).label for mode, field in self.MODE_FIELDS.items() if getattr(self, field)
        ]

    @property
    def start_months(self) -> list[int]:
        return mask_to_months(self.start_month_mask)

    @property
    def start_month_names(self) -> list[str]:
        return [MONTH_NAMES[m] for m in self.start_months]

    @property
    def source_url_list(self) -> list[str]:
        return [line.strip() for line in self.source_urls.splitlines() if line.strip()]

    @functools.cached_property
    def sources(self) -> list[provenance.Source]:
        """Each source URL with what it is (own site, other site, pre-release copy)."""
        return provenance.sources(self.source_url_list, self.university.own_domains)

    @functools.cached_property
    def official_page(self) -> str:
        """The official course page if it is on the university's own public site, else ""
        (a listing or a pre-release copy is never offered as the official page)."""
        url = self.official_url
        own = url and provenance.classify(url, self.university.own_domains) == provenance.OWN
        return url if own else ""

    @property
    def needs_verification(self) -> bool:
        if self.last_verified is None:
            return True
        return self.last_verified < Programme.objects.verification_cutoff()

    AUDIENCE_FIELDS: dict[str, str] = {
        "computing": "for_computing_graduates",
        "health-professionals": "for_health_professionals",
        "any-degree": "for_any_degree",
    }

    @property
    def audiences(self) -> list[str]:
        """Who it is for, as the labels of the ticked fields (empty: not recorded)."""
        return [label for name, label in AUDIENCE_LABELS.items() if getattr(self, name)]

    @property
    def deadlines(self) -> list[tuple[str, datetime.date]]:
        """(who, date) for each recorded deadline: one row when home and international agree."""
        home, international = self.deadline_home, self.deadline_international
        if home and home == international:
            return [("Everyone", home)]
        rows = [("Home students", home), ("International students", international)]
        return [(who, when) for who, when in rows if when]

    @property
    def next_intake(self) -> str:
        """ "September 2027", "2027", or "" when not recorded."""
        if self.next_intake_year is None:
            return ""
        month = MONTH_NAMES.get(self.next_intake_month or 0, "")
        return f"{month} {self.next_intake_year}".strip()

    @property
    def ielts_text(self) -> str:
        """ "6.5 overall, at least 6.0 in each part", or "" when the overall is not recorded."""
        if self.ielts_overall is None:
            return ""
        parts = self.ielts_min_component
        each = f", at least {parts:.1f} in each part" if parts is not None else ""
        return f"{self.ielts_overall:.1f} overall{each}"

    @property
    def deadlines_text(self) -> str:
        return "; ".join(f"{who}: {when:%-d %B %Y}" for who, when in self.deadlines)

    @property
    def fee_year_note(self) -> str:
        """A fee recorded for an earlier academic year than the next intake's, said so: "2025/26
        fee: the 2027/28 fee may differ"."""
        fee_start = self.fee_year[:4]
        if not fee_start.isdigit() or self.next_intake_year is None:
            return ""
        if int(fee_start) >= self.next_intake_year:
            return ""
        intake = self.next_intake_year
        return f"{self.fee_year} fee: the {intake}/{(intake + 1) % 100:02d} fee may differ"

    def clean(self) -> None:
        super().clean()
        errors = {}
        overall, component = self.ielts_overall, self.ielts_min_component
        if overall is not None and component is not None and component > overall:
            errors["ielts_min_component"] = (
                "The lowest component cannot be above the overall score."
            )
        if self.next_intake_month and self.next_intake_year is None:
            errors["next_intake_year"] = "Give the year of the next intake with its month."
        opens = self.applications_open
        for name in ("deadline_home", "deadline_international"):
            deadline = getattr(self, name)
            if opens and deadline and deadline < opens:
                errors[name] = "The deadline is before the date applications open."
        if errors:
            raise ValidationError(errors)

    def set_status(self, status: str) -> bool:
        """Move to ``status`` (call before saving); archiving records the day.

        Returns False when the status was already ``status``.
        """
        if self.status == status:
            return False
        self.status = status
        if status == Status.ARCHIVED:
            self.archived_on = self.archived_on or timezone.localdate()
        else:
            self.archived_on = None
        return True


AUDIENCE_LABELS = {
    "for_computing_graduates": "computing or quantitative graduates",
    "for_health_professionals": "health and care professionals",
    "for_any_degree": "graduates of any subject (conversion)",
}

# What "recorded" means for each fact students filter on and editors complete: one rule,
# used by the list's filters (which keep unrecorded programmes in sight), the completeness
# table on /about/data/ and the admin's "missing" filter.
RECORDED: dict[str, Q] = {
    "fee_home": Q(fee_home__isnull=False),
    "fee_international": Q(fee_international__isnull=False),
    "fee_home_course": Q(fee_home_course__isnull=False),
    "fee_international_course": Q(fee_international_course__isnull=False),
    "ielts_overall": Q(ielts_overall__isnull=False),
    "duration_full_time_months": Q(duration_full_time_months__isnull=False),
    "duration_part_time_months": Q(duration_part_time_months__isnull=False),
    "modes": Q(offers_full_time=True) | Q(offers_part_time=True) | Q(offers_online=True),
    "start_months": Q(start_month_mask__gt=0),
    "min_degree": ~Q(min_degree=""),
    "placement": Q(placement__isnull=False),
    "ielts_min_component": Q(ielts_min_component__isnull=False),
    "audience": Q(for_computing_graduates=True)
    | Q(for_health_professionals=True)
    | Q(for_any_degree=True),
    "work_experience": Q(work_experience__isnull=False),
    "next_intake": Q(next_intake_year__isnull=False),
    "deadline": Q(deadline_home__isnull=False) | Q(deadline_international__isnull=False),
}


class CatalogueCounts(models.Model):
    """How many published programmes each university has, in all and per topic, and how many of
    them do not record each fact a filter asks about: the list's count and facets for place and
    topic filters read this one row instead of scanning the catalogue (``programmes/counts.py``
    keeps it in step; one row, ``pk=1``).

    Every write the list shows adds a ``CatalogueCountsChange`` row in the writer's own
    transaction, and the counts are rebuilt once that commits. While any change row exists, or
    the row is ``dirty`` (never built) or missing, it is not read: the list then counts from the
    programmes themselves, as it always can.
    """

    # The counts as JSON text (``counts.build``), not a JSON column: read whole by every list
    # page, and PostgreSQL's jsonb took 4 ms to give back as text at 20,000 programmes (a text
    # column kept uncompressed, 0.3 ms).
    data = models.TextField(default="{}", editable=False)
    # Per published programme, what a search's count, facets and ranked page need
    # (``counts.CatalogueIndex``): packed arrays, read only by a search.
    index = models.BinaryField(null=True, blank=True, editable=False)
    dirty = models.BooleanField(default=True)
    built_at = models.DateTimeField(null=True, blank=True)
    # New with every rebuild (its only writer): a reader that already decoded this version of
    # ``data`` or ``index`` keeps what it decoded instead of reading the value again.
    version = models.CharField(max_length=32, default="", editable=False)

    class Meta:
        verbose_name_plural = "catalogue counts"

    def __str__(self) -> str:
        return f"Catalogue counts ({'dirty' if self.dirty else 'built'})"


class CatalogueCountsChange(models.Model):
    """A write the stored counts do not include yet (``programmes/counts.py``). Writers insert
    one each, so they never wait on one another; a rebuild removes the ones it saw before it
    counted."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"Catalogue change {self.pk}"


# ----- reference figures and funding (what studying costs and how to pay) ----------------


class SourceKind(models.TextChoices):
    OFFICIAL = "official", "Official (the body that sets it)"
    SECONDARY = "secondary", "Secondary (a page quoting it)"


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM_HIGH = "medium-high", "Medium-high"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Sourced(models.Model):
    """Where a reference figure, rule or scheme was read, when, and how sure we are."""

    source_url = models.URLField("source URL", max_length=500, validators=[validate_http_url])
    source_kind = models.CharField(
        max_length=10,
        choices=SourceKind.choices,
        blank=True,
        help_text="Empty when the research did not say which it is.",
    )
    source_read = models.DateField("read on", help_text="When the source was read.")
    verified_on = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked it against the official page.",
    )
    confidence = models.CharField(max_length=12, choices=Confidence.choices, blank=True)
    notes = models.TextField(blank=True, help_text="Shown to students beside the figure.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def checked_on(self) -> datetime.date:
        return self.verified_on or self.source_read

    @property
    def cited(self) -> dict:
        """What a page shows of the source (the same shape as costs.Cited)."""
        return {
            "source_url": self.source_url,
            "source_read": self.checked_on,
            "kind": self.source_kind,
        }


class DatedQuerySet(models.QuerySet):
    def in_effect(self, on: datetime.date):
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )

    def needing_a_check(self, today: datetime.date):
        """Past their end date, or not checked for 12 months: the editors' to-do list."""
        year_ago = today - datetime.timedelta(days=VERIFICATION_MAX_AGE_DAYS)
        return self.filter(
            Q(effective_to__lt=today)
            | Q(verified_on__lt=year_ago)
            | Q(verified_on__isnull=True, source_read__lt=year_ago)
        )


class FigureUnit(models.TextChoices):
    PER_MONTH = "per month", "per month"
    PER_YEAR = "per year", "per year"
    PER_APPLICATION = "per application", "per application"
    PER_COURSE = "per course", "per course"


class ReferenceFigure(Sourced):
    """A sourced money figure that applies across programmes (e.g. the Student visa living-cost
    requirement), for the dates it is in effect."""

    key = models.SlugField(
        max_length=80,
        help_text="What the portal looks the figure up by; several rows may "
        "share a key for different dates.",
    )
    label = models.CharField(max_length=200)
    amount_gbp = models.PositiveIntegerField("amount (GBP)", validators=[MaxValueValidator(10**7)])
    unit = models.CharField(max_length=20, choices=FigureUnit.choices)
    max_units = models.PositiveSmallIntegerField(
        "how many units count at most", null=True, blank=True, help_text="e.g. 9 months."
    )
    applies_to = models.CharField(max_length=200)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="figure_unique_key_from"
            ),
            models.CheckConstraint(
                condition=Q(amount_gbp__gte=0), name="figure_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="figure_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: £{self.amount_gbp:,} {self.unit}"


class ReferenceRule(Sourced):
    """A sourced, dated statement (e.g. how long the Graduate visa lasts after a master's)."""

    key = models.SlugField(max_length=80)
    statement = models.CharField(max_length=300)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="rule_unique_key")]

    def __str__(self) -> str:
        return self.statement


class SchemeStatus(models.TextChoices):
    CURRENT = "yes", "Current"
    ENDED = "no", "Ended"
    UNKNOWN = "unknown", "May have ended"


class FundingScheme(Sourced):
    """A loan, scholarship, funded place or fellowship, with who may apply."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    provider = models.CharField(max_length=200)
    kind = models.CharField(max_length=60, help_text="e.g. loan, scholarship, bursary.")
    who = models.CharField("who is eligible", max_length=400)
    covers = models.CharField("what it covers", max_length=400, blank=True)
    amount = models.CharField(max_length=200, blank=True, help_text="As the source says it.")
    deadline = models.CharField(max_length=200, blank=True, help_text="As the source says it.")
    current = models.CharField(
        "still current", max_length=8, choices=SchemeStatus.choices, default=SchemeStatus.UNKNOWN
    )
    # Who it is for, as tags for filtering (several may apply).
    for_england = models.BooleanField("home students from England", default=False)
    for_wales = models.BooleanField("home students from Wales", default=False)
    for_scotland = models.BooleanField("home students from Scotland", default=False)
    for_northern_ireland = models.BooleanField("home students from Northern Ireland", default=False)
    for_international = models.BooleanField("international students", default=False)
    for_nhs_staff = models.BooleanField("NHS staff", default=False)
    for_clinicians = models.BooleanField("clinicians and health professionals", default=False)
    for_underrepresented = models.BooleanField("under-represented groups", default=False)
    universities = models.ManyToManyField(University, related_name="funding_schemes", blank=True)
    programmes = models.ManyToManyField(Programme, related_name="funding_schemes", blank=True)
    topics = models.ManyToManyField(Topic, related_name="funding_schemes", blank=True)

    WHO_FIELDS: dict[str, str] = {
        "england": "for_england",
        "wales": "for_wales",
        "scotland": "for_scotland",
        "northern-ireland": "for_northern_ireland",
        "international": "for_international",
        "nhs-staff": "for_nhs_staff",
        "clinicians": "for_clinicians",
        "underrepresented": "for_underrepresented",
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, published_at__isnull=False)


class Guide(TimeStamped):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the URL.")
    summary = models.CharField(
        max_length=300, help_text="One or two sentences shown in lists, feeds and search results."
    )
    body = models.TextField(
        help_text="Markdown. The title above is the page's top heading, so # headings are shown "
        "one level down (# as a section, ## as a subsection); the top two levels build the "
        "table of contents. Raw HTML, scripts and styles are removed when the guide is shown."
    )
    # Rendered once when an editor saves (see Guide.render_body); never per request. The hash
    # says which Markdown it was rendered from: any other path that changes ``body`` (shell,
    # loaddata, QuerySet.update) leaves a mismatch, and Guide.rendered() renders afresh.
    body_html = models.TextField(editable=False, default="")
    rendered_from = models.CharField(max_length=64, editable=False, default="")
    toc_html = models.TextField(editable=False, default="")
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateField(
        "published date", null=True, blank=True, help_text="Set when the guide is published."
    )
    author = models.CharField(max_length=200, default="The portal's editors")
    topics = models.ManyToManyField(Topic, related_name="guides", blank=True)
    universities = models.ManyToManyField(University, related_name="guides", blank=True)
    programmes = models.ManyToManyField(Programme, related_name="guides", blank=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = "guide"
        verbose_name_plural = "guides"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="guide_status_valid"
            ),
            # A published guide without a date would be listed nowhere and answer 404.
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="guide_published_has_date",
            ),
        ]
        indexes = [
            # /guides/: published guides, newest first.
            models.Index(fields=["status", "-published_at"], name="guide_status_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guide_detail", args=[self.slug])

    def render_body(self) -> None:
        """Render and sanitise the Markdown body into the stored HTML fields (call before save)."""
        from .markdown import render

        rendered = render(self.body)
        self.body_html = rendered.html
        self.toc_html = rendered.toc_html
        self.reading_minutes = rendered.reading_minutes
        self.rendered_from = body_hash(self.body)

    def rendered(self):
        """The sanitised HTML, contents and reading time for the current body, whatever saved it."""
        from .markdown import Rendered, render

        if self.rendered_from == body_hash(self.body):
            return Rendered(self.body_html, self.toc_html, self.reading_minutes, heading_count=0)
        return render(self.body)

    @property
    def minutes_to_read(self) -> int:
        """Reading time for the current body (lists load ``body`` and ``rendered_from``)."""
        from .markdown import reading_minutes

        if self.rendered_from == body_hash(self.body):
            return self.reading_minutes
        return reading_minutes(self.body)


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ProgrammeSearch(models.Model):
    """A programme's full-text index entry (read-only here: see programmes/search/).

    Created by migration 0006 as an FTS5 virtual table on SQLite and as a table with a tsvector
    and a GIN index on PostgreSQL. On both, ``programme_id`` is the programme id and the column
    named like the table is what a MATCH / ``@@`` applies to (FTS5's hidden column; the
    tsvector).
    """

    programme = models.OneToOneField(
        Programme,
        primary_key=True,
        db_column="programme_id",
        on_delete=models.CASCADE,  # deleting a programme through the ORM deletes its entry
        db_constraint=False,
        related_name="search_entry",
    )
    document = models.TextField(db_column="programmes_search", editable=False)

    class Meta:
        managed = False
        db_table = "programmes_search"
        verbose_name = "programme search entry"
        verbose_name_plural = "programme search entries"

    def __str__(self) -> str:
        return f"search entry of programme {self.programme_id}"

    def get_absolute_url(self) -> str:
        return self.programme.get_absolute_url()


class CatalogueImport(models.Model):
    """An uploaded CSV kept between the dry run and the editor's confirmation."""

    PENDING = "pending"
    APPLIED = "applied"
    STATUS_CHOICES = [(PENDING, "Waiting for confirmation"), (APPLIED, "Applied")]

    created = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    filename = models.CharField(max_length=200)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "catalogue import"
        verbose_name_plural = "catalogue imports"

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()}, {self.created:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("admin:programmes_programme_import_review", args=[self.pk])


# ----- page reads and suggestions ------------------------------------------------------------
# Each official or source URL of a programme is a SourcePage, re-read on a schedule by
# ``check_sources`` (programmes/sources/services.py). Every read is a PageRead (the last few
# are kept).
# Facts found on a read, and corrections visitors report, are Suggestions that an editor accepts
# or dismisses in the admin; nothing reaches a public page without an editor.

PAGE_READS_KEPT = 5
PAGE_TEXT_MAX = 100_000


class PageKind(models.TextChoices):
    OFFICIAL = "official", "Official course page"
    SOURCE = "source", "Source URL"
    LINKED = "linked", "Linked from the course page"


class SourcePage(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField("URL", max_length=500)
    kind = models.CharField(max_length=10, choices=PageKind.choices, default=PageKind.SOURCE)
    # A linked page (fees, English requirements, how to apply): the course page that links to
    # it and the link's words, as check_sources found them (programmes/sources/links.py).
    found_on = models.URLField("linked from", max_length=500, blank=True)
    link_text = models.CharField("link text", max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField("last read", null=True, blank=True)
    last_status = models.PositiveSmallIntegerField("last HTTP status", null=True, blank=True)
    last_reason = models.CharField("last failure", max_length=30, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    etag = models.CharField("ETag", max_length=200, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    changed_at = models.DateTimeField(
        "content last changed", null=True, blank=True, help_text="When a read found new content."
    )
    # A lease: the run that claimed this page to read it, until when. Another run skips it
    # until the lease ends (a crashed run's claim simply expires).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["programme_id", "kind", "url"]
        verbose_name = "source page"
        verbose_name_plural = "source pages"
        constraints = [
            models.UniqueConstraint(fields=["programme", "url"], name="sourcepage_unique_url"),
        ]
        indexes = [
            # check_sources --due: pages never read, or read longest ago, first.
            models.Index(fields=["last_read_at"], name="sourcepage_last_read_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return self.url


class PageRead(models.Model):
    page = models.ForeignKey(SourcePage, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)
    http_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    final_url = models.URLField("final URL", max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    etag = models.CharField("ETag", max_length=200, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    text = models.TextField(blank=True, help_text="The page text as the extractor read it.")
    reason = models.CharField("failure", max_length=30, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    changed = models.BooleanField(
        default=False, help_text="The content differs from the last read."
    )
    suggestions_made = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = "page read"
        verbose_name_plural = "page reads"
        indexes = [
            # The programme change page: each page's latest reads.
            models.Index(fields=["page", "-read_at"], name="pageread_page_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.page.url} at {self.read_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return self.page.url

    @property
    def outcome(self) -> str:
        if self.reason:
            return f"failed: {self.reason}"
        if self.http_status == 304 or not self.changed:
            return "unchanged"
        return "changed"


class SuggestionField(models.TextChoices):
    # The CSV export's column names, as extract_facts prints them.
    FEE_HOME = "fee_home_gbp", "Home fee"
    FEE_INTERNATIONAL = "fee_international_gbp", "International fee"
    IELTS = "ielts_overall", "IELTS overall"
    DURATION_FT = "duration_full_time_months", "Full-time duration (months)"
    DURATION_PT = "duration_part_time_months", "Part-time duration (months)"
    MODES = "modes", "Study modes"
    START_MONTHS = "start_months", "Start months"
    MIN_DEGREE = "min_degree", "Minimum degree"
    PLACEMENT = "placement", "Placement or industry project"
    IELTS_MIN = "ielts_min_component", "IELTS lowest component"
    NEXT_INTAKE = "next_intake", "Next intake (year and month)"
    APPLICATIONS_OPEN = "applications_open", "Applications open"
    DEADLINE_HOME = "deadline_home", "Application deadline (home)"
    DEADLINE_INTERNATIONAL = "deadline_international", "Application deadline (international)"
    OTHER = "other", "Something else"


class SuggestionOrigin(models.TextChoices):
    PAGE = "page", "Official page"
    VISITOR = "visitor", "Visitor report"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    SUPERSEDED = "superseded", "Superseded by a newer read"


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SuggestionStatus.OPEN)


class Suggestion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="suggestions")
    field = models.CharField(max_length=30, choices=SuggestionField.choices)
    # The proposed value as the CSV export writes it ("12000", "6.5", "full-time; part-time").
    value = models.CharField("proposed value", max_length=500)
    period = models.CharField(max_length=12, blank=True, choices=FeePeriod.choices)
    year = models.CharField("academic year", max_length=20, blank=True)
    quote = models.TextField(help_text="The words on the page (or the visitor's note).")
    source_url = models.URLField("page", max_length=500, blank=True, validators=[validate_http_url])
    read = models.ForeignKey(
        PageRead, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    origin = models.CharField(max_length=10, choices=SuggestionOrigin.choices)
    # The programme's value when the suggestion was made: accepting refuses to overwrite a
    # value that changed since (someone else edited it), and says so.
    value_when_made = models.CharField("value when suggested", max_length=500, blank=True)
    status = models.CharField(
        max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_email = models.EmailField("reporter's email", blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "suggestion"
        verbose_name_plural = "suggestions"
        constraints = [
            # A value read from a page is proposed once: re-runs never duplicate it, and a
            # dismissed one is never proposed again from the same page.
            models.UniqueConstraint(
                fields=["programme", "field", "value", "period", "year", "source_url"],
                condition=Q(origin="page"),
                name="suggestion_once_per_page_value",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
        ]
        indexes = [
            # The review queue and the dashboard count: open suggestions, oldest first.
            models.Index(fields=["status", "created"], name="suggestion_status_created_idx"),
            # A programme's open suggestions on its change page.
            models.Index(fields=["programme", "status"], name="suggestion_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.value} ({self.programme_id})"

    def get_absolute_url(self) -> str:
        return reverse("admin:programmes_suggestion_change", args=[self.pk])


# ----- programmes the catalogue lacks ------------------------------------------------------
# discover_programmes (programmes/sources/discover.py) reads each university's course index and
# proposes the postgraduate course pages in the portal's scope as leads; an editor accepts one
# (a draft programme is made) or dismisses it (that address is never proposed again).


class LeadStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted (draft made)"
    DISMISSED = "dismissed", "Dismissed"


class ProgrammeLead(models.Model):
    university = models.ForeignKey(University, on_delete=models.CASCADE, related_name="leads")
    url = models.URLField("page", max_length=500, unique=True, validators=[validate_http_url])
    title = models.CharField(max_length=300, help_text="The page's title as read.")
    award = models.CharField(max_length=10, choices=Award.choices, blank=True)
    matched = models.CharField(
        "words matched", max_length=200, help_text="The scope words found in the title or lead."
    )
    lead = models.TextField("first words", blank=True, help_text="The page's description.")
    found_on = models.URLField("found in", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "new-programme lead"
        verbose_name_plural = "new-programme leads"
        indexes = [models.Index(fields=["status", "created"], name="lead_status_created_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url
