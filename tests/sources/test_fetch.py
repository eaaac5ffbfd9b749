"""The page reader (programmes/sources/fetch.py). Traffic goes to 127.0.0.1 only.

Refusals are tested with loopback addresses while the allow-list is empty (nothing is
connected to), and the address rules on literal addresses without any network use at all.
"""

from __future__ import annotations

import gzip
import time

import httpx
import pytest
from django.core.management import call_command

from programmes.sources.fetch import (
    Fetcher,
    Refused,
    decode,
    fetch,
    is_public_address,
    redirect_target,
)
from tests.pages_server import Page, chunked, drip, redirect, sleep_then, slow_headers

HTML = "<html><body><p>Tuition fees 2026/27: Home £12,000</p></body></html>"


# ----- the address rules (pure: literal addresses, nothing resolved or connected) ----------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "::1",
        "0.0.0.0",  # noqa: S104 - a literal under test, never bound
        "::",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "2002:a00:1::",  # 6to4 wrapping 10.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fec0::1",  # site-local
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
        "192.0.0.8",  # IETF protocol assignments
        "192.88.99.1",  # the deprecated 6to4 relay anycast block
        "3fff::1",  # IPv6 documentation (RFC 9637)
        "::ffff:192.0.0.8",
        "not an address",
    ],
)
def test_refuses_addresses_that_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.0.1", "2a00:1450:4009:81f::200e"])
def test_accepts_public_addresses(address):
    assert is_public_address(address) is True


# ----- refusals with an empty allow-list (never connected to) ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.2/",
        "http://localhost/",
        "http://[::1]/",
        "https://127.0.0.1/course",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_loopback_is_refused_when_the_allow_list_is_empty(settings, url):
    settings.SOURCE_FETCH_ALLOWED_HOSTS = []
    result = fetch(url)
    assert result.reason == "refused-address"
    assert result.requests == 0


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "http://127.0.0.1:8080/",
        "https://127.0.0.1:22/",
        "http://user:secret@127.0.0.1/",
        "javascript:alert(1)",
        "not a url",
        "",
    ],
)
def test_only_http_and_https_on_default_ports(settings, url):
    settings.SOURCE_FETCH_ALLOWED_HOSTS = []
    result = fetch(url)
    assert result.reason == "bad-url"
    assert result.requests == 0


def test_a_redirect_to_a_refused_address_is_not_followed(pages):
    pages.routes["/moved"] = redirect("http://127.0.0.2/inside")
    pages.routes["/moved-localhost"] = redirect("http://localhost/admin")
    pages.routes["/moved-v6"] = redirect("http://[::1]/")
    for path in ("/moved", "/moved-localhost", "/moved-v6"):
        result = fetch(pages.url(path))
        assert result.reason == "refused-address", path
        assert result.status in (301, 302)


def test_allowed_host_with_another_port_is_not_allowed_on_a_redirect(pages):
    # 127.0.0.1 is allowed; a redirect to localhost (same machine, not on the list) is not.
    pages.routes["/sneaky"] = redirect(f"http://localhost:{pages.port}/")
    assert fetch(pages.url("/sneaky")).reason == "bad-url"


# ----- reading pages -----------------------------------------------------------------------


def test_reads_an_html_page_with_user_agent_and_validators(pages, settings):
    settings.SOURCE_FETCH_USER_AGENT = "TestPortalBot/1.0 (+https://portal.example.org/about/data/)"
    pages.routes["/course"] = Page(
        HTML,
        etag='"v1"',
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Last-Modified": "Mon, 30 Nov 2026 10:00:00 GMT",
        },
    )
    result = fetch(pages.url("/course"))
    assert result.ok and result.status == 200
    assert "£12,000" in result.text
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 30 Nov 2026 10:00:00 GMT"
    headers = dict(pages.log[-1][1])
    assert headers["User-Agent"].startswith("TestPortalBot/1.0")
    assert headers["Host"] == f"127.0.0.1:{pages.port}"


