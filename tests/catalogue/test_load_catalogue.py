"""load_catalogue: the real v2 catalogue, reloads that keep editors' work, the v1 → v2 upgrade."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from programmes.models import FeePeriod, Guide, Programme, Status, Topic, University

pytestmark = pytest.mark.django_db

V1 = Path(__file__).resolve().parents[2] / "programmes" / "data" / "v1"
EDINBURGH_CDT = "biomedical-ai-cdt-msc-by-research-year"
NEW_LEADS = {
    ("university-of-leeds", "health-informatics-with-data-science"),
    ("university-of-aberdeen", "health-data-science"),
    ("glasgow-caledonian-university", "medical-imaging-artificial-intelligence"),
    ("ulster-university", "personalised-medicine"),
}


def load(*args) -> str:
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return [
        (p.pk, p.updated, sorted(p.topics.values_list("slug", flat=True)))
        for p in Programme.objects.order_by("pk")
    ]


def by_slug(university: str, slug: str) -> Programme:
    return Programme.objects.get(university__slug=university, slug=slug)


def test_loads_the_real_catalogue_and_reports_it():
    output = load()
    assert University.objects.count() == 24
    assert Programme.objects.count() == 31
    assert Topic.objects.count() == 16
    assert "Programmes: 31 created" in output
    assert "Universities: 24 created" in output


def test_each_row_loads_with_the_status_the_seed_gives_it():
    load()
    counts = {s: Programme.objects.filter(status=s).count() for s in Status.values}
    assert counts == {"published": 22, "draft": 8, "archived": 1}
    cdt = by_slug("university-of-edinburgh", EDINBURGH_CDT)
    assert cdt.status == Status.ARCHIVED
    assert cdt.archived_on.isoformat() == "2026-12-01"
    for university, slug in NEW_LEADS:
        assert by_slug(university, slug).status == Status.DRAFT
    # A draft may have an official page (leads to check); a published row always has one.
    assert not Programme.objects.published().filter(official_url="").exists()


def test_slugs_come_from_the_seed_not_the_title():
    load()
    liverpool = by_slug("university-of-liverpool", "health-data-science")
    assert liverpool.title == "Data Science and Analytics for Health"


def test_second_run_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "Programmes: 0 created, 0 updated, 31 unchanged" in output


def test_no_programme_counts_as_verified_and_each_keeps_its_source():
    load()
    assert not Programme.objects.filter(last_verified__isnull=False).exists()
    assert Programme.objects.needs_verification().count() == 31
    assert not Programme.objects.filter(source_urls="").exists()
    assert not Programme.objects.filter(source_refers_to="").exists()


def test_gaps_stay_empty_and_known_facts_load_exactly():
    load()
    durham = by_slug("durham-university", "data-science-health")
    assert (durham.fee_home, durham.fee_international, durham.fee_year) == (14500, 34000, "2025/26")
    assert durham.fee_period == ""  # the source did not say
    assert durham.start_month_names == ["September"]
    manchester = by_slug("university-of-manchester", "health-data-science")
    assert (manchester.fee_home, manchester.fee_international) == (15800, 35700)
    assert (manchester.fee_year, manchester.fee_period) == ("2026/27", FeePeriod.PER_YEAR)
    oxford = Programme.objects.get(university__slug="university-of-oxford")
    assert oxford.fee_home is None and oxford.ielts_overall is None and oxford.placement is None
    assert Programme.objects.filter(fee_home__isnull=False).count() == 3
    assert not Programme.objects.filter(ielts_overall__isnull=False).exists()


def test_editor_changes_survive_a_reload():
    load()
    programme = by_slug("durham-university", "data-science-health")
    programme.fee_home = 15000
    programme.save()
    output = load()
    programme.refresh_from_db()
    assert programme.fee_home == 15000
    assert "1 kept as editors left them" in output


def test_update_brings_unedited_fields_to_the_seed():
    load("--data-dir", str(V1))
    Programme.objects.update(seed_values={})  # as the old loader left rows
    v1_summary = by_slug("university-of-exeter", "health-data-science").summary
    load("--update")
    exeter = by_slug("university-of-exeter", "health-data-science")
    assert exeter.summary != v1_summary
    assert exeter.summary.startswith("University of Exeter MSc in health data science")


def test_update_keeps_what_an_editor_changed_since_the_last_load():
    load()
    durham = by_slug("durham-university", "data-science-health")
    durham.summary = "Written by an editor."
    durham.save()
    output = load("--update", "--verbosity", "2")
    durham.refresh_from_db()
    assert durham.summary == "Written by an editor."
    assert "kept as editors left them: summary" in output


# ----- the v1 → v2 upgrade -----------------------------------------------------------------


def test_version_one_fixture_loads_as_version_one_did():
    output = load("--data-dir", str(V1))
    assert "Programmes: 27 created" in output
    assert University.objects.count() == 20
    assert Programme.objects.filter(status=Status.DRAFT).count() == 4
    liverpool = by_slug("university-of-liverpool", "health-data-science")
    assert liverpool.title == "Health Data Science"


def test_update_from_version_one_reaches_version_two_without_duplicates():
    load("--data-dir", str(V1))
    liverpool_pk = by_slug("university-of-liverpool", "health-data-science").pk
    output = load("--update")
    assert "Programmes: 4 created" in output
    assert "Universities: 4 created" in output
    assert Programme.objects.count() == 31
    assert University.objects.count() == 24
    # Renamed in place: same row, same URL, new title.
    liverpool = by_slug("university-of-liverpool", "health-data-science")
    assert liverpool.pk == liverpool_pk
    assert liverpool.title == "Data Science and Analytics for Health"
    assert liverpool.get_absolute_url() == (
        "/programmes/university-of-liverpool/health-data-science/"
    )
    assert not Programme.objects.filter(
        title="Health Data Science", university=liverpool.university
    )
    counts = {s: Programme.objects.filter(status=s).count() for s in Status.values}
    assert counts == {"published": 22, "draft": 8, "archived": 1}
    assert by_slug("university-of-manchester", "health-data-science").fee_home == 15800
    # A second update is a no-op.
    assert "Programmes: 0 created, 0 updated, 31 unchanged" in load("--update")


def edit_like_an_editor():
    oxford = Programme.objects.get(university__slug="university-of-oxford")
    oxford.ielts_overall = "7.5"  # recorded by an editor; the seed has no IELTS
    oxford.start_month_mask = 512  # October, recorded by an editor; the seed has none
    oxford.last_verified = "2026-11-30"
    oxford.save()
    durham = by_slug("durham-university", "data-science-health")
    durham.summary = "An editor's summary."
    durham.fee_home = 15000
    durham.save()
    bristol = Programme.objects.get(university__slug="university-of-bristol")
    bristol.status = Status.DRAFT  # unpublished by an editor
    bristol.save()
    sheffield = Programme.objects.get(university__slug="university-of-sheffield")
    sheffield.status = Status.PUBLISHED  # published by an editor after checking it
    sheffield.official_url = "https://www.sheffield.ac.uk/course"
    sheffield.save()


def assert_editors_work_survived():
    oxford = Programme.objects.get(university__slug="university-of-oxford")
    assert str(oxford.ielts_overall) == "7.5"
    assert oxford.start_month_names == ["October"]
    assert str(oxford.last_verified) == "2026-11-30"
    durham = by_slug("durham-university", "data-science-health")
    assert (durham.summary, durham.fee_home) == ("An editor's summary.", 15000)
    assert durham.fee_period == ""  # the fee is kept as one statement with its period
    bristol = Programme.objects.get(university__slug="university-of-bristol")
    assert bristol.status == Status.DRAFT
    sheffield = Programme.objects.get(university__slug="university-of-sheffield")
    assert sheffield.status == Status.PUBLISHED
    # ...while everything editors did not touch reached version 2.
    liverpool = by_slug("university-of-liverpool", "health-data-science")
    assert liverpool.title == "Data Science and Analytics for Health"
    assert by_slug("university-of-edinburgh", EDINBURGH_CDT).status == Status.ARCHIVED
    assert by_slug("university-of-manchester", "health-data-science").fee_home == 15800


def test_upgrade_keeps_editors_work():
    load("--data-dir", str(V1))
    edit_like_an_editor()
    output = load("--update", "--verbosity", "2")
    assert_editors_work_survived()
    assert "kept as editors left them" in output
    assert Programme.objects.count() == 31


def test_upgrade_of_a_database_the_old_loader_wrote_keeps_editors_work():
    # The old loader kept no record of what it wrote: rows carry an empty seed_values.
    load("--data-dir", str(V1))
    Programme.objects.update(seed_values={})
    edit_like_an_editor()
    load("--update")
    assert_editors_work_survived()
    assert Programme.objects.count() == 31


def test_update_is_a_no_op_when_only_kept_fields_differ():
    load()
    cdt = by_slug("university-of-edinburgh", EDINBURGH_CDT)
    cdt.set_status(Status.PUBLISHED)  # an editor brings it back
    cdt.save()
    load("--update")
    before = snapshot()
    output = load("--update")
    assert snapshot() == before
    assert "0 updated" in output
    assert by_slug("university-of-edinburgh", EDINBURGH_CDT).status == Status.PUBLISHED


def test_plain_reload_after_version_one_only_adds_new_rows():
    load("--data-dir", str(V1))
    output = load()
    assert "Programmes: 4 created" in output
    liverpool = by_slug("university-of-liverpool", "health-data-science")
    assert liverpool.title == "Health Data Science"  # not asked to update
    cdt = by_slug("university-of-edinburgh", EDINBURGH_CDT)
    assert cdt.status == Status.PUBLISHED


# ----- --update on topics, universities and guides -----------------------------------------
# The seed owns these rows' seed fields: a plain reload leaves a changed row alone and says so;
# --update brings it back to the seed (a guide keeps the status an editor gave it).


def test_plain_reload_keeps_changed_topics_universities_and_guides():
    load()
    Topic.objects.filter(slug="medical-imaging").update(description="Changed in the admin.")
    University.objects.filter(slug="durham-university").update(city="Changed")
    Guide.objects.filter(pk=Guide.objects.order_by("slug").first().pk).update(
        summary="Changed in the admin."
    )
    output = load()
    assert Topic.objects.get(slug="medical-imaging").description == "Changed in the admin."
    assert University.objects.get(slug="durham-university").city == "Changed"
    assert Guide.objects.order_by("slug").first().summary == "Changed in the admin."
    for label in ("Topics", "Universities", "Guides"):
        assert f"{label}: 0 created, 0 updated, " in output
    assert output.count(", 1 kept as editors left them") == 3


def test_update_brings_topics_universities_and_guides_back_to_the_seed():
    load()
    topic = Topic.objects.get(slug="medical-imaging")
    seed_description = topic.description
    durham = University.objects.get(slug="durham-university")
    seed_city = durham.city
    guide = Guide.objects.order_by("slug").first()
    seed_summary, seed_body_html = guide.summary, guide.body_html
    Topic.objects.filter(pk=topic.pk).update(description="Changed in the admin.")
    University.objects.filter(pk=durham.pk).update(city="Changed")
    Guide.objects.filter(pk=guide.pk).update(
        summary="Changed in the admin.", body="# Changed\n", status=Status.DRAFT
    )
    guide.topics.clear()

    output = load("--update")

    assert Topic.objects.get(pk=topic.pk).description == seed_description
    assert University.objects.get(pk=durham.pk).city == seed_city
    guide.refresh_from_db()
    assert (guide.summary, guide.body_html) == (seed_summary, seed_body_html)
    assert guide.topics.exists()  # the seed's topics, set again
    assert guide.status == Status.DRAFT  # an editor's unpublishing is never undone
    for label in ("Topics", "Universities", "Guides"):
        assert f"{label}: 0 created, 1 updated, " in output
    # And once back at the seed, a second --update changes nothing.
    again = load("--update")
    for label in ("Topics", "Universities", "Guides"):
        assert f"{label}: 0 created, 0 updated, " in again
    assert "kept as editors left them" not in again


def test_data_v3_records_a_universitys_former_domain_so_its_page_counts_as_official(client):
    load()
    city = University.objects.get(name__startswith="City St George")
    assert city.other_domains == "city.ac.uk"
    programme = Programme.objects.get(university=city, slug="health-informatics")
    assert programme.official_page.startswith("http://www.city.ac.uk/")
    text = client.get(programme.get_absolute_url()).text
    assert "Official course page<span" in text
    assert "Another site (a listing or aggregator, not the university):" in text  # studylink


def test_the_seed_reads_the_later_fact_columns_and_names_a_bad_cell(tmp_path):
    from programmes import seed

    source = Path(seed.DATA_DIR)
    header, *rows = (source / "programmes.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "universities.csv").write_text(
        (source / "universities.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "programmes.csv").write_text(
        "\n".join([header + ",next_intake,deadline_home", rows[0] + ",2027-09,2027-07-31"]),
        encoding="utf-8",
    )
    (first,) = seed.read_programmes(tmp_path)
    assert first.fields["next_intake_year"] == 2027
    assert first.fields["deadline_home"].isoformat() == "2027-07-31"
    (tmp_path / "programmes.csv").write_text(
        "\n".join([header + ",next_intake", rows[0] + ",Autumn"]), encoding="utf-8"
    )
    with pytest.raises(seed.SeedError, match="programmes.csv row 2, column next_intake: 'Autumn'"):
        seed.read_programmes(tmp_path)


def test_reference_figures_rules_and_funding_load_and_keep_an_editors_change():
    from programmes.models import FundingScheme, ReferenceFigure, ReferenceRule

    out = load()
    assert "Reference figures, rules and funding schemes: 22 created" in out
    assert (ReferenceFigure.objects.count(), ReferenceRule.objects.count()) == (9, 2)
    assert FundingScheme.objects.count() == 11
    figure = ReferenceFigure.objects.get(key="student_visa_living_costs_london")
    figure.amount_gbp = 1600  # an editor read the gov.uk page
    figure.save()
    assert "1 kept as editors left them" in load()
    figure.refresh_from_db()
    assert figure.amount_gbp == 1600
