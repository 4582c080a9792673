from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.formats import date_format

from communities.models import Community
from contacts.forms import NoFormTagMixin
from contacts.models import Circle, Contact, Tag
from goals.metrics import CATALOG
from goals.models import (
    MAX_TACTIC_MINUTES,
    GoalPlan,
    Objective,
    Period,
    Platform,
    Priority,
    Tactic,
)
from networkcrm.forms import DayField, picked_contacts

SINGULAR = {
    "interactions": "interaction",
    "connections": "connection",
    "contacts": "contact",
    "introductions": "introduction",
    "outcomes": "outcome",
}
SOURCES = {
    "interactions": "From what you log",
    "contacts": "From your contacts",
    "followups": "From your follow-ups",
    "pieces": "From what you share",
}
METRIC_HELP = "Every measure is computed from your network; you never type a number in."
CIRCLE_NAMES = ", ".join(label.lower() for _, label in Circle.choices)


def metric_choices() -> list[Any]:
    """The catalog's metrics, grouped by where their numbers come from."""
    groups = [
        (label, [(m.key, m.label) for m in CATALOG.values() if m.source == source])
        for source, label in SOURCES.items()
    ]
    return [("", "Choose a measure…"), *groups]


def detail_choices() -> list[Any]:
    """The narrowing options of each metric that takes one, grouped under its label."""
    return [
        ("", "Any"),
        *((m.label, list(m.details)) for m in CATALOG.values() if m.details),
    ]


class MetricSelect(forms.Select):
    """Each option carries its metric's help and whether it can be narrowed (goals.js)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if metric := CATALOG.get(str(value)):
            option["attrs"]["data-help"] = metric.help
            option["attrs"]["data-details"] = "true" if metric.details else "false"
        return option


class DetailSelect(forms.Select):
    """Each option says which metric it narrows, so goals.js shows only the chosen one's."""

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> list[Any]:
        keys = {m.label: m.key for m in CATALOG.values()}
        groups = super().optgroups(name, value, attrs)
        for group_name, options, _ in groups:
            for option in options:
                if group_name in keys:
                    option["attrs"]["data-metric"] = keys[group_name]
        return groups


def tag_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        label="Tagged",
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these tags; none picked means any tag.",
        error_messages={
            "invalid_choice": "Pick tags from your own list: one of these is not yours.",
            "invalid_pk_value": "Pick tags from your own list: one of these is not yours.",
        },
    )


def owner_tags(field: forms.Field, owner: Any) -> None:
    field.queryset = Tag.objects.filter(owner=owner)
    if not field.queryset.exists():
        field.help_text = "You have no tags yet: tag your contacts to aim at a group of them."


def circle_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=Circle.choices,
        required=False,
        label="In the circles",
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these circles; none picked means every circle.",
        error_messages={
            "invalid_choice": f"%(value)s is not a circle; the circles are {CIRCLE_NAMES}."
        },
    )


