"""The compare shortlist (session; POSTs checked by origin) and the comparison page."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from programmes import selectors
from programmes.compare import build_chart, parse_ids
from programmes.models import Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    # Django's CSRF checks on: the shortlist endpoints need no token, they check the origin.
    return Client(enforce_csrf_checks=True)


SAME_SITE = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


def post_from_site(client, url, data):
    """Submit a form the way a browser does from one of this site's pages."""
    return client.post(url, data, **SAME_SITE)


def add(client, programme, next_url="/programmes/"):
    return post_from_site(client, "/shortlist/add/", {"programme": programme.pk, "next": next_url})


def session_ids(client):
    return client.session.get("shortlist", [])


def test_add_lands_on_the_shortlist_page_which_confirms_and_links_back(csrf_client):
    programme = make_programme(title="Clinical AI")
    response = add(csrf_client, programme, next_url="/programmes/?nation=england")
    assert response.status_code == 302
    assert response["Location"] == "/shortlist/?next=%2Fprogrammes%2F%3Fnation%3Dengland"
    assert response.cookies["shortlist"].value == str(programme.pk)
    page = csrf_client.get(response["Location"])
    assert page["Cache-Control"] == "private, no-store"
    assert "Added MSc Clinical AI to your compare list." in page.text
    assert '<a href="/programmes/?nation=england">Back to where you were</a>' in page.text
    assert f'<a href="{programme.get_absolute_url()}">MSc Clinical AI</a>' in page.text
    # The message is shown once, on this personal page, and never on a public one.
    assert "Added MSc Clinical AI" not in csrf_client.get("/shortlist/").text
    assert "Added MSc Clinical AI" not in csrf_client.get("/programmes/?nation=england").text


def test_add_from_another_site_is_refused(csrf_client):
    programme = make_programme()
    response = csrf_client.post(
        "/shortlist/add/",
        {"programme": programme.pk},
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert "came from another website" in response.text
    assert session_ids(csrf_client) == []


def test_shortlist_holds_at_most_four_and_a_fifth_changes_nothing(csrf_client):
    programmes = [make_programme(title=f"Programme {n}") for n in range(5)]
    for programme in programmes[:4]:
        add(csrf_client, programme)
    response = add(csrf_client, programmes[4])
    assert response.status_code == 302
    assert session_ids(csrf_client) == [p.pk for p in programmes[:4]]
    page = csrf_client.get(response["Location"])
    assert "already holds 4 programmes" in page.text
    assert "Compare these 4 programmes" in page.text


def test_adding_twice_keeps_one_entry(csrf_client):
    programme = make_programme()
    add(csrf_client, programme)
    add(csrf_client, programme)
    assert session_ids(csrf_client) == [programme.pk]


def test_remove_and_clear(csrf_client):
    first, second = make_programme(), make_programme()
    add(csrf_client, first)
    add(csrf_client, second)
    post_from_site(csrf_client, "/shortlist/remove/", {"programme": first.pk})
    assert session_ids(csrf_client) == [second.pk]
    post_from_site(csrf_client, "/shortlist/clear/", {})
    assert session_ids(csrf_client) == []


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "99999999", "1e9", "9" * 40, "\x00"])
def test_adding_junk_or_unknown_ids_changes_nothing(csrf_client, value):
    make_programme()
    response = post_from_site(csrf_client, "/shortlist/add/", {"programme": value})
    assert response.status_code == 302
    assert session_ids(csrf_client) == []


def test_unpublished_programme_cannot_be_added(csrf_client):
    make_programme()
    draft = make_programme(status=Status.DRAFT)
    add(csrf_client, draft)
    assert session_ids(csrf_client) == []


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_never_redirects_off_site(csrf_client, next_url):
    response = add(csrf_client, make_programme(), next_url=next_url)
    assert response["Location"] == "/shortlist/"
    assert "Back to where you were" not in csrf_client.get("/shortlist/?next=" + next_url).text


def test_json_reply_for_in_place_updates(client):
    programme = make_programme()
    response = client.post(
        "/shortlist/add/", {"programme": programme.pk}, headers={"X-Requested-With": "fetch"}
    )
    data = response.json()
    assert data["ok"] is True and data["count"] == 1
    assert data["compare_url"] == f"/compare/?p={programme.pk}"


def test_get_on_shortlist_endpoints_is_not_allowed(client):
    assert client.get("/shortlist/add/").status_code == 405


