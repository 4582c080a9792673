# WeeklyKpi, moved here from goals (goals/migrations/0004_weeklykpi_moves_to_kpis.py gave it
# up first, so no two models ever claim the table). Only the state changes: the model keeps
# the table goals_weeklykpi, its rows, its constraints and their names. Its content type moves
# with it, so its permissions and admin history stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label: str, *, away_from: str):  # type: ignore[no-untyped-def]
    """Moves WeeklyKpi's content type between apps (nothing to do on a new database)."""

    def move(apps, schema_editor):  # type: ignore[no-untyped-def]
        types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not types.filter(app_label=app_label, model="weeklykpi").exists():
            types.filter(app_label=away_from, model="weeklykpi").update(app_label=app_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("goals", "0004_weeklykpi_moves_to_kpis"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WeeklyKpi",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "week_start",
                            models.DateField(
                                help_text="The Monday of the ISO week, in the user's zone."
                            ),
                        ),
                        ("values", models.JSONField(default=dict)),
                        ("snapshots", models.JSONField(default=dict)),
                        ("objectives", models.JSONField(default=list)),
                        (
                            "timezone",
                            models.CharField(
                                help_text="The zone the week's dates were read in.",
                                max_length=64,
                            ),
                        ),
                        ("computed_at", models.DateTimeField()),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="weekly_kpis",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "weekly KPIs",
                        "verbose_name_plural": "weekly KPIs",
                        "db_table": "goals_weeklykpi",
                        "ordering": ["user", "-week_start"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "week_start"),
                                name="weeklykpi_one_per_user_and_week",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("week_start__iso_week_day", 1)),
                                name="weeklykpi_week_starts_on_monday",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_type_to("kpis", away_from="goals"),
            content_type_to("goals", away_from="kpis"),
            elidable=True,
        ),
    ]
