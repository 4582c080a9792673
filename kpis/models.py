"""The weekly rollup's rows: one user's numbers for one ISO week, written by `kpis.rollup`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class WeeklyKpi(models.Model):
    """One user's numbers for one ISO week, Monday to Sunday where they are: every metric of
    the catalog and each objective's progress at the week's end. Written by `kpis.rollup` (the
    Monday sweep, and `manage.py rollup_kpis --backfill`), one row per user and week, never two.

    `values` holds what the week's log says — interactions, new contacts, follow-ups — keyed by
    metric (``"outcomes"``) or metric and detail (``"outcomes.job_lead"``): recomputing them
    gives the same numbers, so a later rollup of the week overwrites them. `snapshots` holds
    what the contacts looked like when the week was first rolled up (contacts overdue, average
    strength): a later reading cannot know the past, so it never overwrites them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_kpis"
    )
    week_start = models.DateField(help_text="The Monday of the ISO week, in the user's zone.")
    values = models.JSONField(default=dict)
    snapshots = models.JSONField(default=dict)
    # [{"id", "title", "metric", "unit", "value", "target", "status", "label", …}], in plan order.
    objectives = models.JSONField(default=list)
    timezone = models.CharField(max_length=64, help_text="The zone the week's dates were read in.")
    computed_at = models.DateTimeField()

    class Meta:
        # The table the model had in goals, before it moved here: kept, so no row was copied.
        db_table = "goals_weeklykpi"
        ordering = ["user", "-week_start"]
        verbose_name = "weekly KPIs"
        verbose_name_plural = "weekly KPIs"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="weeklykpi_one_per_user_and_week"
            ),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="weeklykpi_week_starts_on_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start} for {self.user}"

    @property
    def week_end(self) -> dt.date:
        """The week's Sunday."""
        return self.week_start + dt.timedelta(days=6)

    def raw(self, key: str, detail: str = "") -> object:
        """The stored number of a metric (narrowed to `detail`), as JSON holds it."""
        name = f"{key}.{detail}" if detail else key
        return self.values[name] if name in self.values else self.snapshots.get(name)
