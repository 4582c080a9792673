"""The search text becomes a column the app writes, folded in Python (contacts.search), in place
of the database's upper-casing, which on SQLite knows only ASCII: "jörg" now finds "JÖRG" and
"muller" finds "Müller" on both databases. Existing rows are filled in batches; PostgreSQL's
trigram index (0004) is made again on the new column."""

from django.db import migrations

import contacts.search

BATCH = 2000


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS contact_search_trgm "
            "ON contacts_contact USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS contact_search_trgm")


def fill(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    fields = contacts.search.SEARCHED_FIELDS
    last = 0
    while True:
        rows = list(
            Contact.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH]
        )
        if not rows:
            return
        Contact.objects.bulk_update(
            [
                Contact(pk=pk, search_text=contacts.search.normalise(" ".join(texts)))
                for pk, *texts in rows
            ],
            ["search_text"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("contacts", "0011_today_indexes")]

    operations = [
        migrations.RunPython(drop_index, create_index, elidable=False),
        migrations.RemoveField(model_name="contact", name="search_text"),
        migrations.AddField(
            model_name="contact",
            name="search_text",
            field=contacts.search.SearchTextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
