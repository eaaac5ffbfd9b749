"""In a real browser: the visitor's correction form (axe, no JavaScript needed)
and the editors' review queue (used with the keyboard-free one-click buttons; screenshots)."""

from __future__ import annotations

import html5lib
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from programmes.models import Suggestion, SuggestionOrigin
from tests.browser.conftest import screenshot
from tests.factories import make_programme

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def correction_url(programme) -> str:
    return reverse("programme_correction", args=[programme.university.slug, programme.slug])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_correction_form_has_no_wcag_violations_and_works_without_javascript(
    live_server, browser, page
):
    from axe_playwright_python.sync_playwright import Axe

    programme = make_programme(title="Clinical AI")
    context = browser.new_context(
        viewport={"width": page.width, "height": 900}, java_script_enabled=False
    )
    nojs = context.new_page()
    axe_page = page
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    axe = Axe()
    axe_page.goto(live_server.url + correction_url(programme))
    assert axe.run(axe_page, options=options).response["violations"] == []
    # Submitting with errors, then correctly, with scripts off. (Blank spaces pass the
    # browser's own `required` check; the server's message must then appear beside the field.)
    nojs.goto(live_server.url + correction_url(programme))
    nojs.select_option("#id_field", "ielts_overall")
    nojs.fill("#id_value", "   ")
    with nojs.expect_navigation():
        nojs.click("text=Send to the editors")
    assert "This field is required." in nojs.content()
    axe_page.goto(live_server.url + correction_url(programme))
    axe_page.select_option("#id_field", "ielts_overall")
    axe_page.fill("#id_value", "   ")
    with axe_page.expect_navigation():
        axe_page.click("text=Send to the editors")
    assert "Please check the form" in axe_page.content()
    assert axe.run(axe_page, options=options).response["violations"] == []
    nojs.fill("#id_value", "7.0")
    with nojs.expect_navigation():
        nojs.click("text=Send to the editors")
    assert "Your report is with our editors" in nojs.content()
    context.close()
    assert Suggestion.objects.get().origin == SuggestionOrigin.VISITOR


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_review_queue_accepts_in_one_click(live_server, page):
    programme = make_programme(title="Clinical Artificial Intelligence", fee_home=11000)
    Suggestion.objects.create(
        programme=programme,
        field="fee_home_gbp",
        value="12500",
        period="per-year",
        year="2026/27",
        quote="Home | Full-time: £12,500 per year | Part-time: £6,250",
        source_url="https://www.example.ac.uk/postgraduate/clinical-ai/fees",
        origin=SuggestionOrigin.PAGE,
        value_when_made="11000",
    )
    Suggestion.objects.create(
        programme=programme,
        field="ielts_overall",
        value="7.0",
        quote="The English requirement went up to 7.0 this year, see the page.",
        source_url="https://www.example.ac.uk/postgraduate/clinical-ai",
        origin=SuggestionOrigin.VISITOR,
        reporter_email="student@example.com",
    )
    User.objects.create_superuser("root", password="pw")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:programmes_suggestion_changelist"))
    assert "£12,500 (per year, 2026/27)" in page.content()
    screenshot(page, "review-queue")
    with page.expect_navigation():
        page.click("button[aria-label^='Accept home fee']")
    assert "Accepted: home fee of" in page.content()
    programme.refresh_from_db()
    assert programme.fee_home == 12500
    # The visitor's report, after someone else changed the field: both values, a choice.
    report = Suggestion.objects.get(field="ielts_overall")
    type(programme).objects.filter(pk=programme.pk).update(ielts_overall="6.5")
    page.goto(live_server.url + reverse("admin:programmes_suggestion_change", args=[report.pk]))
    assert "This fact changed since the suggestion was made." in page.content()
    screenshot(page, "suggestion-conflict")
    page.goto(live_server.url + reverse("admin:programmes_programme_change", args=[programme.pk]))
    assert "Open suggestions (1)" in page.content()
    screenshot(page, "programme-sources-panel")


def test_correction_form_is_valid_html(client, db):
    programme = make_programme()
    for response in (
        client.get(correction_url(programme)),
        client.post(correction_url(programme), {"field": "", "value": ""}),
    ):
        html5lib.HTMLParser(strict=True).parse(response.content, transport_encoding="utf-8")
