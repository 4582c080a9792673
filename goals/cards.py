"""The plan page's objective cards, tactics and priorities, drawn in Python.

Ten cards through the template language cost more than the plan's numbers take to read (each
card resolves some forty variables and reverses four URLs); here each card is one formatted
string, escaped as `format_html` would (`_html`), with its URLs made from one reversed pattern
each. The tactics and priorities
are drawn the same way (each of their forms carries the page's one CSRF input). The markup is
the one the templates had: the same classes, ids and test ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from contacts.listing import MONTHS
from networkcrm.paths import path_for

if TYPE_CHECKING:
    from goals.models import Priority
    from goals.views import ObjectiveRow, TacticRow

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


def _escaped(value: Any) -> str:
    """What `conditional_escape` gives, without its check for lazy strings on every call."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape(str(value))


def _html(template: str, *args: Any, **kwargs: Any) -> SafeString:
    """`format_html`, on the standard library's escape (the same five characters)."""
    return mark_safe(  # noqa: S308 (every value escaped above)
        template.format(*map(_escaped, args), **{k: _escaped(v) for k, v in kwargs.items()})
    )


def _day(value: dt.date | None, *, year: bool = False) -> str:
    """A date as "3 Nov" (or "3 Nov 2026"), as the template's date filter wrote it."""
    if not value:
        return ""
    return f"{value.day} {MONTHS[value.month]}" + (f" {value.year}" if year else "")


