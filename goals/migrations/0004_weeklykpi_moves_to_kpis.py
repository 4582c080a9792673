# WeeklyKpi moves to the kpis app (kpis/migrations/0001_initial.py takes it over). Only the
# state changes: the table goals_weeklykpi, its rows and its constraints stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_weeklykpi"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WeeklyKpi")],
            database_operations=[],
        ),
    ]
