"""A file the upload limit allows is previewed and applied in bounded time, and what it wrote
is searchable and on the public pages at once (index and cache brought up to date once)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.imports import ImportFileError, apply_import, plan_import, read_csv
from programmes.models import Programme
from tests.factories import good_row, make_university, to_csv

pytestmark = pytest.mark.django_db


def rows(n: int, **overrides) -> list[dict]:
    return read_csv(
        to_csv([good_row(slug=f"p{i}", title=f"Genomic AI {i}", **overrides) for i in range(n)])
    )


def test_the_preview_asks_the_database_the_same_few_questions_for_10_or_200_rows():
    make_university(slug="uni")

    def queries(n: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            plan_import(rows(n))
        return len(captured.captured_queries)

    assert queries(10) == queries(200)


def test_an_applied_import_is_searchable_and_on_the_list_at_once(client):
    make_university(slug="uni")
    assert "Genomic AI 0" not in client.get("/programmes/").content.decode()  # now cached
    apply_import(rows(30, status="published"), user=User.objects.create_superuser("root"))
    assert "Genomic AI 0" in client.get("/programmes/").content.decode()
    found = client.get("/programmes/?q=genomic").content.decode()
    assert "30 programmes" in found and "Genomic AI 0" in found


def test_a_file_refused_at_apply_writes_nothing_and_indexes_nothing(client):
    make_university(slug="uni")
    bad = rows(5) + read_csv(to_csv([good_row(slug="bad", ielts_overall="6.3")]))
    with pytest.raises(ImportFileError):
        apply_import(bad, user=User.objects.create_superuser("root"))
    assert not Programme.objects.exists()
    assert "Genomic" not in client.get("/programmes/?q=genomic").content.decode()
