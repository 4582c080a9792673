"""Trigram indexes for the contact list's search, on PostgreSQL only.

A search is a substring match (LIKE '%word%'), which an ordinary B-tree cannot serve. A GIN
trigram index can; SQLite has none and scans, which is fine at its scale.
"""

from django.db import migrations

INDEXES = [
    ("contact_search_trgm", "contacts_contact", "search_text gin_trgm_ops"),
    ("contactemail_address_trgm", "contacts_contactemail", "(UPPER(address::text)) gin_trgm_ops"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_contact_search_text")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
