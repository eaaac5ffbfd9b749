"""Read one official page, politely and safely: the only code in the portal that goes online.

``fetch(url, etag=..., last_modified=...)`` never raises for anything the remote side does; it
returns a ``FetchResult`` whose ``reason`` says why a read failed or was skipped, so a run over
many pages goes on. The rules (healthchecks' webhook helper is the model):

- only http and https, on their default ports, without credentials in the URL;
- before connecting, and again for every redirect (at most ``MAX_REDIRECTS``), the host is
  resolved and every address checked: loopback, private, link-local, multicast, reserved,
  unspecified and shared (CGNAT) addresses are refused, and so are IPv4-mapped, 6to4, Teredo and
  NAT64 forms of them. The request then goes to the address that was checked (the Host header
  and TLS SNI carry the name), so a second DNS answer cannot swap it;
- ``SOURCE_FETCH_ALLOWED_HOSTS`` (empty in production) names hosts exempt from the address and
  port rules, so tests can read fixture pages from 127.0.0.1 on any port;
- robots.txt is obeyed per host (cached), at most one request per ``SOURCE_FETCH_MIN_INTERVAL``
  seconds goes to one host (across processes, through the shared cache), and ``If-None-Match``
  / ``If-Modified-Since`` make an unchanged page a 304;
- one total time limit per page (a server that drips bytes cannot hold a run), at most
  ``SOURCE_FETCH_MAX_BYTES`` read and at most that many after decompression (gzip and deflate
  are decoded here with a bounded output, so a small bomb cannot fill memory), HTML only, the
  charset from the headers, the page or detection.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import urllib.robotparser
import zlib
from contextlib import closing, suppress
from dataclasses import dataclass, field

import charset_normalizer
import httpx
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_CACHE_SECONDS = 24 * 3600
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A sitemap (discover_programmes reads these as well as HTML course lists).
XML_TYPES = frozenset({"application/xml", "text/xml"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Failure reasons, as stored on each read and counted in check_sources' summary.
REASONS = {
    "bad-url": "not an http(s) URL on a default port",
    "refused-address": "the host resolves to an address that is not public",
    "dns": "the host name does not resolve",
    "connection": "could not connect",
    "timeout": "took longer than the time limit",
    "too-large": "larger than the size limit",
    "decompression-bomb": "expands far beyond the size limit when decompressed",
    "not-html": "not an HTML page",
    "bad-charset": "text in an unknown or wrong character encoding",
    "bad-encoding": "compressed in a way the fetcher does not read",
    "http-error": "the server answered with an error status",
    "too-many-redirects": "more than 5 redirects",
    "redirect-loop": "redirects in a loop",
    "robots": "robots.txt asks robots not to read it",
    "unexpected": "failed in a way the fetcher does not foresee (a bug: see the log)",
    "extract-error": "read, but the extractor failed on it (a bug: see the log)",
    "extract-slow": "read, but reading its facts took longer than the time limit",
}


class Refused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or REASONS.get(reason, reason))
        self.reason = reason
        self.detail = detail or REASONS.get(reason, reason)


@dataclass
class FetchResult:
    url: str
    final_url: str = ""
    status: int | None = None
    text: str = ""  # the decoded page (HTML); empty unless ok
    content: bytes = b""  # the bytes as read (decompressed), for the content hash
    etag: str = ""
    last_modified: str = ""
    reason: str = ""  # empty when the page was read (or was unchanged)
    detail: str = ""
    requests: int = 0  # HTTP requests made, robots.txt included
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.ok


# ----- addresses ---------------------------------------------------------------------------

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not global, though this Python's tables (3.11) say they are: IETF protocol assignments, the
# deprecated 6to4 relay anycast block, and IPv6 documentation (RFC 9637).
_NOT_GLOBAL = (
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("192.88.99.0/24"),
    ipaddress.ip_network("3fff::/20"),
)


def is_public_address(address: str) -> bool:
    """Whether ``address`` (a literal IPv4 or IPv6 address) may be connected to.

    Pure: looks at the address only, never the network.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = None
        if ip.ipv4_mapped is not None:
            embedded = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            embedded = ip.sixtofour
        elif ip.teredo is not None:
            return False
        elif ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return False  # carrier-grade NAT: not reachable from the internet either
    if any(ip.version == net.version and ip in net for net in _NOT_GLOBAL):
        return False
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return False
    return ip.is_global


def _allowed_hosts() -> set[str]:
    return {h.strip().lower().strip("[]") for h in settings.SOURCE_FETCH_ALLOWED_HOSTS if h}


