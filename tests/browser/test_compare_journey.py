import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import make_programme

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_three_from_the_list_and_compare_them(live_server, page):
    titles = ["Alpha Clinical AI", "Beta Health Data", "Gamma Imaging"]
    for n, title in enumerate(titles):
        make_programme(title=title, fee_home=10000 + n * 1000, duration_full_time_months=12 + n)
    make_programme(title="Delta Not Chosen")

    page.goto(f"{live_server.url}/programmes/")
    for title in titles:
        card = page.locator("article.card", has_text=title)
        card.get_by_role("button", name="Add to compare").click()
        # With JS the button changes in place; the header count follows.
        card.get_by_role("button", name="In compare list").wait_for()
    expect(page.locator("[data-shortlist-count]")).to_have_text("3")

    page.get_by_role("link", name="Compare 3").click()
    page.wait_for_url("**/compare/?p=*")
    expect(page.locator("table.compare thead th")).to_have_count(3)
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert [h.split(". ", 1)[1] for h in headers] == [f"MSc {t}" for t in titles]
    assert page.locator("svg[role=img] title").text_content().startswith("Fees and full-time")
    screenshot(page, "compare-three")


def test_shortlist_works_without_javascript(live_server, browser):
    programme = make_programme(title="No Script Programme")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/programmes/")
    with page.expect_navigation():  # no script: a real form POST, a redirect, a new page
        page.get_by_role("button", name="Add to compare").click()
    # The visitor's own shortlist page confirms the change and links back.
    page.wait_for_url("**/shortlist/?next=*")
    expect(page.get_by_role("heading", name="Your compare list")).to_be_visible()
    expect(page.get_by_text("Added MSc No Script Programme")).to_be_visible()
    expect(page.locator(".shortlist li")).to_have_count(1)
    page.get_by_role("link", name="Back to where you were").click()
    page.wait_for_url(f"{live_server.url}/programmes/")
    # Public pages are the same for everyone: without script the header shows no count, and
    # "Compare" takes the visitor to their own comparison.
    expect(page.locator("[data-shortlist-count]")).to_be_hidden()
    page.get_by_role("link", name="Compare", exact=True).click()
    page.wait_for_url(f"**/compare/?p={programme.pk}")
    context.close()


def test_the_names_stay_in_view_while_the_compare_table_scrolls(live_server, browser):
    programmes = [
        make_programme(title=title, fee_home=12000, duration_full_time_months=12)
        for title in ("Alpha Clinical AI", "Beta Health Data", "Gamma Imaging")
    ]
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(f"{live_server.url}/compare/?" + "&".join(f"p={p.pk}" for p in programmes))
    region = page.locator(".compare-scroll")
    names = page.locator("table.compare thead th").first
    region.scroll_into_view_if_needed()
    # Down to the last row, and sideways to the last programme.
    region.evaluate("el => { el.scrollTop = el.scrollHeight; el.scrollLeft = el.scrollWidth; }")
    assert region.evaluate("el => el.scrollTop") > 0  # the table is taller than its region
    box, names_box = region.bounding_box(), names.bounding_box()
    assert abs(names_box["y"] - box["y"]) <= 2  # the names row is pinned to the region's top
    expect(page.locator("table.compare thead th").last).to_be_in_viewport()
    label = page.locator("table.compare tbody th[scope=row]").last
    assert abs(label.bounding_box()["x"] - box["x"]) <= 2  # and the labels to its left
    context.close()
