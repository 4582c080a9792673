"""Covering indexes for the plan page's metric statement, on SQLite only.

SQLite ignores an index's INCLUDE columns (`interaction_owner_date` on PostgreSQL), so it read
every interaction of a plan's period from the table, one row lookup each, and every contact the
same way: two thirds of the statement's time. These indexes hold every column the metric
catalog reads (goals.metrics), so SQLite reads both from the index alone. PostgreSQL reads
these rows in a bitmap heap scan, and needs neither.
"""

from django.db import migrations

INDEXES = [
    (
        "interaction_metrics_sqlite",
        "contacts_interaction",
        "owner_id, occurred_on, kind, channel, initiated_by, quality, duration_minutes, outcome, "
        "outcome_value, sole_contact_id",
    ),
    (
        "contact_metrics_sqlite",
        "contacts_contact",
        "owner_id, archived, circle, next_checkin_on, strength, industry, created_at, introduced_by_id",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, table, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_page_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
