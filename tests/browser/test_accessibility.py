"""Accessibility and validity of every public page template.

- axe-core (bundled by axe-playwright-python) in Chromium at 320, 375 and 1280 px: zero violations
  of WCAG 2.0/2.1/2.2 A and AA rules on every public page template.
- A strict HTML5 parse (html5lib, strict=True: any parse error fails) plus the tag-balance and
  duplicate-id check from the fuzz tests, through the test client, with no browser needed.
"""

from __future__ import annotations

import datetime

import html5lib
import pytest

from programmes.models import Guide, Nation, Status, months_to_mask
from tests.factories import assert_well_formed, make_programme, make_topic, make_university

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def load_reference() -> None:
    """The shipped cost figures, rules and funding schemes (what it costs, /funding/)."""
    from programmes import seed
    from programmes.models import FundingScheme, ReferenceFigure, ReferenceRule

    for row in seed.read_figures():
        ReferenceFigure.objects.create(**row)
    for row in seed.read_rules():
        ReferenceRule.objects.create(**row)
    for row in seed.read_funding():
        FundingScheme.objects.create(**row)


def build_site() -> dict:
    """One of everything a public page can show, including unknown facts and a draft."""
    load_reference()
    ml = make_topic(name="Machine learning", slug="machine-learning", description="Learning.")
    imaging = make_topic(name="Medical imaging", slug="medical-imaging")
    edinburgh = make_university(
        name="University of Edinburgh Test", slug="edinburgh", city="Edinburgh",
        nation=Nation.SCOTLAND, description="A test university.",
    )  # fmt: skip
    cardiff = make_university(name="Cardiff Test", slug="cardiff", nation=Nation.WALES)
    full = make_programme(
        title="Clinical Artificial Intelligence",
        slug="clinical-ai",
        university=edinburgh,
        topics=[ml, imaging],
        offers_full_time=True,
        offers_part_time=True,
        duration_full_time_months=12,
        duration_part_time_months=24,
        fee_home=12500,
        fee_international=32000,
        fee_year="2025/26",
        start_month_mask=months_to_mask([9]),
        min_degree="2:1",
        ielts_overall="6.5",
        placement=True,
        summary="A one-year course in AI for clinical care.",
        description="Modules in machine learning.\n\nA research project.",
        last_verified=datetime.date.today(),
    )
    sparse = make_programme(
        title="Health Data Science", slug="health-data", university=cardiff, topics=[ml]
    )
    third = make_programme(
        title="Imaging Informatics", university=cardiff, topics=[imaging], fee_home=9000
    )
    make_programme(title="Secret Draft", university=cardiff, status=Status.DRAFT)
    # An English university with its region and coordinates (from its city): the region filter
    # and the nearest cities with programmes show.
    manchester = make_university(name="Manchester Test", slug="manchester", city="Manchester")
    make_programme(title="Health Data Science North", university=manchester, topics=[ml])
    gone = make_programme(
        title="Closed Course", university=cardiff, topics=[ml], status=Status.ARCHIVED
    )
    guide = Guide(
        title="Choosing a master's in health AI",
        slug="choosing",
        summary="What to compare before you apply.",
        body="Intro.\n\n## Fees\n\nCheck the official page.\n\n## Placements\n\nAsk early.\n",
        status=Status.PUBLISHED,
        published_at=datetime.date.today(),
    )
    guide.render_body()
    guide.save()
    guide.topics.set([ml])
    guide.programmes.set([full, sparse])
    return {
        "full": full,
        "sparse": sparse,
        "third": third,
        "gone": gone,
        "guide": guide,
        "topic": ml,
    }


