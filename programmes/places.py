"""Places students name: towns and cities with their nation, England's statistical region and
the city centre's coordinates (``data/places.csv``, reference data, not programme facts; its
basis is in ``data/SOURCES.md``), and the distance between two of them.

Pure functions over a file read once: the search's place reading and the university's defaults
use them, and nothing here touches the database.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.text import slugify

PLACES_CSV = Path(__file__).resolve().parent / "data" / "places.csv"
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Town:
    city: str
    nation: str  # a Nation value ("england")
    region: str  # a Region value ("north-west"); "" outside England
    latitude: Decimal
    longitude: Decimal


def _key(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


@cache
def towns() -> dict[str, Town]:
    """Every listed town, by its lower-case name (hyphens as spaces)."""
    # The file holds the names; the values are the models' Nation and Region values, which are
    # the names slugified ("Northern Ireland" -> "northern-ireland"); a test holds them equal.
    out = {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            town = Town(
                row["city"],
                slugify(row["nation"]),
                slugify(row["region"]),
                Decimal(row["latitude"]),
                Decimal(row["longitude"]),
            )
            out[_key(town.city)] = town
    return out


def town(name: str) -> Town | None:
    return towns().get(_key(name))


def distance_km(
    a: tuple[Decimal | float, Decimal | float], b: tuple[Decimal | float, Decimal | float]
) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