@pytest.mark.parametrize(
    "stored", ["abc", None, 42, {"a": 1}, [None, "x", -3, 1.5, True], ["1"] * 50, [[1]]]
)
def test_tampered_session_content_never_breaks_pages(client, stored):
    programme = make_programme()
    session = SessionStore()
    session["shortlist"] = stored
    session.save()
    client.cookies["sessionid"] = session.session_key
    for url in ("/", "/programmes/", "/compare/", programme.get_absolute_url()):
        assert client.get(url, follow=True).status_code == 200
    assert client.post("/shortlist/add/", {"programme": programme.pk}).status_code == 302


def test_forged_session_cookie_is_ignored(client):
    client.cookies["sessionid"] = "forged" * 10
    assert client.get("/compare/").status_code == 200
    client.cookies["sessionid"] = "\x00'; DROP TABLE--"
    assert client.get("/programmes/").status_code == 200


# ----- the compare page --------------------------------------------------------------------


def compare(client, *ids):
    query = "&".join(f"p={i}" for i in ids)
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", [2, 3, 4])
def test_compare_shows_programmes_as_columns_with_chart(client, n):
    programmes = [make_programme(title=f"Course {i}", fee_home=10000 + i * 1000) for i in range(n)]
    response = compare(client, *[p.pk for p in programmes])
    text = response.text
    for p in programmes:
        assert f'<a href="{p.get_absolute_url()}">{p.full_title}</a></th>' in text
    assert text.count('<th scope="col">') == n
    assert "<svg" in text and '<title id="chart-svg-title">' in text
    assert "<desc" in text


HOME_STATED = "Home fee (as the source states it)"
HOME_TOTAL = "Home fee for the whole full-time course"


def test_differing_rows_are_marked_and_lowest_fee_and_shortest_duration_named(client):
    cheap = make_programme(
        title="Cheap", fee_home=9000, fee_period="full-course", duration_full_time_months=12
    )
    dear = make_programme(
        title="Dear", fee_home=15000, fee_period="full-course", duration_full_time_months=24
    )
    response = compare(client, cheap.pk, dear.pk)
    rows = {row.label: row for row in response.context["rows"]}
    assert rows[HOME_TOTAL].differs
    assert [c.best for c in rows[HOME_TOTAL].cells] == ["Lowest", ""]
    assert [c.best for c in rows["Full-time duration"].cells] == ["Shortest", ""]
    assert not rows["Award"].differs  # both MSc
    assert f'{HOME_TOTAL} <span class="differs-mark">differs</span>' in response.text
    assert '<strong class="best">Lowest</strong>' in response.text


def test_missing_facts_read_not_recorded_yet_with_the_official_link(client):
    a = make_programme(
        fee_home=None, ielts_overall=None, official_url="https://www.example.ac.uk/c"
    )
    b = make_programme(fee_home=None, official_url="")
    response = compare(client, a.pk, b.pk)
    text = response.text
    assert "not published by the university" not in text.lower()
    assert (
        'Not recorded yet: <a href="https://www.example.ac.uk/c" rel="noopener">'
        "check the official page" in text
    )
    rows = {row.label: row for row in response.context["rows"]}
    assert [c.text for c in rows[HOME_STATED].cells] == [None, None]
    assert [c.best for c in rows[HOME_TOTAL].cells] == ["", ""]


@pytest.mark.parametrize(
    "query,expected_reasons",
    [
        ("p=abc", ["is not a programme number"]),
        ("p=-4", ["is not a programme number"]),
        ("p=%00", ["is not a programme number"]),
        ("p=" + "9" * 30, ["is not a programme number"]),
        ("p=999999", ["is not a published programme"]),
        ("p={a}", ["was listed twice"]),
        ("p={draft}", ["is not a published programme"]),
    ],
)
def test_bad_p_values_are_dropped_with_a_reason(client, query, expected_reasons):
    a, b = make_programme(), make_programme()
    draft = make_programme(status=Status.DRAFT)
    url = f"/compare/?p={a.pk}&p={b.pk}&" + query.format(a=a.pk, draft=draft.pk)
    response = client.get(url)
    assert response.status_code == 200
    reasons = [reason for _, reason in response.context["dropped"]]
    assert reasons == expected_reasons
    assert len(response.context["programmes"]) == 2