def page_paths(site: dict) -> dict[str, str]:
    full, sparse, third = site["full"], site["sparse"], site["third"]
    return {
        "home": "/",
        "list": "/programmes/",
        "list-filtered": "/programmes/?topic=machine-learning&nation=scotland&sort=fee_home",
        "list-errors": "/programmes/?max_fee_home=abc&max_ielts=6.3&start_month=13",
        "list-universities": "/programmes/universities/?university=cardiff&topic=machine-learning",
        "list-universities-errors": "/programmes/universities/?max_fee_home=abc&university=x",
        "detail": full.get_absolute_url(),
        "detail-unknown-facts": sparse.get_absolute_url(),
        "universities": "/universities/",
        "university": full.university.get_absolute_url(),
        "topic": site["topic"].get_absolute_url(),
        "compare": f"/compare/?p={full.pk}&p={sparse.pk}&p={third.pk}",
        "compare-empty": "/compare/",
        "compare-dropped": f"/compare/?p={full.pk}&p=abc",
        "guides": "/guides/",
        "guide": site["guide"].get_absolute_url(),
        "about-data": "/about/data/",
        "list-eligibility": "/programmes/?my_ielts=6.5&my_degree=2:1&max_ielts=9.0&start_month=9",
        "detail-international": full.get_absolute_url() + "?fee_status=international&my_ielts=6.0",
        "detail-bad-choices": full.get_absolute_url() + "?fee_status=x&my_degree=y",
        "funding": "/funding/",
        "funding-filtered": "/funding/?who=nhs-staff",
        "search": "/search/?q=health",
        "list-chips": "/programmes/?nation=scotland&mode=part-time&mode=online&q=data",
        "list-empty": "/programmes/?nation=wales&max_fee_home=1&unrecorded=hide",
        "list-region": "/programmes/?region=north-west",
        "list-place-without-programmes": "/programmes/?q=Birmingham",
        "shortlist": "/shortlist/?next=/programmes/",
        "gone": site["gone"].get_absolute_url(),
        "404": "/no-such-page/",
    }


STATUS = {"404": 404, "gone": 410}


# ----- axe in a real browser ---------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_wcag_violations_on_any_public_page(live_server, page, settings):
    from axe_playwright_python.sync_playwright import Axe

    settings.DEBUG = False  # the real 404 template, not Django's debug page
    site = build_site()
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    found = {}
    checked = []
    # Something in the shortlist, so its personal page lists it (and a flash message shows).
    added = page.request.post(
        live_server.url + "/shortlist/add/",
        form={"programme": str(site["full"].pk), "next": "/programmes/"},
        headers={"Origin": live_server.url},
        max_redirects=0,
    )
    assert added.status == 302
    for name, path in page_paths(site).items():
        response = page.goto(live_server.url + path)
        assert response.status == STATUS.get(name, 200), (name, response.status)
        results = axe.run(page, options=options)
        checked.append(name)
        violations = results.response["violations"]
        if violations:
            found[name] = [
                f"{v['id']} ({v['impact']}): {v['help']} -> "
                + "; ".join(node["target"][0] for node in v["nodes"][:3])
                for v in violations
            ]
    assert not found, f"axe violations at {page.width}px: {found}"
    assert len(checked) == len(page_paths(site))


# ----- HTML validity, no browser -----------------------------------------------------------


@pytest.fixture
def site(db):
    return build_site()


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "list",
        "list-filtered",
        "list-errors",
        "list-universities",
        "list-universities-errors",
        "detail",
        "detail-unknown-facts",
        "universities",
        "university",
        "topic",
        "compare",
        "compare-empty",
        "compare-dropped",
        "guides",
        "guide",
        "about-data",
        "list-eligibility",
        "detail-international",
        "detail-bad-choices",
        "funding",
        "funding-filtered",
        "gone",
        "404",
    ],
)
def test_public_pages_are_valid_html(client, site, settings, name):
    settings.DEBUG = False
    response = client.get(page_paths(site)[name])
    assert response.status_code == STATUS.get(name, 200)
    parser = html5lib.HTMLParser(strict=True)
    try:
        parser.parse(response.content, transport_encoding="utf-8")
    except html5lib.html5parser.ParseError as exc:
        line, col = parser.errors[0][0] if parser.errors else ("?", "?")
        lines = response.content.decode().splitlines()
        context = lines[line - 1][max(0, col - 80) : col + 40] if line != "?" else ""
        pytest.fail(f"{name}: {exc} at line {line}, col {col}: {context!r}")
    assert_well_formed(response.content)