def check_url(url: str) -> tuple[httpx.URL, str]:
    """Parse and vet ``url``; return it and the address to connect to. Raises ``Refused``."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise Refused("bad-url", "not a valid URL") from None
    if parsed.scheme not in DEFAULT_PORTS or not parsed.host:
        raise Refused("bad-url", "only http and https URLs are read")
    if parsed.userinfo:
        raise Refused("bad-url", "URLs with a user name or password are not read")
    host = parsed.raw_host.decode("ascii").lower()  # IDNA names in their ASCII form
    allowed = host in _allowed_hosts()
    if parsed.port not in (None, DEFAULT_PORTS[parsed.scheme]) and not allowed:
        raise Refused("bad-url", f"port {parsed.port} is not the default for {parsed.scheme}")
    port = parsed.port or DEFAULT_PORTS[parsed.scheme]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Refused("dns", f"{host} does not resolve") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise Refused("dns", f"{host} does not resolve")
    if not allowed:
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            # Any non-public answer refuses the host: a name that points inside is not a
            # course page, and picking "the public one" invites rebinding games.
            literal = host.strip("[]") == refused[0]
            where = refused[0] if literal else f"{host} resolves to {refused[0]}, which"
            raise Refused("refused-address", f"{where} is not a public address")
    return parsed, addresses[0]


# ----- politeness --------------------------------------------------------------------------


class Deadline:
    """The page's time limit. Time spent waiting for our own politeness turn is not counted."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.waiting = False  # in a politeness wait: the clock is stopped

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return not self.waiting and time.monotonic() > self.at

    def wait_turn(self, host: str) -> None:
        started = time.monotonic()
        self.waiting = True
        try:
            _wait_for_turn(host)
        finally:
            # The deadline moves before the clock restarts, so the watchdog never sees the
            # old one pass.
            self.at += time.monotonic() - started
            self.waiting = False


