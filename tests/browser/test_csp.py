"""The Content-Security-Policy in a real browser: nothing on the site or in the admin is blocked."""

import pytest
from django.contrib.auth.models import User

from tests.factories import make_programme, make_topic

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def blocked(page):
    """Console errors the browser logs when the CSP refuses something."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def test_public_pages_run_under_the_policy(live_server, page, blocked):
    topic = make_topic(name="Genomics", slug="genomics")
    programmes = [make_programme(title=f"Clinical AI {n}", topics=[topic]) for n in range(2)]
    for path in ["/", "/programmes/", programmes[0].get_absolute_url(), "/topics/genomics/"]:
        page.goto(f"{live_server.url}{path}")
    # site.js runs (the filter panel and the in-place shortlist button both need it).
    card = page.locator("article.card", has_text="Clinical AI 1")
    page.goto(f"{live_server.url}/programmes/")
    card.get_by_role("button", name="Add to compare").click()
    card.get_by_role("button", name="In compare list").wait_for()
    page.goto(f"{live_server.url}/compare/?p={programmes[0].pk}&p={programmes[1].pk}")
    assert page.locator("svg[role=img]").count() == 1
    assert blocked == []


def test_admin_runs_under_the_same_policy(live_server, page, blocked):
    User.objects.create_superuser("editor", "editor@example.org", "editor-password-1")
    programme = make_programme(topics=[make_topic()])
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/programmes/programme/")
    page.goto(f"{live_server.url}/admin/programmes/programme/{programme.pk}/change/")
    page.goto(f"{live_server.url}/admin/programmes/programme/add/")
    page.goto(f"{live_server.url}/admin/programmes/guide/add/")
    assert blocked == []
