"""What each source is: the university's own site, another site (a listing or aggregator), or a
pre-release copy of a university page (a development or staging host, a /dev-courses/ path).

Pre-release copies are never linked publicly; other sites are shown as such. The figures on
/about/data/ and in the footer ("facts for N of M programmes come only from the universities'
own pages") are counted with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

OWN, OTHER, PRE_RELEASE = "own", "other", "pre-release"
LABELS = {
    OWN: "The university’s own site",
    OTHER: "Another site (a listing or aggregator, not the university)",
    PRE_RELEASE: "A pre-release copy of a university page (not linked: it is not public)",
}
# Host labels and path segments that mark a development, staging or preview copy.
_PRE_RELEASE_WORD = (
    r"(?:dev|devel|development|staging|stage|test|testing|uat|preview|draft|sandbox)"
)
_PRE_RELEASE_HOST = re.compile(rf"(?:^|[.\-]){_PRE_RELEASE_WORD}(?:\d*)(?:[.\-]|$)")
# In a path only the unmistakable words: "/test-and-measurement/" or "/preview-day/" are real
# pages, "/dev-courses/" and "/staging/" are not.
_PRE_RELEASE_PATH = re.compile(r"/(?:dev|devel|staging|uat|sandbox)(?:[-_][^/]*)?/", re.IGNORECASE)
# Public suffixes under which a university's domain has three labels (ox.ac.uk).
_SECOND_LEVEL = {"ac.uk", "nhs.uk", "org.uk", "co.uk", "gov.uk"}


def registrable_domain(host: str) -> str:
    """ "www.phs.masters.cam.ac.uk" -> "cam.ac.uk"; "www.example.com" -> "example.com"."""
    labels = host.lower().rstrip(".").split(".")
    size = 3 if ".".join(labels[-2:]) in _SECOND_LEVEL else 2
    return ".".join(labels[-size:])


def university_domains(website: str, other_domains: str = "") -> set[str]:
    """The registrable domains a university's own pages live on: its website's, and any
    others editors recorded (e.g. a domain from before a merger)."""
    hosts = [urlsplit(website).hostname or ""] if website else []
    hosts += [d.strip() for d in re.split(r"[\s;,]+", other_domains) if d.strip()]
    return {registrable_domain(host) for host in hosts if host}


def classify(url: str, domains: set[str]) -> str:
    """OWN, OTHER or PRE_RELEASE for ``url`` given the university's ``domains``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _PRE_RELEASE_HOST.search(host) or _PRE_RELEASE_PATH.search(parts.path + "/"):
        return PRE_RELEASE
    return OWN if host and registrable_domain(host) in domains else OTHER


@dataclass(frozen=True)
class Source:
    url: str
    kind: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def linkable(self) -> bool:
        return self.kind != PRE_RELEASE


def sources(urls: Iterable[str], domains: set[str]) -> list[Source]:
    return [Source(url, classify(url, domains)) for url in urls]


def only_own(urls: Iterable[str], domains: set[str]) -> bool:
    """Whether every source is the university's own, public site (and there is one)."""
    kinds = [classify(url, domains) for url in urls]
    return bool(kinds) and all(kind == OWN for kind in kinds)
