"""Queries students type, on the real seed catalogue: the portal's own subject in plain words,
places, modes, abbreviations, misspellings, filler words. Each either finds programmes or
keeps some in sight ("may match"), reads places and modes as filters, and says so."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

# query -> (filters it must be read as, a title among the first results or None: any result)
TABLE: dict[str, tuple[dict[str, str], str | None]] = {
    "AI for healthcare": ({}, "Artificial Intelligence and Digital Health"),
    "AI in healthcare": ({}, "Artificial Intelligence and Digital Health"),
    "healthcare AI": ({}, None),
    "medical AI": ({}, None),
    "clinical AI": ({}, None),
    "artificial intelligence health": ({}, "Artificial Intelligence and Digital Health"),
    "machine learning medicine": ({}, None),
    "masters in AI for healthcare UK": ({}, "Artificial Intelligence and Digital Health"),
    "AI healthcare masters course": ({}, None),
    "AI for health": ({}, None),
    "health data science": ({}, "Health Data Science"),
    "MSc health data science": ({}, "Health Data Science"),
    "health informatics": ({}, "Health Informatics"),
    "digital health": ({}, "Digital Health"),
    "healthcare": ({}, None),
    "medicine": ({}, None),
    "conversion course": ({}, "Data Science for Health (Conversion)"),
    "data science conversion": ({}, "Data Science for Health (Conversion)"),
    "public health data": ({}, None),
    "leadership digital health": ({}, "Digital Health Leadership"),
    "nhs": ({}, "Digital Health Leadership"),
    "genomics": ({}, None),
    "bioinformatics masters": ({}, None),
    "biomedical AI": ({}, None),
    # No programme matches every word: the best partial matches, and the page says so.
    "medical imaging": ({"match": "any"}, None),
    "imaging AI": ({"match": "any"}, None),
    "NLP health": ({"match": "any"}, None),
    "health data scince": ({"match": "any"}, None),
    # Places, modes and abbreviations become filters.
    "Scotland": ({"nation": "scotland"}, None),
    "scottish health data": ({"nation": "scotland"}, None),
    "wales": ({"nation": "wales"}, None),
    "London": ({"city": "London"}, None),
    "London part time": ({"city": "London", "mode": "part-time"}, None),
    "Edinburgh online": ({"university": "university-of-edinburgh", "mode": "online"}, None),
    "UCL": ({"university": "university-college-london"}, "Health Informatics"),
    "LSHTM": ({"university": "london-school-of-hygiene-tropical-medicine"}, None),
    "Imperial digital health": ({"university": "imperial-college-london"}, None),
    "Manchester health data": ({"university": "university-of-manchester"}, "Health Data Science"),
    "part-time health data": ({"mode": "part-time"}, None),
    "online health informatics": ({"mode": "online"}, None),
    # Several study modes: any of them ("part-time or online").
    "part time online": ({"mode": ["part-time", "online"]}, None),
    "part-time or online digital health": ({"mode": ["part-time", "online"]}, None),
    # A university whose programmes are drafts: its region has none either, so its nation, said.
    "Sheffield": ({"nation": "england"}, None),
    # England's regions, and towns with no programme: their region, or their nation, said.
    "North West": ({"region": "north-west"}, None),
    "health data science north west": ({"region": "north-west"}, "Health Data Science"),
    "south east": ({"region": "south-east"}, None),
    "Reading": ({"region": "south-east"}, None),
    "midlands": ({"nation": "england"}, None),
    "Birmingham part time": ({"nation": "england", "mode": "part-time"}, None),
    "Cardiff": ({"nation": "wales"}, None),
    "Belfast": ({}, None),
}


def test_queries_students_type_find_programmes_or_say_why(client: Client):
    call_command("load_catalogue", verbosity=0)
    problems = []
    for query, (filters, first) in TABLE.items():
        response = client.get("/programmes/", {"q": query}, follow=True)
        final = response.request["QUERY_STRING"]
        for name, wanted in filters.items():
            for value in wanted if isinstance(wanted, list) else [wanted]:
                pair = f"{name}={value}".replace(" ", "+").lower()
                if pair not in final.lower().replace("%20", "+"):
                    problems.append(f"{query!r}: not read as {name}={value} ({final})")
        context = response.context
        shown = [p.title for p in [*context["matched_cards"], *context["unrecorded_cards"]]]
        if not shown:
            problems.append(f"{query!r}: nothing shown")
        elif first and first not in shown[:3]:
            problems.append(f"{query!r}: {first!r} not among the first {shown[:3]}")
    assert not problems, "\n".join(problems)
    assert len(TABLE) >= 40


def test_a_read_search_says_how_and_can_be_searched_as_typed(client):
    call_command("load_catalogue", verbosity=0)
    response = client.get("/programmes/", {"q": "Edinburgh online"}, follow=True)
    text = response.text
    assert (
        "We read “Edinburgh online” as University: University of Edinburgh; Study mode: Online"
        in text
    )
    as_typed = client.get("/programmes/", {"q": "Edinburgh online", "as_typed": "1"}, follow=True)
    final = as_typed.request["QUERY_STRING"]  # the words searched, not read as filters
    assert "university=" not in final and "mode=" not in final and "q=Edinburgh+online" in final
    drafts = client.get("/programmes/", {"q": "Sheffield"}, follow=True).text
    assert (
        "No published programme at University of Sheffield yet: showing programmes in England."
        in drafts
    )


def test_partial_matches_say_so_and_every_word_is_one_click_away(client):
    call_command("load_catalogue", verbosity=0)
    response = client.get("/programmes/", {"q": "medical imaging"}, follow=True)
    assert "No programme matches every word you searched for" in response.text
    strict = client.get("/programmes/", {"q": "medical imaging", "match": "all"})
    assert strict.status_code == 200
    assert "No programme matches all of these filters" in strict.text


@pytest.mark.parametrize("value", ["some", "ANY", "<b>", "\x00"])
def test_bad_match_and_as_typed_values_are_shown_back(client, value):
    for name in ("match", "as_typed"):
        response = client.get("/programmes/", {"q": "health", name: value})
        assert response.status_code == 200
        assert "Some filters were not applied" in response.text
