"""Full-text search: the index table, topics' "also known as" terms and search synonyms.

The index table ``programmes_search`` takes a different form on each database (see
programmes/search/), so it is created here by vendor, not by the ORM (its model is unmanaged):

- SQLite: an FTS5 virtual table (porter stemming over unicode61 with diacritics removed).
- PostgreSQL: the ``unaccent`` extension (trusted since PostgreSQL 13: a database owner may
  create it; see docs/deploy.md), a table holding a tsvector per programme and a GIN index.

Existing programmes are indexed at the end, so an upgraded database searches straight away.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_CREATE = [
    # programme_id repeats the rowid in a column FTS5 cannot look up: joins on it make SQLite
    # run the MATCH once and fetch programmes by key, never one MATCH per programme (a join on
    # rowid lets the planner choose the latter: 60 s instead of 50 ms at 20,000 programmes).
    "CREATE VIRTUAL TABLE programmes_search USING fts5("
    "programme_id UNINDEXED, title, organisation, summary, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS programmes_search"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TABLE programmes_search ("
    "programme_id bigint PRIMARY KEY, programmes_search tsvector NOT NULL)",
    # Every search: WHERE programmes_search @@ to_tsquery(...).
    "CREATE INDEX programmes_search_gin ON programmes_search USING gin (programmes_search)",
]
# The extension stays: other objects may use it, and dropping it needs its owner.
POSTGRES_DROP = ["DROP TABLE IF EXISTS programmes_search"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_index_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)


def drop_index_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


# Frozen copies of programmes.search.index's document_parts and write_entries as they were when
# this migration was written: a migration must not import live code, which may change.
SQLITE_INSERT = (
    "INSERT INTO programmes_search (rowid, programme_id, title, organisation, summary, body) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
POSTGRES_UPSERT = (
    "INSERT INTO programmes_search (programme_id, programmes_search) VALUES (%s, "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'A') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'B') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'D')) "
    "ON CONFLICT (programme_id) DO UPDATE SET programmes_search = EXCLUDED.programmes_search"
)


def document_parts(*, title, award, university_name, short_name, city, topic_names, summary,
                   description, modes=()):
    organisation = " ".join(p for p in (university_name, short_name, city, award, *modes) if p)
    topics = " ".join(sorted(topic_names))
    return (title, f"{organisation} {topics}".strip(), summary or "", description or "")


def write_entries(db, rows, *, fresh=False):
    # Only ever called on a fresh table here, so no old entries to delete first.
    if not rows:
        return
    values = [(pk, *(part.replace("\x00", " ") for part in parts)) for pk, parts in rows]
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.executemany(SQLITE_INSERT, [(v[0], *v) for v in values])
        elif db.vendor == "postgresql":
            cursor.executemany(POSTGRES_UPSERT, values)


def index_existing_programmes(apps, schema_editor):
    db = schema_editor.connection
    if db.vendor not in ("sqlite", "postgresql"):
        return
    Programme = apps.get_model("programmes", "Programme")
    queryset = (
        Programme.objects.using(db.alias)
        .select_related("university")
        .prefetch_related("topics")
        .order_by("pk")
    )
    rows = []
    for programme in queryset.iterator(chunk_size=1000):
        university = programme.university
        parts = document_parts(
            title=programme.title,
            award=programme.award,
            university_name=university.name,
            short_name=university.short_name,
            city=university.city,
            topic_names=[t.name for t in programme.topics.all()],
            summary=programme.summary,
            description=programme.description,
            modes=[
                label
                for flag, label in (
                    (programme.offers_full_time, "Full-time"),
                    (programme.offers_part_time, "Part-time"),
                    (programme.offers_online, "Online / distance"),
                )
                if flag
            ],
        )
        rows.append((programme.pk, parts))
        if len(rows) == 1000:
            write_entries(db, rows, fresh=True)
            rows = []
    write_entries(db, rows, fresh=True)


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0006_sources'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgrammeSearch',
            fields=[
                ('programme', models.OneToOneField(db_column='programme_id', db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='programmes.programme')),
                ('document', models.TextField(db_column='programmes_search', editable=False)),
            ],
            options={
                'verbose_name': 'programme search entry',
                'verbose_name_plural': 'programme search entries',
                'db_table': 'programmes_search',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('updated', models.DateTimeField(auto_now=True)),
                ('terms', models.CharField(help_text="Two or more terms that mean the same to a student, separated by semicolons, e.g. 'artificial intelligence; AI'. A search for one finds the others.", max_length=300, unique=True)),
            ],
            options={
                'verbose_name': 'search synonym',
                'verbose_name_plural': 'search synonyms',
                'ordering': ['terms'],
            },
        ),
        migrations.AddField(
            model_name='topic',
            name='also_known_as',
            field=models.CharField(blank=True, help_text="Other names and abbreviations students search for, separated by semicolons, e.g. 'ML; statistical learning'. A search for any of them also finds this topic's name.", max_length=300, verbose_name='also known as'),
        ),
        migrations.RunPython(create_index_table, drop_index_table),
        migrations.RunPython(index_existing_programmes, migrations.RunPython.noop),
    ]
