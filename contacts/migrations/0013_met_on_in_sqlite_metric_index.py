"""SQLite's covering index of what the metric catalog reads of contacts (0009, 0010) gains
`met_on`: new contacts are now counted by the day you met them (goals.metrics `new_contacts`).
Made again whole, which also restores it after 0012 rebuilt the table on SQLite."""

from importlib import import_module

from django.db import migrations

BEFORE = import_module("contacts.migrations.0010_private_interactions_count_nowhere").INDEXES
INDEXES = [
    (name, table, columns + (", met_on" if name == "contact_metrics_sqlite" else ""))
    for name, table, columns in BEFORE
]


def _recreate(schema_editor, indexes):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, table, columns in indexes:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def forwards(apps, schema_editor):
    _recreate(schema_editor, INDEXES)


def backwards(apps, schema_editor):
    _recreate(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0012_search_text_folded")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
