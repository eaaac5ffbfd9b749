"""Which writes make every cached page stale, wired afresh.

The app connects ``programmes.cache.invalidate`` once at start-up (``ProgrammesConfig.ready``).
These tests take those connections away, call ``connect_invalidation()`` themselves and check
that every write public pages depend on (save, delete, and each topic / university / programme
link) moves the catalogue version on. A model left out of the wiring leaves pages stale until
they expire, which no page test run after start-up can notice.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.test import Client

from portal import page_cache
from programmes import cache as catalogue_cache
from programmes.models import Guide, Programme, SearchSynonym, Status, Topic, University
from tests.factories import make_guide, make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

MODELS = (University, Topic, Programme, Guide, SearchSynonym)
LINKS = (Programme.topics, Guide.topics, Guide.universities, Guide.programmes)


def _disconnect_all() -> None:
    for model in MODELS:
        uid = f"catalogue-cache-{model._meta.label_lower}"
        post_save.disconnect(sender=model, dispatch_uid=f"{uid}-save")
        post_delete.disconnect(sender=model, dispatch_uid=f"{uid}-delete")
    for field in LINKS:
        through = field.through
        m2m_changed.disconnect(
            sender=through, dispatch_uid=f"catalogue-cache-{through._meta.label_lower}"
        )


@pytest.fixture
def wired_afresh():
    _disconnect_all()
    catalogue_cache.connect_invalidation()
    yield
    _disconnect_all()
    catalogue_cache.connect_invalidation()


@pytest.fixture
def unwired():
    _disconnect_all()
    yield
    catalogue_cache.connect_invalidation()


def moves_the_version(write) -> bool:
    before = page_cache.content_version()
    write()
    return page_cache.content_version() != before


def test_without_the_wiring_writes_leave_the_version_alone(unwired):
    """The control: these tests see the wiring, not some other path that bumps the version."""
    university = make_university()
    assert not moves_the_version(lambda: university.save())
    assert not moves_the_version(lambda: make_programme(university=university))


def test_saving_or_deleting_each_model_public_pages_show_moves_the_version(wired_afresh):
    university = make_university()
    topic = make_topic()
    programme = make_programme(university=university)
    guide = make_guide()
    synonym = SearchSynonym.objects.create(terms="machine learning; ML")
    for row in (university, topic, programme, guide, synonym):
        assert moves_the_version(row.save), f"saving a {type(row).__name__}"
    for row in (synonym, guide, programme, topic, university):
        assert moves_the_version(row.delete), f"deleting a {type(row).__name__}"
    assert moves_the_version(lambda: make_university())  # creating one, too


def test_each_link_public_pages_show_moves_the_version(wired_afresh):
    university = make_university()
    topic = make_topic()
    programme = make_programme(university=university)
    guide = make_guide()
    for related, target in (
        (programme.topics, topic),
        (guide.topics, topic),
        (guide.universities, university),
        (guide.programmes, programme),
    ):
        assert moves_the_version(lambda r=related, t=target: r.add(t)), related.model
        assert moves_the_version(lambda r=related, t=target: r.remove(t)), related.model
        assert moves_the_version(lambda r=related, t=target: r.set([t])), related.model
        assert moves_the_version(lambda r=related: r.clear()), related.model


class _Records(logging.Handler):
    """The log records of one logger (not pytest's caplog: `make mutation` runs without it)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_a_cache_the_catalogue_cannot_read_marks_the_request_and_logs_a_warning():
    """``_mark_down``: the request then skips the cache; an outage already reported by the
    Redis backend is logged only at DEBUG (one line per outage, not per request)."""
    from django.test import RequestFactory

    from portal.redis_cache import CacheUnavailable

    request = RequestFactory().get("/programmes/")
    records = _Records()
    logger = page_cache.logger
    level = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    try:
        page_cache._mark_down(request, OSError("connection refused"), "read")
        page_cache._mark_down(None, CacheUnavailable("paused"), "write")
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    assert page_cache.content_version(request) is None  # the request now skips the cache
    first, second = records.records
    assert (first.levelno, first.getMessage()) == (
        logging.WARNING,
        "catalogue cache read failed: OSError: connection refused",
    )
    assert (second.levelno, second.getMessage()) == (
        logging.DEBUG,
        "catalogue cache write failed: CacheUnavailable: paused",
    )


# ----- what the page cache does with its backend --------------------------------------------


class CountingCache(LocMemCache):
    """Local memory that counts reads and can be told to fail reads or writes."""

    reads = 0
    fail_reads = False
    fail_writes = False

    def get(self, *args, **kwargs):
        type(self).reads += 1
        if type(self).fail_reads:
            raise ConnectionError("cache unreachable")
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        if type(self).fail_writes:
            raise ConnectionError("cache unreachable")
        return super().set(*args, **kwargs)


@pytest.fixture
def counting_cache(settings):
    CountingCache.reads, CountingCache.fail_reads, CountingCache.fail_writes = 0, False, False
    settings.CACHES = {
        "default": {
            "BACKEND": "tests.cache.test_cache_wiring.CountingCache",
            "LOCATION": "counting",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield CountingCache
    cache.clear()


def test_from_an_empty_cache_the_second_visitor_gets_the_kept_page(
    counting_cache, django_assert_num_queries
):
    make_programme(title="Clinical AI")
    from django.core.cache import cache

    cache.clear()  # no catalogue version yet, as after a flush or a first deploy
    first = Client().get("/programmes/")
    assert first.status_code == 200 and first.has_header("ETag")
    with django_assert_num_queries(0):
        second = Client().get("/programmes/")
    assert second.content == first.content


def test_saving_what_no_public_page_shows_leaves_every_kept_page_alone(wired_afresh):
    from django.contrib.auth.models import User

    user = User.objects.create_user("edith", password="pw")
    assert not moves_the_version(lambda: User.objects.create_user("other", password="pw"))
    assert not moves_the_version(user.save)  # e.g. last_login on every editor's sign-in
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Editors")
    assert not moves_the_version(lambda: user.groups.add(group))  # a link no page shows
    assert not moves_the_version(user.delete)


def test_a_cache_that_cannot_be_read_is_tried_once_per_request(counting_cache):
    make_programme(title="Clinical AI")
    counting_cache.fail_reads = True
    counting_cache.reads = 0
    response = Client().get("/programmes/")
    assert response.status_code == 200 and "Clinical AI" in response.text
    assert counting_cache.reads == 1  # then the request knows the cache is down
    assert not response.has_header("ETag")  # nothing was kept, so nothing to revalidate


def test_a_page_the_cache_could_not_keep_gets_no_etag(counting_cache):
    make_programme(title="Clinical AI")
    counting_cache.fail_writes = True
    response = Client().get("/guides/")
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "public" in response["Cache-Control"]


def test_a_kept_gone_page_is_served_as_gone_with_its_headers(counting_cache):
    gone = make_programme(title="Old course", status=Status.ARCHIVED)
    first = Client().get(gone.get_absolute_url())
    second = Client().get(gone.get_absolute_url())
    assert (first.status_code, second.status_code) == (410, 410)
    assert second.content == first.content
    for header in ("Content-Type", "ETag", "Cache-Control", "Vary"):
        assert second[header] == first[header], header
    assert "Cookie" in [v.strip() for v in second["Vary"].split(",")]


def test_made_up_addresses_add_nothing_to_the_cache(counting_cache):
    from django.core.cache import cache

    make_programme(title="Clinical AI")
    Client().get("/programmes/")  # the version and the memos exist now
    before = len(cache._cache)
    for n in range(20):
        assert Client().get(f"/guides/no-such-guide-{n}/").status_code == 404
        assert Client().get(f"/universities/nowhere-{n}/").status_code == 404
    assert len(cache._cache) == before
