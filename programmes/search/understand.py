"""Reading places and study modes out of what a student typed.

"Edinburgh online" is the University of Edinburgh filter and the online mode; "Scotland" is the
nation filter, "North West" the region filter; "London part time" is the London city filter and
part-time. The words used are
taken out of the text search, and the page says how it read them (with a link to search the
words as typed). A university or city without a published programme (towns and cities
come from ``places.csv`` too) becomes its region's filter, or its nation's when the region has
none, and the page says so and names the nearest cities with programmes: a place is never a
dead end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, FloatField, OuterRef
from django.db.models.functions import Cast

from programmes import places
from programmes.models import Mode, Nation, Programme, Region, Status, University

from .memo import ConstantQuery, LastBuilt
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
# England's regions as students write them; "Midlands" is both. ("London" is the city.)
REGION_WORDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("north", "east"): (Region.NORTH_EAST,),
    ("northeast",): (Region.NORTH_EAST,),
    ("north", "west"): (Region.NORTH_WEST,),
    ("northwest",): (Region.NORTH_WEST,),
    ("yorkshire",): (Region.YORKSHIRE,),
    ("east", "midlands"): (Region.EAST_MIDLANDS,),
    ("west", "midlands"): (Region.WEST_MIDLANDS,),
    ("midlands",): (Region.EAST_MIDLANDS, Region.WEST_MIDLANDS),
    ("east", "of", "england"): (Region.EAST,),
    ("east", "anglia"): (Region.EAST,),
    ("south", "east"): (Region.SOUTH_EAST,),
    ("southeast",): (Region.SOUTH_EAST,),
    ("south", "west"): (Region.SOUTH_WEST,),
    ("southwest",): (Region.SOUTH_WEST,),
}
# Place names that are everyday words: read as the place only when written with a capital.
EVERYDAY_WORDS = frozenset({("reading",), ("bath",)})
NEARBY_SHOWN = 3
# Where "nearest cities" are measured from for a region with no published programme: its
# largest city (a town in places.csv).
REGION_CENTRES: dict[str, str] = {
    Region.NORTH_EAST: "Newcastle",
    Region.NORTH_WEST: "Manchester",
    Region.YORKSHIRE: "Leeds",
    Region.EAST_MIDLANDS: "Nottingham",
    Region.WEST_MIDLANDS: "Birmingham",
    Region.EAST: "Cambridge",
    Region.LONDON: "London",
    Region.SOUTH_EAST: "Reading",
    Region.SOUTH_WEST: "Bristol",
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
    region: str = ""  # England's region (a Region value), if known
    where: tuple[float, float] | None = None  # (latitude, longitude), if known


@dataclass(frozen=True)
class Vocabulary:
    universities: dict[tuple[str, ...], Place] = field(default_factory=dict)
    cities: dict[tuple[str, ...], Place] = field(default_factory=dict)
    regions_published: frozenset[str] = frozenset()  # regions with a published programme
    nations_published: frozenset[str] = frozenset()  # nations with a published programme

    def nearest_cities(self, place: Place, limit: int = NEARBY_SHOWN) -> list[tuple[str, int]]:
        """The cities with a published programme nearest ``place``: (name, whole km)."""
        if place.where is None:
            return []
        found = sorted(
            (places.distance_km(place.where, city.where), city.city)
            for city in self.cities.values()
            if city.published and city.where is not None and city.city != place.city
        )
        return [(name, round(km)) for km, name in found[:limit]]


def _vocabulary_rows():
    listed = Programme.objects.filter(university=OuterRef("pk"), status=Status.PUBLISHED)
    return University.objects.annotate(
        has_published=Exists(listed),
        # As floats: the rows are compared with the last ones read, and Decimals cost more.
        lat=Cast("latitude", FloatField()),
        lon=Cast("longitude", FloatField()),
    ).values_list(
        "slug", "name", "short_name", "city", "nation", "region", "lat", "lon", "has_published"
    )


_vocabulary_query = ConstantQuery(_vocabulary_rows)


def load_vocabulary() -> Vocabulary:
    """Every university's short name and distinctive name words, and every city (one query;
    built again only when its rows differ from the last ones built from)."""
    return _vocabulary(_vocabulary_query())


def _built_vocabulary(rows: tuple) -> Vocabulary:
    universities: dict[tuple[str, ...], Place] = {}
    cities: dict[tuple[str, ...], Place] = {}
    per_city: dict[tuple[str, ...], int] = {}
    shared: set[tuple[str, ...]] = set()
    regions: set[str] = set()
    nations: set[str] = set()
    for slug, name, short_name, city, nation, region, lat, lon, has_published in rows:
        where = (float(lat), float(lon)) if lat is not None and lon is not None else None
        has_published = bool(has_published)  # (0 or 1 from SQLite: the rows are read raw)
        place = Place(name, nation, has_published, university=slug, region=region, where=where)
        if has_published:
            regions.add(region)
            nations.add(nation)
        city_key = tuple(words(city))
        per_city[city_key] = per_city.get(city_key, 0) + 1
        distinctive = tuple(w for w in words(name) if w not in _GENERIC)
        for key in {tuple(words(short_name)), distinctive} - {()}:
            if key in universities and universities[key].university != slug:
                shared.add(key)  # a key two universities share names neither
            universities[key] = place
        known = cities.get(city_key)
        any_published = bool(has_published or (known and known.published))
        cities[city_key] = Place(
            city, nation, any_published, city=city, region=region, where=where or _where(city)
        )
    # Towns and cities with no university in the catalogue, so "Birmingham" is read as a place.
    for town in places.towns().values():
        cities.setdefault(
            tuple(words(town.city)),
            Place(
                town.city,
                town.nation,
                False,
                city=town.city,
                region=town.region,
                where=(float(town.latitude), float(town.longitude)),
            ),
        )
    # "Edinburgh" is the University of Edinburgh; "London" (the key left of University College
    # London's name) is the city, which has several universities.
    crowded = {key for key, count in per_city.items() if count > 1}
    return Vocabulary(
        {k: v for k, v in universities.items() if k not in shared and k not in crowded},
        cities,
        frozenset(regions - {""}),
        frozenset(nations),
    )


_vocabulary = LastBuilt(_built_vocabulary)


def _where(city: str) -> tuple[float, float] | None:
    town = places.town(city)
    return (float(town.latitude), float(town.longitude)) if town else None


@dataclass
class Understood:
    text: str  # the words left for the text search
    params: list[tuple[str, str]] = field(default_factory=list)  # filters to add
    read_as: list[str] = field(default_factory=list)  # "University: University of Edinburgh"
    notes: list[str] = field(default_factory=list)  # "No published programme in Cardiff yet: ..."
    nearby: list[tuple[str, int]] = field(default_factory=list)  # nearest cities with programmes

    def __bool__(self) -> bool:
        return bool(self.params or self.notes)  # a place read, even with no filter to add


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
            if key in EVERYDAY_WORDS and not _capitalised(key, raw):
                continue  # "speed reading" is not the town; "Reading" is
            if _take(key, vocabulary, result, taken):
                position += length
                break
        else:
            left.append(tokens[position])
            position += 1
    result.text = " ".join(left)
    return result


def _capitalised(key: tuple[str, ...], raw: str) -> bool:
    return any(word[:1].isupper() and word.lower() == key[0] for word in raw.split())


def _nation_label(nation: str) -> str:
    return Nation(nation).label


def _region_label(region: str) -> str:
    """As a sentence says it: "the North West", "London", "the East of England"."""
    label = Region(region).label
    return label if region in (Region.LONDON, Region.YORKSHIRE) else f"the {label}"


def _take(key: tuple[str, ...], vocabulary: Vocabulary, result: Understood, taken: set) -> bool:
    if key in MODE_WORDS:
        if ("mode", str(MODE_WORDS[key])) in result.params:
            return False  # said twice: the word stays in the text search
        result.params.append(("mode", str(MODE_WORDS[key])))
        result.read_as.append(f"Study mode: {Mode(MODE_WORDS[key]).label}")
        return True
    if key in REGION_WORDS:
        named = REGION_WORDS[key]
        listed = [r for r in named if r in vocabulary.regions_published]
        for region in listed:
            result.params.append(("region", str(region)))
            result.read_as.append(f"Region: {Region(region).label}")
        if not listed:  # no published programme there: England, and the nearest cities
            result.params.append(("nation", Nation.ENGLAND))
            result.read_as.append(f"Nation: {_nation_label(Nation.ENGLAND)}")
            label = " or ".join(_region_label(r) for r in named)
            result.notes.append(
                f"No published programme in {label} yet: showing programmes in England."
            )
            centre = vocabulary.cities.get(tuple(words(REGION_CENTRES[named[0]])))
            result.nearby = vocabulary.nearest_cities(centre) if centre else []
        return True
    if key in NATION_WORDS:
        result.params.append(("nation", str(NATION_WORDS[key])))
        result.read_as.append(f"Nation: {_nation_label(NATION_WORDS[key])}")
        return True
    place = vocabulary.universities.get(key) or vocabulary.cities.get(key)
    if place is None:
        return False
    if not place.published:
        if place.region and place.region in vocabulary.regions_published:
            result.params.append(("region", place.region))
            area = _region_label(place.region)
            result.read_as.append(f"Region: {Region(place.region).label}")
        elif place.nation in vocabulary.nations_published:
            result.params.append(("nation", place.nation))
            area = _nation_label(place.nation)
            result.read_as.append(f"Nation: {area}")
        else:  # nothing in the nation either: every programme, and the nearest cities
            area = ""
            result.read_as.append("a place")
        where = f"{'at' if place.university else 'in'} {place.label}"
        result.notes.append(
            f"No published programme {where} yet: showing programmes in {area}."
            if area
            else f"No published programme {where} or anywhere in "
            f"{_nation_label(place.nation)} yet: showing programmes everywhere."
        )
        result.nearby = vocabulary.nearest_cities(place)
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
