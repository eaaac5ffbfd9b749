"""Export and import use one column definition (csv_columns.py): a round trip is exact."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from programmes.imports import apply_import, read_csv
from programmes.models import FeePeriod, Programme, Status
from tests.factories import make_programme, make_topic, make_university

pytestmark = pytest.mark.django_db
URL = "/staff/export/programmes.csv?status=all"


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", password="pw")
    client.force_login(user)
    return user


def export(client) -> bytes:
    response = client.get(URL)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def catalogue():
    """Every column holding something, including text a spreadsheet would run as a formula."""
    university = make_university(name="=Queen's Belfast", slug="qub")
    genomics, nlp = make_topic(slug="genomics"), make_topic(slug="nlp")
    make_programme(
        university=university,
        title="=HYPERLINK(1)",
        slug="everything",
        award="MRes",
        exit_awards="+PGDip; PGCert",
        department="-Dept of AI",
        offers_full_time=True,
        offers_part_time=True,
        offers_online=True,
        duration_full_time_months=12,
        duration_part_time_months=24,
        fee_home=9250,
        fee_international=31500,
        fee_year="2026/27",
        fee_period=FeePeriod.PER_YEAR,
        start_month_mask=0b100000001,  # January and September
        min_degree="2:1",
        ielts_overall=Decimal("6.5"),
        placement=True,
        topics=[nlp, genomics],
        summary="@summary, with a comma",
        description='Line one\nline two with "quotes"',
        source_urls="https://a.example/1\nhttps://a.example/2",
        source_refers_to="\t2026/27 entry",
        source_stale=True,
        last_verified=datetime.date(2026, 9, 30),
    )
    make_programme(university=university, title="Draft", status=Status.DRAFT, placement=False)
    archived = make_programme(title="Closed", ielts_overall=Decimal("7.0"))
    archived.set_status(Status.ARCHIVED)
    archived.save()


def rows():
    return list(Programme.objects.order_by("pk").values())


def topic_links():
    return sorted(Programme.topics.through.objects.values_list("programme_id", "topic_id"))


def test_an_exported_file_imports_again_with_no_changes(client, superuser):
    catalogue()
    before, links = rows(), topic_links()
    plan = apply_import(read_csv(export(client)), user=superuser)
    assert [(r.action, r.changes, r.errors) for r in plan.rows] == [("unchanged", [], [])] * 3
    assert rows() == before
    assert topic_links() == links


def test_export_import_export_gives_the_same_bytes(client, superuser):
    catalogue()
    first = export(client)
    apply_import(read_csv(first), user=superuser)
    assert export(client) == first
