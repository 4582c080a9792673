"""The plan page's objective cards, drawn in Python.

Ten cards through the template language cost more than the plan's numbers take to read (each
card resolves some forty variables and reverses four URLs); here each card is one
`format_html`, with its URLs made from one reversed pattern each. The markup is the one
`goals/plan.html` had: the same classes, ids and test ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

if TYPE_CHECKING:
    from goals.views import ObjectiveRow

CARD = """
    <div class="col-md-6 col-xl-4">
      <article class="card h-100" id="objective-{pk}" data-testid="objective" aria-labelledby="objective-{pk}-title"><div class="card-body d-flex flex-column">
        <h3 class="h6 mb-1" id="objective-{pk}-title">{title}</h3>
        <div class="small text-body-secondary mb-2" data-testid="objective-measure">{measure}{audience}</div>
        <div class="progress goal-progress mb-1" role="progressbar" aria-label="Progress of {title}"
             aria-valuenow="{percent}" aria-valuemin="0" aria-valuemax="100" aria-valuetext="{label}">
          <div class="progress-bar {status_class} goal-w-{bar}"></div>
        </div>
        <p class="mb-1 goal-status-{status}" data-testid="objective-label">{label_shown}</p>
        <p class="small text-body-secondary mb-2">{start} – {last_day}</p>{targets}
        <div class="mt-auto d-flex gap-2">
          <a class="btn btn-outline-secondary btn-sm" href="{edit}">Edit<span class="visually-hidden"> {title}</span></a>
          <a class="btn btn-outline-danger btn-sm" href="{delete}">Delete<span class="visually-hidden"> {title}</span></a>
        </div>
      </div></article>
    </div>"""  # noqa: E501 (markup)
TARGETS = """
        <p class="small mb-2">With {}</p>"""


def _day(value: dt.date | None, pattern: str) -> str:
    return date_format(value, pattern) if value else ""


def objective_cards(rows: Iterable[ObjectiveRow]) -> SafeString:
    """Every row's card, in order."""
    edit = reverse("goals:objective_edit", args=[0])
    delete = reverse("goals:objective_delete", args=[0])
    contact = reverse("contacts:detail", args=[0])
    cards = []
    for row in rows:
        objective, progress = row.objective, row.progress
        targets = list(objective.targets.all())
        people = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((contact.replace("/0/", f"/{c.pk}/"), c.name) for c in targets),
        )
        audience = f", among {objective.audience_label()}" if objective.has_audience else ""
        label = progress.label if progress else ""
        cards.append(
            format_html(
                CARD,
                pk=objective.pk,
                title=objective.title,
                measure=row.measure,
                audience=audience,
                percent=progress.percent if progress else "",
                label=label,
                label_shown=capfirst(label),
                status_class=row.status_class,
                bar=row.bar,
                status=progress.status if progress else "",
                start=_day(progress.start if progress else None, "j M"),
                last_day=_day(row.last_day, "j M Y"),
                targets=format_html(TARGETS, people) if targets else "",
                edit=edit.replace("/0/", f"/{objective.pk}/"),
                delete=delete.replace("/0/", f"/{objective.pk}/"),
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 (each card built by format_html)
