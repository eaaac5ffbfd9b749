"""The compare page's SVG chart: each bar's length is proportional to the value it draws.

Fees are given for the full course of a 12-month programme, so the amount drawn is the amount
entered whatever basis the chart compares fees on (per course or per year).
"""

import re

import pytest

from tests.factories import make_programme

pytestmark = pytest.mark.django_db

RECT = re.compile(r'<rect [^>]*width="([0-9.]+)" height="16" class="bar bar-(\w+)"/>')


def bars(client, programmes) -> dict[str, list[float]]:
    query = "&".join(f"p={p.pk}" for p in programmes)
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    svg = response.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    found: dict[str, list[float]] = {}
    for width, kind in RECT.findall(svg):
        found.setdefault(kind, []).append(float(width))
    return found


def assert_proportional(widths: list[float], values: list[int]) -> None:
    assert len(widths) == len(values)
    assert max(widths) > 0
    longest = max(widths)
    largest = max(values)
    for width, value in zip(widths, values, strict=True):
        # Widths are printed to one decimal place.
        assert width == pytest.approx(longest * value / largest, abs=0.11), (widths, values)


def fee_programme(home, international, **extra):
    return make_programme(
        fee_home=home,
        fee_international=international,
        fee_period="full-course",
        duration_full_time_months=12,
        **extra,
    )


def test_fee_bars_are_proportional_to_the_fees(client):
    programmes = [
        fee_programme(9000, 30000),
        fee_programme(18000, 36000),
        fee_programme(4500, 12000),
    ]
    drawn = bars(client, programmes)
    # Home and international fees share one scale, so they are comparable at a glance.
    widths = drawn["home"] + drawn["international"]
    assert_proportional(widths, [9000, 18000, 4500, 30000, 36000, 12000])
    assert drawn["international"][1] == max(widths)  # the largest fee is the longest bar


def test_a_fee_that_is_not_known_draws_no_bar(client):
    programmes = [fee_programme(10000, None), fee_programme(20000, 40000)]
    drawn = bars(client, programmes)
    assert len(drawn["home"]) == 2
    assert len(drawn["international"]) == 1
    assert_proportional(drawn["home"] + drawn["international"], [10000, 20000, 40000])


def test_duration_bars_are_proportional_to_the_months(client):
    programmes = [
        make_programme(fee_period="full-course", duration_full_time_months=months)
        for months in (12, 24, 18)
    ]
    assert_proportional(bars(client, programmes)["duration"], [12, 24, 18])