def test_more_than_four_keeps_the_first_four_and_says_so(client):
    programmes = [make_programme() for _ in range(6)]
    response = compare(client, *[p.pk for p in programmes])
    assert [p.pk for p in response.context["programmes"]] == [p.pk for p in programmes[:4]]
    assert "only 4 programmes fit side by side" in response.text


def test_hundreds_of_p_values_are_bounded(client):
    response = client.get("/compare/?" + "&".join(f"p={n}" for n in range(1, 500)))
    assert response.status_code == 200
    assert "too many values were given" in response.text


@pytest.mark.parametrize("count", [0, 1])
def test_zero_or_one_programme_explains_how_to_compare(client, count):
    ids = [make_programme().pk for _ in range(count)]
    response = compare(client, *ids)
    assert "How to compare" in response.text
    assert "<svg" not in response.text


def test_compare_without_p_uses_the_shortlist_as_a_shareable_url(client):
    a, b = make_programme(), make_programme()
    for p in (a, b):
        client.post("/shortlist/add/", {"programme": p.pk})
    response = client.get("/compare/")
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?p={a.pk}&p={b.pk}"


def test_find_similar_links_use_the_programme_topics(client):
    topic = make_topic(slug="genomics", name="Genomics")
    a, b = make_programme(topics=[topic]), make_programme()
    response = compare(client, a.pk, b.pk)
    assert 'href="/programmes/?topic=genomics">Find similar' in response.text


def test_compare_query_count_is_the_same_for_two_and_four(client, django_assert_num_queries):
    topics = [make_topic(), make_topic()]
    programmes = [make_programme(topics=topics) for _ in range(4)]
    # Programmes and topics; the reference figures and rules (for the money rows) are read once,
    # then kept until the catalogue changes.
    with django_assert_num_queries(4):
        compare(client, programmes[0].pk, programmes[1].pk)
    with django_assert_num_queries(2):
        compare(client, *[p.pk for p in programmes])


NOT_A_NUMBER = "is not a programme number"
TOO_MANY = "too many values were given"


# ----- parse_ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0", "-0", str(2**63), str(2**64 - 1), str(2**64)])
def test_zero_and_numbers_past_the_database_range_are_not_programme_numbers(raw):
    selection = parse_ids([raw])
    assert selection.ids == []
    assert selection.dropped == [(raw, NOT_A_NUMBER)]


def test_the_largest_database_number_is_a_programme_number():
    assert parse_ids([str(2**63 - 1), "1"]).ids == [2**63 - 1, 1]


def test_junk_before_good_values_does_not_stop_the_rest_being_read():
    selection = parse_ids(["abc", "7", "x", "8"])
    assert selection.ids == [7, 8]
    assert selection.dropped == [("abc", NOT_A_NUMBER), ("x", NOT_A_NUMBER)]


def test_a_long_bad_value_is_shown_cut_to_twenty_characters():
    raw = "abcdefghijklmnopqrstuvwxyz"
    assert parse_ids([raw]).dropped == [("abcdefghijklmnopqrst", NOT_A_NUMBER)]


def test_exactly_fifty_values_are_all_read_and_nothing_is_said_about_too_many():
    selection = parse_ids(["3"] * 50)
    assert (f"{0} more", TOO_MANY) not in selection.dropped
    assert [reason for _, reason in selection.dropped] == ["was listed twice"] * 49


def test_fifty_one_values_say_one_more_was_not_read():
    selection = parse_ids(["3"] * 51)
    assert selection.dropped[-1] == ("1 more", TOO_MANY)
    assert len(selection.dropped) == 50


def test_too_many_values_are_reported_on_the_page(client):
    response = client.get("/compare/?" + "&".join(["p=1"] * 52))
    assert "<code>2 more</code> too many values were given." in response.text


# ----- the table ---------------------------------------------------------------------------

ROW = re.compile(
    r'<tr(?: class="differs")?>\s*<th scope="row">([^<]+?)(?: <span.*?)?</th>(.*?)</tr>', re.S
)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def table_text(response) -> dict[str, list[str]]:
    """Each row's cells as a reader sees them (unknown facts keep their wording)."""
    body = response.text.split('<table class="compare">', 1)[1].split("</table>", 1)[0]
    return {
        label.strip(): [
            " ".join(html.unescape(TAG.sub("", cell)).split()) for cell in CELL.findall(cells)
        ]
        for label, cells in ROW.findall(body)
    }


