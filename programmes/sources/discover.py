"""Find programmes the catalogue lacks: read a university's sitemap (or sitemap index) or course
A-Z page, keep its postgraduate course pages, read the likely ones politely, and propose those
in the portal's scope as new-programme leads for editors (``manage.py discover_programmes``).

In scope means a health word and a technology word in the page's title or lead (the lists below,
the only place they are written): "MSc Digital Health" and "Health Data Science" are in,
"Marketing with AI" (no health word) and "Nursing" (no technology word) are out.

Pages are read with the same fetcher as ``check_sources`` (robots.txt, the per-host rate,
address rules, time and size limits). A university is read by one run at a time (a lock in the
shared cache; another machine skips it and says so); a page already in the catalogue or already
proposed (open, accepted or dismissed) is never proposed again.
"""

from __future__ import annotations

import html
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from selectolax.lexbor import LexborHTMLParser

from programmes.models import Award, LeadStatus, Programme, ProgrammeLead, Status, University

from .fetch import HTML_TYPES, XML_TYPES, Fetcher
from .links import same_site

# ----- scope: the word lists, in one place -------------------------------------------------

HEALTH_WORDS = (
    "health",
    "healthcare",
    "health care",
    "medicine",
    "medical",
    "clinical",
    "care",
    "biomedical",
    "biomedicine",
    "nhs",
    "patient",
    "patients",
)
TECHNOLOGY_WORDS = (
    "ai",
    "artificial intelligence",
    "machine learning",
    "data",
    "data science",
    "digital",
    "informatics",
    "computing",
    "computational",
    "computer",
    "analytics",
)


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, words), key=len)[::-1]) + r")\b", re.I
    )


_HEALTH = _words(HEALTH_WORDS)
_TECHNOLOGY = _words(TECHNOLOGY_WORDS)
# Not a postgraduate taught course page, whatever its words.
_NOT_A_COURSE = re.compile(
    r"undergraduate|\bBSc\b|\bBA\b|\bBEng\b|\bMEng\b|\bPhD\b|doctora|research degrees?|"
    r"apprenticeship|foundation year|short course|summer school|\bnews\b|\bevents?\b|\bblog\b",
    re.I,
)
_POSTGRADUATE_PATH = re.compile(
    r"postgrad|/pg[/-]|/pgt/|masters?|/msc|taught|/courses?/|/study/|/programmes?/", re.I
)
MAX_SITEMAPS = 20
MAX_INDEX_LINKS = 50_000
MAX_CANDIDATES = 200  # pages read per university per run


def scope(text: str) -> list[str]:
    """The scope words found: a health word and a technology word, or [] when out of scope."""
    health = {m.group(1).lower() for m in _HEALTH.finditer(text)}
    technology = {m.group(1).lower() for m in _TECHNOLOGY.finditer(text)}
    if not (health and technology):
        return []
    return sorted(health) + sorted(technology)


_AWARDS = [
    (Award.MSCR, r"MSc by Research|MScR"),
    (Award.MRES, r"MRes"),
    (Award.MPHIL, r"MPhil"),
    (Award.MDS, r"Master of Data Science|\bMDS\b"),
    (Award.PGDIP, r"PG ?Dip|Postgraduate Diploma"),
    (Award.PGCERT, r"PG ?Cert|Postgraduate Certificate"),
    (Award.MSC, r"\bMSc\b|Master of Science"),
]


def award_of(title: str) -> tuple[str, str]:
    """(award, title without it): "MSc Health Data Science" -> ("MSc", "Health Data Science")."""
    for award, words in _AWARDS:
        match = re.search(words, title, re.I)
        if match:
            rest = " ".join((title[: match.start()] + " " + title[match.end() :]).split())
            rest = re.sub(r"\(\s*\)", "", rest).strip(" -–—|:,")
            if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
                rest = rest[1:-1]  # "Master of Data Science (Health)" -> "Health"
            elif rest.endswith("(") or rest.startswith(")"):
                rest = rest.strip("()").strip()
            return award, " ".join(rest.split())
    return "", " ".join(title.split())


# ----- reading the index ---------------------------------------------------------------------

