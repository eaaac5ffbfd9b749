"""Reading places and study modes out of what a student typed.

"Edinburgh online" is the University of Edinburgh filter and the online mode; "Scotland" is the
nation filter; "London part time" is the London city filter and part-time. The words used are
taken out of the text search, and the page says how it read them (with a link to search the
words as typed). A university or city without a published programme becomes its nation's
filter, and the page says so, so a place is never a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from programmes.models import Mode, Nation, Programme, Status, University

from .text import words

# Words in university names that name no particular university.
_GENERIC = frozenset({"university", "of", "the", "college", "and", "school", "institute", "at"})
NATION_WORDS: dict[tuple[str, ...], str] = {
    ("england",): Nation.ENGLAND,
    ("scotland",): Nation.SCOTLAND,
    ("scottish",): Nation.SCOTLAND,
    ("wales",): Nation.WALES,
    ("welsh",): Nation.WALES,
    ("northern", "ireland"): Nation.NORTHERN_IRELAND,
}
MODE_WORDS: dict[tuple[str, ...], str] = {
    ("online",): Mode.ONLINE,
    ("distance",): Mode.ONLINE,
    ("distance", "learning"): Mode.ONLINE,
    ("remote",): Mode.ONLINE,
    ("part", "time"): Mode.PART_TIME,
    ("parttime",): Mode.PART_TIME,
    ("full", "time"): Mode.FULL_TIME,
    ("fulltime",): Mode.FULL_TIME,
}
_LONGEST = 3


@dataclass(frozen=True)
class Place:
    label: str  # "University of Edinburgh", "London"
    nation: str
    published: bool  # has a published programme
    university: str = ""  # the university's slug, for a university
    city: str = ""  # the city's name, for a city


@dataclass(frozen=True)
class Vocabulary:
    universities: dict[tuple[str, ...], Place] = field(default_factory=dict)
    cities: dict[tuple[str, ...], Place] = field(default_factory=dict)


def load_vocabulary() -> Vocabulary:
    """Every university's short name and distinctive name words, and every city (one query)."""
    listed = Programme.objects.filter(university=OuterRef("pk"), status=Status.PUBLISHED)
    rows = University.objects.annotate(has_published=Exists(listed)).values_list(
        "slug", "name", "short_name", "city", "nation", "has_published"
    )
    universities: dict[tuple[str, ...], Place] = {}
    cities: dict[tuple[str, ...], Place] = {}
    per_city: dict[tuple[str, ...], int] = {}
    shared: set[tuple[str, ...]] = set()
    for slug, name, short_name, city, nation, has_published in rows:
        place = Place(name, nation, has_published, university=slug)
        city_key = tuple(words(city))
        per_city[city_key] = per_city.get(city_key, 0) + 1
        distinctive = tuple(w for w in words(name) if w not in _GENERIC)
        for key in {tuple(words(short_name)), distinctive} - {()}:
            if key in universities and universities[key].university != slug:
                shared.add(key)  # a key two universities share names neither
            universities[key] = place
        known = cities.get(city_key)
        any_published = bool(has_published or (known and known.published))
        cities[city_key] = Place(city, nation, any_published, city=city)
    # "Edinburgh" is the University of Edinburgh; "London" (the key left of University College
    # London's name) is the city, which has several universities.
    crowded = {key for key, count in per_city.items() if count > 1}
    return Vocabulary(
        {k: v for k, v in universities.items() if k not in shared and k not in crowded}, cities
    )


@dataclass
class Understood:
    text: str  # the words left for the text search
    params: list[tuple[str, str]] = field(default_factory=list)  # filters to add
    read_as: list[str] = field(default_factory=list)  # "University: University of Edinburgh"
    notes: list[str] = field(default_factory=list)  # "No published programme in Cardiff yet: ..."

    def __bool__(self) -> bool:
        return bool(self.params)


def understand(raw: str, vocabulary: Vocabulary) -> Understood:
    """The filters ``raw`` names, and the words left for the text search."""
    tokens = words(raw)
    result = Understood("")
    left: list[str] = []
    taken: set[str] = set()
    position = 0
    while position < len(tokens):
        for length in range(min(_LONGEST, len(tokens) - position), 0, -1):
            key = tuple(tokens[position : position + length])
            if _take(key, vocabulary, result, taken):
                position += length
                break
        else:
            left.append(tokens[position])
            position += 1
    result.text = " ".join(left)
    return result


def _nation_label(nation: str) -> str:
    return Nation(nation).label


def _take(key: tuple[str, ...], vocabulary: Vocabulary, result: Understood, taken: set) -> bool:
    if key in MODE_WORDS:
        if ("mode", str(MODE_WORDS[key])) in result.params:
            return False  # said twice: the word stays in the text search
        result.params.append(("mode", str(MODE_WORDS[key])))
        result.read_as.append(f"Study mode: {Mode(MODE_WORDS[key]).label}")
        return True
    if key in NATION_WORDS:
        result.params.append(("nation", str(NATION_WORDS[key])))
        result.read_as.append(f"Nation: {_nation_label(NATION_WORDS[key])}")
        return True
    place = vocabulary.universities.get(key) or vocabulary.cities.get(key)
    if place is None:
        return False
    if not place.published:
        result.params.append(("nation", place.nation))
        result.read_as.append(f"Nation: {_nation_label(place.nation)}")
        result.notes.append(
            f"No published programme {'at' if place.university else 'in'} {place.label} yet: "
            f"showing programmes in {_nation_label(place.nation)}."
        )
    elif place.university:
        result.params.append(("university", place.university))
        result.read_as.append(f"University: {place.label}")
    else:
        if "city" in taken:
            return False
        taken.add("city")
        result.params.append(("city", place.city))
        result.read_as.append(f"City: {place.city}")
    return True