class Watchdog:
    """Holds the page's time limit over every byte, headers included.

    httpx's timeouts are per read: a server sending its headers a byte at a time never trips
    them (one read held 121 s against a 20 s limit). The watchdog collects the sockets the
    page's requests open (httpcore's ``trace`` extension reports each new connection) and, once
    the deadline has passed, shuts them down, so a blocked read fails at once.
    """

    def __init__(self, deadline: Deadline):
        self.deadline = deadline
        self.sockets: list[socket.socket] = []
        self.fired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def trace(self, event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                self.sockets.append(sock)
                if self.fired:  # connected just as time ran out
                    _shut(sock)

    def _watch(self) -> None:
        # The deadline may move (politeness waits are not counted), so it is re-read.
        while not self._done.wait(max(0.02, min(self.deadline.remaining(), 1.0))):
            if self.deadline.passed():
                self.fired = True
                for sock in list(self.sockets):
                    _shut(sock)
                return

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _wait_for_turn(host: str) -> float:
    """At most one request per SOURCE_FETCH_MIN_INTERVAL seconds per host, for all processes.

    Returns the seconds waited.
    """
    interval = float(settings.SOURCE_FETCH_MIN_INTERVAL)
    if interval <= 0:
        return 0.0
    started = time.monotonic()
    key = f"fetch:turn:{host}"
    local_key = f"_last_{host}"
    while True:
        last = _local_turns.get(local_key, 0.0)
        wait = last + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
            continue
        try:
            # add() succeeds for one caller per interval: the cache is shared by every worker.
            if cache.add(key, 1, timeout=max(1, int(interval + 0.999))):
                break
        except Exception:
            break
        time.sleep(0.1)
    _local_turns[local_key] = time.monotonic()
    return time.monotonic() - started


_local_turns: dict[str, float] = {}


def user_agent() -> str:
    return settings.SOURCE_FETCH_USER_AGENT


class Fetcher:
    """One run's fetcher: a pooled client, a robots.txt cache, and the limits from settings."""

    def __init__(self):
        self.max_bytes = int(settings.SOURCE_FETCH_MAX_BYTES)
        self.total_timeout = float(settings.SOURCE_FETCH_TIMEOUT)
        per_op = min(self.total_timeout, 10.0)
        self.client = httpx.Client(
            timeout=httpx.Timeout(per_op, connect=min(per_op, 5.0)),
            # A fresh connection per request: the watchdog can only cut sockets it saw open.
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: we connect to the checked address
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- one HTTP exchange to a vetted address --

    def _request(
        self,
        parsed: httpx.URL,
        address: str,
        headers: dict,
        deadline: Deadline,
        watchdog: Watchdog | None = None,
    ):
        # The request goes to the checked address; the name travels in Host and in TLS SNI
        # (certificates are still verified against the name).
        target = parsed.copy_with(host=address.split("%", 1)[0])
        name = parsed.raw_host.decode("ascii")
        host_header = name if parsed.port is None else f"{name}:{parsed.port}"
        extensions: dict = {}
        if parsed.scheme == "https":
            extensions["sni_hostname"] = name
        if watchdog is not None:
            extensions["trace"] = watchdog.trace
        remaining = deadline.remaining()
        if remaining <= 0:
            raise Refused("timeout")
        timeout = httpx.Timeout(min(remaining, 10.0), connect=min(remaining, 5.0))
        request = self.client.build_request(
            "GET",
            target,
            headers={"Host": host_header, **headers},
            extensions={**extensions, "timeout": timeout.as_dict()},
        )
        try:
            return self.client.send(request, stream=True)
        except httpx.TimeoutException:
            raise Refused("timeout") from None
        except httpx.HTTPError as exc:
            if deadline.passed():  # the watchdog cut it
                raise Refused("timeout", "the page did not arrive within the time limit") from None
            raise Refused("connection", f"could not connect: {exc.__class__.__name__}") from None

    def _read_body(self, response: httpx.Response, deadline: Deadline, limit: int) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise Refused("too-large", f"{int(length):,} bytes announced (limit {limit:,})")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            # 47 = automatic gzip/zlib header detection; raw deflate is tried if that fails.
            decoder = zlib.decompressobj(47)
        elif encoding in ("", "identity"):
            decoder = None
        else:
            raise Refused("bad-encoding", f"Content-Encoding {encoding[:40]!r}")
        raw = 0
        out = bytearray()
        try:
            # Whatever each read brings (no re-chunking), so the deadline is checked as bytes
            # trickle in; a silent server is cut by the per-read timeout, which never exceeds
            # what was left of the total when the request was sent.
            for chunk in response.iter_raw():
                if deadline.passed():
                    raise Refused("timeout", "the page did not arrive within the time limit")
                raw += len(chunk)
                if raw > limit:
                    raise Refused("too-large", f"more than {limit:,} bytes")
                if decoder is None:
                    out += chunk
                    continue
                try:
                    out += decoder.decompress(chunk, limit + 1 - len(out))
                except zlib.error:
                    raise Refused("bad-encoding", "the compressed body is corrupt") from None
                if len(out) > limit or decoder.unconsumed_tail:
                    raise Refused("decompression-bomb", f"expands past {limit:,} bytes")
        except httpx.TimeoutException:
            raise Refused("timeout") from None
        except httpx.HTTPError as exc:
            if deadline.passed():  # the watchdog cut it
                raise Refused("timeout", "the page did not arrive within the time limit") from None
            raise Refused("connection", f"the connection broke: {exc.__class__.__name__}") from None
        if decoder is not None:
            out += decoder.flush()
            if len(out) > limit:
                raise Refused("decompression-bomb", f"expands past {limit:,} bytes")
        return bytes(out)

    # -- robots.txt --

    def _robots_for(self, parsed: httpx.URL, deadline: Deadline, result: FetchResult):
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        if origin in self._robots:
            return self._robots[origin]
        cache_key = f"fetch:robots:{origin}"
        lines = None
        with suppress(Exception):  # a cache outage only costs a re-read
            lines = cache.get(cache_key)
        if lines is None:
            lines = self._read_robots(origin, deadline, result)
            with suppress(Exception):
                cache.set(cache_key, lines, ROBOTS_CACHE_SECONDS)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(lines)
        self._robots[origin] = parser
        return parser

    def _read_robots(self, origin: str, deadline: Deadline, result: FetchResult) -> list[str]:
        """robots.txt's lines; a missing file (4xx) allows all, an unreadable one disallows all."""
        disallow_all = ["User-agent: *", "Disallow: /"]
        url = origin + "/robots.txt"
        for _ in range(MAX_REDIRECTS + 1):
            try:
                parsed, address = check_url(url)
            except Refused:
                return disallow_all
            deadline.wait_turn(parsed.raw_host.decode("ascii"))
            result.requests += 1
            try:
                response = self._request(parsed, address, {}, deadline)
            except Refused:
                return disallow_all
            with closing(response):
                if response.status_code in (301, 302, 303, 307, 308):
                    try:
                        url = redirect_target(parsed, response.headers.get("Location", ""))
                    except Refused:
                        return disallow_all
                    continue
                if 400 <= response.status_code < 500:
                    return []
                if response.status_code != 200:
                    return disallow_all
                try:
                    body = self._read_body(response, deadline, ROBOTS_MAX_BYTES)
                except Refused:
                    return disallow_all
            return body.decode("utf-8", errors="replace").splitlines()
        return disallow_all

    # -- the page --

    def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: frozenset[str] = HTML_TYPES,
    ) -> FetchResult:
        """Read ``url``; ``accept`` names the content types read (others: "not-html")."""
        result = FetchResult(url=url)
        deadline = Deadline(self.total_timeout)
        try:
            with Watchdog(deadline) as watchdog:
                self._fetch(url, etag, last_modified, deadline, result, watchdog, accept)
        except Refused as exc:
            result.reason, result.detail = exc.reason, exc.detail
            result.text, result.content = "", b""
        except Exception as exc:
            # Whatever else a remote side manages to provoke is a refusal too (and a bug to
            # look at in the log): one page must never stop a run over many.
            logger.exception("reading %s failed unexpectedly", url)
            result.reason, result.detail = "unexpected", f"{exc.__class__.__name__} (see the log)"
            result.text, result.content = "", b""
        return result

    def _fetch(
        self, url, etag, last_modified, deadline, result: FetchResult, watchdog, accept
    ) -> None:
        seen = set()
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if current in seen:
                raise Refused("redirect-loop", f"{current} was already visited")
            seen.add(current)
            parsed, address = check_url(current)
            robots = self._robots_for(parsed, deadline, result)
            if robots is not None and not robots.can_fetch(user_agent(), str(parsed)):
                raise Refused("robots", f"robots.txt disallows {parsed.raw_path.decode()[:200]}")
            headers = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
            # Values stored before they were vetted may not be sendable: never send those.
            if hop == 0 and _validator(etag, 200):
                headers["If-None-Match"] = etag
            if hop == 0 and _validator(last_modified, 100):
                headers["If-Modified-Since"] = last_modified
            deadline.wait_turn(parsed.raw_host.decode("ascii"))
            result.requests += 1
            response = self._request(parsed, address, headers, deadline, watchdog)
            with closing(response):
                result.status = response.status_code
                result.final_url = str(parsed)
                if response.status_code in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location", "")
                    if not location:
                        raise Refused("http-error", f"HTTP {response.status_code} without Location")
                    current = redirect_target(parsed, location)
                    result.redirects.append(current)
                    continue
                result.etag = _validator(response.headers.get("ETag", ""), 200)
                result.last_modified = _validator(response.headers.get("Last-Modified", ""), 100)
                if response.status_code == 304:
                    return
                if response.status_code != 200:
                    raise Refused("http-error", f"HTTP {response.status_code}")
                content_type = response.headers.get("Content-Type", "")
                mime = content_type.split(";", 1)[0].strip().lower()
                if mime not in accept:
                    raise Refused("not-html", f"Content-Type {mime[:80] or 'missing'}")
                body = self._read_body(response, deadline, self.max_bytes)
                result.content = body
                result.text = decode(body, content_type)
                return
        raise Refused("too-many-redirects", f"more than {MAX_REDIRECTS} redirects")


def redirect_target(parsed: httpx.URL, location: str) -> str:
    """The absolute URL a ``Location`` points to; a malformed one refuses the page."""
    try:
        return str(parsed.join(location))
    except (httpx.InvalidURL, TypeError, ValueError):
        raise Refused(
            "bad-url", f"the redirect's Location {location[:80]!r} is not a URL"
        ) from None


def _validator(value: str, limit: int) -> str:
    """An ETag or Last-Modified worth keeping: printable ASCII within ``limit`` characters.

    Anything else (a header decoded as Latin-1 with accents, control characters, a huge value)
    is dropped: sent back, it would make the next read fail before it starts.
    """
    if value and len(value) <= limit and value.isascii() and value.isprintable():
        return value
    return ""


def _charset_from_header(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _charset_from_meta(body: bytes) -> str | None:
    import re

    head = body[:4096].decode("ascii", errors="replace")
    match = re.search(r"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", head, re.I)
    return match.group(1) if match else None


def decode(body: bytes, content_type: str = "") -> str:
    """Bytes to text: the header's charset, then the page's <meta>, then detection.

    A declared charset that Python does not know, or bytes that are not valid in it and cannot
    be recognised otherwise, raise ``Refused("bad-charset")``: guessing could turn "£" into
    something else, and the fee after it with it.
    """
    import codecs

    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    declared = _charset_from_header(content_type) or _charset_from_meta(body)
    if declared:
        try:
            # Some codecs Python knows are not text encodings ("hex", "base64", "rot13"...):
            # decode() raises LookupError for those too.
            return body.decode(declared)
        except LookupError:
            raise Refused("bad-charset", f"unknown charset {declared[:40]!r}") from None
        except UnicodeDecodeError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is None:
        raise Refused("bad-charset", "the text is in no recognisable character encoding")
    return str(best)


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """Read one page with a fetcher of its own (``Fetcher`` shares one across a run)."""
    with Fetcher() as fetcher:
        return fetcher.fetch(url, etag=etag, last_modified=last_modified)
