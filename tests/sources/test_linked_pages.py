"""The pages a course page links to for its fees, English requirements and how to apply:
which links are followed (pure), and check_sources reading them on 127.0.0.1."""

from __future__ import annotations

import pytest

from programmes.models import PageKind, SourcePage, Suggestion
from programmes.sources.links import course_links, registrable_domain, subject_of
from tests.factories import make_programme, run_command
from tests.pages_server import Page

BASE = "https://www.example.ac.uk/study/postgraduate/health-data-science-msc/"


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.ed.ac.uk", "ed.ac.uk"),
        ("postgraduate.study.cam.ac.uk", "cam.ac.uk"),
        ("ED.AC.UK.", "ed.ac.uk"),
        ("www.example.com", "example.com"),
        ("courses.leeds.ac.uk", "leeds.ac.uk"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
    ],
)
def test_registrable_domain(host, site):
    assert registrable_domain(host) == site


@pytest.mark.parametrize(
    ("text", "url", "subject"),
    [
        ("Fees and funding", "/fees", "fees"),
        ("Tuition fees 2026/27", "/x", "fees"),
        ("More", "/postgraduate/fees-and-funding/", "fees"),
        ("English language requirements: Band C", "/x", "english"),
        ("IELTS and other tests", "/x", "english"),
        ("Entry requirements", "/x", "entry"),
        ("How to apply", "/x", "apply"),
        ("Application deadlines", "/x", "apply"),
        ("Undergraduate fees", "/x", None),
        ("Fees", "/undergraduate/fees", None),
        ("PhD fees", "/x", None),
        ("Accommodation fees", "/x", None),
        ("Our research", "/research", None),
        ("Apply now", "/x", None),  # the application form itself, not a page about applying
    ],
)
def test_what_a_link_is_about(text, url, subject):
    assert subject_of(text, "https://www.example.ac.uk" + url) == subject


def test_links_kept_are_same_site_pages_one_per_subject_first_and_at_most_five():
    page = """<main>
      <a href="#fees">Fees (on this page)</a>
      <a href="/study/postgraduate/health-data-science-msc/">Fees: this very page</a>
      <a href="https://www.other.ac.uk/fees">Fees elsewhere</a>
      <a href="/documents/fees-2026.pdf">Fee schedule (PDF)</a>
      <a href="mailto:fees@example.ac.uk">Email the fees team</a>
      <a href="http://[::1/fees">Broken address: fees</a>
      <a href="/postgraduate/fees">Tuition fees</a>
      <a href="/postgraduate/fees/?year=2027">Tuition fees for 2027</a>
      <a href="https://postgraduate.example.ac.uk/english">English language requirements</a>
      <a href="/postgraduate/how-to-apply#deadlines">How to apply</a>
      <a href="/postgraduate/how-to-apply">How to apply (again)</a>
      <a href="/postgraduate/scholarship-fees">Funding and fees</a>
      <a href="/postgraduate/fees-faq">Fees questions</a>
      <a href="/undergraduate/fees">Undergraduate fees</a>
    </main>"""
    links = course_links(page, BASE)
    assert [(link.url, link.subject) for link in links] == [
        ("https://www.example.ac.uk/postgraduate/fees", "fees"),
        ("https://postgraduate.example.ac.uk/english", "english"),
        ("https://www.example.ac.uk/postgraduate/how-to-apply", "apply"),
        ("https://www.example.ac.uk/postgraduate/fees/?year=2027", "fees"),
        ("https://www.example.ac.uk/postgraduate/scholarship-fees", "fees"),
    ]
    assert links[0].text == "Tuition fees"


@pytest.mark.parametrize("page", ["", "not html", "<a href>Fees</a>", "<a href='  '>Fees</a>"])
def test_pages_without_usable_links_give_none(page):
    assert course_links(page, BASE) == []


# ----- check_sources on loopback -----------------------------------------------------------

COURSE_WITH_LINKS = """<html><body><main><h1>MSc Health Data Science</h1>
<p>One year full-time.</p>
<ul>
  <li><a href="/fees">Fees and funding</a></li>
  <li><a href="/english">English language requirements: Band C</a></li>
  <li><a href="/apply">How to apply</a></li>
  <li><a href="/undergraduate/fees">Undergraduate fees</a></li>
  <li><a href="/research">Our research</a></li>
</ul></main></body></html>"""

FEES_PAGE = """<html><body><main><h1>Postgraduate taught fees 2026/27</h1>
<table><tr><th>Programme</th><th>Home</th><th>International</th></tr>
<tr><td>MSc Health Data Science</td><td>£12,500</td><td>£29,000</td></tr></table>
</main></body></html>"""

FACULTY_FEES_PAGE = """<html><body><main><h1>Faculty of Medicine fees 2026/27</h1>
<p>Tuition fee for all our taught master's programmes: Home £11,000, International £27,000.</p>
</main></body></html>"""

ENGLISH_PAGE = """<html><body><main><h1>English language requirements</h1>
<p>This programme requires IELTS 7.0 overall with no less than 6.5 in each component.</p>
</main></body></html>"""


def run(*args) -> str:
    return run_command("check_sources", *args)


@pytest.fixture
def site(pages):
    pages.routes["/course"] = Page(COURSE_WITH_LINKS)
    pages.routes["/fees"] = Page(FEES_PAGE)
    pages.routes["/english"] = Page(ENGLISH_PAGE)
    pages.routes["/apply"] = Page("<p>Apply online. We read applications all year.</p>")
    return pages


