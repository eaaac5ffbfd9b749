"""manage.py check_sources against fixture pages on 127.0.0.1 (never the real catalogue)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError
from django.db import connection

from programmes.models import PageRead, SourcePage, Status, Suggestion, SuggestionStatus
from programmes.sources.services import check_pages, dismiss, programmes_to_check
from tests.factories import COURSE, course_page, make_programme, run_command
from tests.pages_server import Page, redirect, sleep_then

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    return run_command("check_sources", *args)


@pytest.fixture
def programme(pages):
    pages.routes["/course"] = course_page()
    return make_programme(official_url=pages.url("/course"), source_urls="")


def test_proposes_fees_with_period_and_year_and_ielts_with_quotes(programme):
    output = run("--programme", str(programme.pk))
    found = {s.field: s for s in Suggestion.objects.filter(programme=programme)}
    assert set(found) == {"fee_home_gbp", "fee_international_gbp", "ielts_overall"}
    assert (found["fee_home_gbp"].value, found["fee_home_gbp"].year) == ("12000", "2026/27")
    assert found["fee_home_gbp"].quote == "Home | Full-time: £12,000 | Part-time: £6,000"
    assert found["ielts_overall"].value == "6.5"
    assert all(
        s.read is not None and s.source_url == programme.official_url for s in found.values()
    )
    assert "1 page(s) read: 0 unchanged, 1 changed, 0 failed; 3 suggestion(s) made." in output
    assert f"[1] {programme.official_url} (programme {programme.pk}): changed, 3" in output


def test_an_unchanged_page_costs_a_304_and_makes_nothing_new(programme, pages):
    run("--programme", str(programme.pk))
    first = PageRead.objects.get()
    output = run("--programme", str(programme.pk))
    assert pages.log[-1][1]["If-None-Match"] == '"v1"'
    latest = PageRead.objects.order_by("-read_at", "-pk").first()
    assert latest.http_status == 304
    assert latest.content_hash == first.content_hash
    assert Suggestion.objects.count() == 3
    assert "1 unchanged, 0 changed, 0 failed; 0 suggestion(s) made." in output


def test_rerunning_on_a_page_without_validators_never_duplicates(programme, pages):
    pages.routes["/course"] = Page(COURSE.format(home="12,000"))  # no ETag: 200 every time
    run("--programme", str(programme.pk))
    run("--programme", str(programme.pk))
    assert Suggestion.objects.count() == 3
    assert PageRead.objects.order_by("-pk").first().changed is False


def test_a_changed_fee_makes_one_suggestion_with_its_quote(programme, pages):
    run("--programme", str(programme.pk))
    pages.routes["/course"] = course_page(home="12,600", etag='"v2"')
    output = run("--programme", str(programme.pk))
    assert "1 changed, 0 failed; 1 suggestion(s) made." in output
    new = Suggestion.objects.get(field="fee_home_gbp", status=SuggestionStatus.OPEN)
    assert new.value == "12600"
    assert "£12,600" in new.quote
    old = Suggestion.objects.get(field="fee_home_gbp", value="12000")
    assert old.status == SuggestionStatus.SUPERSEDED


def test_a_dismissed_value_is_never_proposed_again_from_that_page(programme, pages, admin_user):
    run("--programme", str(programme.pk))
    fee = Suggestion.objects.get(field="fee_home_gbp")
    assert dismiss(fee, user=admin_user)
    pages.routes["/course"] = course_page(home="12,600", etag='"v2"')
    run("--programme", str(programme.pk))
    pages.routes["/course"] = course_page(home="12,000", etag='"v3"')  # back to the dismissed value
    run("--programme", str(programme.pk))
    assert Suggestion.objects.filter(field="fee_home_gbp", value="12000").count() == 1
    assert Suggestion.objects.get(field="fee_home_gbp", value="12000").status == "dismissed"


def test_values_the_catalogue_already_has_are_not_proposed(pages):
    pages.routes["/course"] = course_page()
    programme = make_programme(
        official_url=pages.url("/course"),
        source_urls="",
        fee_home=12000,
        fee_year="2026/27",
        ielts_overall="6.5",
    )
    run("--programme", str(programme.pk))
    assert list(Suggestion.objects.values_list("field", flat=True)) == ["fee_international_gbp"]


def test_failures_are_recorded_with_their_reason_and_the_run_goes_on(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 1
    settings.SOURCE_FETCH_MAX_BYTES = 50_000
    pages.routes["/course"] = course_page()
    pages.routes["/robots.txt"] = Page("User-agent: *\nDisallow: /secret\n")
    pages.routes["/500"] = Page("oops", status=500)
    pages.routes["/slow"] = sleep_then(2)
    pages.routes["/big"] = Page(b"x" * 60_000)
    pages.routes["/pdf"] = Page(b"%PDF", headers={"Content-Type": "application/pdf"})
    pages.routes["/charset"] = Page("<p>x</p>", headers={"Content-Type": "text/html; charset=nope"})
    pages.routes["/loop"] = redirect("/loop")
    pages.routes["/inside"] = redirect("http://127.0.0.2/")
    paths = ["/404", "/500", "/slow", "/big", "/pdf", "/charset", "/loop", "/inside", "/secret"]
    programme = make_programme(
        official_url=pages.url("/course"),
        source_urls="\n".join(pages.url(p) for p in paths),
    )
    output = run("--programme", str(programme.pk))
    reasons = dict(SourcePage.objects.values_list("url", "last_reason"))
    assert reasons == {
        pages.url("/course"): "",
        pages.url("/404"): "http-error",
        pages.url("/500"): "http-error",
        pages.url("/slow"): "timeout",
        pages.url("/big"): "too-large",
        pages.url("/pdf"): "not-html",
        pages.url("/charset"): "bad-charset",
        pages.url("/loop"): "redirect-loop",
        pages.url("/inside"): "refused-address",
        pages.url("/secret"): "robots",
    }
    assert pages.requested("/secret") == 0
    assert Suggestion.objects.count() == 3  # the good page still made its suggestions
    assert "10 page(s) read: 0 unchanged, 1 changed, 9 failed (" in output
    assert "http-error 2" in output and "robots 1" in output


def test_due_takes_only_pages_not_read_recently(programme, pages):
    run("--due")
    assert pages.requested("/course") == 1
    output = run("--due")
    assert pages.requested("/course") == 1
    assert "0 page(s) read" in output


def test_drafts_only_with_all(pages):
    pages.routes["/draft"] = course_page()
    make_programme(official_url=pages.url("/draft"), source_urls="", status=Status.DRAFT)
    run()
    assert pages.requested("/draft") == 0
    run("--all")
    assert pages.requested("/draft") == 1


def test_keeps_the_last_few_reads_per_page(programme, pages):
    pages.routes["/course"] = Page(COURSE.format(home="12,000"))
    for _ in range(7):
        run("--programme", str(programme.pk))
    assert PageRead.objects.count() == 5


def test_unknown_programme_id_is_a_clear_error():
    with pytest.raises(CommandError, match="No programme with id 999999"):
        run("--programme", "999999")


def test_workers_out_of_range_is_a_clear_error():
    with pytest.raises(CommandError, match="--workers"):
        run("--workers", "0")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_read_each_page_once(pages):
    if connection.vendor != "postgresql":
        pytest.skip("claims use SELECT ... FOR UPDATE SKIP LOCKED: run on PostgreSQL (.ci/run)")
    for n in range(12):
        pages.routes[f"/p{n}"] = sleep_then(0.05, COURSE.format(home=f"{12000 + n:,}").encode())
    for n in range(0, 12, 2):
        make_programme(official_url=pages.url(f"/p{n}"), source_urls=pages.url(f"/p{n + 1}"))
    programmes = list(programmes_to_check(include_drafts=False, ids=None))
    summaries = []
    barrier = threading.Barrier(2)

    def one_run():
        from django.db import connections

        try:
            barrier.wait()
            summaries.append(check_pages(programmes, workers=2))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(summaries) == 2
    assert sum(s.read for s in summaries) == 12
    for n in range(12):
        assert pages.requested(f"/p{n}") == 1, n
    assert PageRead.objects.count() == 12


def test_an_extractor_failure_is_recorded_and_the_run_goes_on(pages, monkeypatch):
    from programmes.sources import extract

    pages.routes["/bad"] = Page("<p>breaks the extractor</p>")
    pages.routes["/course"] = course_page()
    programme = make_programme(official_url=pages.url("/bad"), source_urls=pages.url("/course"))
    real = extract.read_page

    def flaky(document, **options):
        if "breaks the extractor" in document:
            raise ValueError("boom")
        return real(document, **options)

    monkeypatch.setattr(extract, "read_page", flaky)
    output = run("--programme", str(programme.pk))
    assert "failed (extract-error 1)" in output
    assert SourcePage.objects.get(url=pages.url("/bad")).last_reason == "extract-error"
    assert Suggestion.objects.count() == 3


def test_a_page_too_slow_to_read_is_recorded_and_the_run_goes_on(pages, monkeypatch):
    from programmes.sources.extract import common

    many_lines = "".join(f"<p>Line {n}: tuition fee £{12_000 + n:,}</p>" for n in range(200))
    pages.routes["/slow"] = Page(many_lines)
    pages.routes["/course"] = course_page()
    programme = make_programme(official_url=pages.url("/slow"), source_urls=pages.url("/course"))
    monkeypatch.setattr(common, "TIME_LIMIT", 0.0)  # any page with more than a few lines
    output = run("--programme", str(programme.pk))
    assert "extract-slow" in output
    assert SourcePage.objects.get(url=pages.url("/slow")).last_reason == "extract-slow"
    # The course page after it was still read (its facts are too slow under this limit too,
    # so it is refused the same way, not skipped).
    assert SourcePage.objects.get(url=pages.url("/course")).last_read_at is not None


def test_dates_and_the_lowest_ielts_component_are_proposed_and_accepted_into_their_fields(
    pages, admin_client
):
    from django.urls import reverse

    page = (
        "<main><h1>MSc Health Data Science</h1>"
        "<p>IELTS 6.5 overall with no less than 6.0 in each component.</p>"
        "<p>Start date: September 2027</p>"
        "<p>Applications open on 1 October 2026. International applicants: apply by "
        "30 June 2027. UK applicants: apply by 31 August 2027.</p></main>"
    )
    pages.routes["/course"] = Page(page)
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    run("--programme", str(programme.pk))
    found = {s.field: s for s in Suggestion.objects.filter(programme=programme)}
    assert {f: found[f].value for f in found} == {
        "ielts_overall": "6.5",
        "ielts_min_component": "6.0",
        "start_months": "September",
        "next_intake": "2027-09",
        "applications_open": "2026-10-01",
        "deadline_home": "2027-08-31",
        "deadline_international": "2027-06-30",
    }
    assert found["deadline_international"].quote.startswith("International applicants")
    for suggestion in found.values():
        admin_client.post(reverse("admin:programmes_suggestion_accept", args=[suggestion.pk]))
    programme.refresh_from_db()
    assert (programme.next_intake_year, programme.next_intake_month) == (2027, 9)
    assert str(programme.deadline_home) == "2027-08-31"
    assert str(programme.deadline_international) == "2027-06-30"
    assert str(programme.applications_open) == "2026-10-01"
    assert str(programme.ielts_min_component) == "6.0"
    # Read again: the catalogue says so now, nothing is proposed twice.
    pages.routes["/course"] = Page(page + " ")
    assert "0 suggestion(s) made" in run("--programme", str(programme.pk))


LONE_FEE = (
    "<html><body><main><h1>Master of Finance</h1><h2>Fees</h2><p>Tuition fees for the 2026/27 "
    "programme intake are £57,850, plus an application fee of £120.</p></main></body></html>"
)


def test_a_lone_fee_on_the_official_page_is_proposed_for_everyone_but_not_from_a_source(pages):
    pages.routes["/mfin"] = Page(LONE_FEE)
    pages.routes["/elsewhere"] = Page(LONE_FEE)
    official = make_programme(official_url=pages.url("/mfin"), source_urls="")
    sourced = make_programme(official_url="", source_urls=pages.url("/elsewhere"))
    run("--programme", str(official.pk))
    run("--programme", str(sourced.pk))
    found = {s.field: s.value for s in Suggestion.objects.filter(programme=official)}
    assert (found["fee_home_gbp"], found["fee_international_gbp"]) == ("57850", "57850")
    assert PageRead.objects.filter(page__programme=sourced, changed=True).exists()  # it was read
    assert not Suggestion.objects.filter(programme=sourced, field__startswith="fee_").exists()
