"""A search answered from the stored catalogue index gives exactly what SQL gives.

The list answers a search with place filters and at most one topic from the stored index
(programmes/indexed_search.py) once the catalogue's counts are built, and from SQL over the
programmes otherwise (while a write is pending, on a fresh database). A student must never see
the difference: the same count, the same facet counts and the same programmes in the same
order on every page. Each case is run both ways and compared, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from programmes import counts, selectors
from programmes.filters import ProgrammeFilter, filter_options
from programmes.models import CatalogueCounts, Nation, Region, Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

PER_PAGE = 4  # small pages, so the ranking's tiers and later pages are all exercised


@pytest.fixture
def catalogue():
    """Titles of many lengths that match in different parts: the phrase as typed, every word in
    the title, in the university or topics, in the summary, in the description only; equal
    titles (ordered by id), drafts, and universities in several places."""
    manchester = make_university(
        name="University of Manchester", city="Manchester", region=Region.NORTH_WEST
    )
    kings = make_university(
        name="King's College London", short_name="KCL", city="London", region=Region.LONDON
    )
    imperial = make_university(name="Imperial College London", city="London", region=Region.LONDON)
    edinburgh = make_university(
        name="University of Edinburgh", city="Edinburgh", nation=Nation.SCOTLAND
    )
    swansea = make_university(name="Swansea University", city="Swansea", nation=Nation.WALES)
    health_data = make_university(name="Health Data University", city="Leeds")
    imaging = make_topic(name="Medical imaging", slug="imaging", also_known_as="radiology")
    ml = make_topic(name="Machine learning", slug="machine-learning")
    data = make_topic(name="Health data science", slug="health-data")
    made = []

    def add(title, university, topics=(), **fields):
        made.append(make_programme(title=title, university=university, topics=topics, **fields))

    # Some record facts the list filters on, so the counts of facts not recorded differ.
    recorded = {
        "offers_full_time": True,
        "duration_full_time_months": 12,
        "fee_home": 12000,
        "ielts_overall": "6.5",
    }
    add("Health Data", manchester, [data], **recorded)
    add("Health Data Science", kings, [data, ml], offers_part_time=True, placement=True)
    add("Health Data Science", imperial, [data])  # the same title: ordered by id
    add("Applied Health Data Science and Informatics", edinburgh, [data, ml], **recorded)
    add("Data for Health", swansea, [ml], ielts_overall="7.0", start_month_mask=1)
    add("Clinical Informatics", health_data)  # health data only in the university's name
    add("Digital Medicine", manchester, [data])  # only in its topic
    add("Medical Imaging", kings, [imaging], summary="Health data from scanners.")
    add("Imaging Science", imperial, [imaging, ml])
    add("Radiology and AI", edinburgh, [imaging])
    add("Artificial Intelligence", swansea, summary="Machine learning for health data.")
    add("AI in Medicine", manchester, description="Uses health data throughout.")
    add("Genomics", kings, [ml], description="Population health and data.")
    add("Public Health", imperial, [data], summary="Epidemiology.")
    add("Health Data Science", edinburgh, [data], status=Status.DRAFT)  # never shown
    add("Data Science", health_data, [ml])
    add("Medical Data Science (Online)", swansea, [data, imaging])
    add("Healthcare Data", kings)
    add("Nursing Informatics", manchester, summary="Digital health data for nurses.")
    add("Health", imperial, [data])
    for n in range(6):
        add(f"Data Science for Health {n}", [manchester, kings, edinburgh][n % 3], [data])
    return made


QUERIES = [
    "health data",
    "health data science",
    "health",
    "data",
    "imaging",
    "radiology",  # a topic's other name
    "machine learning",
    "kcl",  # a university's short name
    "medical imaging",
    "informatics",
    "health dat",  # the last word as a prefix
    "epidemiology",
    "zzzz",
    "the",  # stop words only: nothing to search for
]
FILTERS = [
    "",
    "&nation=england",
    "&nation=england&nation=wales",
    "&region=london",
    "&city=London",
    "&university=university-of-manchester",
    "&topic=health-data",
    "&topic=machine-learning&nation=scotland",
    "&match=any",
    "&as_typed=1",
    "&sort=title",  # counted from the index, the page sorted in SQL
    "&sort=fee_home&nation=england",
]


def listing(params: str, page: int, *, indexed: bool, monkeypatch):
    if not indexed:
        monkeypatch.setattr(counts, "read_index", lambda: None)
    filterset = ProgrammeFilter(QueryDict(params), options=filter_options())
    assert filterset.is_valid(), filterset.errors
    result = selectors.programme_listing(filterset=filterset, page=page, per_page=PER_PAGE)
    monkeypatch.undo()
    assert result.page is not None
    return result.count, result.counts, [p.title for p in result.page.object_list]


def both_ways(params: str, page: int, monkeypatch):
    return (
        listing(params, page, indexed=True, monkeypatch=monkeypatch),
        listing(params, page, indexed=False, monkeypatch=monkeypatch),
    )


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_gives_the_same_count_facets_and_pages_as_sql(catalogue, q, monkeypatch):
    counts.rebuild()
    for extra in FILTERS:
        # The first pages, and (without filters) one past the end: the last page is shown.
        for page in (1, 2, 3, 9) if not extra else (1, 2):
            indexed, in_sql = both_ways(f"q={q}{extra}", page, monkeypatch)
            assert indexed == in_sql, (q, extra, page)


def test_the_index_is_what_answers_once_the_counts_are_built(catalogue, monkeypatch):
    # The comparison above is only worth something if the index answers: it asks the search
    # index for the parts of entries and never sorts in SQL.
    counts.rebuild()
    filterset = ProgrammeFilter(QueryDict("q=health+data"), options=filter_options())
    assert filterset.is_valid()
    with CaptureQueriesContext(connection) as ctx:
        selectors.programme_listing(filterset=filterset, page=1, per_page=PER_PAGE)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert any("programmes_cataloguecounts" in s and '"index"' in s for s in sql)
    assert not any("ORDER BY ((CASE WHEN" in s for s in sql)  # no score in SQL


def test_health_data_ranks_the_phrase_then_titles_then_the_rest(catalogue, monkeypatch):
    counts.rebuild()
    pages = [
        listing(f"q=health+data&page={n}", n, indexed=True, monkeypatch=monkeypatch)
        for n in range(1, 7)
    ]
    assert {count for count, _, _ in pages} == {22}  # the draft is not counted
    assert [titles for _, _, titles in pages] == [
        # The phrase as typed, and little else; then the phrase in longer titles (shorter
        # first, equal titles by id).
        [
            "Health Data",
            "Health Data Science",
            "Health Data Science",
            "Applied Health Data Science and Informatics",
        ],
        # Every word in the title, not as typed (shorter titles first).
        [
            "Data for Health",
            "Data Science for Health 0",
            "Data Science for Health 1",
            "Data Science for Health 2",
        ],
        # ... then every word in the title or the university and topics ...
        [
            "Data Science for Health 3",
            "Data Science for Health 4",
            "Data Science for Health 5",
            "Health",
        ],
        ["Data Science", "Public Health", "Digital Medicine", "Clinical Informatics"],
        # ... then in the summary, then in the description alone.
        [
            "Medical Data Science (Online)",
            "Medical Imaging",
            "Nursing Informatics",
            "Artificial Intelligence",
        ],
        ["Genomics", "AI in Medicine"],
    ]


def test_a_pending_write_means_sql_answers_until_the_index_is_rebuilt(catalogue, monkeypatch):
    counts.rebuild()
    assert counts.read_index() is not None
    counts.changed()  # an editor's save, not yet counted
    assert counts.read_index() is None
    # The new programme shows at once, counted from the programmes themselves.
    make_programme(title="Health Data Engineering", university=catalogue[0].university)
    count, _, _ = listing("q=health+data", 1, indexed=True, monkeypatch=monkeypatch)
    assert count == 23  # 22 before
    counts.rebuild()
    assert counts.read_index() is not None
    assert listing("q=health+data", 1, indexed=True, monkeypatch=monkeypatch)[0] == 23


def test_an_index_of_another_shape_or_garbage_is_never_read(catalogue):
    counts.rebuild()
    packed = counts.build_index().pack()
    assert counts.CatalogueIndex.unpack(packed) is not None
    for bad in (b"", b"\x00", b"\xff\xff\xff\xffnot json", packed[:-3], packed + b"x"):
        assert counts.CatalogueIndex.unpack(bad) is None
    older = packed.replace(f'"version": {counts.INDEX_VERSION}'.encode(), b'"version": 0')
    assert counts.CatalogueIndex.unpack(older) is None
    CatalogueCounts.objects.filter(pk=counts.ROW).update(index=b"garbage", version="damaged")
    assert counts.read_index() is None  # and the list counts in SQL, as before


def test_an_empty_catalogue_builds_an_index_that_finds_nothing(monkeypatch):
    counts.rebuild()
    index = counts.read_index()
    assert index is not None and list(index.ids) == []
    indexed, in_sql = both_ways("q=health", 1, monkeypatch)
    assert indexed == in_sql
    assert indexed[0] == 0 and indexed[2] == []


@pytest.mark.parametrize("q", QUERIES)
def test_the_site_search_gives_the_same_programmes_from_the_index(catalogue, q, monkeypatch):
    counts.rebuild()
    indexed = selectors.site_search(text=q, limit=5)
    monkeypatch.setattr(counts, "read_index", lambda: None)
    in_sql = selectors.site_search(text=q, limit=5)
    assert indexed["programme_count"] == in_sql["programme_count"]
    assert [p.pk for p in indexed["programmes"]] == [p.pk for p in in_sql["programmes"]]
