"""Places students name: England's regions as a filter, towns with no programme read as their
region or nation, and the nearest cities that have programmes (places.csv)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programmes import places
from programmes.models import Nation, Region, Status
from tests.factories import admin_form_data, change_url, make_programme, make_university

pytestmark = pytest.mark.django_db


def test_every_town_names_a_known_nation_and_englands_towns_a_region():
    towns = places.towns()
    assert len(towns) >= 60
    for town in towns.values():
        assert town.nation in Nation.values, town
        if town.nation == Nation.ENGLAND:
            assert town.region in Region.values, town
        else:
            assert town.region == "", town
        assert Decimal("49.8") <= town.latitude <= Decimal("60.9"), town
        assert Decimal("-8.7") <= town.longitude <= Decimal("1.8"), town


def test_distances_between_cities_are_as_the_crow_flies():
    london, oxford, edinburgh = (places.town(n) for n in ("London", "oxford", "EDINBURGH"))
    assert (
        80
        <= places.distance_km(
            (london.latitude, london.longitude), (oxford.latitude, oxford.longitude)
        )
        <= 90
    )
    assert (
        520
        <= places.distance_km(
            (london.latitude, london.longitude), (edinburgh.latitude, edinburgh.longitude)
        )
        <= 550
    )
    assert places.town("Stoke on Trent") == places.town("Stoke-on-Trent")
    assert places.town("Atlantis") is None


def test_a_university_takes_its_citys_region_and_coordinates_unless_given():
    manchester = make_university(name="University of Manchester", city="Manchester")
    assert manchester.region == Region.NORTH_WEST
    assert (manchester.latitude, manchester.longitude) == (Decimal("53.48"), Decimal("-2.24"))
    kept = make_university(
        city="Manchester", region=Region.NORTH_EAST, latitude=Decimal("54"), longitude=Decimal("-2")
    )
    assert (kept.region, kept.latitude) == (Region.NORTH_EAST, Decimal("54"))
    # Unknown city, or a city of that name in another nation: nothing filled in.
    assert make_university(city="Testford").region == ""
    scottish = make_university(city="Manchester", nation=Nation.SCOTLAND)
    assert (scottish.region, scottish.latitude) == ("", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nation": Nation.SCOTLAND, "region": Region.LONDON}, "region"),
        ({"latitude": Decimal("51.5"), "longitude": None}, "__all__"),
        ({"latitude": Decimal("99"), "longitude": Decimal("0")}, "latitude"),
        ({"latitude": Decimal("51"), "longitude": Decimal("-20")}, "longitude"),
        ({"region": "atlantis"}, "region"),
    ],
)
def test_impossible_places_are_refused_with_a_message(changes, field):
    university = make_university(city="Testford")
    for name, value in changes.items():
        setattr(university, name, value)
    with pytest.raises(ValidationError) as caught:
        university.full_clean()
    assert field in caught.value.message_dict


@pytest.fixture
def catalogue():
    north = make_university(name="University of Manchester", city="Manchester")
    south = make_university(name="University of Oxford", city="Oxford")
    wales = make_university(name="Swansea University", city="Swansea", nation=Nation.WALES)
    drafts = make_university(name="University of Sheffield", city="Sheffield")
    make_programme(title="Health Data Science", university=north)
    make_programme(title="Clinical Machine Learning", university=north)
    make_programme(title="Applied Digital Health", university=south)
    make_programme(title="Health Informatics", university=wales)
    make_programme(title="Medical AI", university=drafts, status=Status.DRAFT)


def cards(response) -> list[str]:
    return [p.title for p in response.context["matched_cards"]]


def test_the_region_filter_shows_that_regions_programmes_with_counts_and_a_chip(client, catalogue):
    response = client.get("/programmes/", {"region": "north-west"})
    assert sorted(cards(response)) == ["Clinical Machine Learning", "Health Data Science"]
    body = response.content.decode()
    # The region facet lists regions with programmes, counted over every other filter.
    assert re.search(r'value="north-west"[^>]*checked', body)
    assert 'North West <span class="count">(2)</span>' in body
    assert 'South East <span class="count">(1)</span>' in body
    assert "East Midlands" not in body  # no programme there: not offered
    assert "North West (region)" in html.unescape(body)


@pytest.mark.parametrize("value", ["atlantis", "", "north-west'--", "x" * 500, "<b>"])
def test_a_region_the_portal_does_not_know_is_a_clear_message_never_a_500(client, catalogue, value):
    response = client.get("/programmes/", {"region": value})
    assert response.status_code == 200
    if value:
        assert "Some filters were not applied" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "filters", "note", "nearest"),
    [
        ("North West", "region=north-west", None, None),
        ("northwest health", "region=north-west", None, None),
        # A town with no programme, in a region that has some: the region, said.
        (
            "Reading",
            "region=south-east",
            "No published programme in Reading yet: showing programmes in the South East.",
            "Oxford (39 km)",
        ),
        # A region with none: England, and the nearest cities measured from its largest city.
        (
            "midlands",
            "nation=england",
            "No published programme in the East Midlands or the "
            "West Midlands yet: showing programmes in England.",
            "Manchester (93 km)",
        ),
        (
            "Birmingham",
            "nation=england",
            "No published programme in Birmingham yet: showing programmes in England.",
            "Oxford (92 km)",
        ),
        (
            "Cardiff",
            "nation=wales",
            "No published programme in Cardiff yet: showing programmes in Wales.",
            "Swansea (55 km)",
        ),
        # A university whose programmes are drafts: its region has none either.
        (
            "Sheffield",
            "nation=england",
            "No published programme at University of Sheffield yet: showing programmes in England.",
            "Manchester (52 km)",
        ),
        # Nothing in the whole nation: every programme, never an empty page.
        (
            "Belfast",
            "",
            "No published programme in Belfast or anywhere in Northern Ireland "
            "yet: showing programmes everywhere.",
            "Manchester (271 km)",
        ),
    ],
)
def test_a_place_is_never_a_dead_end(client, catalogue, typed, filters, note, nearest):
    response = client.get("/programmes/", {"q": typed}, follow=True)
    final = response.request["QUERY_STRING"]
    if filters:
        assert filters in final
    else:
        assert "nation=" not in final and "region=" not in final
    assert cards(response)
    text = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    if not filters:
        assert f"We read “{typed}” as a place." in text
    if note:
        assert note in text
    if nearest:
        assert f"Nearest cities with programmes: {nearest}" in text
        city = nearest.split(" (")[0]
        assert f'href="/programmes/?city={city}#results"' in response.content.decode()
        assert cards(client.get("/programmes/", {"city": city}))  # the link finds programmes


def test_the_seed_universities_carry_their_regions(client):
    call_command("load_catalogue", verbosity=0)
    response = client.get("/programmes/", {"q": "north west"}, follow=True)
    assert "region=north-west" in response.request["QUERY_STRING"]
    assert cards(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "99", "longitude": "-2.24"}, "less than or equal to 60.9"),
        ({"latitude": "53.48", "longitude": ""}, "Give both the latitude and the longitude"),
        ({"latitude": "north", "longitude": "-2.24"}, "Enter a number"),
        ({"region": "atlantis"}, "Select a valid choice"),
        ({"nation": "scotland", "region": "north-west"}, "Regions are England"),
    ],
)
def test_the_admin_refuses_impossible_places_and_keeps_the_old_ones(admin_client, changes, message):
    university = make_university(name="University of Manchester", city="Manchester")
    url = change_url(university)
    response = admin_client.post(url, admin_form_data(admin_client.get(url), **changes))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    university.refresh_from_db()
    assert (university.region, university.latitude, university.nation) == (
        Region.NORTH_WEST,
        Decimal("53.48"),
        Nation.ENGLAND,
    )


def test_an_editor_can_correct_a_universitys_place(admin_client):
    university = make_university(name="University of Manchester", city="Manchester")
    url = change_url(university)
    changes = {"region": "north-east", "latitude": "54.00", "longitude": "-2.00"}
    response = admin_client.post(url, admin_form_data(admin_client.get(url), **changes))
    assert response.status_code == 302
    university.refresh_from_db()
    assert (university.region, university.latitude) == (Region.NORTH_EAST, Decimal("54.00"))


@pytest.mark.parametrize(
    ("typed", "read_as_place"),
    [
        ("Reading", True),
        ("health data Reading", True),
        ("READING", True),
        ("reading", False),
        ("speed reading health", False),
        ("bath", False),
    ],
)
def test_a_place_named_by_an_everyday_word_needs_its_capital(
    client, catalogue, typed, read_as_place
):
    final = client.get("/programmes/", {"q": typed}, follow=True).request["QUERY_STRING"]
    assert ("read_from" in final) == read_as_place
    assert ("region=south-east" in final) == read_as_place


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_universities_their_citys_place():
    before = [("programmes", "0015_programme_leads")]
    after = [("programmes", "0016_university_region_and_coordinates")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("programmes", "University")
    for name, city, nation in [
        ("Old Manchester", "Manchester", "england"),
        ("Old Edinburgh", "Edinburgh", "scotland"),
        ("Old Testford", "Testford", "england"),
    ]:
        old.objects.create(name=name, slug=name.lower().replace(" ", "-"), city=city, nation=nation)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("programmes", "University")
    places_now = {u.name: (u.region, u.latitude) for u in new.objects.all()}
    assert places_now == {
        "Old Manchester": ("north-west", Decimal("53.48")),
        "Old Edinburgh": ("", Decimal("55.95")),
        "Old Testford": ("", None),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the next test
