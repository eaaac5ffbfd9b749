"""The one definition of catalogue filtering.

``ProgrammeFilter`` serves the public list page and every other consumer (CSV export, facet
counts). Its query parameter names are part of the public URL contract: keep them stable.
Invalid values become form errors and are ignored; they never reach the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from . import eligibility, search
from .models import (
    IELTS_STEPS,
    MONTHS,
    RECORDED,
    Award,
    Mode,
    Nation,
    Programme,
    Region,
    Topic,
    University,
)

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = search.MAX_QUERY_TERMS
MAX_FEE = 1_000_000
# The list page's university facet shows this many universities (most matches first) plus every
# selected one; the rest are one link away (/programmes/universities/). Listing all of them
# made the page grow with the catalogue: 670 checkboxes, 229 KB, at 20,000 programmes.
UNIVERSITIES_SHOWN = 10
IELTS_CHOICES = [(f"{step:.1f}", f"{step:.1f}") for step in IELTS_STEPS if step >= 4]

SORTS = {
    # Only with a search (``q``); without one the list falls back to DEFAULT_SORT.
    "relevance": ("Best match (when searching)", [F("search_rank").desc()]),
    "title": ("Title (A–Z)", [F("title").asc(), F("university__name").asc()]),
    # Fees sort on the one comparison basis, the whole full-time course (programmes/fees.py).
    "fee_home": (
        "Home fee, whole course (lowest first)",
        [F("fee_home_course").asc(nulls_last=True)],
    ),
    "-fee_home": (
        "Home fee, whole course (highest first)",
        [F("fee_home_course").desc(nulls_last=True)],
    ),
    "fee_international": (
        "International fee, whole course (lowest first)",
        [F("fee_international_course").asc(nulls_last=True)],
    ),
    "duration": (
        "Full-time duration (shortest first)",
        [F("duration_full_time_months").asc(nulls_last=True)],
    ),
    "-verified": ("Recently verified first", [F("last_verified").desc(nulls_last=True)]),
}
DEFAULT_SORT = "title"
FEE_SORTS = {"fee_home", "-fee_home", "fee_international"}
SEARCH_SORT = "relevance"


@dataclass(frozen=True)
class FactFilter:
    """A filter on a fact some programmes do not record yet. Such programmes are never dropped
    silently: they follow the matches (``unrecorded`` = 1 on the list's rows), and the page
    says how many there are, unless the student asks to leave them out (``unrecorded=hide``)."""

    noun: str  # "IELTS score": "N programmes whose IELTS score is not recorded yet"
    fact: str  # the key of its rule in models.RECORDED

    @property
    def recorded(self) -> Q:
        return RECORDED[self.fact]


FACT_FILTERS: dict[str, FactFilter] = {
    "mode": FactFilter("study modes", "modes"),
    "max_fee_home": FactFilter("home fee for the whole course", "fee_home_course"),
    "max_fee_international": FactFilter(
        "international fee for the whole course", "fee_international_course"
    ),
    "max_duration": FactFilter("full-time duration", "duration_full_time_months"),
    "placement": FactFilter("placement", "placement"),
    "max_ielts": FactFilter("IELTS score", "ielts_overall"),
    "start_month": FactFilter("start months", "start_months"),
    "open": FactFilter("application deadline", "deadline"),
}
HIDE_UNRECORDED = "hide"
MATCH_ANY, MATCH_ALL = "any", "all"
# Filters on where a programme is: the stored counts (programmes/counts.py) answer these.
PLACE_FILTERS = ("nation", "region", "university", "city")
# Parameters that change no count once no other filter is set: how to sort or read the rest,
# and what a student said of themselves (read only by ``eligible``).
COUNT_NEUTRAL = {"sort", "match", "read_from", "as_typed", "my_ielts", "my_degree", "unrecorded"}


class SearchTermsFilter(django_filters.CharFilter):
    """Full-text search (programmes/search/): every word, or one of its synonyms, must match
    the title, university, topics, summary or description; results carry ``search_rank``."""

    def filter(self, qs, value):
        if not value:
            return qs
        # Parsed once per FilterSet: the list, its count and each facet apply this filter.
        return search.search_programmes(query=self.parsed(value), queryset=qs, ranked=False)

    def parsed(self, value: str) -> search.SearchQuery:
        if getattr(self, "_parsed", (None,))[0] != value:
            query = search.parse(value, search.synonyms())
            cleaned = getattr(getattr(self, "parent", None), "form", None)
            if getattr(cleaned, "cleaned_data", {}).get("match") == MATCH_ANY:
                query = query.loosened()
            self._parsed = (value, query)
        return self._parsed[1]


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class NumberText(forms.TextInput):
    """A whole-number box that can re-show whatever the visitor typed.

    ``<input type="number" value="abc">`` is invalid HTML, so a bad value could not be shown
    back beside its error message. A text box with ``inputmode="numeric"`` still brings up the
    number keypad on phones. The server validates every value (min, max, whole number).
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


@dataclass
class UniversityChoice:
    slug: str
    name: str
    city: str
    count: int  # programmes matching every other filter
    selected: bool
    add_query: str = ""  # the current filters with this university added (unselected ones)
    remove_query: str = ""  # the current filters with it taken out (selected ones)


@dataclass
class UniversityFacet:
    """What the list page shows of the university filter: a bounded choice."""

    shown: list[UniversityChoice] = field(default_factory=list)
    total: int = 0  # universities with a published programme
    query: str = ""  # the current filters, for the link to every university

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)

    @property
    def has_selected(self) -> bool:
        return any(choice.selected for choice in self.shown)


