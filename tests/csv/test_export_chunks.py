"""The export streams in chunks of CHUNK_SIZE rows: a file spanning several chunks is complete."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User

from programmes.exports import CHUNK_SIZE
from programmes.models import Programme, Status
from tests.factories import make_topic, make_university

pytestmark = pytest.mark.django_db

ROWS = 2 * CHUNK_SIZE + 501  # three chunks, the last one partial


@pytest.fixture
def exporter(client):
    user = User.objects.create_user("exporter", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_programme"))
    client.force_login(user)
    return client


@pytest.fixture
def big_catalogue():
    uni = make_university(slug="big-uni")
    topic = make_topic(slug="genomics", name="Genomics")
    Programme.objects.bulk_create(
        Programme(
            university=uni,
            title=f"Programme {n:05d}",
            slug=f"programme-{n:05d}",
            status=Status.PUBLISHED,
            fee_home=1000 + n,
        )
        for n in range(ROWS)
    )
    Programme.objects.bulk_create(
        [Programme(university=uni, title="Draft", slug="draft", status=Status.DRAFT)]
    )
    # Every programme on the topic, so each chunk's topic query is checked too.
    link = Programme.topics.through
    link.objects.bulk_create(
        link(programme_id=pk, topic_id=topic.pk)
        for pk in Programme.objects.values_list("pk", flat=True)
    )


def test_an_export_spanning_several_chunks_has_every_row_once(exporter, big_catalogue):
    response = exporter.get("/staff/export/programmes.csv")
    assert response.status_code == 200
    pieces = list(response.streaming_content)
    body = b"".join(pieces).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert len(rows) == ROWS
    assert [r["programme_slug"] for r in rows] == [f"programme-{n:05d}" for n in range(ROWS)]
    assert {r["topics"] for r in rows} == {"genomics"}
    assert rows[-1]["fee_home_gbp"] == str(1000 + ROWS - 1)
    # The header, then one piece per chunk: streamed, not built in memory.
    assert len(pieces) == 1 + 3


def test_status_all_spanning_several_chunks_adds_the_draft(exporter, big_catalogue):
    response = exporter.get("/staff/export/programmes.csv?status=all")
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert len(rows) == ROWS + 1
    assert [r["status"] for r in rows].count("draft") == 1


def test_part_time_study_is_exported(exporter):
    from tests.factories import make_programme

    make_programme(
        slug="part-time-only",
        offers_part_time=True,
        offers_online=True,
        duration_part_time_months=36,
    )
    body = b"".join(exporter.get("/staff/export/programmes.csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body[1:]))
    assert (row["modes"], row["duration_part_time_months"]) == ("part-time; online", "36")
    assert row["duration_full_time_months"] == ""