def test_conditional_request_gets_304(pages):
    pages.routes["/course"] = Page(HTML, etag='"v1"')
    result = fetch(pages.url("/course"), etag='"v1"', last_modified="Mon, 30 Nov 2026 10:00:00 GMT")
    assert result.not_modified
    headers = pages.log[-1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 30 Nov 2026 10:00:00 GMT"


def test_robots_disallow_means_the_page_is_never_requested(pages):
    pages.routes["/robots.txt"] = Page(
        "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    pages.routes["/private/course"] = Page(HTML)
    result = fetch(pages.url("/private/course"))
    assert result.reason == "robots"
    assert pages.requested("/private/course") == 0
    assert pages.requested("/robots.txt") == 1


def test_robots_txt_is_read_once_per_host(pages):
    pages.routes["/a"] = Page(HTML)
    pages.routes["/b"] = Page(HTML)
    with Fetcher() as fetcher:
        assert fetcher.fetch(pages.url("/a")).ok
        assert fetcher.fetch(pages.url("/b")).ok
    assert fetch(pages.url("/a")).ok  # another run: robots.txt comes from the cache
    assert pages.requested("/robots.txt") == 1


@pytest.mark.parametrize("status", [404, 500, 410, 403])
def test_http_errors_are_recorded(pages, status):
    pages.routes["/gone"] = Page("no", status=status)
    result = fetch(pages.url("/gone"))
    assert result.reason == "http-error"
    assert result.status == status
    assert str(status) in result.detail


def test_timeout(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 1
    pages.routes["/slow"] = sleep_then(2.5)
    started = time.monotonic()
    result = fetch(pages.url("/slow"))
    assert result.reason == "timeout"
    assert time.monotonic() - started < 2.4


def test_slow_drip_is_cut_at_the_total_time_limit(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 1
    pages.routes["/drip"] = drip(3.0)
    started = time.monotonic()
    result = fetch(pages.url("/drip"))
    assert result.reason == "timeout"
    assert time.monotonic() - started < 2.0


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_total_time_limit(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 1
    pages.routes["/slow-head"] = slow_headers(0.05)  # 20 s of headers in all
    started = time.monotonic()
    result = fetch(pages.url("/slow-head"))
    assert result.reason == "timeout"
    assert time.monotonic() - started < 2.5


def test_a_page_read_within_the_limit_is_not_cut(pages, settings):
    settings.SOURCE_FETCH_TIMEOUT = 2
    pages.routes["/fine"] = sleep_then(0.3, HTML.encode())
    result = fetch(pages.url("/fine"))
    assert result.ok and "Tuition fees" in result.text


def test_huge_body_announced(pages, settings):
    settings.SOURCE_FETCH_MAX_BYTES = 100_000
    pages.routes["/big"] = Page(b"x" * 200_000)
    assert fetch(pages.url("/big")).reason == "too-large"


def test_huge_body_without_length(pages, settings):
    settings.SOURCE_FETCH_MAX_BYTES = 100_000
    pages.routes["/big"] = chunked(b"<p>" + b"x" * 300_000)
    assert fetch(pages.url("/big")).reason == "too-large"


def test_decompression_bomb(pages, settings):
    settings.SOURCE_FETCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    pages.routes["/bomb"] = chunked(bomb, encoding="gzip")
    assert fetch(pages.url("/bomb")).reason == "decompression-bomb"


def test_gzip_pages_are_read(pages):
    pages.routes["/gz"] = chunked(gzip.compress(HTML.encode()), encoding="gzip")
    result = fetch(pages.url("/gz"))
    assert result.ok and "£12,000" in result.text


def test_non_html_is_skipped_with_its_type(pages):
    pages.routes["/brochure.pdf"] = Page(b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    result = fetch(pages.url("/brochure.pdf"))
    assert result.reason == "not-html"
    assert "application/pdf" in result.detail


def test_unknown_charset_is_recorded(pages):
    pages.routes["/klingon"] = Page(HTML, headers={"Content-Type": "text/html; charset=x-klingon"})
    assert fetch(pages.url("/klingon")).reason == "bad-charset"


@pytest.mark.parametrize("charset", ["hex", "base64", "rot13", "zlib"])
def test_a_charset_that_is_not_a_text_encoding_is_recorded_not_raised(pages, charset):
    pages.routes["/odd"] = Page(HTML, headers={"Content-Type": f"text/html; charset={charset}"})
    result = fetch(pages.url("/odd"))
    assert (result.reason, result.text) == ("bad-charset", "")


def test_a_non_ascii_etag_is_not_kept_and_the_next_read_still_works(pages):
    pages.routes["/etag"] = Page(HTML, etag='"caf\xe9"')
    first = fetch(pages.url("/etag"))
    assert first.ok and first.etag == ""
    # A value stored before this rule existed is never sent back.
    again = fetch(pages.url("/etag"), etag='"caf\xe9"', last_modified="Mon, 1 Jan \x00")
    assert again.ok and "Tuition fees" in again.text
    assert "If-None-Match" not in pages.log[-1][1]


def test_a_plain_etag_is_kept_and_sent_back(pages):
    pages.routes["/etag"] = Page(HTML, etag='"v1"')
    first = fetch(pages.url("/etag"))
    assert first.etag == '"v1"'
    assert fetch(pages.url("/etag"), etag=first.etag).not_modified


@pytest.mark.parametrize("location", ["http://[::1", "http://[::1/x", "http://[zz]/"])
def test_a_malformed_redirect_location_is_a_refusal_not_an_exception(location):
    # Pure: parsing only. (The fixture server cannot send these: h11 refuses the response.)
    with pytest.raises(Refused) as refused:
        redirect_target(httpx.URL("http://127.0.0.1:8000/moved"), location)
    assert refused.value.reason == "bad-url"
    assert "Location" in refused.value.detail


def test_a_relative_redirect_location_is_joined_to_the_page():
    page = httpx.URL("http://127.0.0.1:8000/a/moved")
    assert redirect_target(page, "../fees") == "http://127.0.0.1:8000/fees"


def test_charset_from_header_meta_and_detection():
    assert decode("£12,000".encode("cp1252"), "text/html; charset=windows-1252") == "£12,000"
    meta = '<meta charset="iso-8859-1"><p>£9,500</p>'.encode("latin-1")
    assert "£9,500" in decode(meta, "text/html")
    assert "£9,500" in decode("<p>£9,500</p>".encode(), "text/html")


def test_redirect_loop(pages):
    pages.routes["/a"] = redirect("/b")
    pages.routes["/b"] = redirect("/a")
    assert fetch(pages.url("/a")).reason == "redirect-loop"


def test_at_most_five_redirects(pages):
    for n in range(7):
        pages.routes[f"/r{n}"] = redirect(f"/r{n + 1}")
    pages.routes["/r7"] = Page(HTML)
    assert fetch(pages.url("/r0")).reason == "too-many-redirects"
    for n in range(2):
        pages.routes[f"/s{n}"] = redirect(f"/s{n + 1}")
    pages.routes["/s2"] = Page(HTML)
    result = fetch(pages.url("/s0"))
    assert result.ok and result.final_url == pages.url("/s2")


def test_at_most_one_request_per_second_per_host(pages, settings):
    settings.SOURCE_FETCH_MIN_INTERVAL = 1
    pages.routes["/a"] = Page(HTML)
    started = time.monotonic()
    with Fetcher() as fetcher:
        fetcher.fetch(pages.url("/a"))  # robots.txt, then the page
        fetcher.fetch(pages.url("/a"))
    # Three requests to one host: at least two intervals between them.
    assert time.monotonic() - started >= 2.0


def test_check_deploy_warns_when_the_allow_list_is_set_in_production(settings, capsys):
    from programmes.checks import source_fetch_allow_list

    settings.DEBUG = False
    settings.SOURCE_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    warnings = source_fetch_allow_list(None)
    assert [w.id for w in warnings] == ["programmes.W001"]
    settings.SOURCE_FETCH_ALLOWED_HOSTS = []
    assert source_fetch_allow_list(None) == []
    call_command("check", "--deploy", "--tag", "security")  # registered: runs without error


def test_waiting_for_our_turn_does_not_count_against_the_time_limit(pages, settings):
    settings.SOURCE_FETCH_MIN_INTERVAL = 1
    settings.SOURCE_FETCH_TIMEOUT = 1
    pages.routes["/a"] = Page(HTML)
    pages.routes["/b"] = Page(HTML)
    with Fetcher() as fetcher:
        assert fetcher.fetch(pages.url("/a")).ok  # robots.txt, then /a: a one-second wait
        assert fetcher.fetch(pages.url("/b")).ok  # waits a second more, still within its limit


def test_a_failure_nobody_foresaw_is_a_refusal_and_the_next_page_is_read(pages, monkeypatch):
    from programmes.sources import fetch as fetch_module

    real_decode = fetch_module.decode

    def decode(body, content_type=""):
        if b"explodes" in body:
            raise RuntimeError("a codec bug")
        return real_decode(body, content_type)

    monkeypatch.setattr(fetch_module, "decode", decode)
    pages.routes["/odd"] = Page("<p>explodes</p>")
    pages.routes["/fine"] = Page(HTML)
    with fetch_module.Fetcher() as fetcher:
        odd = fetcher.fetch(pages.url("/odd"))
        fine = fetcher.fetch(pages.url("/fine"))
    assert (odd.reason, odd.detail, odd.text) == ("unexpected", "RuntimeError (see the log)", "")
    assert fine.ok and "Tuition fees" in fine.text
