"""PostgreSQL: ``portal_unaccent(text)``, ``unaccent`` declared IMMUTABLE, for search queries.

``unaccent`` is only STABLE, so ``to_tsquery('english', unaccent('...'))`` in a WHERE clause is
not a constant to the planner: it may be evaluated once per row filtered (a broad search at
20,000 programmes spent 60 ms per match instead of 6), and the planner cannot estimate how many
rows match (it chose nested loops over 13,000 matches). Through an IMMUTABLE wrapper the query
is folded to a constant tsquery when the statement is planned. The wrapper names the
extension's own schema and dictionary, so the search path at call time does not matter. The
stored tsvectors are unchanged (they are written with ``unaccent`` itself: the same function).

SQLite: nothing (FTS5 removes diacritics itself).
"""

from django.db import migrations


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION portal_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS portal_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0018_catalogue_counts_changes"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function, elidable=False),
    ]