def filter_options() -> tuple[list[Any], list[Any]]:
    """The university and topic choices: universities with a published programme, all topics."""
    universities = list(
        University.objects.with_published_programmes()
        .order_by("name")
        .values("pk", "slug", "name", "city", "nation", "region")
    )
    topics = list(Topic.objects.order_by("name").values("pk", "slug", "name"))
    return universities, topics


@dataclass(frozen=True)
class Chip:
    """An active filter as the list shows it above the results, removable in one click."""

    name: str
    label: str
    remove_query: str


# Parameters that say how to read the rest, not what to show: no chip.
NOT_CHIPS = {"sort", "match", "read_from", "as_typed"}
CHIP_LABELS = {
    "open": "Still open for applications",
    "placement": "Offers a placement or industry project",
    "eligible": "Only programmes I meet, or that do not say",
    "unrecorded": "Leaving out programmes that do not record a fact filtered on",
}


class ProgrammeFilter(django_filters.FilterSet):
    q = SearchTermsFilter(
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        help_text="Words in the title, university, city, topics or description; the last word "
        "may be the start of a word.",
    )
    # Set when the list was reached from a search whose words named places or study modes
    # ("Edinburgh online"): the page says how it read them; ``as_typed`` searches the words.
    read_from = django_filters.CharFilter(
        label="Read from", max_length=MAX_QUERY_LENGTH, method="filter_nothing"
    )
    as_typed = django_filters.ChoiceFilter(
        choices=[("1", "Search the words as typed")],
        label="Words",
        method="filter_nothing",
        empty_label="Read places and study modes as filters",
    )
    match = django_filters.ChoiceFilter(
        choices=[(MATCH_ANY, "Any of the words"), (MATCH_ALL, "Every word")],
        label="Match",
        method="filter_nothing",
        empty_label="Every word (some, when none matches every word)",
    )
    # distinct=False: each programme has one university and one award, so these filters never
    # repeat a row, and DISTINCT over 5,000 rows costs more than the rest of the query.
    university = django_filters.MultipleChoiceFilter(
        field_name="university__slug", label="University", distinct=False
    )
    nation = django_filters.MultipleChoiceFilter(
        field_name="university__nation", choices=Nation.choices, label="Nation", distinct=False
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="university__region",
        choices=Region.choices,
        label="Region of England",
        distinct=False,
    )
    city = django_filters.ChoiceFilter(
        field_name="university__city", label="City", empty_label="Any city"
    )
    topic = django_filters.MultipleChoiceFilter(label="Topic", method="filter_topic")
    award = django_filters.MultipleChoiceFilter(
        choices=Award.choices, label="Award", distinct=False
    )
    mode = django_filters.MultipleChoiceFilter(
        choices=Mode.choices, label="Study mode", method="filter_mode"
    )
    # Fee limits compare the whole full-time course (fee_*_course), never a per-year figure.
    max_fee_home = IntegerFilter(
        field_name="fee_home_course",
        method="filter_at_most",
        label="Maximum home fee (£)",
        min_value=0,
        max_value=MAX_FEE,
        widget=NumberText,
    )
    max_fee_international = IntegerFilter(
        field_name="fee_international_course",
        method="filter_at_most",
        label="Maximum international fee (£)",
        min_value=0,
        max_value=MAX_FEE,
        widget=NumberText,
    )
    max_duration = IntegerFilter(
        field_name="duration_full_time_months",
        method="filter_at_most",
        label="Maximum full-time duration (months)",
        min_value=1,
        max_value=60,
        widget=NumberText,
    )
    placement = django_filters.ChoiceFilter(
        choices=[("yes", "Offers a placement or industry project")],
        label="Placement",
        method="filter_placement",
        empty_label="Any",
    )
    max_ielts = django_filters.ChoiceFilter(
        choices=IELTS_CHOICES,
        label="IELTS overall at most",
        method="filter_max_ielts",
        empty_label="Any score",
    )
    start_month = django_filters.ChoiceFilter(
        choices=[(str(number), name) for number, name in MONTHS],
        label="Starts in",
        method="filter_start_month",
        empty_label="Any month",
    )
    open = django_filters.ChoiceFilter(
        choices=[("yes", "Still open for applications")],
        label="Applications",
        method="filter_open",
        empty_label="Open or closed",
    )
    my_ielts = django_filters.ChoiceFilter(
        choices=eligibility.MY_IELTS_CHOICES,
        label="My IELTS overall score",
        method="filter_nothing",
        empty_label="Not given",
    )
    my_degree = django_filters.ChoiceFilter(
        choices=eligibility.MY_DEGREE_CHOICES,
        label="My degree class",
        method="filter_nothing",
        empty_label="Not given",
    )
    eligible = django_filters.ChoiceFilter(
        choices=[("yes", "Only programmes I meet, or that do not say")],
        label="Show",
        method="filter_eligible",
        empty_label="Every programme",
    )
    unrecorded = django_filters.ChoiceFilter(
        choices=[(HIDE_UNRECORDED, "Leave them out")],
        label="Programmes that do not record a fact you filter on",
        method="filter_nothing",
        empty_label="Show them after the matches",
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        label="Sort by",
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Programme
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, options=None, **kwargs):
        # The whole published catalogue (the list page), which the stored counts describe.
        self.whole_catalogue = queryset is None
        if queryset is None:
            queryset = Programme.objects.published()
        if data is not None and data.get("q", "").strip() and not data.get("sort"):
            # A search sorts by relevance unless asked otherwise; the form shows that choice.
            data = data.copy()
            data["sort"] = SEARCH_SORT
        super().__init__(data, queryset, **kwargs)
        # The template reuses these lists for the facet panels. ``options`` lets the list page
        # pass them from the cache (programmes/cache.py); otherwise one query each.
        self.university_options, self.topic_options = (
            options if options is not None else filter_options()
        )
        self.city_options = sorted({u["city"] for u in self.university_options})
        # The regions with a published programme, in the choices' order (the form accepts all).
        present = {u.get("region") for u in self.university_options}
        self.region_options = [(v, label) for v, label in Region.choices if v in present]
        self.filters["university"].extra["choices"] = [
            (u["slug"], u["name"]) for u in self.university_options
        ]
        self.filters["topic"].extra["choices"] = [
            (t["slug"], t["name"]) for t in self.topic_options
        ]
        self.filters["city"].extra["choices"] = [(c, c) for c in self.city_options]

    def university_options_pair(self) -> tuple[list[Any], list[Any]]:
        """The university and topic options, to build another FilterSet without reading them."""
        return self.university_options, self.topic_options

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        tagged = Programme.topics.through.objects.filter(
            programme=OuterRef("pk"), topic__slug__in=value
        )
        return queryset.filter(Exists(tagged))

    def _matching(self, queryset, name: str, match: Q):
        """``match``, or (unless the student hides them) the fact is not recorded."""
        if self._hiding_unrecorded():
            return queryset.filter(match)
        return queryset.filter(match | ~FACT_FILTERS[name].recorded)

    def _hiding_unrecorded(self) -> bool:
        return getattr(self.form, "cleaned_data", {}).get("unrecorded") == HIDE_UNRECORDED

    def filter_mode(self, queryset, name, value):
        """Any of the modes chosen ("part-time or online")."""
        if not value:
            return queryset
        offered = Q()
        for mode in value:
            offered |= Q(**{Programme.MODE_FIELDS[Mode(mode)]: True})
        return self._matching(queryset, name, offered)

    def filter_at_most(self, queryset, field_name, value):
        if value is None:
            return queryset
        name = next(n for n in FACT_FILTERS if self.filters[n].field_name == field_name)
        return self._matching(queryset, name, Q(**{f"{field_name}__lte": value}))

    def filter_placement(self, queryset, name, value):
        # "yes" is a recorded yes (or, in sight after the matches, not recorded): never a no.
        return self._matching(queryset, name, Q(placement=True)) if value == "yes" else queryset

    def filter_start_month(self, queryset, name, value):
        if not value:
            return queryset
        bit = 1 << (int(value) - 1)
        queryset = queryset.alias(_start_bit=F("start_month_mask").bitand(bit))
        return self._matching(queryset, name, Q(_start_bit=bit))

    def filter_max_ielts(self, queryset, name, value):
        if not value:
            return queryset
        return self._matching(queryset, name, Q(ielts_overall__lte=Decimal(value)))

    def filter_open(self, queryset, name, value):
        if value != "yes":
            return queryset
        today = timezone.localdate()  # the page cache keys pages by day too
        still_open = Q(deadline_home__gte=today) | Q(deadline_international__gte=today)
        return self._matching(queryset, name, still_open)

    def filter_eligible(self, queryset, name, value):
        mine = self.mine()
        return queryset.filter(eligibility.met_or_unsaid(mine)) if value and mine else queryset

    def mine(self) -> eligibility.Mine:
        """What the student said of their IELTS score and degree (valid values only)."""
        if not self.is_bound:
            return eligibility.Mine()
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        return eligibility.mine_from(self.form.cleaned_data)

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by the fact filters (unrecorded) and ordered_queryset (sort)

    filter_sort = filter_nothing

    def fact_filters(self) -> list[str]:
        """The fact filters in use, in the FilterSet's order."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        cleaned = self.form.cleaned_data
        return [name for name in FACT_FILTERS if cleaned.get(name) not in (None, "", [])]

    def counts_stored(self, *, searched: bool = False) -> bool:
        """Whether the stored counts (programmes/counts.py) answer this list's count and
        facets: the whole published catalogue with no filter but places and one topic.
        ``searched``: whether the stored index answers it (the same, with a search)."""
        if not self.whole_catalogue:
            return False
        if not self.is_bound:
            return not searched
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        if searched and not self.search_text:
            return False
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name in COUNT_NEUTRAL or name in PLACE_FILTERS:
                continue
            if searched and name == "q":
                continue
            if name == "topic" and len(value) == 1:
                continue
            return False
        return True

    def unrecorded_condition(self) -> Q | None:
        """Rows kept in sight although a filtered fact is not recorded, or None when no
        such row can be in the list (no fact filter, or the student hides them)."""
        names = self.fact_filters()
        if not names or self._hiding_unrecorded():
            return None
        condition = Q()
        for name in names:
            condition |= ~FACT_FILTERS[name].recorded
        return condition

    def unrecorded_nouns(self) -> list[str]:
        return [FACT_FILTERS[name].noun for name in self.fact_filters()]

    @property
    def fee_sorted(self) -> bool:
        return self.sort_key in FEE_SORTS

    @property
    def search_text(self) -> str:
        """The validated search text ("" without one, or when it was refused)."""
        if not self.is_bound:
            return ""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        return self.form.cleaned_data.get("q") or ""

    @property
    def sort_key(self) -> str:
        """The sort asked for; with a search and no choice, relevance; never relevance without."""
        if not self.is_bound:
            return DEFAULT_SORT
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        chosen = self.form.cleaned_data.get("sort") or ""
        if not self.search_text:
            return DEFAULT_SORT if chosen in ("", SEARCH_SORT) else chosen
        return chosen or SEARCH_SORT

    @property
    def search_query(self) -> search.SearchQuery | None:
        """The parsed search (synonyms expanded), or None without one."""
        text = self.search_text
        return self.filters["q"].parsed(text) if text else None

    def ordered_queryset(self):
        """The filtered queryset, sorted by ``sort`` with a stable tie-break."""
        if self.sort_key == SEARCH_SORT:
            # Only the query that sorts pays for the rank: a join to the index whose MATCH
            # also does the filtering, so the cheaper ``id IN (...)`` of ``q`` is left out.
            qs = search.rank_search(self.queryset_without("q"), self.search_query)
        else:
            qs = self.qs
        unrecorded = self.unrecorded_condition()
        if unrecorded is None:
            return qs.order_by(*SORTS[self.sort_key][1], "title", "pk")
        # The matches first, then the programmes that do not record a filtered fact.
        flag = Case(When(unrecorded, then=Value(1)), default=Value(0), output_field=IntegerField())
        return qs.annotate(unrecorded=flag).order_by(
            "unrecorded", *SORTS[self.sort_key][1], "title", "pk"
        )

    def active_filter_count(self) -> int:
        if not self.is_bound:
            return 0
        cleaned = getattr(self.form, "cleaned_data", {})
        ignored = ("sort", "unrecorded", "my_ielts", "my_degree", "match", "read_from", "as_typed")
        return sum(1 for k, v in cleaned.items() if k not in ignored and v not in (None, "", []))

    def selected(self, name: str) -> list[str]:
        """The valid values chosen for a multiple-choice filter (unknown slugs dropped)."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        return list(self.form.cleaned_data.get(name) or [])

    @classmethod
    def likely_params(cls, data) -> list[tuple[str, str]]:
        """What ``url_params()`` gives for ``data`` if every value in it is valid and plainly
        written, worked out without the database: the list looks its page up under these
        before it validates anything (``cache.kept_page``). A wrong guess only misses."""
        params: list[tuple[str, str]] = []
        for name, spec in cls.base_filters.items():
            values = [v.strip() for v in data.getlist(name) if v.strip()]
            if not values:
                continue
            if isinstance(spec, django_filters.MultipleChoiceFilter):
                params.extend((name, v) for v in sorted(dict.fromkeys(values)))
            else:
                params.append((name, values[-1]))  # a form reads the last of repeated values
        searching = any(name == "q" for name, _ in params)
        implied = SEARCH_SORT if searching else DEFAULT_SORT
        return [(n, v) for n, v in params if not (n == "sort" and v == implied)]

    def url_params(self, **replace: list[str]) -> list[tuple[str, str]]:
        """The validated filters as query parameters, in the FilterSet's order, with the
        values of any filter named in ``replace`` swapped for the ones given.

        Links built from these carry neither junk nor refused values, and the same filters
        always give the same URL; the list page is rendered from them and cached under them
        (junk parameters, repeated or reordered values and spellings such as ``010000`` give
        the same pairs). ``sort`` is kept only when it is not the one implied anyway.
        """
        if not self.is_bound:
            cleaned = {}
        else:
            self.errors  # noqa: B018 - runs validation so cleaned_data exists
            cleaned = self.form.cleaned_data
        implied = SEARCH_SORT if self.search_text else DEFAULT_SORT
        params = []
        for name in self.filters:
            value = replace.get(name, cleaned.get(name))
            if value in (None, "", []):
                continue
            if name == "sort":
                if self.sort_key != implied:
                    params.append((name, self.sort_key))
            elif isinstance(value, list | tuple):
                # One order, no repeats: the list page is cached under these (cache.py).
                params.extend((name, v) for v in sorted(dict.fromkeys(map(str, value))))
            else:
                params.append((name, str(value)))
        return params

    def chips(self) -> list[Chip]:
        """One removable chip per active filter value, in the URL's order; each chip's
        ``remove_query`` is the current filters without it (the list's canonical form)."""
        params = self.url_params()
        chips = []
        for index, (name, value) in enumerate(params):
            if name in NOT_CHIPS:
                continue
            rest = [pair for number, pair in enumerate(params) if number != index]
            chips.append(Chip(name, self._chip_label(name, value), urlencode(rest)))
        return chips

    def _chip_label(self, name: str, value: str) -> str:
        field = self.form.fields[name]
        shown = str(dict(getattr(field, "choices", [])).get(value, value))
        if name == "q":
            return f"Search: “{value}”"
        if name in CHIP_LABELS:
            return CHIP_LABELS[name]
        if name in ("max_fee_home", "max_fee_international"):
            who = "Home" if name == "max_fee_home" else "International"
            return f"{who} fee at most £{int(value):,}"
        if name in ("university", "nation", "topic", "award", "mode", "city"):
            return shown
        if name == "region":
            return f"{shown} (region)"
        return f"{field.label}: {shown}"

    def university_choices(self, counts: dict[str, int]) -> list[UniversityChoice]:
        """Every university with a published programme, by name, with its count and the
        queries that add it to (or take it out of) the current filters."""
        chosen = self.selected("university")
        choices = []
        for u in self.university_options:
            selected = u["slug"] in chosen
            choice = UniversityChoice(
                slug=u["slug"],
                name=u["name"],
                city=u["city"],
                count=counts.get(u["slug"], 0),
                selected=selected,
            )
            if selected:
                remaining = [s for s in chosen if s != u["slug"]]
                choice.remove_query = urlencode(self.url_params(university=remaining))
            else:
                choice.add_query = urlencode(self.url_params(university=[*chosen, u["slug"]]))
            choices.append(choice)
        return choices

    def university_facet(
        self, counts: dict[str, int], *, limit: int = UNIVERSITIES_SHOWN
    ) -> UniversityFacet:
        """The selected universities (by name), then the ``limit`` with most matches for the
        other filters that are not selected already. Universities with no match are left
        out unless selected: choosing one would only empty the list."""
        chosen = set(self.selected("university"))
        options = self.university_options
        selected = [
            UniversityChoice(u["slug"], u["name"], u["city"], counts.get(u["slug"], 0), True)
            for u in options
            if u["slug"] in chosen
        ]
        ranked = sorted(
            (u for u in options if counts.get(u["slug"], 0) > 0),
            key=lambda u: (-counts[u["slug"]], u["name"]),
        )[:limit]
        top = [
            UniversityChoice(u["slug"], u["name"], u["city"], counts[u["slug"]], False)
            for u in ranked
            if u["slug"] not in chosen
        ]
        return UniversityFacet(
            shown=selected + top, total=len(options), query=urlencode(self.url_params())
        )

    def queryset_without(self, *facets: str):
        """The filtered queryset ignoring some facets: the base for their counts."""
        qs = self.queryset.all()
        if not self.is_bound:
            return qs
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        for name, value in self.form.cleaned_data.items():
            if name in facets or name == "sort":
                continue
            qs = self.filters[name].filter(qs, value)
        return qs