class VersionedForm(NoFormTagMixin, forms.ModelForm):
    """Carries the version (`updated_at`) of the row it was opened on; see goals.services."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    noun = "item"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def clean_version(self) -> dt.datetime | None:
        text = self.cleaned_data.get("version", "").strip()
        if not self.instance.pk:
            return None
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            # Hidden, so said above the form rather than beside the field.
            self.add_error(
                None, "This form is out of date. Reload the page and make your change again."
            )
            return None

    def refuse_stale(self, current: dt.datetime | None) -> None:
        """Says nothing was saved; the next save, a deliberate one, may replace theirs."""
        if current is None:
            self.add_error(None, f"This {self.noun} was deleted elsewhere, so nothing was saved.")
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current.isoformat()
        self.add_error(
            None,
            f"This {self.noun} was changed in another tab or on another device after you opened "
            "it, so nothing was saved. Your changes are still below: save again to replace the "
            "other version with yours, or reload the page to see it.",
        )


class PlanForm(VersionedForm):
    """The plan's name and purpose: who, why, what, and the audience they describe."""

    noun = "plan"
    audience_tags = tag_field()
    audience_circles = circle_field()

    class Meta:
        model = GoalPlan
        fields = [
            "name",
            "purpose_who",
            "purpose_why",
            "purpose_what",
            "audience_tags",
            "audience_circles",
            "audience_industry",
        ]
        labels = {
            "name": "Plan name",
            "purpose_who": "Who do you want to reach?",
            "purpose_why": "Why do you want to engage with them?",
            "purpose_what": "What do you want to communicate or accomplish?",
            "audience_industry": "In the industry",
        }
        help_texts = {
            "purpose_who": "Colleagues, associates, clients, customers, people in a field…",
            "purpose_why": "What they can do for you, and you for them, right now.",
            "purpose_what": "The message, the ask, the result.",
            "audience_industry": "As written on your contacts, e.g. Fintech.",
        }
        widgets = {
            "purpose_who": forms.Textarea(attrs={"rows": 2}),
            "purpose_why": forms.Textarea(attrs={"rows": 2}),
            "purpose_what": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_tags(self.fields["audience_tags"], owner)
        self.helper.layout = Layout(
            "name",
            "purpose_who",
            "purpose_why",
            "purpose_what",
            Fieldset(
                "Your audience, among your contacts",
                Row(
                    Column("audience_circles", css_class="col-md-4"),
                    Column("audience_tags", css_class="col-md-4"),
                    Column("audience_industry", css_class="col-md-4"),
                ),
                css_class="goal-fieldset",
            ),
            "version",
        )


class ObjectiveForm(VersionedForm):
    """A measurable objective: a catalog metric, narrowed or not, a target and a period."""

    noun = "objective"
    metric = forms.ChoiceField(
        label="Measured by",
        choices=metric_choices,
        widget=MetricSelect(attrs={"data-metric-select": "true"}),
        help_text=METRIC_HELP,
        error_messages={
            "required": "Pick the measure that tells you how it is going.",
            "invalid_choice": "Pick a measure from the list.",
        },
    )
    detail = forms.ChoiceField(
        label="Only",
        choices=detail_choices,
        required=False,
        widget=DetailSelect,
        error_messages={"invalid_choice": "Pick one of the options in the list."},
    )
    audience_tags = tag_field()
    audience_circles = circle_field()
    audience_communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.none(),
        required=False,
        label="Met in the communities",
        widget=forms.CheckboxSelectMultiple,
        help_text="Members of any of these; none picked means anyone.",
        error_messages={
            "invalid_choice": "Pick communities from your own list: one of these is not yours.",
            "invalid_pk_value": "Pick communities from your own list: one of these is not yours.",
        },
    )
    targets = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Target contacts",
        help_text="The people this objective is about, if any.",
        error_messages={
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    class Meta:
        model = Objective
        field_classes = {"starts_on": DayField, "due_on": DayField}
        fields = [
            "title",
            "metric",
            "detail",
            "target",
            "period",
            "starts_on",
            "due_on",
            "audience_tags",
            "audience_circles",
            "audience_industry",
            "audience_communities",
            "targets",
        ]
        labels = {
            "title": "What do you want to achieve?",
            "period": "Per",
            "starts_on": "From",
            "due_on": "Due by",
            "audience_industry": "In the industry",
        }
        help_texts = {
            "title": "In your words, e.g. “Meet people in fintech”.",
            "starts_on": "For a goal by a date; empty means the day the plan started.",
            "due_on": "For a goal by a date.",
            "audience_industry": "As written on your contacts, e.g. Fintech.",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "target": forms.NumberInput(attrs={"min": "0.01", "step": "any"}),
        }
        error_messages = {
            "title": {"required": "Say in a few words what you want to achieve."},
            "target": {"required": "Set a target: the number you want to reach."},
            "starts_on": {"invalid": "Enter the date as YYYY-MM-DD."},
            "due_on": {"invalid": "Enter the date as YYYY-MM-DD."},
        }

    def __init__(self, *args: Any, owner: Any, plan_start: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_start = plan_start
        owner_tags(self.fields["audience_tags"], owner)
        self.fields["audience_communities"].queryset = Community.objects.filter(owner=owner)
        contacts = Contact.objects.owned_by(owner).only("first_name", "last_name", "display_name")
        self.fields["targets"].queryset = contacts
        # Render only the chosen contacts (a network can hold thousands); the picker adds
        # more by search. Validation still accepts any of the owner's contacts.
        self.fields["targets"].widget = forms.CheckboxSelectMultiple(
            choices=picked_contacts(
                self,
                "targets",
                contacts,
                self.instance.targets.values_list("pk", flat=True) if self.instance.pk else (),
            )
        )
        if metric := CATALOG.get(str(self["metric"].value() or "")):
            self.fields["metric"].help_text = metric.help
        self.helper.layout = Layout(
            "title",
            Row(
                Column("metric", css_class="col-md-5"),
                Column("detail", css_class="col-md-4"),
                Column("target", css_class="col-md-3"),
            ),
            Row(
                Column("period", css_class="col-md-4"),
                Column("starts_on", css_class="col-md-4"),
                Column("due_on", css_class="col-md-4"),
            ),
            Fieldset(
                "Among your contacts (optional)",
                Row(
                    Column("audience_circles", css_class="col-md-3"),
                    Column("audience_tags", css_class="col-md-3"),
                    Column("audience_communities", css_class="col-md-3"),
                    Column("audience_industry", css_class="col-md-3"),
                ),
                css_class="goal-fieldset",
            ),
            "version",
        )

    def clean_target(self) -> Decimal:
        target = self.cleaned_data["target"]
        if target is not None and target <= 0:
            raise forms.ValidationError("The target must be more than zero.")
        return target

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        metric = CATALOG.get(cleaned.get("metric", ""))
        detail = cleaned.get("detail", "")
        if metric and detail and detail not in dict(metric.details):
            if metric.details:
                options = ", ".join(str(label).lower() for _, label in metric.details)
                message = f"{metric.label} can be narrowed to one of: {options}."
            else:
                message = f"{metric.label} cannot be narrowed; leave this at “Any”."
            self.add_error("detail", message)
        target = cleaned.get("target")
        if metric and target and metric.unit in ("percent", "score") and target > 100:
            what = "A share" if metric.unit == "percent" else "A strength"
            self.add_error("target", f"{what} is at most 100.")
        self.clean_dates(cleaned)
        return cleaned

    def clean_dates(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("period") != Period.BY_DATE:
            # Only a period by a date has dates of its own; the others follow the calendar.
            cleaned["starts_on"] = cleaned["due_on"] = None
            return
        due_on, starts_on = cleaned.get("due_on"), cleaned.get("starts_on")
        if "due_on" in self.errors or "starts_on" in self.errors:
            return
        if due_on is None:
            self.add_error("due_on", "A goal by a date needs a due date.")
        elif starts_on and due_on < starts_on:
            self.add_error("due_on", "The due date cannot be before the start date.")
        elif not starts_on and due_on < self.plan_start:
            self.add_error(
                "due_on",
                f"The due date cannot be before the plan started ({date_format(self.plan_start)}).",
            )


class TacticForm(VersionedForm):
    noun = "tactic"

    class Meta:
        model = Tactic
        fields = ["platform", "action", "minutes_per_week", "boundaries", "objective", "community"]
        labels = {
            "community": "In the community",
            "platform": "Where",
            "action": "What will you do?",
            "minutes_per_week": "Minutes a week",
            "boundaries": "Boundaries",
            "objective": "Serves the objective",
        }
        help_texts = {
            "action": "e.g. one coffee a week, five LinkedIn comments.",
            "minutes_per_week": "The time you can realistically give it; at most 40 hours.",
        }
        widgets = {"minutes_per_week": forms.NumberInput(attrs={"min": 1, "max": 2400})}
        error_messages = {
            "platform": {"required": "Pick where this happens."},
            "action": {"required": "Say what you will do."},
            "minutes_per_week": {"required": "How many minutes a week will you give it?"},
        }

    def __init__(self, *args: Any, plan: GoalPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", "Choose…"), *Platform.choices]
        if "objective" in self.fields:
            objectives = plan.objectives.all() if plan else Objective.objects.none()
            self.fields["objective"].queryset = objectives
            self.fields["objective"].empty_label = "None in particular"
            self.fields["objective"].error_messages["invalid_choice"] = (
                "Pick one of this plan's objectives."
            )
        if "community" in self.fields:
            self.fields["community"].queryset = (
                Community.objects.filter(owner_id=plan.owner_id)
                if plan
                else Community.objects.none()
            )
            self.fields["community"].empty_label = "None in particular"
            self.fields["community"].error_messages["invalid_choice"] = (
                "Pick one of your own communities."
            )

    def clean_minutes_per_week(self) -> int:
        minutes = self.cleaned_data["minutes_per_week"]
        if minutes > MAX_TACTIC_MINUTES:
            raise forms.ValidationError("At most 40 hours a week (2,400 minutes).")
        if minutes < 1:
            raise forms.ValidationError("Give it at least one minute a week.")
        return minutes


class PriorityForm(NoFormTagMixin, forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["text", "objective", "contact", "not_now"]
        labels = {
            "text": "Priority",
            "objective": "About the objective",
            "contact": "About the contact",
            "not_now": "Not now: decided against, for the time being",
        }
        help_texts = {"text": "What you will focus on, in a few words."}

    def __init__(self, *args: Any, plan: GoalPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all()
        self.fields["objective"].empty_label = "—"
        self.fields["objective"].error_messages["invalid_choice"] = (
            "Pick one of this plan's objectives."
        )
        self.fields["contact"].queryset = (
            Contact.objects.owned_by(plan.owner_id)
            .active()
            .only("first_name", "last_name", "display_name")
        )
        self.fields["contact"].empty_label = "—"
        self.fields["contact"].error_messages["invalid_choice"] = (
            "That contact is not in your network."
        )
        if self.instance.pk:
            del self.fields["not_now"]  # moved with the list's own button

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["text"] = cleaned.get("text", "").strip()
        says_something = cleaned["text"] or cleaned.get("objective") or cleaned.get("contact")
        if not says_something and not self.errors:
            self.add_error(
                "text", "Write what this priority is, or pick an objective or a contact."
            )
        return cleaned


# --- The guided setup: the same rules, fewer fields -------------------------------------


class SetupPurposeForm(PlanForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.helper.layout.fields.remove("version")


class SetupObjectiveForm(ObjectiveForm):
    LEFT_OUT = (
        "version",
        "starts_on",
        "targets",
        "audience_tags",
        "audience_circles",
        "audience_industry",
        "audience_communities",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.LEFT_OUT:
            del self.fields[name]
        self.helper.layout = Layout(
            "title",
            Row(
                Column("metric", css_class="col-md-5"),
                Column("detail", css_class="col-md-4"),
                Column("target", css_class="col-md-3"),
            ),
            Row(Column("period", css_class="col-md-6"), Column("due_on", css_class="col-md-6")),
        )


class SetupPriorityForm(NoFormTagMixin, forms.Form):
    text = forms.CharField(label="Priority", max_length=200, required=False)  # empty: left out
    not_now = forms.BooleanField(
        label="Not now",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class SetupTacticForm(TacticForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        del self.fields["objective"]
        del self.fields["community"]
        self.helper.layout = Layout(
            Row(
                Column("platform", css_class="col-md-4"),
                Column("action", css_class="col-md-8"),
            ),
            Row(
                Column("minutes_per_week", css_class="col-md-4"),
                Column("boundaries", css_class="col-md-8"),
            ),
        )


class SetupFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


def setup_formset(form: type[forms.BaseForm], extra: int = 1) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        formset=SetupFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=12,
        validate_max=True,
    )


def describe_measure(objective: Objective) -> str:
    """In words: "6 meaningful connections per month", "Offline share: at least 50% per week"."""
    metric = CATALOG.get(objective.metric)
    if metric is None:
        return objective.metric
    target = Decimal(objective.target)
    number = f"{target:.0f}" if target == target.to_integral_value() else f"{target:.2f}"
    number += {"percent": "%", "minutes": " min"}.get(metric.unit, "")
    what = metric.label.lower()
    if target == 1:
        what = " ".join(SINGULAR.get(word, word) for word in what.split())
    if objective.detail:
        what += f" ({str(dict(metric.details).get(objective.detail, objective.detail)).lower()})"
    if objective.period == Period.BY_DATE:
        when = f"by {date_format(objective.due_on)}" if objective.due_on else "by a date"
    else:
        when = str(Period(objective.period).label)
    if metric.lower_is_better:
        return f"{what.capitalize()}: at most {number} {when}"
    if not metric.cumulative:
        return f"{what.capitalize()}: at least {number} {when}"
    return f"{number} {what} {when}"
