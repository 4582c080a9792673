"""A goal plan in four parts: purpose, objectives, priorities and tactics.

One plan per user is active (``ended_on`` empty); earlier plans stay as history with their dates.
Progress is never stored here: `goals.progress` computes it from the network through the metric
catalog in `goals.metrics`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from communities.models import Community
from contacts.models import Channel, Circle, Contact, Tag

MAX_TACTIC_MINUTES = 40 * 60  # a tactic's weekly budget: at most 40 hours
REVIEW_EVERY = dt.timedelta(days=30)  # the monthly "review your priorities and tactics" nudge


class Template(models.TextChoices):
    BLANK = "blank", "Blank plan"
    JOB_SEARCH = "job_search", "Job search"
    CONSULTING = "consulting", "Grow a consulting practice"
    THOUGHT_LEADERSHIP = "thought_leadership", "Build thought leadership"
    SWITCH_INDUSTRIES = "switch_industries", "Switch industries"


class Period(models.TextChoices):
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    QUARTER = "quarter", "per quarter"
    BY_DATE = "by_date", "by a date"


class Audience(models.Model):
    """A set of contacts described by filters: any of the tags, any of the circles, an industry.

    Empty filters match every contact; each filter that is set narrows the set.
    """

    audience_tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", verbose_name="audience tags"
    )
    audience_circles = models.JSONField(
        "audience circles", default=list, blank=True, help_text="Circle values, e.g. ['inner']."
    )
    audience_industry = models.CharField("audience industry", max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def has_audience(self) -> bool:
        return bool(self.audience_circles or self.audience_industry or self._audience_tag_ids())

    def _audience_tags(self) -> list[Tag]:
        """The audience's tags; from `prefetch_related("audience_tags")` when there is one."""
        return list(self.audience_tags.all()) if self.pk else []

    def _audience_tag_ids(self) -> list[int]:
        return [tag.pk for tag in self._audience_tags()]

    def audience_q(self) -> Q:
        """The contacts in this audience, as a filter on Contact."""
        q = Q()
        if self.audience_circles:
            q &= Q(circle__in=list(self.audience_circles))
        if self.audience_industry:
            q &= Q(industry__iexact=self.audience_industry)
        if tag_ids := self._audience_tag_ids():
            # An uncorrelated IN, which the database reads once and hashes, where an EXISTS
            # would probe the links once for every contact.
            tagged = Contact.tags.through.objects.filter(tag__in=sorted(tag_ids))
            q &= Q(pk__in=tagged.values("contact_id"))
        return q

    def audience_label(self) -> str:
        parts = []
        if tags := self._audience_tags():
            parts.append("tagged " + " or ".join(tag.name for tag in tags))
        if self.audience_circles:
            labels = dict(Circle.choices)
            parts.append(
                "in the "
                + " or ".join(str(labels.get(c, c)) for c in self.audience_circles)
                + " circle"
            )
        if self.audience_industry:
            parts.append(f"in {self.audience_industry}")
        return "contacts " + ", ".join(parts) if parts else "everyone"


class GoalPlanQuerySet(models.QuerySet["GoalPlan"]):
    def active(self) -> GoalPlanQuerySet:
        return self.filter(ended_on__isnull=True)


