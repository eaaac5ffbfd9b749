"""The list's stored counts (programmes/counts.py): the same count, facets and cards as counting
the programmes themselves, kept in step with every write, and never read when out of step."""

from __future__ import annotations

import datetime
import itertools
import json
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.http import QueryDict

from programmes import counts, selectors
from programmes.filters import FACT_FILTERS, ProgrammeFilter
from programmes.models import (
    CatalogueCounts,
    CatalogueCountsChange,
    Nation,
    Region,
    Status,
    University,
)
from tests.factories import make_programme, make_topic, make_university, run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Universities in three nations and two English regions, two cities; programmes with and
    without each fact, on one, two or no topics; drafts and archived ones that never count."""
    places = [
        ("Leeds", Nation.ENGLAND, Region.YORKSHIRE),
        ("Leeds", Nation.ENGLAND, Region.YORKSHIRE),
        ("Manchester", Nation.ENGLAND, Region.NORTH_WEST),
        ("Glasgow", Nation.SCOTLAND, ""),
        ("Cardiff", Nation.WALES, ""),
    ]
    universities = [
        make_university(city=city, nation=nation, region=region) for city, nation, region in places
    ]
    ml, imaging, ethics = make_topic(), make_topic(), make_topic()
    topic_sets = [(), (ml,), (imaging,), (ml, imaging), (ethics,)]
    facts = itertools.cycle(
        [
            {},
            {"fee_home": 12000, "fee_home_course": 12000, "offers_full_time": True},
            {"ielts_overall": Decimal("6.5"), "placement": True, "start_month_mask": 256},
            {"duration_full_time_months": 12, "deadline_home": datetime.date(2027, 7, 31)},
            {"fee_international": 24000, "fee_international_course": 24000},
        ]
    )
    for n, (university, topics) in enumerate(itertools.product(universities, topic_sets)):
        status = Status.PUBLISHED if n % 7 else Status.DRAFT
        make_programme(university=university, topics=topics, status=status, **next(facts))
    make_programme(university=universities[0], topics=(ml,), status=Status.ARCHIVED)
    counts.rebuild()
    return universities, [ml, imaging, ethics]


def listing(query: str) -> selectors.ProgrammeListing:
    return selectors.programme_listing(filterset=ProgrammeFilter(QueryDict(query)), page=1)


def same_listing(stored: selectors.ProgrammeListing, counted: selectors.ProgrammeListing):
    assert stored.count == counted.count
    assert stored.counts == counted.counts
    assert list(stored.page) == list(counted.page)
    assert stored.unrecorded == counted.unrecorded == 0


def queries(universities, topics) -> list[str]:
    places = [
        "",
        "nation=england",
        "nation=scotland&nation=wales",
        "region=yorkshire-and-the-humber",
        "region=north-west&nation=england",
        f"university={universities[0].slug}",
        f"university={universities[0].slug}&university={universities[3].slug}",
        f"university={universities[2].slug}&nation=scotland",
        "city=Leeds",
        "city=Glasgow&nation=england",
        f"region=yorkshire-and-the-humber&university={universities[4].slug}",
    ]
    chosen = ["", *(f"topic={t.slug}" for t in topics)]
    return ["&".join(p for p in pair if p) for pair in itertools.product(places, chosen)]


def test_stored_counts_give_the_same_list_as_counting_the_programmes(catalogue):
    universities, topics = catalogue
    for query in queries(universities, topics):
        stored = listing(query)
        CatalogueCounts.objects.update(dirty=True)  # not read: the list counts programmes
        counted = listing(query)
        CatalogueCounts.objects.update(dirty=False)
        same_listing(stored, counted)


def test_the_stored_counts_are_read_for_places_and_one_topic(catalogue, monkeypatch):
    universities, topics = catalogue
    called = []
    monkeypatch.setattr(selectors, "counted", lambda **kw: called.append(kw) or (0, 0, {}))
    listing(f"nation=england&topic={topics[0].slug}&sort=duration&my_ielts=6.5")
    assert called == []


@pytest.mark.parametrize(
    "query",
    [
        "q=health",
        "mode=part-time",
        "max_fee_home=15000",
        "award=MSc",
        "placement=yes",
        "eligible=yes&my_ielts=6.5",
        "topic={a}&topic={b}",
    ],
)
def test_any_other_filter_counts_the_programmes_and_agrees(catalogue, query):
    universities, topics = catalogue
    query = query.format(a=topics[0].slug, b=topics[1].slug)
    assert not ProgrammeFilter(QueryDict(query)).counts_stored()
    listing(query)  # counted from the programmes: no error, and the stored row is untouched
    assert CatalogueCounts.objects.get().dirty is False


def test_the_counts_describe_only_the_published_catalogue():
    university = make_university()
    make_programme(university=university)
    make_programme(university=university, status=Status.DRAFT)
    counts.rebuild()
    stored = counts.read()
    assert stored["universities"] == {str(university.pk): [1, 1, 1, 1, 1, 1, 1, 1, 1]}
    # Another queryset (the CSV export's, say) is never answered from them.
    assert not ProgrammeFilter(QueryDict(""), queryset=university.programmes.all()).counts_stored()


def test_every_fact_filter_asks_about_a_stored_fact():
    assert {fact.fact for fact in FACT_FILTERS.values()} <= set(counts.FACTS)


def test_a_write_marks_the_counts_unread_until_it_commits_and_they_are_rebuilt(
    catalogue, django_capture_on_commit_callbacks
):
    universities, _ = catalogue
    before = listing("nation=wales").count
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_programme(university=universities[4])
    assert counts.read() is None  # dirty: the list counts the programmes, and is right
    assert listing("nation=wales").count == before + 1
    for callback in callbacks:
        callback()  # the commit
    assert counts.read() is not None
    assert listing("nation=wales").count == before + 1


@pytest.mark.parametrize(
    "write",
    [
        lambda p, t: setattr(p, "status", Status.ARCHIVED) or p.save(),
        lambda p, t: p.topics.add(t),
        lambda p, t: p.topics.clear(),
        lambda p, t: p.delete(),
        lambda p, t: t.delete(),
        lambda p, t: setattr(p.university, "nation", Nation.WALES) or p.university.save(),
    ],
    ids=["archived", "topic-added", "topics-cleared", "deleted", "topic-deleted", "uni-moved"],
)
def test_every_write_the_list_shows_rebuilds_the_counts(
    catalogue, write, django_capture_on_commit_callbacks
):
    universities, topics = catalogue
    programme = universities[3].programmes.filter(status=Status.PUBLISHED).first()
    with django_capture_on_commit_callbacks(execute=True):
        write(programme, topics[2])
    stored = listing(f"topic={topics[2].slug}&nation=scotland")
    CatalogueCounts.objects.update(dirty=True)
    same_listing(stored, listing(f"topic={topics[2].slug}&nation=scotland"))


def test_the_admins_bulk_action_rebuilds_the_counts(
    client, catalogue, django_capture_on_commit_callbacks
):
    universities, _ = catalogue
    client.force_login(User.objects.create_superuser("edith", password="pw"))
    drafts = list(universities[0].programmes.filter(status=Status.PUBLISHED).values_list("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/programmes/programme/",
            {"action": "unpublish", "_selected_action": [pk for (pk,) in drafts]},
        )
    assert counts.read() is not None
    assert str(universities[0].pk) not in counts.read()["universities"]


def test_a_rebuild_that_fails_after_the_commit_leaves_the_counts_unread(catalogue, monkeypatch):
    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(counts, "build", broken)
    CatalogueCounts.objects.update(dirty=True)
    counts.rebuild_unless_built()  # after a commit: logged, never raised
    assert counts.read() is None


def test_counts_of_another_shape_are_not_read(catalogue):
    shape = {"facts": ["modes"], "universities": {}, "topics": {}}
    # (Each written as a rebuild writes: with a new version, or this process would keep what
    # it decoded of the version before.)
    CatalogueCounts.objects.update(data=json.dumps(shape), version=uuid.uuid4().hex)
    assert counts.read() is None
    for damaged in ("", "[]", "{", "null", '"text"'):
        CatalogueCounts.objects.update(data=damaged, version=uuid.uuid4().hex)
        assert counts.read() is None


def test_counts_are_decoded_once_per_rebuild_and_never_stale(catalogue, monkeypatch):
    counts.rebuild()
    decoded = []
    real = counts._counts_from_text
    monkeypatch.setattr(counts, "_counts_from_text", lambda text: decoded.append(1) or real(text))
    first = counts.read()
    assert counts.read() is first and len(decoded) == 1  # the same version: not read again
    university = first and next(iter(first["universities"]))
    before = first["universities"][university][0]
    make_programme(university=University.objects.get(pk=university))  # an editor's save
    counts.rebuild()  # as after its commit
    assert counts.read()["universities"][university][0] == before + 1
    assert len(decoded) == 2
    counts.changed()  # a write not yet counted: nothing stored is read, decoded or not
    assert counts.read() is None


def test_rebuild_catalogue_counts_command_says_what_it_counted():
    university = make_university()
    make_programme(university=university, offers_part_time=True)
    out = run_command("rebuild_catalogue_counts")
    assert "1 published programmes at 1 universities" in out
    assert counts.read()["universities"][str(university.pk)][0] == 1


def test_the_list_page_shows_the_stored_counts(client, catalogue):
    universities, topics = catalogue
    page = client.get(f"/programmes/?nation=scotland&topic={topics[0].slug}")
    assert page.status_code == 200
    expected = universities[3].programmes.filter(status=Status.PUBLISHED, topics=topics[0])
    assert page.context["page"].paginator.count == expected.count()


def test_a_search_alone_matching_nothing_has_every_count_at_zero_without_counting(catalogue):
    filterset = ProgrammeFilter(QueryDict("q=zzqxv"))
    count, unrecorded, facets = selectors.counted(filterset=filterset)
    assert (count, unrecorded) == (0, 0)
    assert {k: v for k, v in facets.items() if k != "not_recorded"} == selectors.facet_counts(
        filterset=filterset
    )
    assert set(facets["not_recorded"].values()) == {0}
    # With another filter the facets count without it (and may not be zero).
    _, _, facets = selectors.counted(filterset=ProgrammeFilter(QueryDict("q=zzqxv&nation=wales")))
    assert facets["nation"] == {}


def _postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; run on PostgreSQL (.ci/run)")


def _thread(work, errors: list[BaseException]) -> threading.Thread:
    """``work`` in a thread with its own database connection; what it raises goes to errors."""

    def run():
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _write_held_open(university, opened: threading.Event, release: threading.Event):
    def work():
        with transaction.atomic():
            make_programme(university=university)  # its change row, uncommitted
            opened.set()
            release.wait(10)

    return work


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_for_an_earlier_write_never_stores_counts_without_a_later_one():
    """On PostgreSQL a rebuild runs beside other writers. A write still uncommitted while a
    rebuild for an earlier write counts must not be lost: its change row outlives that rebuild,
    so the counts are not read until its own rebuild has counted it."""
    _postgres_only()
    university = make_university()
    make_programme(university=university)
    counts.rebuild()
    # An earlier write committed; its rebuild has not run yet.
    CatalogueCountsChange.objects.create()
    opened, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    writer = _thread(_write_held_open(university, opened, release), errors)
    assert opened.wait(10)
    rebuilder = _thread(counts.rebuild, errors)
    time.sleep(0.5)  # the rebuild runs (or waits) while the later write is uncommitted
    release.set()
    writer.join(20)
    rebuilder.join(20)
    assert errors == []
    stored = counts.read()
    assert stored is None or stored["universities"][str(university.pk)][0] == 2
    # And once every rebuild has run, the counts are there and right.
    counts.rebuild_unless_built()
    assert counts.read()["universities"][str(university.pk)][0] == 2


@pytest.mark.django_db(transaction=True)
def test_catalogue_writers_never_wait_on_one_another_for_the_counts():
    """Each write adds its own change row: an editor's save does not wait for another
    transaction that wrote the catalogue and is still open (a long import, say)."""
    _postgres_only()
    university = make_university()
    counts.rebuild()
    opened, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    first = _thread(_write_held_open(university, opened, release), errors)
    assert opened.wait(10)
    second = _thread(lambda: make_programme(university=university), errors)
    second.join(5)
    finished_while_open = not second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert finished_while_open, "the save waited for the other open transaction"
    counts.rebuild_unless_built()
    assert counts.read()["universities"][str(university.pk)][0] == 2


def test_a_change_left_by_a_failed_rebuild_keeps_the_counts_unread(catalogue, monkeypatch):
    assert counts.read() is not None
    monkeypatch.setattr(counts, "build", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    CatalogueCountsChange.objects.create()  # a write committed; its rebuild fails
    counts.rebuild_unless_built()
    assert counts.read() is None
    monkeypatch.undo()
    counts.rebuild_unless_built()  # the next write's rebuild
    assert counts.read() is not None
    assert not CatalogueCountsChange.objects.exists()


def test_counts_built_before_rows_had_versions_are_still_read(catalogue):
    # A row rebuilt before migration 0022 has no version: it is read whole every time.
    counts.rebuild()
    CatalogueCounts.objects.update(version="")
    stored = counts.read()
    assert stored is not None and counts.read() == stored
    assert counts.read_index() is not None