@pytest.fixture
def pair():
    """One programme with fees on the comparison basis, one whose fee cannot be put on it."""
    first = make_programme(
        title="Clinical AI",
        university=make_university(name="Glenmore"),
        fee_home=9000,
        fee_international=30000,
        fee_period="full-course",
        fee_year="2026/27",
        duration_full_time_months=12,
        official_url="https://glenmore.example.ac.uk/clinical-ai",
    )
    second = make_programme(
        title="Health Data",
        university=make_university(name="Kirkby"),
        fee_home=10000,
        fee_international=None,
        fee_period="per-year",
        fee_year="2026/27",
        duration_full_time_months=18,
        official_url="",
    )
    return first, second


PART_YEAR = (
    "it is charged per year and the course lasts 18 months full-time, so how the part year is "
    "charged is not known"
)


def compare_page(client, programmes):
    response = client.get("/compare/?" + "&".join(f"p={p.pk}" for p in programmes))
    assert response.status_code == 200
    return response


def test_fee_rows_state_the_source_and_say_why_a_total_is_not_compared(client, pair):
    rows = table_text(compare_page(client, pair))
    assert [label for label in rows if "fee" in label.lower()] == [
        "Home fee (as the source states it)",
        "Home fee for the whole full-time course",
        "International fee (as the source states it)",
        "International fee for the whole full-time course",
    ]
    assert rows["Home fee (as the source states it)"] == [
        "£9,000 for the whole course (2026/27)",
        "£10,000 per year (2026/27)",
    ]
    assert rows["Home fee for the whole full-time course"] == [
        "£9,000 (2026/27)",
        f"Not compared: {PART_YEAR}.",
    ]
    assert rows["International fee (as the source states it)"] == [
        "£30,000 for the whole course (2026/27)",
        "Not recorded yet",
    ]
    # A fee that is simply not recorded has no "Not compared" note.
    assert rows["International fee for the whole full-time course"] == [
        "£30,000 (2026/27)",
        "Not recorded yet",
    ]


def test_an_unrecorded_fee_links_to_the_official_page_not_a_note(client, pair):
    first, second = pair
    rows = table_text(compare_page(client, [second, first]))
    assert rows["International fee for the whole full-time course"] == [
        "Not recorded yet",
        "£30,000 (2026/27)",
    ]
    second.official_url = "https://kirkby.example.ac.uk/data"
    second.save()
    rows = table_text(compare_page(client, [second, first]))
    assert rows["International fee for the whole full-time course"][0] == (
        "Not recorded yet: check the official page for MSc Health Data, Kirkby"
    )


def test_the_official_course_page_row_links_to_each_page(client, pair):
    first, _ = pair
    response = compare_page(client, pair)
    assert (
        '<td><a href="https://glenmore.example.ac.uk/clinical-ai" rel="noopener">Official page'
        in response.text
    )
    assert table_text(response)["Official course page"] == [
        "Official page for MSc Clinical AI, Glenmore",
        "Not recorded yet",
    ]


# ----- the chart ---------------------------------------------------------------------------


def chart_for(programmes):
    found, _ = selectors.programmes_for_compare(ids=[p.pk for p in programmes])
    return build_chart(found)


def layout(chart):
    return [
        (group.title, group.y, [(b.label, b.kind, b.x, b.y, round(b.width, 2)) for b in group.bars])
        for group in chart.groups
    ]


def test_the_chart_layout_puts_each_bar_on_its_own_line_at_its_length(pair):
    chart = chart_for(pair)
    # Bars are 16 high with 4 between them, 10 more between programmes and 30 for each heading;
    # bars start 110 in (after the labels) and the longest is 200 long.
    assert layout(chart) == [
        (
            "Fees for the whole full-time course (£)",
            18,
            [
                ("1. home", "home", 110, 30, 60.0),
                ("1. intl.", "international", 110, 50, 200.0),
                ("2. home", "home", 110, 80, 0),
                ("2. intl.", "international", 110, 100, 0),
            ],
        ),
        (
            "Full-time duration (months)",
            148,
            [
                ("1. full-time", "duration", 110, 160, 133.33),
                ("2. full-time", "duration", 110, 184, 200.0),
            ],
        ),
    ]
    assert (chart.width, chart.height) == (460, 218)