class GoalPlan(Audience):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goal_plans"
    )
    name = models.CharField(max_length=120, default="My networking plan")
    template = models.CharField(max_length=24, choices=Template.choices, default=Template.BLANK)
    # Purpose: who, why, and what to communicate or accomplish.
    purpose_who = models.TextField("who", blank=True, help_text="The people you want to reach.")
    purpose_why = models.TextField("why", blank=True, help_text="Why they matter to you now.")
    purpose_what = models.TextField(
        "what", blank=True, help_text="What you want to communicate or accomplish."
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(ended_on__isnull=True),
                name="goalplan_one_active_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def review_due(self, now: dt.datetime) -> bool:
        """Whether it is time for the monthly review of priorities and tactics."""
        return self.reviewed_at is None or now - self.reviewed_at > REVIEW_EVERY


class Objective(Audience):
    """Specific and measurable: a catalog metric, a target and a period, for an audience."""

    plan = models.ForeignKey(GoalPlan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    metric = models.CharField(max_length=40)
    # The kind, channel, outcome or circle a metric is narrowed to, when it takes one.
    detail = models.CharField(max_length=24, blank=True)
    target = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.MONTH)
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    targets = models.ManyToManyField(
        Contact, blank=True, related_name="objectives", verbose_name="target contacts"
    )
    # The audience's communities: contacts who are members of any of them.
    audience_communities = models.ManyToManyField(
        Community, blank=True, related_name="+", verbose_name="audience communities"
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the version an edit form carries

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="objective_target_positive"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=models.F("starts_on")),
                name="objective_due_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(period="by_date") | Q(due_on__isnull=False),
                name="objective_by_date_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _audience_communities(self) -> list[Community]:
        """From `prefetch_related("audience_communities")` when there is one."""
        return list(self.audience_communities.all()) if self.pk else []

    @property
    def has_audience(self) -> bool:
        return super().has_audience or bool(self._audience_communities())

    def audience_q(self) -> Q:
        q = super().audience_q()
        if communities := self._audience_communities():
            # As for tags: an uncorrelated IN over the memberships.
            members = Community.members.through.objects.filter(
                community__in=sorted(c.pk for c in communities)
            )
            q &= Q(pk__in=members.values("contact_id"))
        return q

    def audience_label(self) -> str:
        label = super().audience_label()
        if not (communities := self._audience_communities()):
            return label
        met = "met in " + " or ".join(c.name for c in communities)
        return "contacts " + met if label == "everyone" else f"{label}, {met}"


class Priority(models.Model):
    """One line of the ordered focus list, or of the explicit *not now* list."""

    plan = models.ForeignKey(GoalPlan, on_delete=models.CASCADE, related_name="priorities")
    text = models.CharField(max_length=200, blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="priorities"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="priorities"
    )
    not_now = models.BooleanField("not now", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["not_now", "position", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | Q(objective__isnull=False) | Q(contact__isnull=False),
                name="priority_says_something",
            ),
        ]

    def __str__(self) -> str:
        if self.objective_id:
            return str(self.objective)
        if self.contact_id:
            return str(self.contact)
        return self.text


class Platform(models.TextChoices):
    """Where a tactic happens; the channels of an interaction, plus tools that are not one."""

    IN_PERSON = Channel.IN_PERSON.value, "In person"
    PHONE = Channel.PHONE.value, "Phone"
    VIDEO = Channel.VIDEO.value, "Video"
    EMAIL = Channel.EMAIL.value, "E-mail"
    LINKEDIN = Channel.LINKEDIN.value, "LinkedIn"
    X = Channel.X.value, "X"
    FACEBOOK = Channel.FACEBOOK.value, "Facebook"
    INSTAGRAM = Channel.INSTAGRAM.value, "Instagram"
    EVENT = Channel.EVENT.value, "Events"
    OTHER = Channel.OTHER.value, "Other tool"


class Tactic(models.Model):
    plan = models.ForeignKey(GoalPlan, on_delete=models.CASCADE, related_name="tactics")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    action = models.CharField(max_length=200, help_text="e.g. one coffee a week")
    minutes_per_week = models.PositiveIntegerField(
        "minutes per week",
        default=60,
        validators=[MaxValueValidator(MAX_TACTIC_MINUTES)],
        help_text="Your time budget; at most 40 hours.",
    )
    boundaries = models.CharField(
        max_length=200, blank=True, help_text="Days and times, e.g. weekdays before 9 am only."
    )
    active = models.BooleanField(default=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="tactics"
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tactics",
        help_text="Where it happens, when it is one of your communities.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)  # the version an edit form carries

    class Meta:
        ordering = ["-active", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_week__lte=MAX_TACTIC_MINUTES),
                name="tactic_budget_40_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.action}"