_LOC = re.compile(r"<loc>\s*([^<\s]{1,500})\s*</loc>", re.I)


@dataclass(frozen=True)
class Candidate:
    url: str
    text: str  # the link's words (empty from a sitemap)
    found_on: str


def _key(url: str) -> str:
    return urldefrag(url.strip())[0].rstrip("/").lower()


def index_entries(body: str, index_url: str) -> tuple[list[str], list[Candidate]]:
    """(sitemaps to read next, page candidates) from a sitemap, sitemap index or HTML page."""
    head = body[:2000].lower()
    if "<urlset" in head or "<sitemapindex" in head:
        locs = [html.unescape(m.group(1)) for m in _LOC.finditer(body[:20_000_000])]
        locs = locs[:MAX_INDEX_LINKS]
        if "<sitemapindex" in head:
            return locs, []
        return [], [Candidate(url, "", index_url) for url in locs]
    try:
        tree = LexborHTMLParser(body)
    except Exception:
        return [], []
    found = []
    for count, anchor in enumerate(tree.css("a[href]")):
        if count >= MAX_INDEX_LINKS:
            break
        try:
            url = urldefrag(urljoin(index_url, (anchor.attributes.get("href") or "").strip()))[0]
        except ValueError:
            continue
        found.append(Candidate(url, " ".join((anchor.text() or "").split())[:300], index_url))
    return [], found


def worth_reading(candidate: Candidate, index_url: str) -> bool:
    """A same-site postgraduate course page whose address or link words name either list."""
    parts = urlsplit(candidate.url)
    if parts.scheme not in ("http", "https") or not same_site(candidate.url, index_url):
        return False
    words = f"{parts.path.replace('-', ' ').replace('_', ' ')} {candidate.text}"
    if _NOT_A_COURSE.search(words) or not _POSTGRADUATE_PATH.search(parts.path + "/"):
        return False
    return bool(_HEALTH.search(words) or _TECHNOLOGY.search(words))


def page_title_and_lead(document: str) -> tuple[str, str]:
    tree = LexborHTMLParser(document)
    heading = tree.css_first("h1") or tree.css_first("title")
    title = " ".join((heading.text() if heading else "").split())[:300]
    lead = ""
    meta = tree.css_first('meta[name="description"]')
    if meta is not None:
        lead = meta.attributes.get("content") or ""
    if not lead:
        for paragraph in tree.css("main p, article p, p"):
            text = " ".join((paragraph.text() or "").split())
            if len(text) >= 40:
                lead = text
                break
    return title, " ".join(lead.split())[:600]


# ----- a run -------------------------------------------------------------------------------


@dataclass
class Report:
    universities: int = 0
    skipped_locked: list[str] = field(default_factory=list)
    index_pages: int = 0
    candidates: int = 0
    pages_read: int = 0
    refused: Counter = field(default_factory=Counter)
    known: int = 0
    out_of_scope: int = 0
    leads: int = 0

    def line(self) -> str:
        refused = ", ".join(f"{reason} {n}" for reason, n in sorted(self.refused.items()))
        locked = f"; skipped (another run has it): {', '.join(self.skipped_locked)}"
        return (
            f"{self.universities} universit{'y' if self.universities == 1 else 'ies'}: "
            f"{self.index_pages} index page(s) read, {self.candidates} candidate page(s), "
            f"{self.pages_read} read, {sum(self.refused.values())} refused"
            f"{f' ({refused})' if refused else ''}, {self.known} already known, "
            f"{self.out_of_scope} out of scope; {self.leads} new lead(s) proposed"
            f"{locked if self.skipped_locked else ''}."
        )


def _known_urls(university: University) -> set[str]:
    known = {_key(url) for url in ProgrammeLead.objects.values_list("url", flat=True)}
    for official, sources in Programme.objects.filter(university=university).values_list(
        "official_url", "source_urls"
    ):
        known |= {_key(u) for u in [official, *sources.splitlines()] if u.strip()}
    return known


