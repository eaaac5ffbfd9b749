"""The correction form's rate limit counts a visitor once, whatever address spelling or IPv6
address of their /64 they come from, and never lets more through than the limit.

Addresses are literals in request metadata (documentation ranges): nothing is connected to.
"""

from __future__ import annotations

import threading

import pytest
from django.test import Client, RequestFactory

from portal.proxy import rate_limit_key, without_port
from programmes.models import Suggestion
from tests.factories import GOOD_CORRECTION, correction_form_url, make_programme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written,address",
    [
        ("203.0.113.5:1234", "203.0.113.5"),
        ("203.0.113.5", "203.0.113.5"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        (" 198.51.100.4 ", "198.51.100.4"),
    ],
)
def test_a_port_written_by_a_proxy_is_not_part_of_the_address(written, address):
    assert without_port(written) == address


@pytest.mark.parametrize(
    "first,second,same",
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),  # one /64
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),  # the next /64
        ("203.0.113.5", "203.0.113.6", False),
        ("::ffff:203.0.113.5", "203.0.113.5", True),
    ],
)
def test_an_ipv6_64_is_one_visitor(first, second, same):
    factory = RequestFactory()
    keys = {rate_limit_key(factory.get("/", REMOTE_ADDR=a)) for a in (first, second)}
    assert (len(keys) == 1) is same


def test_addresses_of_one_64_share_the_hourly_allowance(settings):
    settings.CORRECTION_REPORTS_PER_HOUR = 3
    programme = make_programme()
    answers = [
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n}").post(
            correction_form_url(programme), GOOD_CORRECTION
        )
        for n in range(1, 6)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert Suggestion.objects.count() == 3


def test_a_proxy_writing_ports_does_not_give_each_connection_an_allowance(settings):
    settings.CORRECTION_REPORTS_PER_HOUR = 2
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    programme = make_programme()
    statuses = [
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.5:{port}")
        .post(correction_form_url(programme), GOOD_CORRECTION)
        .status_code
        for port in (40001, 40002, 40003)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_on_the_file_cache_never_exceed_the_limit(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.CORRECTION_REPORTS_PER_HOUR = 5
    programme = make_programme()
    url = correction_form_url(programme)
    statuses: list[int] = []
    start = threading.Barrier(12)

    # Filled in as a bot would (the honeypot): counted like any report, but nothing is written,
    # so twelve threads never contend for SQLite's test database (which fails such a write at
    # once under load) and the count alone is what is measured.
    counted_only = {**GOOD_CORRECTION, "website": "https://spam.example"}

    def report() -> None:
        client = Client(REMOTE_ADDR="198.51.100.4")
        start.wait()
        statuses.append(client.post(url, counted_only).status_code)

    threads = [threading.Thread(target=report) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses.count(302) == 5
    assert statuses.count(429) == 7
