"""seed_synthetic: labelled demo data that never mixes with the real catalogue."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from programmes import counts, seed
from programmes.models import Guide, Programme, Status, Topic, University
from tests.factories import make_programme, make_university

pytestmark = pytest.mark.django_db


def run(*args):
    call_command("seed_synthetic", *args, stdout=io.StringIO())


def test_refuses_a_database_holding_a_real_university():
    make_university(name="University of Realshire")
    with pytest.raises(CommandError, match="Refusing to write synthetic data.*real catalogue"):
        run("--programmes", "10", "--universities", "2")
    assert Programme.objects.count() == 0
    assert University.objects.count() == 1


def test_refuses_a_real_programme_even_at_a_synthetic_looking_university():
    university = make_university(name="Synthetic Lookalike", slug="synthetic-lookalike")
    make_programme(title="Real Health Data Science", university=university)
    with pytest.raises(CommandError, match="1 programmes"):
        run("--programmes", "10", "--universities", "2")
    assert Programme.objects.count() == 1


def test_refuses_a_database_holding_a_real_guide():
    Guide.objects.create(title="Real guide", slug="real-guide", summary="s", body="b")
    with pytest.raises(CommandError, match="1 guides"):
        run("--programmes", "10", "--universities", "2")
    assert University.objects.count() == 0


def test_every_row_is_labelled_as_demo_data():
    run("--programmes", "60", "--universities", "7", "--topics-from-vocabulary")
    universities = list(University.objects.all())
    assert len(universities) == 7
    for university in universities:
        assert university.slug.startswith("synthetic-")
        assert re.fullmatch(r"Synthetic University \d{3} \(demo data\)", university.name)
        assert university.website.startswith("https://example.invalid/")
    programmes = list(Programme.objects.all())
    assert len(programmes) == 60
    for programme in programmes:
        assert re.fullmatch(r"Synthetic programme \d{5} \(demo data\)", programme.title)
        assert "demo data" in programme.summary
        assert programme.official_url.startswith("https://example.invalid/")
        assert programme.source_urls.startswith("https://example.invalid/")
    guide = Guide.objects.get()
    assert guide.slug.startswith("synthetic-")
    assert "demo data" in guide.title
    assert "generated demo data" in guide.body_html


def test_values_respect_the_rules_and_leave_realistic_gaps():
    run("--programmes", "400", "--universities", "20", "--topics-from-vocabulary")
    programmes = Programme.objects.all()
    for programme in programmes:
        programme.full_clean()  # validators as the admin would run them
        assert programme.start_month_mask and programme.start_month_mask < 4096
    assert programmes.filter(fee_home__isnull=True).exists()
    assert programmes.filter(ielts_overall__isnull=True).exists()
    assert programmes.filter(placement__isnull=True).exists()
    assert programmes.filter(last_verified__isnull=True).exists()
    assert programmes.filter(status=Status.PUBLISHED).count() > 300
    assert programmes.exclude(status=Status.PUBLISHED).exists()
    assert not programmes.filter(fee_home=0).exists()


def test_creates_the_topic_vocabulary_and_tags_programmes_from_it():
    run("--programmes", "50", "--universities", "3", "--topics-from-vocabulary")
    assert set(Topic.objects.values_list("slug", flat=True)) == set(seed.TOPICS)
    for programme in Programme.objects.prefetch_related("topics"):
        assert 1 <= len(programme.topics.all()) <= 4


def test_without_the_vocabulary_flag_programmes_are_untagged_but_topics_exist():
    run("--programmes", "5", "--universities", "2")
    assert Topic.objects.count() == len(seed.TOPICS)
    assert Programme.topics.through.objects.count() == 0


def test_a_second_run_replaces_the_synthetic_catalogue():
    run("--programmes", "30", "--universities", "5", "--topics-from-vocabulary")
    run("--programmes", "12", "--universities", "4")
    assert Programme.objects.count() == 12
    assert University.objects.count() == 4
    assert Guide.objects.count() == 1
    assert Programme.topics.through.objects.count() == 0
    # bulk_create sends no signals: the list's stored counts are rebuilt by the command itself.
    stored = counts.read()
    published = Programme.objects.filter(status=Status.PUBLISHED).count()
    assert sum(row[0] for row in stored["universities"].values()) == published
    assert stored["topics"] == {}


def test_the_same_seed_gives_the_same_catalogue():
    run("--programmes", "20", "--universities", "3", "--seed", "7")
    first = list(Programme.objects.order_by("slug").values_list("fee_home", "ielts_overall"))
    run("--programmes", "20", "--universities", "3", "--seed", "7")
    again = list(Programme.objects.order_by("slug").values_list("fee_home", "ielts_overall"))
    assert first == again


def test_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="--universities"):
        run("--programmes", "10", "--universities", "0")
