"""The content log: what a user shared — posts, articles, talks, newsletters, comment
threads — where, on which topics, and the engagement it drew."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower

from contacts.models import Channel, Contact


class Kind(models.TextChoices):
    POST = "post", "Post"
    ARTICLE = "article", "Article"
    TALK = "talk", "Talk"
    NEWSLETTER = "newsletter", "Newsletter"
    THREAD = "thread", "Comment thread"


class Platform(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    BLOG = "blog", "Blog"
    NEWSLETTER = "newsletter", "Newsletter"
    YOUTUBE = "youtube", "YouTube"
    STAGE = "stage", "On stage"
    FORUM = "forum", "Forum or community"
    OTHER = "other", "Other"


# The channel of the *social* interaction logged for someone who engaged.
CHANNEL_OF = {Platform.LINKEDIN: Channel.LINKEDIN, Platform.X: Channel.X}


class Topic(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topics"
    )
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="topic_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


# A piece's engagement: its reactions, comments and shares (new followers are counted apart).
ENGAGEMENT = models.F("reactions") + models.F("comments") + models.F("shares")


class PieceQuerySet(models.QuerySet["Piece"]):
    def owned_by(self, user: object) -> PieceQuerySet:
        return self.filter(owner=user)


class Piece(models.Model):
    """One thing shared."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pieces"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.POST)
    platform = models.CharField(max_length=12, choices=Platform.choices, default=Platform.LINKEDIN)
    published_on = models.DateField("shared on")
    url = models.URLField(
        "address", max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    topics = models.ManyToManyField(Topic, related_name="pieces", blank=True)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pieces",
        help_text="Where it was shared, if in one of your communities.",
    )
    reactions = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    new_followers = models.PositiveIntegerField(default=0)
    engaged = models.ManyToManyField(
        Contact,
        related_name="pieces_engaged",
        blank=True,
        verbose_name="people you know who engaged",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PieceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["owner", "-published_on"], name="piece_owner_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares
