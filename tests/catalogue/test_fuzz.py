"""Property-based fuzzing of every endpoint that reads user input: never a 5xx, always valid HTML.

Hypothesis generates query strings and form bodies for the list, compare, staff export and
shortlist endpoints: known parameter names and junk ones, valid choices mixed with junk unicode,
NUL, huge and negative numbers, repeated keys, broken percent-encoding and very long values.
Each test sends FUZZ_EXAMPLES requests (2,000 by default; FUZZ_EXAMPLES=200 for a quick run).
Data is created once per test, outside the property, so each example costs one request.

Every 200 HTML page must be well-formed: ``assert_well_formed`` checks the tag balance with the
standard library's parser (fast enough for thousands of pages; the slower, stricter html5lib
check runs on each page template in tests/browser/test_accessibility.py).
"""

from __future__ import annotations

import os
import time
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from programmes.models import Nation, Status, months_to_mask
from programmes.shortlist import MAX_SHORTLIST
from tests.factories import assert_well_formed, make_programme, make_topic, make_university

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no example database: every run explores afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ----- well-formed HTML ----------------------------------------------------------------------


def check_response(response, counter: dict) -> None:
    counter["requests"] += 1
    assert response.status_code < 500, response.status_code
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_well_formed(response.content)


# ----- strategies ----------------------------------------------------------------------------

LIST_KEYS = [
    "q",
    "university",
    "nation",
    "city",
    "topic",
    "award",
    "mode",
    "max_fee_home",
    "max_fee_international",
    "max_duration",
    "placement",
    "max_ielts",
    "start_month",
    "sort",
    "page",
]
GOOD_VALUES = [
    "scotland",
    "england",
    "fuzz-uni-1",
    "genomics",
    "machine-learning",
    "MSc",
    "PGDip",
    "full-time",
    "online",
    "yes",
    "6.5",
    "7.0",
    "9",
    "1",
    "12",
    "20000",
    "fee_home",
    "-fee_home",
    "duration",
    "-verified",
    "Edinburgh",
    "",
]
PERCENT_GARBAGE = ["%", "%%", "%zz", "%0", "%00", "%ff%fe", "%E0%A4%A", "%C0%80", "%25%5F%5C", "+"]

junk_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=40,
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["1e10", "1e400", "NaN", "inf", "-0", "0x10", "٣", "１２", "9" * 400]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
).map(str)
long_text = st.builds(lambda s, n: ((s or "x") * n)[:n], junk_text, st.integers(300, 6000))
value = st.one_of(
    st.sampled_from(GOOD_VALUES),
    numbers,
    junk_text,
    junk_text.map(lambda s: s + "\x00" + s),
    st.sampled_from(PERCENT_GARBAGE),
    long_text,
)


# Search syntax of both engines (FTS5 and tsquery/websearch), mixed with words and odd text: it
# must be escaped or dropped, never passed through (a syntax error would be a 500).
SEARCH_SYNTAX = [
    '"',
    "'",
    "-",
    "+",
    "*",
    "^",
    ":",
    "(",
    ")",
    "{",
    "}",
    "&",
    "|",
    "!",
    "<->",
    "<2>",
    ":*",
    "OR",
    "AND",
    "NOT",
    "NEAR(",
    "NEAR",
    ",",
    "title:",
    "{title}:",
    "\x00",
    "\u202e",
    "\u200f",
    "😀",
    "صحة",
    "שלום",
    "ﷺ",
    "Å",
    "ǅ",
    "ﬁ",
    "²",
    "_",
    "%",
    "\\",
    "health",
    "data",
    "AI",
    "ML",
]
search_text = st.lists(
    st.one_of(st.sampled_from(SEARCH_SYNTAX), junk_text), min_size=1, max_size=30
).map(lambda parts: "".join(p if p in SEARCH_SYNTAX[:26] else f" {p} " for p in parts))


def encode(text: str, raw: bool) -> str:
    """Properly percent-encoded, or sent as-is (spaces, '&', '#', '%', non-ASCII and all)."""
    return text.replace("#", "%23") if raw else quote(text, safe="")


def query_strings(keys: list[str]):
    key = st.one_of(st.sampled_from(keys), junk_text, st.sampled_from(PERCENT_GARBAGE))
    pair = st.tuples(key, value, st.booleans())
    return st.lists(pair, max_size=6).map(
        lambda pairs: "&".join(f"{encode(k, r)}={encode(v, r)}" for k, v, r in pairs)
    )


# ----- data ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(settings):
    # Per-process memory cache: thousands of fuzzed filter states must not fill the project's
    # file cache (and the cached code paths still run: locmem pickles like the others).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}
    }
    genomics = make_topic(name="Genomics", slug="genomics")
    ml = make_topic(name="Machine learning", slug="machine-learning")
    scot = make_university(
        name="Fuzz University 1", slug="fuzz-uni-1", city="Edinburgh", nation=Nation.SCOTLAND
    )
    wales = make_university(name="Fuzz University 2", slug="fuzz-uni-2", nation=Nation.WALES)
    programmes = [
        make_programme(
            title="Clinical AI & <Data>",
            university=scot,
            topics=[genomics, ml],
            fee_home=9000,
            fee_international=30000,
            duration_full_time_months=12,
            offers_full_time=True,
            ielts_overall="6.5",
            placement=True,
            start_month_mask=months_to_mask([1, 9]),
            summary='=HYPERLINK("http://x") and "quotes"',
        ),
        make_programme(title="Health Data Science", university=wales, topics=[ml]),
        make_programme(title="Imaging", university=wales, offers_part_time=True, fee_home=12000),
        # More published programmes than the shortlist holds, so "full" is reached.
        make_programme(title="Genomic Medicine", university=scot, topics=[genomics]),
        make_programme(title="Digital Health", university=wales),
        make_programme(title="Clinical Informatics", university=scot, offers_online=True),
        make_programme(title="Hidden draft", university=scot, status=Status.DRAFT),
    ]
    assert sum(p.status == Status.PUBLISHED for p in programmes) > MAX_SHORTLIST
    return programmes


DRAFT_TITLE = "Hidden draft"


def draft_of(catalogue):
    return next(p for p in catalogue if p.status == Status.DRAFT)


def assert_no_draft(response) -> None:
    """No public page, redirect or JSON reply ever shows the draft."""
    if not getattr(response, "streaming", False):
        assert DRAFT_TITLE not in response.content.decode("utf-8", "replace")


@pytest.fixture
def counter():
    state = {"requests": 0, "started": time.perf_counter()}
    yield state
    elapsed = time.perf_counter() - state["started"]
    print(f"\n{state['requests']} requests in {elapsed:.1f} s")
    assert state["requests"] >= EXAMPLES


# ----- properties ----------------------------------------------------------------------------


def test_programme_list_survives_any_query_string(catalogue, counter):
    @FUZZ
    @given(query=query_strings(LIST_KEYS))
    def prop(query):
        response = Client().get("/programmes/?" + query)
        check_response(response, counter)
        assert_no_draft(response)

    prop()


def test_university_chooser_survives_any_query_string(catalogue, counter):
    @FUZZ
    @given(query=query_strings(LIST_KEYS))
    def prop(query):
        response = Client().get("/programmes/universities/?" + query)
        check_response(response, counter)
        assert_no_draft(response)

    prop()


def test_search_survives_any_search_text(catalogue, counter):
    """Site search and the list's ``q`` with every engine's syntax in them: never a 5xx."""

    @FUZZ
    @given(text=search_text, path=st.sampled_from(["/search/", "/programmes/"]), raw=st.booleans())
    def prop(text, path, raw):
        response = Client().get(f"{path}?q={encode(text, raw)}")
        check_response(response, counter)
        assert_no_draft(response)

    prop()


def test_compare_survives_any_query_string(catalogue, counter):
    ids = [str(p.pk) for p in catalogue]
    pid = st.one_of(st.sampled_from(ids), value)
    pairs = st.lists(st.tuples(st.sampled_from(["p", "p", "p", "q", "x"]), pid), max_size=60)

    @FUZZ
    @given(pairs=pairs, raw=st.booleans())
    def prop(pairs, raw):
        query = "&".join(f"{k}={encode(v, raw)}" for k, v in pairs)
        response = Client().get("/compare/?" + query)
        check_response(response, counter)
        assert_no_draft(response)

    prop()


def test_staff_export_survives_any_query_string(catalogue, counter):
    user = User.objects.create_user("fuzz-exporter", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_programme"))

    @FUZZ
    @given(query=query_strings([*LIST_KEYS, "status", "status"]))
    def prop(query):
        client = Client()
        client.force_login(user)
        response = client.get("/staff/export/programmes.csv?" + query)
        check_response(response, counter)
        if response.status_code == 200:
            body = b"".join(response.streaming_content).decode("utf-8")
            assert body.startswith("\ufeffuniversity_slug,")
            asked = response.wsgi_request.GET.get("status")
            if asked not in ("draft", "all"):
                assert DRAFT_TITLE not in body, asked

    prop()


def check_shortlist_reply(response, catalogue, as_fetch: bool) -> None:
    """A JSON reply has the documented shape; the shortlist never holds a draft or > 4."""
    draft = draft_of(catalogue)
    assert_no_draft(response)
    # Django itself answers a body with too many fields with its own (HTML) 400, before the view.
    is_json = response.get("Content-Type") == "application/json"
    if as_fetch and response.status_code in (200, 400) and is_json:
        reply = response.json()
        assert set(reply) == {"ok", "message", "count", "ids", "compare_url"}, reply
        assert isinstance(reply["ok"], bool) and isinstance(reply["message"], str)
        assert reply["ok"] is (response.status_code == 200)
        ids = reply["ids"]
        assert all(type(i) is int for i in ids) and len(set(ids)) == len(ids)
        assert reply["count"] == len(ids) <= MAX_SHORTLIST
        assert draft.pk not in ids
        assert reply["compare_url"] == "/compare/" + (
            "?" + "&".join(f"p={i}" for i in ids) if ids else ""
        )
    stored = response.wsgi_request.session.get("shortlist", [])
    assert len(stored) <= MAX_SHORTLIST and draft.pk not in stored


def _shortlist_property(catalogue, counter, path):
    ids = [str(p.pk) for p in catalogue]
    draft = str(draft_of(catalogue).pk)
    field = st.sampled_from(["programme", "programme", "next", "csrfmiddlewaretoken", "x"])
    next_value = st.sampled_from(
        ["/programmes/", "https://evil.example/", "//evil.example", "javascript:alert(1)", ""]
    )
    pairs = st.lists(
        st.tuples(field, st.one_of(st.sampled_from(ids), st.just(draft), next_value, value)),
        max_size=6,
    )
    published = [p.pk for p in catalogue if p.status == Status.PUBLISHED]

    @FUZZ
    @given(
        pairs=pairs,
        raw=st.booleans(),
        as_fetch=st.booleans(),
        # What the visitor already has: empty, some, or a full shortlist.
        before=st.lists(st.sampled_from(published), unique=True, max_size=MAX_SHORTLIST),
    )
    def prop(pairs, raw, as_fetch, before):
        client = Client()  # each example its own visitor: no order dependence
        if before:
            session = client.session
            session["shortlist"] = before
            session.save()
        body = "&".join(f"{encode(k, raw)}={encode(v, raw)}" for k, v in pairs)
        headers = {"X-Requested-With": "fetch"} if as_fetch else {}
        response = client.post(
            path, body, content_type="application/x-www-form-urlencoded", headers=headers
        )
        check_response(response, counter)
        check_shortlist_reply(response, catalogue, as_fetch)
        if response.status_code in (301, 302, 303):
            location = response["Location"]
            target = urlsplit(location)
            # Only ever back to this site: no other host, no javascript:, no //host tricks.
            assert target.scheme in ("", "http", "https"), location
            assert target.netloc in ("", "testserver"), location
            assert not location.replace("\\", "/").lstrip().startswith("//"), location

    prop()


def test_shortlist_sequences_keep_their_invariants(catalogue, counter):
    """Adds, removes and clears in any order: successful removes, a full list, the draft."""
    published = [p.pk for p in catalogue if p.status == Status.PUBLISHED]
    draft = draft_of(catalogue).pk
    step = st.tuples(
        st.sampled_from(["add", "add", "remove", "clear"]),
        # The draft has a branch of its own, so it is tried in most examples.
        st.one_of(
            st.sampled_from(published),
            st.just(draft),
            st.integers(-3, 10**20).map(str),
            junk_text,
        ),
    )

    @settings(FUZZ, max_examples=max(1, EXAMPLES // 4))
    @given(
        steps=st.lists(step, min_size=4, max_size=12),
        as_fetch=st.booleans(),
        # Often start full or nearly full, so "full" and successful removes are common.
        before=st.lists(st.sampled_from(published), unique=True, max_size=MAX_SHORTLIST),
    )
    # Always tried, whatever Hypothesis draws: adding to a full list, then removing one.
    @example(
        steps=[("add", published[4]), ("remove", published[0]), ("add", published[4])] * 2,
        as_fetch=True,
        before=published[:MAX_SHORTLIST],
    )
    @example(steps=[("add", draft), ("add", published[0])] * 2, as_fetch=False, before=[])
    def prop(steps, as_fetch, before):
        client = Client()
        if before:
            session = client.session
            session["shortlist"] = before
            session.save()
        headers = {"X-Requested-With": "fetch"} if as_fetch else {}
        model: list[int] = list(before)  # what the shortlist should hold
        for action, programme in steps:
            response = client.post(
                f"/shortlist/{action}/", {"programme": programme}, headers=headers
            )
            check_response(response, counter)
            check_shortlist_reply(response, catalogue, as_fetch)
            try:  # read the way the view reads it (int() accepts " 2", "٢", "1_0")
                pk = int(str(programme))
            except ValueError:
                pk = None
            ok = True
            if action == "clear":
                model = []
            elif action == "add":
                ok = pk in published and (pk in model or len(model) < MAX_SHORTLIST)
                if ok and pk not in model:
                    model.append(pk)
            elif action == "remove" and pk in model:
                model.remove(pk)
            assert client.session.get("shortlist", []) == model
            if as_fetch:
                reply = response.json()
                assert (reply["ok"], reply["ids"]) == (ok, model), (action, programme, reply)
            else:
                assert response.status_code == 302

    prop()


def test_shortlist_add_survives_any_form_post(catalogue, counter):
    _shortlist_property(catalogue, counter, "/shortlist/add/")


def test_shortlist_remove_survives_any_form_post(catalogue, counter):
    _shortlist_property(catalogue, counter, "/shortlist/remove/")


def test_the_html_checker_catches_broken_markup():
    with pytest.raises(AssertionError, match="closes"):
        assert_well_formed("<!doctype html><html><body><div><p>x</div></body></html>")
    with pytest.raises(AssertionError, match="never closed"):
        assert_well_formed("<!doctype html><html><body><main>x</body></html>")
    with pytest.raises(AssertionError, match="duplicate id"):
        assert_well_formed('<!doctype html><p id="a"></p><p id="a"></p>')
    assert_well_formed('<!doctype html><html><body><img alt=""><svg><path/></svg></body></html>')
