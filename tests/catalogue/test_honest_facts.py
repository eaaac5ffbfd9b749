"""Every public statement about a fact is true, and fees are comparable.

- A fact we have not recorded reads "Not recorded yet" (never "not published by the university").
- A fee says what it covers and for which year; filters, fee sorts and the compare chart use one
  basis, the whole full-time course, and leave out (saying why) what cannot be put on it.
- Archived programmes answer 410 Gone; /about/data/ publishes how complete the catalogue is.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from programmes.fees import course_fee, fee_text
from programmes.models import Guide, Programme, Status, University
from tests.conftest import titles
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = "not published by the university"
MANCHESTER = "/programmes/university-of-manchester/health-data-science/"
EDINBURGH_CDT = "/programmes/university-of-edinburgh/biomedical-ai-cdt-msc-by-research-year/"


@pytest.fixture
def catalogue():
    call_command("load_catalogue", verbosity=0)


def public_urls(client) -> list[str]:
    urls = ["/", "/programmes/", "/universities/", "/guides/", "/about/data/", "/guides/feed/"]
    published = list(Programme.objects.published().select_related("university"))
    urls += [p.get_absolute_url() for p in published]
    urls += [u.get_absolute_url() for u in University.objects.all()]
    urls += [f"/topics/{slug}/" for slug in ("machine-learning", "digital-health")]
    urls += [g.get_absolute_url() for g in Guide.objects.published()]
    urls += ["/programmes/?sort=fee_home", "/programmes/?max_fee_home=20000"]
    urls += [f"/compare/?p={published[0].pk}&p={published[1].pk}&p={published[2].pk}"]
    return urls


# ----- 1. unknown is "not recorded yet" ------------------------------------------------------


def test_no_public_page_of_the_real_catalogue_says_not_published(client, catalogue):
    archived = Programme.objects.get(status=Status.ARCHIVED)
    published = Programme.objects.published().first()
    gone_pages = [archived.get_absolute_url(), f"/compare/?p={published.pk}&p={archived.pk}"]
    for url in public_urls(client) + gone_pages:
        response = client.get(url)
        assert response.status_code == (410 if url == gone_pages[0] else 200), url
        text = response.content.decode().lower()
        assert NOT_PUBLISHED not in text, url
        assert "unpublished" not in text and "not yet published" not in text, url


def test_cards_say_not_recorded_yet_and_link_the_official_page(client):
    make_programme(title="Gappy", fee_home=None, official_url="https://www.example.ac.uk/gappy")
    text = client.get("/programmes/").text
    assert '<dt>Home fee</dt><dd><span class="unknown">Not recorded yet</span></dd>' in text
    assert (
        '<a href="https://www.example.ac.uk/gappy" rel="noopener">check the official page' in text
    )


def test_detail_page_links_each_unrecorded_fact_to_the_official_page(client):
    programme = make_programme(official_url="https://www.example.ac.uk/course")
    text = client.get(programme.get_absolute_url()).text
    link = 'Not recorded yet: <a href="https://www.example.ac.uk/course" rel="noopener">'
    # department, modes, durations (2), fees (2), start months, degree, who it is for, IELTS
    # overall and lowest component, work experience, placement; next intake, applications
    # open, deadline
    assert text.count(link) == 16


def test_compare_chart_says_not_recorded_yet(client):
    a, b = make_programme(), make_programme()
    response = client.get(f"/compare/?p={a.pk}&p={b.pk}")
    chart = response.context["chart"]
    texts = [bar.value_text for group in chart.groups for bar in group.bars]
    assert texts == ["not recorded yet"] * 6
    assert "home fee not recorded yet" in chart.description


def test_compare_intro_and_list_empty_state_use_the_same_words(client):
    a, b = make_programme(), make_programme()
    compare_page = client.get(f"/compare/?p={a.pk}&p={b.pk}").text
    empty_list = client.get("/programmes/?q=zzzznothing").text
    sentence = (
        "A fact that reads “Not recorded yet” is one we have not yet recorded from the "
        "university’s official pages; it does not mean the university does not publish it, so "
        "check the official course page."
    )
    assert sentence in compare_page
    assert sentence in empty_list


def test_csv_leaves_unrecorded_facts_empty(admin_client):
    make_programme(title="Gappy")
    response = admin_client.get("/staff/export/programmes.csv")
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert row["fee_home_gbp"] == row["ielts_overall"] == row["fee_period"] == ""


# ----- 2. what a fee covers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "period,year,expected",
    [
        ("per-year", "2026/27", "£15,800 per year (2026/27)"),
        ("full-course", "2025/26", "£15,800 for the whole course (2025/26)"),
        ("", "2025/26", "£15,800 (2025/26), per year or whole course not stated"),
        ("per-year", "", "£15,800 per year (year not recorded)"),
    ],
)
def test_fee_text_says_what_it_covers_and_for_which_year(period, year, expected):
    assert fee_text(15800, period, year) == expected
    assert fee_text(None, period, year) is None


def test_manchester_home_fee_reads_per_year_with_its_year(client, catalogue):
    text = client.get(MANCHESTER).text
    assert "£15,800 per year (2026/27)" in text
    assert "£35,700 per year (2026/27)" in text
    # Charged per year with no recorded length: kept out of comparisons, and the page says why.
    assert "Not in fee comparisons: it is charged per year and the full-time length" in text
    cards = client.get("/programmes/?university=university-of-manchester").text
    assert "£15,800 per year (2026/27)" in cards


# Each case: (fee_period, full-time months) → whole-course figure for a £10,000 fee, or None.
BASES = [
    ("full-course", None, 10000),
    ("full-course", 24, 10000),
    ("per-year", 12, 10000),
    ("per-year", 9, 10000),
    ("per-year", 24, 20000),
    ("per-year", 36, 30000),
    ("per-year", 18, None),
    ("per-year", None, None),
    ("", 12, 10000),
    ("", 24, None),
    ("", None, None),
]


@pytest.mark.parametrize("period,months,expected", BASES)
def test_whole_course_fee_is_worked_out_by_the_database(period, months, expected):
    programme = make_programme(
        fee_home=10000, fee_international=20000, fee_period=period, duration_full_time_months=months
    )
    programme.refresh_from_db()
    assert programme.fee_home_course == expected
    assert programme.fee_international_course == (None if expected is None else expected * 2)
    total = course_fee(programme, "home")
    assert total.amount == expected
    assert (total.reason is None) == (expected is not None)


def test_whole_course_fee_follows_updates_made_outside_the_admin():
    programme = make_programme(fee_home=10000, fee_period="per-year", duration_full_time_months=12)
    Programme.objects.filter(pk=programme.pk).update(duration_full_time_months=24)
    programme.refresh_from_db()
    assert programme.fee_home_course == 20000


@pytest.fixture
def fee_bases():
    """One programme per basis case, titled by the case."""
    for period, months, _ in BASES:
        make_programme(
            title=f"{period or 'unstated'} {months or 'unknown'}",
            fee_home=10000,
            fee_period=period,
            duration_full_time_months=months,
        )


def test_max_fee_filter_compares_whole_course_fees_only(client, fee_bases):
    shown = set(titles(client.get("/programmes/?max_fee_home=10000")))
    assert shown == {
        "full-course unknown",
        "full-course 24",
        "per-year 12",
        "per-year 9",
        "unstated 12",
    }
    # Two years at £10,000 a year is £20,000: it matches a £20,000 limit, not a £10,000 one.
    assert "per-year 24" in titles(client.get("/programmes/?max_fee_home=20000"))
    # Never comparable, whatever the limit.
    wide = set(titles(client.get("/programmes/?max_fee_home=1000000")))
    assert not wide & {"per-year 18", "per-year unknown", "unstated 24", "unstated unknown"}


def test_fee_sort_ranks_whole_course_fees_and_puts_the_rest_last(client, fee_bases):
    response = client.get("/programmes/?sort=fee_home")
    order = titles(response)
    ranked = order[:7]
    assert ranked[-2:] == ["per-year 24", "per-year 36"]
    assert set(order[7:]) == {"per-year 18", "per-year unknown", "unstated 24", "unstated unknown"}
    assert "Sorted by the fee for the whole full-time course" in response.text
    assert titles(client.get("/programmes/?sort=-fee_home"))[0] == "per-year 36"


def test_list_page_says_which_fee_basis_it_uses(client):
    text = client.get("/programmes/").text
    assert "<legend>Fees for the whole full-time course</legend>" in text
    assert "a fee charged per year counts once for each year" in text


def test_card_says_why_a_fee_is_not_compared(client):
    make_programme(title="Yearly", fee_home=10000, fee_period="per-year")
    text = client.get("/programmes/").text
    assert "Not in fee comparisons: the whole-course fee cannot be worked out" in text
    assert "charged per year, length not recorded" in text


def test_compare_chart_draws_whole_course_fees_and_explains_what_it_leaves_out(client):
    two_years = make_programme(
        title="Two years", fee_home=10000, fee_period="per-year", duration_full_time_months=24
    )
    one_course = make_programme(
        title="One course", fee_home=15000, fee_period="full-course", duration_full_time_months=12
    )
    unknown = make_programme(title="Open ended", fee_home=9000, fee_period="per-year")
    response = client.get(f"/compare/?p={two_years.pk}&p={one_course.pk}&p={unknown.pk}")
    home_bars = [b for b in response.context["chart"].groups[0].bars if b.kind == "home"]
    assert [b.value for b in home_bars] == [20000, 15000, None]
    assert home_bars[0].width == pytest.approx(home_bars[1].width * 20000 / 15000)
    assert home_bars[2].value_text == "total not known"
    text = response.text
    assert "Fees for the whole full-time course (£)" in text
    assert "Fees left out of the chart" in text
    assert "3. Home fee £9,000 per year (year not recorded): not charted because it is" in text
    rows = {row.label: row for row in response.context["rows"]}
    lowest = rows["Home fee for the whole full-time course"].cells
    assert [c.best for c in lowest] == ["", "Lowest", ""]
    assert lowest[2].note.startswith("Not compared: it is charged per year")


def test_json_ld_says_a_per_year_fee_is_per_year(client):
    programme = make_programme(fee_home=15800, fee_period="per-year", fee_year="2026/27")
    text = client.get(programme.get_absolute_url()).text
    assert '"name": "Home fee per year"' in text
    assert '"unitCode": "ANN"' in text


def test_fee_period_goes_through_export_and_import(admin_client, admin_user):
    from programmes.imports import apply_import, read_csv

    programme = make_programme(title="Yearly", fee_home=100, fee_period="per-year")
    response = admin_client.get("/staff/export/programmes.csv")
    body = b"".join(response.streaming_content)
    row = next(csv.DictReader(io.StringIO(body.decode()[1:])))
    assert row["fee_period"] == "per-year"
    edited = body.decode().replace(",per-year,", ",full-course,").encode()
    plan = apply_import(read_csv(edited), user=admin_user)
    assert [(c, o, n) for r in plan.rows for c, o, n in r.changes] == [
        ("fee_period", "per-year", "full-course")
    ]
    programme.refresh_from_db()
    assert programme.fee_period == "full-course"


def test_database_refuses_an_unknown_fee_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_programme(fee_period="per-month")


# ----- 4. archived programmes answer 410 ------------------------------------------------------


def test_archived_programme_answers_410_with_similar_programmes(client, catalogue):
    response = client.get(EDINBURGH_CDT)
    assert response.status_code == 410
    text = response.text
    assert "is no longer listed" in text
    assert '<time datetime="2026-12-01">1 December 2026</time>' in text
    assert "Similar programmes listed now" in text
    similar = response.context["similar"]
    assert similar and all(p.status == Status.PUBLISHED for p in similar)
    for programme in similar:
        assert f'href="{programme.get_absolute_url()}"' in text
    assert 'href="/universities/university-of-edinburgh/"' in text
    assert '<meta name="robots" content="noindex">' in text


def test_archived_programme_without_shared_topics_points_to_its_university(client):
    uni = make_university()
    gone = make_programme(university=uni, status=Status.ARCHIVED)
    sibling = make_programme(university=uni, title="Sibling")
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert [p.pk for p in response.context["similar"]] == [sibling.pk]
    assert "Our editors took it off the portal" in response.text


def test_archived_programmes_stay_out_of_lists_sitemap_and_compare(client):
    topic = make_topic()
    live = make_programme(title="Live one", topics=[topic])
    other = make_programme(title="Live two")
    gone = make_programme(title="Gone one", topics=[topic], status=Status.ARCHIVED)
    gone.archived_on = "2026-11-30"
    gone.save()
    assert "Gone one" not in client.get("/programmes/").text
    assert "Gone one" not in client.get("/programmes/?q=gone").text
    assert "Gone one" not in client.get(topic.get_absolute_url()).text
    assert gone.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    response = client.get(f"/compare/?p={live.pk}&p={other.pk}&p={gone.pk}")
    assert [p.pk for p in response.context["programmes"]] == [live.pk, other.pk]
    assert (
        str(gone.pk),
        "(MSc Gone one) is no longer listed: it was archived on 30 November 2026",
    ) in (response.context["dropped"])


def test_archiving_in_the_admin_records_the_day_and_republishing_clears_it(admin_client):
    programme = make_programme()
    admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "archive", "_selected_action": [programme.pk]},
    )
    programme.refresh_from_db()
    assert programme.status == Status.ARCHIVED and programme.archived_on is not None
    admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "publish", "_selected_action": [programme.pk]},
    )
    programme.refresh_from_db()
    assert programme.status == Status.PUBLISHED and programme.archived_on is None


# ----- 5. how complete the catalogue is -----------------------------------------------------


def test_about_data_shows_live_completeness_figures(client, catalogue):
    response = client.get("/about/data/")
    assert response.status_code == 200
    published = Programme.objects.published()
    total = published.count()
    rows = {row.fact.key: row for row in response.context["rows"]}
    assert rows["fee_home"].recorded == published.exclude(fee_home=None).count() == 3
    assert rows["ielts_overall"].recorded == 0
    assert rows["fee_home"].total == total == 22
    assert rows["start_months"].recorded == published.filter(start_month_mask__gt=0).count()
    assert rows["placement"].recorded == published.exclude(placement=None).count()
    no_modes = published.filter(offers_full_time=False, offers_part_time=False, offers_online=False)
    part_time = published.filter(offers_part_time=True) | no_modes
    assert rows["duration_part_time_months"].total == part_time.count()
    assert rows["duration_part_time_months"].recorded == (
        part_time.exclude(duration_part_time_months=None).count()
    )
    assert all(row.verified == 0 for row in rows.values())  # nobody has verified yet
    text = response.text
    assert "3 of 22" in text
    assert "What “verified” means" in text
    assert 'href="/about/data/"' in client.get("/").text  # linked from the footer


def test_completeness_counts_only_fresh_verifications(client):
    make_programme(fee_home=100, last_verified="2020-01-01")
    make_programme(fee_home=100, last_verified=None)
    fresh = make_programme(fee_home=None)
    fresh.last_verified = fresh.created.date()
    fresh.save()
    make_programme(fee_home=999, status=Status.DRAFT)
    context = client.get("/about/data/").context
    rows = {r.fact.key: r for r in context["rows"]}
    fee = rows["fee_home"]
    assert (fee.recorded, fee.total, fee.verified) == (2, 3, 0)
    assert context["verified"] == 1


def test_about_data_has_a_fixed_query_count(client, django_assert_max_num_queries):
    for _ in range(5):
        make_programme()
    # The completeness aggregate, and the sources read once to count whose are all own-site.
    with django_assert_max_num_queries(2):
        client.get("/about/data/")


def test_dashboard_lists_missing_facts_with_links_to_the_programmes(admin_client):
    has_fee = make_programme(title="Has fee", fee_home=100)
    no_fee = make_programme(title="No fee")
    text = admin_client.get("/admin/").text
    assert "Facts still to record" in text
    link = "/admin/programmes/programme/?status__exact=published&amp;missing=fee_home"
    assert f'<a href="{link}">1 missing</a>' in text
    listed = admin_client.get(link.replace("&amp;", "&"))
    shown = [p.pk for p in listed.context["cl"].result_list]
    assert shown == [no_fee.pk] and has_fee.pk not in shown
    # A hand-edited filter value is ignored, never a 500.
    assert admin_client.get("/admin/programmes/programme/?missing=%00junk").status_code == 200


# ----- 6. defects found when measuring -------------------------------------------------------


def test_universities_list_only_those_with_a_published_programme(client, catalogue):
    response = client.get("/universities/")
    text = response.text
    assert "King&#x27;s College London" not in text and "King's College London" not in text
    assert "University of Aberdeen" not in text  # only a draft lead
    assert "University of Manchester" in text
    rows = response.context["universities"]
    assert all(u.published_count > 0 for u in rows)


def test_bad_number_filter_is_shown_back_in_valid_markup(client):
    text = client.get("/programmes/?max_fee_home=abc&max_duration=%22%3E%3Cb%3E").text
    assert 'type="number"' not in text
    assert re.search(
        r'<input type="text" name="max_fee_home" value="abc" inputmode="numeric"', text
    )
    assert 'value="&quot;&gt;&lt;b&gt;"' in text
    assert "Enter a whole number." in text


def test_a_published_guide_must_have_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Guide.objects.create(
            title="Dateless", slug="dateless", summary="S.", body="B", status=Status.PUBLISHED
        )


def test_a_guide_saved_through_the_orm_shows_its_markdown(client):
    Guide.objects.create(
        title="Shell guide",
        slug="shell-guide",
        summary="Made in a shell.",
        body="## From the shell\n\nA *real* body.",
        status=Status.PUBLISHED,
        published_at="2026-11-30",
    )
    text = client.get("/guides/shell-guide/").text
    assert '<h2 id="section-from-the-shell">From the shell</h2>' in text
    assert "<em>real</em>" in text


def test_a_guide_loaded_with_loaddata_shows_its_markdown(client, tmp_path):
    fixture = tmp_path / "guide.json"
    fixture.write_text(
        '[{"model": "programmes.guide", "pk": 900, "fields": {"title": "Loaded", '
        '"slug": "loaded", "summary": "S.", "body": "## Loaded body", "status": "published", '
        '"published_at": "2026-11-30", "author": "Editors", "created": "2026-11-30T00:00:00Z", '
        '"updated": "2026-11-30T00:00:00Z"}}]'
    )
    call_command("loaddata", str(fixture), verbosity=0)
    text = client.get("/guides/loaded/").text
    assert '<h2 id="section-loaded-body">Loaded body</h2>' in text


def test_gone_page_header_is_filled_in_like_any_other_page(client):
    gone = make_programme(status=Status.ARCHIVED)
    text = client.get(gone.get_absolute_url()).text
    assert "__SHORTLIST_URL__" not in text and "<!--shortlist-count-->" not in text
    assert "__CSRF_TOKEN__" not in text


def test_import_reads_fee_period_and_names_a_bad_one(admin_user):
    from programmes.imports import apply_import, plan_import, read_csv
    from tests.factories import good_row, to_csv

    make_university(slug="uni")
    plan = plan_import(read_csv(to_csv([good_row(fee_period="per-month")])))
    assert plan.rows[0].action == "error"
    assert [column for column, _ in plan.rows[0].errors] == ["fee_period"]
    assert not Programme.objects.exists()
    apply_import(read_csv(to_csv([good_row(fee_period="per-year")])), user=admin_user)
    programme = Programme.objects.get(slug="p")
    assert programme.fee_period == "per-year"


def test_import_that_archives_records_the_day(admin_user):
    from programmes.imports import apply_import, read_csv
    from tests.factories import good_row, to_csv

    uni = make_university(slug="uni")
    make_programme(university=uni, slug="p")
    apply_import(read_csv(to_csv([good_row(status="archived")])), user=admin_user)
    programme = Programme.objects.get(slug="p")
    assert programme.status == Status.ARCHIVED and programme.archived_on is not None


def test_editor_records_a_per_year_fee_and_sees_the_whole_course_figure(admin_client):
    from tests.factories import admin_form_data, change_url

    programme = make_programme(duration_full_time_months=24)
    page = admin_client.get(change_url(programme))
    assert "Not stated by the source" in page.text
    data = admin_form_data(page, fee_home="9250", fee_period="per-year", fee_year="2026/27")
    assert admin_client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert (programme.fee_home, programme.fee_home_course) == (9250, 18500)
    assert "£9,250 per year (2026/27)" in admin_client.get(programme.get_absolute_url()).text
    bad = admin_form_data(admin_client.get(change_url(programme)), fee_period="weekly")
    response = admin_client.post(change_url(programme), bad)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_archiving_through_the_change_form_records_the_day(admin_client):
    from tests.factories import admin_form_data, change_url

    programme = make_programme()
    data = admin_form_data(admin_client.get(change_url(programme)), status="archived")
    assert admin_client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert programme.archived_on is not None
    assert admin_client.get(programme.get_absolute_url()).status_code == 410


def test_guide_list_and_detail_agree_on_reading_time_whatever_saved_it(client):
    Guide.objects.create(
        title="Long shell guide",
        slug="long-shell",
        summary="S.",
        body="word " * 2000,
        status=Status.PUBLISHED,
        published_at="2026-11-30",
    )
    assert "10 min read" in client.get("/guides/long-shell/").text
    assert "10 min read" in client.get("/guides/").text
    assert "10 min read" in client.get("/").text


def test_compare_names_only_the_archived_programmes_asked_for_and_copes_without_a_date(client):
    live = make_programme(title="Live one")
    asked = make_programme(title="Gone undated", status=Status.ARCHIVED)
    # Archived before the portal recorded the day (or by a bulk update): no date to give.
    Programme.objects.filter(pk=asked.pk).update(archived_on=None)
    not_asked = make_programme(title="Gone elsewhere", status=Status.ARCHIVED)
    response = client.get(f"/compare/?p={live.pk}&p={asked.pk}")
    assert response.status_code == 200
    assert response.context["dropped"] == [
        (str(asked.pk), "(MSc Gone undated) is no longer listed: it was archived")
    ]
    assert "(MSc Gone undated) is no longer listed: it was archived." in response.text
    assert "Gone elsewhere" not in response.text
    assert not_asked.pk not in [p.pk for p in response.context["programmes"]]