def discover(
    university: University,
    *,
    index_url: str = "",
    fetcher: Fetcher,
    report: Report,
    say: Callable[[str], None] = lambda _line: None,
) -> None:
    """Read one university's index and propose its in-scope pages as leads."""
    index_url = index_url or university.course_index_url
    if not index_url:
        say(f"{university.slug}: no course index set (University.course_index_url); skipped")
        return
    lock, token = f"discover:university:{university.pk}", uuid.uuid4().hex
    if not cache.add(lock, token, timeout=3600):
        report.skipped_locked.append(university.slug)
        say(f"{university.slug}: another run is reading it; skipped")
        return
    try:
        report.universities += 1
        _discover(university, index_url, fetcher, report, say)
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)


def _discover(university, index_url, fetcher, report: Report, say) -> None:
    sitemaps: list[str] = [index_url]
    candidates: list[Candidate] = []
    seen_index: set[str] = set()
    while sitemaps and len(seen_index) < MAX_SITEMAPS:
        url = sitemaps.pop(0)
        if url in seen_index or not same_site(url, index_url):
            continue
        seen_index.add(url)
        result = fetcher.fetch(url, accept=HTML_TYPES | XML_TYPES)
        report.index_pages += 1
        if not result.ok:
            report.refused[result.reason] += 1
            say(f"{university.slug}: index {url}: refused ({result.reason}: {result.detail})")
            continue
        more, found = index_entries(result.text, result.final_url or url)
        sitemaps.extend(more)
        candidates.extend(found)
    known = _known_urls(university)
    chosen, keys = [], set()
    for candidate in candidates:
        key = _key(candidate.url)
        if key in keys or not worth_reading(candidate, index_url):
            continue
        keys.add(key)
        if key in known:
            report.known += 1
            continue
        chosen.append(candidate)
    report.candidates += len(chosen)
    for number, candidate in enumerate(chosen[:MAX_CANDIDATES], start=1):
        result = fetcher.fetch(candidate.url)
        report.pages_read += 1
        if not result.ok:
            report.refused[result.reason] += 1
            say(f"[{number}/{len(chosen)}] {candidate.url}: refused ({result.reason})")
            continue
        title, lead = page_title_and_lead(result.text)
        matched = scope(f"{title} {lead}")
        if not matched or _NOT_A_COURSE.search(title):
            report.out_of_scope += 1
            say(f"[{number}/{len(chosen)}] {candidate.url}: out of scope ({title[:60]!r})")
            continue
        award, _ = award_of(title)
        try:
            with transaction.atomic():
                ProgrammeLead.objects.create(
                    university=university,
                    url=candidate.url[:500],
                    title=title or candidate.text or candidate.url,
                    award=award,
                    matched=", ".join(matched)[:200],
                    lead=lead,
                    found_on=candidate.found_on[:500],
                )
        except IntegrityError:
            report.known += 1  # another run proposed it a moment ago
            continue
        report.leads += 1
        words = ", ".join(matched)
        say(f"[{number}/{len(chosen)}] {candidate.url}: new lead {title[:60]!r} ({words})")


# ----- the editors' decisions --------------------------------------------------------------


def accept_lead(lead: ProgrammeLead, *, user) -> Programme:
    """Make a draft programme from the lead (its page as official URL and source)."""
    award, title = award_of(lead.title)
    title = title or lead.title
    base = slugify(title)[:180] or "programme"
    taken = set(
        Programme.objects.filter(university=lead.university, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug = (
        base
        if base not in taken
        else next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)
    )
    programme = Programme(
        university=lead.university,
        title=title[:200],
        slug=slug,
        award=award or lead.award or Award.OTHER,
        status=Status.DRAFT,
        official_url=lead.url,
        source_urls=lead.url,
    )
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        lead.status, lead.programme = LeadStatus.ACCEPTED, programme
        lead.decided_at, lead.decided_by = timezone.now(), user
        lead.save(update_fields=["status", "programme", "decided_at", "decided_by"])
    return programme


def dismiss_lead(lead: ProgrammeLead, *, user) -> None:
    lead.status, lead.decided_at, lead.decided_by = LeadStatus.DISMISSED, timezone.now(), user
    lead.save(update_fields=["status", "decided_at", "decided_by"])