def objective_cards(rows: Iterable[ObjectiveRow]) -> SafeString:
    """Every row's card, in order."""
    edit, delete = path_for("goals:objective_edit"), path_for("goals:objective_delete")
    contact = path_for("contacts:detail")
    cards = []
    for row in rows:
        objective, progress = row.objective, row.progress
        targets = list(objective.targets.all())
        people = mark_safe(  # noqa: S308 (each link built by _html)
            ", ".join(_html('<a href="{}">{}</a>', contact(c.pk), c.name) for c in targets)
        )
        audience = f", among {objective.audience_label()}" if objective.has_audience else ""
        label = progress.label if progress else ""
        cards.append(
            _html(
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
                start=_day(progress.start if progress else None),
                last_day=_day(row.last_day, year=True),
                targets=_html(TARGETS, people) if targets else "",
                edit=edit(objective.pk),
                delete=delete(objective.pk),
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 (each card built by _html)


TACTIC = """
        <li class="list-group-item{muted}" id="tactic-{pk}" data-testid="tactic">
          <div class="d-flex flex-wrap justify-content-between gap-2">
            <div>
              <span class="badge text-bg-light border">{platform}</span>
              <strong>{action}</strong>{paused}{boundaries}{objective}
            </div>
            <div class="d-flex flex-wrap gap-1 align-items-start">
              <a class="btn btn-outline-secondary btn-sm" href="{edit}">Edit<span class="visually-hidden"> {action}</span></a>
              <form method="post" action="{active_url}">{csrf}
                <input type="hidden" name="active" value="{active_value}">
                <button class="btn btn-outline-secondary btn-sm" type="submit">{pause}<span class="visually-hidden"> {action}</span></button>
              </form>
              <a class="btn btn-outline-danger btn-sm" href="{delete}">Delete<span class="visually-hidden"> {action}</span></a>
            </div>
          </div>{time}
        </li>"""  # noqa: E501 (markup)
TACTIC_TIME = """
          <div class="progress goal-progress goal-progress-thin mt-2" role="progressbar" aria-label="Time this week on {action}"
               aria-valuenow="{percent}" aria-valuemin="0" aria-valuemax="100">
            <div class="progress-bar {bar_class} goal-w-{bar}"></div>
          </div>
          <div class="small mt-1{over_class}" data-testid="tactic-time">
            {minutes} of {budget} min this week{over}
          </div>"""  # noqa: E501 (markup)
TACTIC_BUDGET = """
          <div class="small mt-1">Budget {} min a week</div>"""


def tactic_items(rows: Iterable[TacticRow], csrf: SafeString) -> SafeString:
    """Every tactic's list item, in order; each row's tactic has its `*_url` set."""
    items = []
    for row in rows:
        tactic, time = row.tactic, row.time
        objective = tactic.objective if tactic.objective_id else None
        if time is not None:
            over = time.over_budget
            spent = _html(
                TACTIC_TIME,
                action=tactic.action,
                percent=time.percent,
                bar_class="bg-danger" if over else "bg-info",
                bar=row.bar,
                over_class=" text-danger fw-semibold" if over else "",
                minutes=time.minutes,
                budget=tactic.minutes_per_week,
                over=" — over budget" if over else "",
            )
        else:
            spent = _html(TACTIC_BUDGET, tactic.minutes_per_week)
        items.append(
            _html(
                TACTIC,
                muted="" if tactic.active else " text-body-secondary",
                pk=tactic.pk,
                platform=tactic.get_platform_display(),  # type: ignore[attr-defined]
                action=tactic.action,
                paused=""
                if tactic.active
                else mark_safe(' <span class="badge text-bg-secondary">Paused</span>'),
                boundaries=_html(
                    '\n              <div class="small">Boundaries: {}</div>', tactic.boundaries
                )
                if tactic.boundaries
                else "",
                objective=_html(
                    '\n              <div class="small text-body-secondary">For “{}”</div>',
                    objective.title,
                )
                if objective is not None
                else "",
                edit=tactic.edit_url,  # type: ignore[attr-defined]
                active_url=tactic.active_url,  # type: ignore[attr-defined]
                delete=tactic.delete_url,  # type: ignore[attr-defined]
                csrf=csrf,
                active_value="0" if tactic.active else "1",
                pause="Pause" if tactic.active else "Resume",
                time=spent,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by _html)


PRIORITY = """
    <li class="list-group-item d-flex align-items-start gap-2" id="priority-{pk}" data-testid="priority">
  <div class="d-flex flex-column flex-md-row flex-grow-1 justify-content-between align-items-md-center gap-2 priority-row">
  <span>
    {label}{objective}{contact}
  </span>
  <span class="d-flex flex-shrink-0 gap-1">
    <form method="post" action="{move}" hx-post="{move}" hx-target="#priorities" hx-swap="outerHTML">{csrf}
      <input type="hidden" name="direction" value="up">
      <button class="btn btn-outline-secondary btn-sm" type="submit" data-direction="up" title="Move up"{first}><span aria-hidden="true">↑</span><span class="visually-hidden">Move “{name}” up</span></button>
    </form>
    <form method="post" action="{move}" hx-post="{move}" hx-target="#priorities" hx-swap="outerHTML">{csrf}
      <input type="hidden" name="direction" value="down">
      <button class="btn btn-outline-secondary btn-sm" type="submit" data-direction="down" title="Move down"{last}><span aria-hidden="true">↓</span><span class="visually-hidden">Move “{name}” down</span></button>
    </form>
    <form method="post" action="{not_now_url}" hx-post="{not_now_url}" hx-target="#priorities" hx-swap="outerHTML">{csrf}
      <input type="hidden" name="not_now" value="{not_now_value}">
      <button class="btn btn-outline-secondary btn-sm" type="submit">{not_now_label}<span class="visually-hidden"> “{name}”</span></button>
    </form>
    <a class="btn btn-outline-secondary btn-sm" href="{edit}">Edit<span class="visually-hidden"> “{name}”</span></a>
  </span>
  </div>
</li>"""  # noqa: E501 (markup)


def priority_items(priorities: list[Priority], csrf: SafeString) -> SafeString:
    """One list's items (focus or not now), in order; each priority has its `*_url` set."""
    items = []
    last = len(priorities) - 1
    for index, priority in enumerate(priorities):
        name = str(priority)
        objective = priority.objective if priority.objective_id else None
        contact = priority.contact if priority.contact_id else None
        with_contact: SafeString | str = ""
        if contact is not None:
            joiner = (
                mark_safe('<span class="small text-body-secondary">· with</span> ')
                if priority.text or objective is not None
                else ""
            )
            with_contact = _html(
                '{}<a class="small" href="{}">{}</a>',
                joiner,
                priority.contact_url,  # type: ignore[attr-defined]
                contact.name,
            )
        items.append(
            _html(
                PRIORITY,
                pk=priority.pk,
                label=priority.text or name,
                objective=_html(
                    '<span class="small text-body-secondary">· for “{}”</span>', objective.title
                )
                if objective is not None and priority.text
                else "",
                contact=with_contact,
                move=priority.move_url,  # type: ignore[attr-defined]
                not_now_url=priority.not_now_url,  # type: ignore[attr-defined]
                edit=priority.edit_url,  # type: ignore[attr-defined]
                csrf=csrf,
                first=mark_safe(" disabled") if index == 0 else "",
                last=mark_safe(" disabled") if index == last else "",
                name=name,
                not_now_value="0" if priority.not_now else "1",
                not_now_label="Back to focus" if priority.not_now else "Not now",
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by _html)
