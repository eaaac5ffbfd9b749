"""The development set of real snippets (tests/fixtures/extract_real/): its shape, and the
extractor's figures on it, which must not go backwards (pure: no database, no network)."""

from __future__ import annotations

import datetime
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AGGREGATORS = re.compile(
    r"prospects|findamasters|studyportals|mastersportal|hotcourses|whatuni|topuniversities|"
    r"youapply|ucas\.com",
    re.I,
)
FIELDS = {
    "fee_home_gbp",
    "fee_international_gbp",
    "ielts_overall",
    "ielts_min_component",
    "duration_full_time_months",
    "duration_part_time_months",
    "start_months",
    "deadline_home",
    "deadline_international",
}


def _bench():
    spec = importlib.util.spec_from_file_location("extract_bench", ROOT / "bench/extract_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_bench"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench()


@pytest.fixture(scope="module")
def snippets(bench):
    return bench.load_real(held_out=None)


def test_the_set_is_real_text_from_many_universities_official_pages(snippets):
    assert len(snippets) >= 150
    assert len({s["university"] for s in snippets}) >= 40
    assert len({s["id"] for s in snippets}) == len(snippets), "ids are unique"
    for s in snippets:
        host = urlsplit(s["url"]).hostname or ""
        assert s["url"].startswith(("http://", "https://")), s["id"]
        assert not AGGREGATORS.search(host), s["id"]
        assert 100 <= len(s["text"]) <= 6000, s["id"]


def test_labels_have_the_documented_shape(snippets):
    for s in snippets:
        assert set(s["expect"]) <= FIELDS, s["id"]
        for field, value in s["expect"].items():
            if field.startswith("fee_"):
                amount, period, year = value
                assert isinstance(amount, int) and 100 <= amount <= 100_000, s["id"]
                assert period in ("per-year", "full-course", None), s["id"]
                assert year is None or re.fullmatch(r"20\d\d/\d\d", year), s["id"]
            elif field.startswith("ielts"):
                assert 4.0 <= value <= 9.0 and value * 2 == int(value * 2), s["id"]
            elif field.startswith("duration"):
                assert isinstance(value, int) and 1 <= value <= 60, s["id"]
            elif field.startswith("deadline"):
                datetime.date.fromisoformat(value)
            else:
                assert value and all(isinstance(m, str) for m in value), s["id"]


def test_the_extractor_keeps_its_figures_on_real_text(bench):
    # The development batches only: the held-out batch is an estimate, not a regression target.
    development = bench.load_real()
    counts, _ = bench.score(bench.real_cases(development), bench.REAL_FIELDS, with_year=False)
    figures = bench.real_summary(counts)
    # The targets: precision >= 0.95 on fees and IELTS, recall >= 0.8 over fees,
    # IELTS and both durations (measured 0.98 / 1.00 / 0.88 on the 431 development snippets
    # when this test was last changed; held-out batches, measured untouched: README.md there).
    assert figures["fees_precision"] >= 0.95
    assert figures["ielts_precision"] >= 0.95
    assert figures["recall"] >= 0.8
