"""discover_programmes: the scope words (what they keep and drop), reading a sitemap index or an
A-Z page on 127.0.0.1, leads in the admin (accept makes a draft, dismiss is for good)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import CommandError
from django.urls import reverse

from programmes.models import LeadStatus, Programme, ProgrammeLead, Status
from programmes.sources.discover import award_of, scope
from tests import replica
from tests.factories import make_programme, make_university, run_command
from tests.pages_server import Page


@pytest.mark.parametrize(
    "text",
    [
        "MSc Digital Health",
        "Health Data Science MSc",
        "Online digital health (PGCert)",
        "MSc Artificial Intelligence in Healthcare",
        "Medical Imaging with Machine Learning",
        "Clinical Informatics",
        "Health and Care Data Analytics",
        "MSc Computational Medicine",
    ],
)
def test_in_scope(text):
    assert scope(text)


@pytest.mark.parametrize(
    "text",
    [
        "MSc Marketing with AI",  # no health word
        "MSc Advanced Nursing Practice",  # no technology word
        "MSc Computing",
        "Healthcare Management",
        "Careers in Data",  # "care" is a word, not part of "careers"
        "MSc Medical Physics",
        "Public Health",
        "",
    ],
)
def test_out_of_scope(text):
    assert scope(text) == []


@pytest.mark.parametrize(
    ("title", "award", "rest"),
    [
        ("MSc Health Data Science", "MSc", "Health Data Science"),
        ("Digital Health (PGCert)", "PGCert", "Digital Health"),
        ("Postgraduate Diploma in Clinical AI", "PGDip", "in Clinical AI"),
        ("Health Informatics MRes", "MRes", "Health Informatics"),
        ("Master of Data Science (Health)", "MDS", "Health"),
        ("Clinical Data Analytics", "", "Clinical Data Analytics"),
    ],
)
def test_award_of(title, award, rest):
    assert award_of(title) == (award, rest)


@pytest.fixture
def site(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 2  # the replica's drip-fed page is cut at this limit
    pages.routes.update(replica.routes(pages.url("")))
    university = make_university(
        slug=replica.SLUG, name="University of Loopback", website=pages.url("/")
    )
    university.course_index_url = pages.url("/sitemap.xml")
    university.save()
    return pages


def discover(*args) -> str:
    return run_command("discover_programmes", "--university", replica.SLUG, *args)


@pytest.mark.django_db
def test_a_sitemap_index_gives_leads_for_the_in_scope_course_pages_only(site):
    output = discover()
    leads = {lead.url: lead for lead in ProgrammeLead.objects.all()}
    assert set(leads) == replica.in_scope_urls(site.url(""))
    lead = leads[site.url("/postgraduate/courses/health-data-science-msc")]
    assert (lead.title, lead.award, lead.matched) == (
        "MSc Health Data Science",
        "MSc",
        "health, data science",
    )
    assert lead.found_on == site.url("/sitemap-courses.xml")
    # Never read: undergraduate, research, news, the other site's sitemap, robots-disallowed.
    for path in replica.NOT_POSTGRADUATE:
        assert site.requested(path) == 0
    assert site.requested("/private/courses/clinical-data-msc") == 0
    # The hostile pages were refused with reasons, and the run went on.
    assert "6 new lead(s) proposed" in output
    assert "refused" in output and "Traceback" not in output


@pytest.mark.django_db
def test_reruns_never_duplicate_and_known_or_dismissed_pages_are_not_proposed(site, admin_user):
    make_programme(
        university=Programme._meta.get_field("university").related_model.objects.get(
            slug=replica.SLUG
        ),
        official_url=site.url("/postgraduate/courses/ai-in-healthcare-msc"),
    )
    discover()
    assert ProgrammeLead.objects.count() == 5  # the AI programme is in the catalogue already
    from programmes.sources.discover import dismiss_lead

    dismiss_lead(ProgrammeLead.objects.get(title__contains="Imaging"), user=admin_user)
    output = discover()
    assert ProgrammeLead.objects.count() == 5
    assert "0 new lead(s) proposed" in output


@pytest.mark.django_db
def test_an_a_to_z_page_is_read_like_a_sitemap(site):
    links = "".join(
        f'<li><a href="{path}">{title}</a></li>' for path, (title, _) in replica.COURSES.items()
    )
    site.routes["/postgraduate/a-z"] = Page(f"<main><ul>{links}</ul></main>")
    discover("--index", site.url("/postgraduate/a-z"))
    wanted = {site.url(path) for path, (_, in_scope) in replica.COURSES.items() if in_scope}
    assert {lead.url for lead in ProgrammeLead.objects.all()} == wanted


@pytest.mark.django_db
def test_a_university_another_run_is_reading_is_skipped_and_said(site):
    university = ProgrammeLead._meta.get_field("university").related_model.objects.get(
        slug=replica.SLUG
    )
    cache.set(f"discover:university:{university.pk}", "another-run", 60)
    try:
        output = discover()
    finally:
        cache.delete(f"discover:university:{university.pk}")
    assert "another run is reading it" in output
    assert not ProgrammeLead.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--index", "https://www.example.com/sitemap.xml"], "is not on"),
        (["--index", "ftp://127.0.0.1/sitemap.xml"], r"http\(s\)"),
        (["--university", "nowhere"], "No university"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(site, args, message):
    with pytest.raises(CommandError, match=message):
        if args[0] == "--university":
            run_command("discover_programmes", *args)
        else:
            discover(*args)


@pytest.mark.django_db
def test_index_needs_a_university():
    with pytest.raises(CommandError, match="needs --university"):
        run_command("discover_programmes", "--index", "http://127.0.0.1/sitemap.xml")


@pytest.mark.django_db
def test_an_index_that_is_not_a_sitemap_or_page_is_a_refusal_not_a_crash(site):
    site.routes["/sitemap.xml"] = Page(b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    output = discover()
    assert "refused (not-html" in output
    assert "0 new lead(s) proposed" in output


@pytest.mark.django_db
def test_editors_accept_a_lead_into_a_draft_and_dismiss_another(site, client):
    from tests.factories import make_editor

    discover()
    client.force_login(make_editor())
    changelist = reverse("admin:programmes_programmelead_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "MSc Health Data Science" in page.content.decode()
    lead = ProgrammeLead.objects.get(title="MSc Health Data Science")
    other = ProgrammeLead.objects.get(title__contains="Imaging")
    response = client.post(
        changelist, {"action": "accept_leads", "_selected_action": [lead.pk]}, follow=True
    )
    assert "1 draft programme(s) made" in response.content.decode()
    lead.refresh_from_db()
    programme = lead.programme
    assert lead.status == LeadStatus.ACCEPTED
    assert (programme.title, programme.award, programme.status) == (
        "Health Data Science",
        "MSc",
        Status.DRAFT,
    )
    assert programme.official_url == lead.url and programme.source_urls == lead.url
    client.post(changelist, {"action": "dismiss_leads", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.status == LeadStatus.DISMISSED
    # Accepting again changes nothing: decided leads are left alone.
    client.post(changelist, {"action": "accept_leads", "_selected_action": [lead.pk, other.pk]})
    assert Programme.objects.filter(status=Status.DRAFT, title="Health Data Science").count() == 1


@pytest.mark.parametrize(
    ("title", "rest"),
    [
        ("PGCert Digital Health (online)", "Digital Health (online)"),
        ("Digital Health (online) PGCert", "Digital Health (online)"),
        ("(MSc) Clinical AI", "Clinical AI"),
    ],
)
def test_award_of_keeps_the_titles_own_brackets(title, rest):
    assert award_of(title)[1] == rest


@pytest.mark.slow
@pytest.mark.django_db
def test_the_replica_end_to_end_leads_then_facts_from_course_and_linked_pages(site, admin_user):
    from programmes.models import Suggestion
    from programmes.sources.discover import accept_lead

    discover()
    for lead in ProgrammeLead.objects.filter(status=LeadStatus.OPEN):
        accept_lead(lead, user=admin_user)
    output = run_command("check_sources", "--all")
    assert "Traceback" not in output
    facts = {
        (s.programme.title, s.field): (s.value, s.source_url.rsplit("/", 1)[-1])
        for s in Suggestion.objects.select_related("programme")
    }
    hds = "Health Data Science"
    assert facts[(hds, "fee_home_gbp")] == ("12900", "fees")
    assert facts[(hds, "fee_international_gbp")] == ("31500", "fees")
    assert facts[(hds, "ielts_overall")] == ("6.5", "english-language")  # Band C
    assert facts[(hds, "ielts_min_component")] == ("6.0", "english-language")
    assert facts[(hds, "deadline_international")][0] == "2027-06-30"
    assert facts[(hds, "duration_part_time_months")][0] == "24"
    # Not in the fees table: no fee rather than another programme's.
    assert ("Health Informatics", "fee_home_gbp") not in facts