@pytest.mark.django_db
def test_a_course_pages_fee_english_and_apply_links_are_read_and_their_facts_proposed(site):
    programme = make_programme(
        title="Health Data Science", official_url=site.url("/course"), source_urls=""
    )
    output = run("--programme", str(programme.pk))
    linked = SourcePage.objects.filter(programme=programme, kind=PageKind.LINKED)
    assert {(p.url, p.link_text, p.found_on) for p in linked} == {
        (site.url("/fees"), "Fees and funding", site.url("/course")),
        (site.url("/english"), "English language requirements: Band C", site.url("/course")),
        (site.url("/apply"), "How to apply", site.url("/course")),
    }
    assert site.requested("/undergraduate/fees") == 0
    assert site.requested("/research") == 0
    found = {s.field: s for s in Suggestion.objects.filter(programme=programme)}
    assert (found["fee_home_gbp"].value, found["fee_home_gbp"].source_url) == (
        "12500",
        site.url("/fees"),
    )
    assert found["fee_international_gbp"].value == "29000"
    assert "MSc Health Data Science" in found["fee_home_gbp"].quote
    assert (found["ielts_overall"].value, found["ielts_overall"].source_url) == (
        "7.0",
        site.url("/english"),
    )
    assert "4 page(s) read" in output


@pytest.mark.django_db
def test_a_faculty_wide_fee_page_is_not_one_programmes_fee(site):
    site.routes["/fees"] = Page(FACULTY_FEES_PAGE)
    programme = make_programme(
        title="Health Data Science", official_url=site.url("/course"), source_urls=""
    )
    run("--programme", str(programme.pk))
    fields = set(Suggestion.objects.filter(programme=programme).values_list("field", flat=True))
    assert "fee_home_gbp" not in fields and "fee_international_gbp" not in fields
    assert "ielts_overall" in fields  # the English page still counts


@pytest.mark.django_db
def test_reruns_never_duplicate_linked_pages_and_keep_them_while_the_course_page_is_listed(site):
    programme = make_programme(
        title="Health Data Science", official_url=site.url("/course"), source_urls=""
    )
    run("--programme", str(programme.pk))
    run("--programme", str(programme.pk))
    assert SourcePage.objects.filter(programme=programme, kind=PageKind.LINKED).count() == 3
    assert Suggestion.objects.filter(programme=programme).count() == 5  # fees, IELTS x2, duration
    # The course page is replaced: its linked pages go with it.
    site.routes["/other-course"] = Page("<p>MSc Something Else</p>")
    programme.official_url = site.url("/other-course")
    programme.save()
    run("--programme", str(programme.pk))
    assert not SourcePage.objects.filter(programme=programme, kind=PageKind.LINKED).exists()


@pytest.mark.django_db
def test_at_most_five_linked_pages_per_programme(pages):
    links = "".join(f'<a href="/fees/{n}">Tuition fees {n}</a>' for n in range(12))
    pages.routes["/course"] = Page(f"<main><h1>MSc Health Data Science</h1>{links}</main>")
    for n in range(12):
        pages.routes[f"/fees/{n}"] = Page("<p>Nothing here.</p>")
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    run("--programme", str(programme.pk))
    assert SourcePage.objects.filter(programme=programme, kind=PageKind.LINKED).count() == 5
    assert sum(pages.requested(f"/fees/{n}") for n in range(12)) == 5


@pytest.mark.django_db
def test_an_english_band_named_on_the_course_page_is_read_on_the_bands_page(pages):
    from tests.replica import ENGLISH_PAGE

    pages.routes["/course"] = Page(
        "<main><h1>MSc Health Data Science</h1><p>English language: this programme is in "
        'Band C.</p><a href="/english">English language requirements</a></main>'
    )
    pages.routes["/english"] = Page(ENGLISH_PAGE)
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    run("--programme", str(programme.pk))
    found = {s.field: s for s in Suggestion.objects.filter(programme=programme)}
    assert (found["ielts_overall"].value, found["ielts_min_component"].value) == ("6.5", "6.0")
    assert found["ielts_overall"].quote.startswith("Band C")
    assert found["ielts_overall"].source_url == pages.url("/english")


def test_a_link_in_the_course_content_is_preferred_to_the_same_link_in_the_menu():
    page = """<header><nav><a href="/fees">Fees</a></nav></header>
      <main><a href="/fees">Tuition fees and funding for this course</a></main>
      <footer><a href="/how-to-apply">How to apply</a></footer>"""
    assert [(link.url, link.text) for link in course_links(page, BASE)] == [
        ("https://www.example.ac.uk/fees", "Tuition fees and funding for this course"),
        ("https://www.example.ac.uk/how-to-apply", "How to apply"),
    ]


@pytest.mark.django_db
def test_a_linked_page_says_nothing_about_the_course_length_or_start(pages):
    pages.routes["/course"] = Page(
        '<main><h1>MSc Health Data Science</h1><a href="/how-to-apply">How to apply</a></main>'
    )
    pages.routes["/how-to-apply"] = Page(
        "<main><h1>How to apply</h1><p>Our full-time masters normally take 12 months; most "
        "start in September.</p><p>Duration: 1 year full-time.</p>"
        "<p>Application deadline: 31 July 2027.</p></main>"
    )
    programme = make_programme(official_url=pages.url("/course"), source_urls="")
    run("--programme", str(programme.pk))
    fields = set(Suggestion.objects.filter(programme=programme).values_list("field", flat=True))
    assert fields == {"deadline_home", "deadline_international"}
