"""Every path that stores a programme's links takes web addresses only (http and https)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from programmes.imports import plan_import, read_csv
from programmes.models import Programme
from tests.factories import good_row, make_programme, make_university, to_csv

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.ac.uk/course",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", UNSAFE)
def test_an_import_row_with_an_unsafe_source_url_is_refused_naming_the_column(url):
    make_university(slug="uni")
    plan = plan_import(read_csv(to_csv([good_row(source_urls=url)])))
    (row,) = plan.rows
    assert row.errors, "the row must be refused"
    assert any("source_urls" in error for error in row.errors)
    assert not Programme.objects.exists()


@pytest.mark.parametrize("url", UNSAFE)
def test_an_import_row_with_an_unsafe_official_url_is_refused(url):
    make_university(slug="uni")
    plan = plan_import(read_csv(to_csv([good_row(official_course_url=url)])))
    assert plan.rows[0].errors


@pytest.mark.parametrize("url", UNSAFE)
def test_the_model_refuses_unsafe_links_whatever_path_saves_it(url):
    programme = make_programme()
    programme.source_urls = f"https://www.example.ac.uk/course\n{url}"
    with pytest.raises(ValidationError) as refused:
        programme.full_clean()
    assert "source_urls" in refused.value.message_dict
    programme.source_urls = ""
    programme.official_url = url
    with pytest.raises(ValidationError):
        programme.full_clean()


def test_web_addresses_are_accepted():
    programme = make_programme()
    programme.source_urls = "https://www.example.ac.uk/course\nhttp://example.ac.uk/fees"
    programme.full_clean()
