"""The stored catalogue index a search counts and ranks from (programmes/counts.py,
programmes/indexed_search.py). Built by the next catalogue write or by
``manage.py rebuild_catalogue_counts``; until then searches count in SQL, as before."""

from django.db import migrations, models


def store_uncompressed(apps, schema_editor):
    """On PostgreSQL, keep the index out of line but uncompressed: it is read whole by every
    search, and undoing PostgreSQL's own compression cost 6 ms of the 10 its read took at
    20,000 programmes (3 without)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE programmes_cataloguecounts ALTER COLUMN "index" SET STORAGE EXTERNAL'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0019_search_immutable_unaccent"),
    ]

    operations = [
        migrations.AddField(
            model_name="cataloguecounts",
            name="index",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(store_uncompressed, migrations.RunPython.noop),
    ]
