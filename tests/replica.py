"""A loopback replica of a university's website, for discover_programmes and check_sources tests
and ``make bench-sources``: a sitemap index, course pages in and out of the portal's scope
that link to shared fees, English language (bands) and how-to-apply pages, and hostile pages.

Every page is served by ``tests.pages_server.PagesServer`` on 127.0.0.1. The university and its
programmes are invented (University of Loopback); nothing here is a real programme fact.
"""

from __future__ import annotations

import gzip

from tests.pages_server import Page, slow_headers

SLUG = "loopback"
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml; charset=utf-8"}

# path -> (title, in the portal's scope?)
_PG = "/postgraduate/courses"
COURSES = {
    "/postgraduate/courses/health-data-science-msc": ("MSc Health Data Science", True),
    f"{_PG}/ai-in-healthcare-msc": (
        "MSc Artificial Intelligence in Healthcare",
        True,
    ),
    "/postgraduate/courses/digital-health-online-pgcert": ("PGCert Digital Health (online)", True),
    f"{_PG}/medical-imaging-msc": (
        "MSc Medical Imaging with Machine Learning",
        True,
    ),
    "/postgraduate/courses/marketing-with-ai-msc": ("MSc Marketing with AI", False),
    "/postgraduate/courses/nursing-data-msc": ("MSc Advanced Nursing Practice", False),
    "/postgraduate/courses/computing-msc": ("MSc Computing", False),
}
NOT_POSTGRADUATE = [
    "/undergraduate/courses/computer-science-bsc",
    "/research/phd-health-data-science",
    "/news/2026/ai-in-healthcare-award",
]
# path -> (what is hostile about it, still a readable in-scope course page?)
HOSTILE = {
    "/postgraduate/courses/health-informatics-msc": ("a non-ASCII ETag", True),
    "/postgraduate/courses/clinical-ai-msc": ("charset=hex", False),
    "/postgraduate/courses/biomedical-data-msc": ("a gzip bomb", False),
    "/postgraduate/courses/health-computing-msc": ("headers a byte at a time", False),
    "/postgraduate/courses/care-analytics-msc": ("an IELTS score then 60,000 digits", True),
    "/private/courses/clinical-data-msc": ("disallowed by robots.txt", False),
}

COURSE_PAGE = """<!doctype html><html><head><title>{title} | University of Loopback</title>
<meta name="description" content="{title}: a taught master's programme at the University of
Loopback (an invented university for tests)."></head>
<body><nav><a href="/postgraduate/fees">Fees (in the menu)</a></nav><main>
<h1>{title}</h1>
<h2>Key facts</h2>
<dl><dt>Duration</dt><dd>1 year full-time; 2 years part-time</dd>
<dt>Start date</dt><dd>September 2027</dd></dl>
<p>Apply by 31 July 2027 (international applicants: 30 June 2027).</p>
<ul>
<li><a href="/postgraduate/fees">Tuition fees and funding</a></li>
<li><a href="/postgraduate/english-language">English language requirements: Band C</a></li>
<li><a href="/postgraduate/how-to-apply">How to apply</a></li>
<li><a href="/undergraduate/fees">Undergraduate fees</a></li>
<li><a href="https://www.example.com/fees">Fees on another site</a></li>
</ul></main></body></html>"""

FEES_PAGE = """<html><body><main><h1>Postgraduate taught tuition fees 2027/28</h1>
<table><thead><tr><th>Programme</th><th>Home (full-time)</th><th>International (full-time)</th>
</tr></thead><tbody>
<tr><td>MSc Health Data Science</td><td>£12,900</td><td>£31,500</td></tr>
<tr><td>MSc Artificial Intelligence in Healthcare</td><td>£13,400</td><td>£32,000</td></tr>
<tr><td>MSc Medical Imaging with Machine Learning</td><td>£12,400</td><td>£30,100</td></tr>
</tbody></table>
<p>A deposit of £2,000 is payable by international students when they accept an offer.</p>
</main></body></html>"""

ENGLISH_PAGE = """<html><body><main><h1>English language requirements</h1>
<p>Each programme lists its English language band. The IELTS (Academic) scores for each band:</p>
<table><thead><tr><th>Band</th><th>IELTS overall</th><th>Lowest component</th></tr></thead>
<tbody><tr><td>Band A</td><td>7.5</td><td>7.0</td></tr>
<tr><td>Band B</td><td>7.0</td><td>6.5</td></tr>
<tr><td>Band C</td><td>6.5</td><td>6.0</td></tr>
<tr><td>Band D</td><td>6.0</td><td>5.5</td></tr></tbody></table>
<p>Pre-sessional courses are available for students with IELTS 5.5.</p>
</main></body></html>"""

APPLY_PAGE = """<html><body><main><h1>How to apply</h1>
<p>Apply online. Scholarship deadline: 1 March 2027.</p>
</main></body></html>"""


def sitemap(*paths: str, base: str) -> Page:
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in paths)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return Page(body, headers=XML)


def routes(base: str) -> dict[str, object]:
    """The replica's pages, for ``PagesServer.routes`` (``base`` is the server's address)."""
    site: dict[str, object] = {
        "/robots.txt": Page(
            "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
        ),
        "/sitemap.xml": Page(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sitemap-courses.xml</loc></sitemap>"
            f"<sitemap><loc>{base}/sitemap-other.xml</loc></sitemap>"
            "<sitemap><loc>https://www.example.com/sitemap.xml</loc></sitemap>"
            "</sitemapindex>",
            headers=XML,
        ),
        "/sitemap-courses.xml": sitemap(*COURSES, *HOSTILE, base=base),
        "/sitemap-other.xml": sitemap(*NOT_POSTGRADUATE, "/about", base=base),
        "/postgraduate/fees": Page(FEES_PAGE, etag='"fees-1"'),
        "/postgraduate/english-language": Page(ENGLISH_PAGE, etag='"english-1"'),
        "/postgraduate/how-to-apply": Page(APPLY_PAGE),
    }
    for path, (title, _) in COURSES.items():
        site[path] = Page(COURSE_PAGE.format(title=title), etag=f'"{path.rsplit("/", 1)[-1]}"')
    title = "MSc Health Informatics"
    site["/postgraduate/courses/health-informatics-msc"] = Page(
        COURSE_PAGE.format(title=title), etag='"caf\xe9"'
    )
    site["/postgraduate/courses/clinical-ai-msc"] = Page(
        COURSE_PAGE.format(title="MSc Clinical AI"),
        headers={"Content-Type": "text/html; charset=hex"},
    )
    bomb = gzip.compress(b"<p>" + b"health data " * 2_000_000 + b"</p>")
    site["/postgraduate/courses/biomedical-data-msc"] = Page(
        bomb, headers={**HTML, "Content-Encoding": "gzip"}
    )
    site["/postgraduate/courses/health-computing-msc"] = slow_headers(0.5)
    site["/postgraduate/courses/care-analytics-msc"] = Page(
        "<h1>MSc Care Analytics</h1><p>IELTS " + "6" * 60_000 + "</p>"
    )
    site["/private/courses/clinical-data-msc"] = Page(COURSE_PAGE.format(title="MSc Clinical Data"))
    return site


def in_scope_urls(base: str) -> set[str]:
    """The pages discover_programmes should propose: in scope and readable."""
    pages = {**COURSES, **HOSTILE}
    return {base + path for path, (_, wanted) in pages.items() if wanted}
