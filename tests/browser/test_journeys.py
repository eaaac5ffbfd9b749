"""The four journeys of the design, in Chromium at 375 and 1280 px.

1. A student, keyboard only (Tab, Shift+Tab, Enter, Space): search, filter, open a programme,
   add it and two more to the compare list, open the comparison. Focus must be visible on every
   control the journey stops at.
2. A reader opens a guide and follows one of its related programmes.
3. An editor logs into the admin, edits a programme, marks it verified and publishes a guide.
4. A staff exporter downloads the CSV export of a filtered list.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from programmes.models import Guide, Nation, Programme, Status
from tests.browser.conftest import screenshot
from tests.factories import make_programme, make_topic, make_university

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-42"

FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.matches(':focus-visible')) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const rect = el.getBoundingClientRect();
  return (outline || style.boxShadow !== 'none') && rect.width > 0 && rect.height > 0;
}"""


def tab_to(page, locator, limit: int = 250) -> None:
    """Press Tab until ``locator`` has focus, then check the focus indicator is visible."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", target):
            assert page.evaluate(FOCUS_IS_VISIBLE), f"focus not visible on {locator}"
            return
    raise AssertionError(f"{limit} Tab presses never reached {locator}")


def compare_button(page, state: str, title: str):
    # The visually hidden part of the name ("…: MSc Title, University") follows the visible one.
    return page.get_by_role("button", name=re.compile(rf"^{state}\W.*{re.escape(title)}"))


def build_catalogue() -> dict:
    ml = make_topic(name="Machine learning", slug="machine-learning")
    genomics = make_topic(name="Genomics", slug="genomics")
    edinburgh = make_university(
        name="Edinburgh Test", slug="edinburgh", city="Edinburgh", nation=Nation.SCOTLAND
    )
    leeds = make_university(name="Leeds Test", slug="leeds", city="Leeds")
    programmes = {
        "alpha": make_programme(
            title="Alpha Health AI",
            university=edinburgh,
            topics=[ml],
            fee_home=11000,
            duration_full_time_months=12,
            offers_full_time=True,
        ),  # fmt: skip
        "beta": make_programme(
            title="Beta Health Data Science",
            university=leeds,
            topics=[ml, genomics],
            fee_home=13000,
            duration_full_time_months=12,
            offers_full_time=True,
        ),  # fmt: skip
        "gamma": make_programme(
            title="Gamma Health Imaging",
            university=leeds,
            topics=[ml],
            fee_home=9000,
            duration_full_time_months=24,
            offers_part_time=True,
        ),  # fmt: skip
        "delta": make_programme(
            title="Delta Genomic Medicine", university=leeds, topics=[genomics]
        ),
    }
    return programmes


def test_student_searches_filters_and_compares_with_the_keyboard_only(live_server, page):
    build_catalogue()
    console_errors = []  # CSP violations and script errors show up here
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/")

    # The first Tab lands on the skip link, which becomes visible.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate(FOCUS_IS_VISIBLE)

    tab_to(page, page.get_by_role("searchbox", name="Search programmes"))
    page.keyboard.type("health")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/?q=health#results")
    expect(page.locator("article.card")).to_have_count(3)  # Delta has no "health"
    # The search lands on the results: a few Tabs reach the first one (its search chip, the
    # link to guides about the words, then the first programme), not the sixty of the filters.
    presses = 0
    while not page.evaluate("!!document.activeElement.closest('article.card')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 6, "the first result is more than 6 Tabs from the search"

    # Filter by topic; on a phone the filter panel starts folded and opens with Enter.
    panel = page.locator("details.filters-panel")
    if not panel.evaluate("el => el.open"):
        tab_to(page, panel.locator("summary"))
        page.keyboard.press("Enter")
        assert panel.evaluate("el => el.open")
    tab_to(page, page.get_by_role("checkbox", name="Machine learning"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Apply filters"))
    page.keyboard.press("Enter")
    page.wait_for_url("**topic=machine-learning**")
    expect(page.locator("article.card")).to_have_count(3)

    # Open the first result and add it to the compare list from its own page.
    tab_to(page, page.get_by_role("link", name="MSc Alpha Health AI", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/edinburgh/**")
    expect(page.locator("h1")).to_have_text("MSc Alpha Health AI")
    tab_to(page, compare_button(page, "Add to compare", "MSc Alpha Health AI"))
    page.keyboard.press("Enter")
    compare_button(page, "In compare list", "MSc Alpha Health AI").wait_for()
    expect(page.locator("[data-shortlist-count]")).to_have_text("1")

    # Back to the list by the breadcrumb; add two more from their cards.
    tab_to(
        page,
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Programmes"),
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/")
    for title in ("MSc Beta Health Data Science", "MSc Gamma Health Imaging"):
        tab_to(page, compare_button(page, "Add to compare", title))
        page.keyboard.press("Enter")
        compare_button(page, "In compare list", title).wait_for()
    expect(page.locator("[data-shortlist-count]")).to_have_text("3")

    # Shift+Tab back up to the header's Compare link, then open the comparison.
    compare_link = page.locator("a.compare-link")
    target = compare_link.element_handle()
    for _ in range(250):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("el => el === document.activeElement", target):
            break
    else:
        raise AssertionError("Shift+Tab never reached the Compare link")
    assert page.evaluate(FOCUS_IS_VISIBLE)
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/?p=*")
    expect(page.locator("table.compare thead th")).to_have_count(3)
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert any("Alpha Health AI" in h for h in headers)
    assert not console_errors
    screenshot(page, "journey-keyboard-compare")


def test_reader_opens_a_guide_and_follows_a_related_programme(live_server, page):
    programmes = build_catalogue()
    guide = Guide(
        title="Choosing a health AI master's",
        slug="choosing",
        summary="What to compare.",
        body="## Fees\n\nCheck the official page.\n",
        status=Status.PUBLISHED,
        published_at=datetime.date.today(),
    )
    guide.render_body()
    guide.save()
    guide.programmes.set([programmes["beta"]])

    page.goto(live_server.url + "/guides/")
    page.get_by_role("link", name="Choosing a health AI master's").click()
    page.wait_for_url("**/guides/choosing/")
    expect(page.locator("h1")).to_have_text("Choosing a health AI master's")
    related = page.get_by_role("region", name="Related programmes")
    related.get_by_role("link", name="MSc Beta Health Data Science", exact=True).click()
    page.wait_for_url("**/programmes/leeds/**")
    expect(page.locator("h1")).to_have_text("MSc Beta Health Data Science")


def login(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")


def run_admin_action(page, label: str, row_value: str) -> None:
    page.locator(f'input[name="_selected_action"][value="{row_value}"]').check()
    page.locator('select[name="action"]').select_option(label=label)
    # Wait for the page the POST leads to, not the current one (already loaded).
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()


def test_editor_edits_verifies_and_publishes_in_the_admin(live_server, page):
    programmes = build_catalogue()
    call_command("setup_roles", stdout=io.StringIO())
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    draft = Guide(
        title="Draft guide", slug="draft-guide", summary="Soon.", body="Soon.", status=Status.DRAFT
    )
    draft.render_body()
    draft.save()
    alpha = programmes["alpha"]

    admin_index = reverse("admin:index")
    login(page, live_server, "editor", admin_index)

    # Edit a programme: the fee changes and the public page shows it.
    page.goto(live_server.url + reverse("admin:programmes_programme_change", args=[alpha.pk]))
    page.locator("#id_fee_home").fill("11500")
    page.locator('input[name="_save"]').first.click()
    page.wait_for_url("**/programmes/programme/")
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()
    alpha.refresh_from_db()
    assert alpha.fee_home == 11500
    assert "£11,500" in Client().get(alpha.get_absolute_url()).text

    # Mark it verified today with the list action (the site's date: London, around the click).
    before = timezone.localdate()
    run_admin_action(page, "Mark selected programmes as verified today", str(alpha.pk))
    expect(page.locator("ul.messagelist")).to_have_count(1)
    alpha.refresh_from_db()
    assert alpha.last_verified in {before, timezone.localdate()}

    # Publish the draft guide: the public can now read it.
    assert Client().get("/guides/draft-guide/").status_code == 404
    page.goto(live_server.url + reverse("admin:programmes_guide_changelist"))
    run_admin_action(page, "Publish selected guides", str(draft.pk))
    expect(page.locator("ul.messagelist")).to_have_count(1)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert Client().get("/guides/draft-guide/").status_code == 200
    screenshot(page, "journey-editor")


def test_staff_exporter_downloads_the_filtered_csv(live_server, page, tmp_path):
    build_catalogue()
    call_command("setup_roles", stdout=io.StringIO())
    exporter = User.objects.create_user("exporter", password=PASSWORD, is_staff=True)
    exporter.groups.add(Group.objects.get(name="Staff exporters"))

    login(page, live_server, "exporter", "/programmes/?nation=scotland")
    before = timezone.localdate()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these results (CSV)").click()
    download = download_info.value
    names = {f"programmes-{d.isoformat()}.csv" for d in (before, timezone.localdate())}
    assert download.suggested_filename in names
    path = tmp_path / "export.csv"
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeffuniversity_slug,")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["title"] for r in rows] == ["Alpha Health AI"]
    assert rows[0]["university_name"] == "Edinburgh Test"
    assert Programme.objects.count() == 4
