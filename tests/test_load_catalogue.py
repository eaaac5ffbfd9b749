from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import Programme, Status, Topic, University

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    return out.getvalue()


def snapshot():
    return [
        (p.pk, p.updated, sorted(p.topics.values_list("slug", flat=True)))
        for p in Programme.objects.order_by("pk")
    ]


def test_loads_the_real_catalogue_and_reports_it():
    output = load()
    assert University.objects.count() == 20
    assert Programme.objects.count() == 27
    assert Topic.objects.count() == 16
    assert "Programmes: 27 created" in output
    assert "Universities: 20 created" in output


def test_second_run_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "Programmes: 0 created, 0 updated, 27 unchanged" in output


def test_no_programme_counts_as_verified_and_each_keeps_its_source():
    load()
    assert not Programme.objects.filter(last_verified__isnull=False).exists()
    assert Programme.objects.needs_verification().count() == 27
    assert not Programme.objects.filter(source_urls="").exists()
    assert not Programme.objects.filter(source_refers_to="").exists()


def test_rows_without_an_official_page_load_as_drafts():
    load()
    drafts = Programme.objects.filter(status=Status.DRAFT)
    assert drafts.count() == 4
    assert not drafts.exclude(official_url="").exists()
    assert not Programme.objects.published().filter(official_url="").exists()


def test_gaps_stay_empty_and_known_facts_load_exactly():
    load()
    durham = Programme.objects.get(university__slug="durham-university")
    assert (durham.fee_home, durham.fee_international, durham.fee_year) == (14500, 34000, "2025/26")
    assert durham.start_month_names == ["September"]
    oxford = Programme.objects.get(university__slug="university-of-oxford")
    assert oxford.fee_home is None and oxford.ielts_overall is None and oxford.placement is None
    assert Programme.objects.filter(fee_home__isnull=False).count() == 2
    assert not Programme.objects.filter(ielts_overall__isnull=False).exists()


def test_editor_changes_survive_a_reload():
    load()
    programme = Programme.objects.get(university__slug="durham-university")
    programme.fee_home = 15000
    programme.save()
    output = load()
    programme.refresh_from_db()
    assert programme.fee_home == 15000
    assert "1 kept as editors left them" in output
