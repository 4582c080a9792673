"""SQLite's covering index of what the metric catalog reads of interactions (0009, 0010, 0013)
gains where an interaction happened — its community, event and piece of content — which the
catalog's events, communities and content metrics read. Made again whole, which also restores
it if adding those columns rebuilt the table on SQLite."""

from importlib import import_module

from django.db import migrations

BEFORE = import_module("contacts.migrations.0013_met_on_in_sqlite_metric_index").INDEXES
PLACES = ", community_id, event_id, piece_id"
INDEXES = [
    (name, table, columns + (PLACES if table == "contacts_interaction" else ""))
    for name, table, columns in BEFORE
]
_recreate = import_module("contacts.migrations.0013_met_on_in_sqlite_metric_index")._recreate


def forwards(apps, schema_editor):
    _recreate(schema_editor, INDEXES)


def backwards(apps, schema_editor):
    _recreate(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0016_interaction_piece")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