def test_each_bar_has_its_label_before_it_and_its_value_just_after_it(pair):
    chart = chart_for(pair)
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [(b.label_x, b.text_y) for b in bars] == [
        (102, 42),
        (102, 62),
        (102, 92),
        (102, 112),
        (102, 172),
        (102, 196),
    ]
    assert [(round(b.text_x, 2), b.value_text) for b in bars] == [
        (176.0, "£9,000 (2026/27)"),
        (316.0, "£30,000 (2026/27)"),
        (116, "total not known"),
        (116, "not recorded yet"),
        (249.33, "12 months"),
        (316.0, "18 months"),
    ]


def test_the_chart_text_alternative_and_notes_say_every_figure_and_gap(pair):
    chart = chart_for(pair)
    assert chart.description == (
        "1. MSc Clinical AI, Glenmore: home fee £9,000 (2026/27) for the whole full-time course; "
        "international fee £30,000 (2026/27) for the whole full-time course; "
        "full-time duration 12 months. "
        "2. MSc Health Data, Kirkby: home fee £10,000 per year (2026/27), not charted because "
        f"{PART_YEAR}; international fee not recorded yet; full-time duration 18 months."
    )
    assert chart.notes == [
        f"2. Home fee £10,000 per year (2026/27): not charted because {PART_YEAR}."
    ]


def test_an_unknown_duration_draws_no_bar_and_says_so(pair):
    first, _ = pair
    unknown = make_programme(
        title="Imaging", university=make_university(name="Lowther"), duration_full_time_months=None
    )
    chart = chart_for([first, unknown])
    durations = chart.groups[1].bars
    assert [(round(b.width, 2), b.text_x, b.value_text) for b in durations] == [
        (200.0, 316.0, "12 months"),
        (0, 116, "not recorded yet"),
    ]
    assert chart.description.endswith(
        "2. MSc Imaging, Lowther: home fee not recorded yet; international fee not recorded yet; "
        "full-time duration not recorded yet."
    )
    assert chart.notes == []


def test_the_page_draws_the_chart_it_describes(client, pair):
    text = compare_page(client, pair).text
    assert '<svg viewBox="0 0 460 218" ' in text
    assert (
        '<text x="0" y="18.0" class="chart-heading">Fees for the whole full-time course (£)' in text
    )
    assert (
        '<rect x="110" y="50.0" width="200.0" height="16" class="bar bar-international"/>' in text
    )
    assert '<text x="102" y="112.0" class="chart-label" text-anchor="end">2. intl.</text>' in text
    assert '<text x="116.0" y="112.0" class="chart-value chart-unknown">not recorded yet' in text
    assert "<li>2. Home fee £10,000 per year (2026/27): not charted because" in text


@pytest.mark.django_db
def test_a_row_differs_only_when_two_programmes_record_it_and_disagree(client):
    from programmes.compare import build_rows

    uni = make_university()
    a = make_programme(university=uni, title="A", duration_full_time_months=12, fee_home=None)
    b = make_programme(university=uni, title="B", duration_full_time_months=12, fee_home=9000)
    c = make_programme(university=uni, title="C", duration_full_time_months=24, fee_home=None)
    rows = {row.label: row for row in build_rows([a, b])}
    duration = rows["Full-time duration"]
    assert (duration.differs, duration.missing) == (False, [])
    home = next(row for label, row in rows.items() if label.startswith("Home fee (as"))
    assert (home.differs, home.missing) == (False, [1])  # one side unknown: not "differs"
    rows = {row.label: row for row in build_rows([a, b, c])}
    assert rows["Full-time duration"].differs is True
    page = client.get(f"/compare/?p={a.pk}&p={b.pk}").content.decode()
    assert "not recorded for 1" in page


@pytest.mark.django_db
def test_the_chart_names_its_numbers_and_the_introduction_is_short(client):
    uni = make_university(name="Keyford University")
    a = make_programme(university=uni, title="Alpha Health AI", duration_full_time_months=12)
    b = make_programme(university=uni, title="Beta Clinical Data", duration_full_time_months=24)
    page = client.get(f"/compare/?p={a.pk}&p={b.pk}").content.decode()
    key = page.split('<ol class="chart-key">', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r"<li>(.*?),", key) == ["MSc Alpha Health AI", "MSc Beta Clinical Data"]
    lead = page.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert len(re.sub(r"<[^>]+>", "", lead)) < 140
    assert '<details class="compare-notes">' in page  # how fees are compared, one click away
