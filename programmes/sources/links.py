"""The pages an official course page links to that hold its facts: fees, English and entry
requirements, how to apply and deadlines.

Universities keep these on shared pages ("Fees and funding", "English language requirements:
Band C", "How to apply"); an editor follows those links, and so does ``check_sources``. Pure
functions over HTML: nothing here touches the network or the database.

A link is followed only when

- its text or its address says what it is about (the words below, one list per subject);
- it stays on the course page's registrable domain (``www.ed.ac.uk`` and ``postgraduate.ed.ac.uk``
  are one site; ``ed.ac.uk`` and ``leeds.ac.uk`` are not), over http(s);
- it is not the course page itself, an anchor on it, a file (PDF, Word), or a page for another
  level of study (undergraduate, research degrees);

and at most ``MAX_LINKED_PAGES`` per programme, one per subject first, in the order of
``SUBJECTS``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

MAX_LINKED_PAGES = 5
MAX_LINKS_LOOKED_AT = 2_000  # anchors read per page; a course page has a few hundred

# Subject -> what its link text or address says. Order matters: a link is one subject, the first
# that matches, and subjects are followed in this order when the limit is reached.
SUBJECTS: dict[str, re.Pattern[str]] = {
    "fees": re.compile(r"\bfees?\b|\btuition\b|\bcosts? of study", re.I),
    "english": re.compile(
        r"english[- ]language|language requirements?|\bielts\b|english requirements?", re.I
    ),
    "entry": re.compile(r"entry[- ]requirements?|admissions? requirements?|who can apply", re.I),
    "apply": re.compile(
        r"how[- ]to[- ]apply|application[- ]?(?:process|guidance|deadlines?|dates?)|"
        r"\bdeadlines?\b|closing[- ]dates?|when to apply|apply(?:ing)?[- ]for",
        re.I,
    ),
}
LABELS = {
    "fees": "fees",
    "english": "English language requirements",
    "entry": "entry requirements",
    "apply": "how to apply and deadlines",
}
# Pages about something else that share the words above.
_NOT_FOR_THIS_COURSE = re.compile(
    r"undergraduate|\bug\b|phd|doctoral|research degrees?|accommodation|library fines|"
    r"parking|sports?|alumni|\bjobs?\b|vacanc|staff|login|sign[- ]?in|privacy|cookies?",
    re.I,
)
_FILE = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|jpe?g|png|gif|mp4)$", re.I)

# Second-level labels under which a name is registered one level further down (a short list
# for the sites this portal reads: UK universities, and common generic forms).
_SECOND_LEVEL = {"ac", "co", "org", "gov", "nhs", "ltd", "plc", "me", "net", "sch", "police"}


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    subject: str


def registrable_domain(host: str) -> str:
    """``www.postgraduate.ed.ac.uk`` -> ``ed.ac.uk``; ``www.example.com`` -> ``example.com``."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        ipaddress.ip_address(host)
        return host  # an address is its own site
    except ValueError:
        pass
    labels = [part for part in host.split(".") if part]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return bool(a.hostname and b.hostname) and registrable_domain(
        a.hostname or ""
    ) == registrable_domain(b.hostname or "")


def subject_of(text: str, url: str) -> str | None:
    """What a link is about from its text, else its address; None for anything else."""
    path = urlsplit(url).path.replace("-", " ").replace("_", " ").replace("/", " ")
    if _NOT_FOR_THIS_COURSE.search(text) or _NOT_FOR_THIS_COURSE.search(path):
        return None
    for where in (text, path):
        for subject, words in SUBJECTS.items():
            if words.search(where):
                return subject
    return None


_MENU_TAGS = {"nav", "header", "footer"}


def _in_menu(node) -> bool:
    """Whether a link sits in the site's navigation, header or footer (a few levels up)."""
    parent = node.parent
    for _ in range(30):
        if parent is None:
            return False
        if parent.tag in _MENU_TAGS or (parent.attributes.get("role") or "") in (
            "navigation",
            "banner",
            "contentinfo",
        ):
            return True
        parent = parent.parent
    return False


def course_links(document: str, page_url: str, limit: int = MAX_LINKED_PAGES) -> list[Link]:
    """The links worth following from ``page_url``: one per subject first, then the rest."""
    try:
        tree = LexborHTMLParser(document)
    except Exception:  # selectolax on bytes it cannot read: no links, never a failed run
        return []
    here = urldefrag(page_url)[0]
    seen: set[str] = {here}
    candidates: list[Link] = []
    # The page's own content first, then its menus: a "Fees" link in the site menu is the same
    # page, but the words beside the course ("Tuition fees and funding") say more.
    anchors = tree.css("a[href]")[:MAX_LINKS_LOOKED_AT]
    in_menus = {id(a) for a in anchors if _in_menu(a)}
    ordered = [a for a in anchors if id(a) not in in_menus]
    ordered += [a for a in anchors if id(a) in in_menus]
    for anchor in ordered:
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        try:
            url = urldefrag(urljoin(page_url, href))[0]
        except ValueError:  # a malformed address ("http://[::1") is skipped
            continue
        if urlsplit(url).scheme not in ("http", "https") or len(url) > 500 or _FILE.search(url):
            continue
        if url in seen or not same_site(url, page_url):
            continue
        text = " ".join((anchor.text(separator=" ") or "").split())[:200]
        subject = subject_of(text, url)
        if subject is None:
            continue
        seen.add(url)
        candidates.append(Link(url, text, subject))
    order = list(SUBJECTS)
    firsts: list[Link] = []
    for subject in order:
        first = next((link for link in candidates if link.subject == subject), None)
        if first is not None:
            firsts.append(first)
    rest = [link for link in candidates if link not in firsts]
    return (firsts + rest)[:limit]
