"""The starting points of a goal plan: a purpose, objectives, priorities and tactics to edit.

Data only. Every objective uses a metric of the catalog (`goals.metrics.CATALOG`), so a plan
started from here is measured from the network on its first day. The guided setup shows a
starter's words as suggestions the user rewrites; `goals.services.plan_start` saves one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from goals.models import Period, Platform, Template


@dataclass(frozen=True)
class ObjectiveDraft:
    title: str
    metric: str
    target: Decimal
    period: str = Period.MONTH
    detail: str = ""
    due_on: dt.date | None = None
    due_in_days: int | None = None  # for a period by a date: days after the plan starts


@dataclass(frozen=True)
class PriorityDraft:
    text: str
    not_now: bool = False


@dataclass(frozen=True)
class TacticDraft:
    platform: str
    action: str
    minutes_per_week: int
    boundaries: str = ""


@dataclass(frozen=True)
class Starter:
    key: str  # a `Template` value
    name: str
    summary: str
    purpose_who: str = ""
    purpose_why: str = ""
    purpose_what: str = ""
    objectives: tuple[ObjectiveDraft, ...] = ()
    priorities: tuple[PriorityDraft, ...] = ()
    tactics: tuple[TacticDraft, ...] = ()
    audience_circles: tuple[str, ...] = ()
    audience_industry: str = ""
    audience_tag_ids: tuple[int, ...] = field(default=())  # the owner's tags, once edited


JOB_SEARCH = Starter(
    key=Template.JOB_SEARCH,
    name="Job search",
    summary="Reach the people who hear about openings first, and let them vouch for you.",
    purpose_who="Hiring managers, recruiters and people who work at the companies on my list.",
    purpose_why="They hear about openings before they are posted and can recommend me.",
    purpose_what="The kind of role I am after, what I am good at, and one specific ask: "
    "a conversation, an introduction or a referral.",
    objectives=(
        ObjectiveDraft("Have meaningful conversations", "meaningful_connections", Decimal(6)),
        ObjectiveDraft("Be introduced to new people", "introductions_received", Decimal(2)),
        ObjectiveDraft(
            "Turn conversations into job leads", "outcomes", Decimal(2), detail="job_lead"
        ),
    ),
    priorities=(
        PriorityDraft("Reconnect with former colleagues who work at companies on my list"),
        PriorityDraft("Ask for introductions rather than applying cold"),
        PriorityDraft("Building a following on social media", not_now=True),
    ),
    tactics=(
        TacticDraft(
            Platform.LINKEDIN,
            "Five personal messages to people at target companies",
            90,
            "Weekday mornings, 8 to 9 am",
        ),
        TacticDraft(Platform.IN_PERSON, "One coffee or lunch a week", 120, "Tuesdays or Thursdays"),
        TacticDraft(
            Platform.EMAIL, "Thank and follow up within two days of every conversation", 30
        ),
    ),
)

CONSULTING = Starter(
    key=Template.CONSULTING,
    name="Grow a consulting practice",
    summary="Most consulting work comes from referrals and repeat clients: stay close to them.",
    purpose_who="Past clients, former colleagues who can now hire me, and partners who serve "
    "the same clients.",
    purpose_why="Most of my work comes from referrals and clients who come back.",
    purpose_what="The problems I solve, recent results, and that I have room for new work.",
    objectives=(
        ObjectiveDraft("Help before asking", "help_given", Decimal(4)),
        ObjectiveDraft("Earn referrals", "outcomes", Decimal(2), detail="referral"),
        ObjectiveDraft(
            "Sign new clients", "outcomes", Decimal(1), period=Period.QUARTER, detail="client"
        ),
    ),
    priorities=(
        PriorityDraft("Check in with every client from the last two years"),
        PriorityDraft("Keep in touch with the partners who send me work"),
        PriorityDraft("Speaking at conferences", not_now=True),
    ),
    tactics=(
        TacticDraft(
            Platform.EMAIL, "A short personal note to two past clients", 60, "Monday mornings"
        ),
        TacticDraft(
            Platform.IN_PERSON, "Lunch with a client or partner", 120, "At most one a week"
        ),
        TacticDraft(
            Platform.LINKEDIN, "Comment on clients' posts", 30, "Fifteen minutes, twice a week"
        ),
    ),
)

THOUGHT_LEADERSHIP = Starter(
    key=Template.THOUGHT_LEADERSHIP,
    name="Build thought leadership",
    summary="Become known for an idea, so invitations, clients and collaborators find you.",
    purpose_who="Peers and practitioners in my field, event organisers and editors.",
    purpose_why="Being known for an idea brings invitations, clients and collaborators to me.",
    purpose_what="What I have learnt about my topic: articles, talks, and honest answers to "
    "people's questions.",
    objectives=(
        ObjectiveDraft(
            "Join the conversation on LinkedIn",
            "interactions_by_channel",
            Decimal(12),
            detail="linkedin",
        ),
        ObjectiveDraft("Share what you learn", "content_shared", Decimal(4)),
        ObjectiveDraft(
            "Speak at or attend events", "events_attended", Decimal(2), period=Period.QUARTER
        ),
        ObjectiveDraft("Turn readers into relationships", "content_conversations", Decimal(4)),
    ),
    priorities=(
        PriorityDraft("One article a month on the topic I want to be known for"),
        PriorityDraft("Reply to every thoughtful comment"),
        PriorityDraft("Being on every platform at once", not_now=True),
    ),
    tactics=(
        TacticDraft(
            Platform.LINKEDIN,
            "Post once and comment on five posts",
            120,
            "Weekday mornings; never after 8 pm",
        ),
        TacticDraft(Platform.EVENT, "One meetup or conference a month", 120, "Weeknights only"),
    ),
)

SWITCH_INDUSTRIES = Starter(
    key=Template.SWITCH_INDUSTRIES,
    name="Switch industries",
    summary="Meet the people already where you want to be, and learn what carries over.",
    purpose_who="People who work in the industry I want to join, and anyone who made the "
    "same move.",
    purpose_why="They can tell me what the work is really like and which of my skills carry over.",
    purpose_what="That I am moving into a new field, what I bring from my current one, and a "
    "small ask: twenty minutes of advice.",
    objectives=(
        ObjectiveDraft("Meet people at industry events", "people_met_at_events", Decimal(8)),
        ObjectiveDraft("Take part in the industry's communities", "communities_active", Decimal(2)),
        ObjectiveDraft(
            "Hold informational interviews", "interactions_by_kind", Decimal(4), detail="meeting"
        ),
        ObjectiveDraft(
            "Find a mentor in the new field",
            "outcomes",
            Decimal(1),
            period=Period.BY_DATE,
            detail="mentorship",
            due_in_days=90,
        ),
    ),
    priorities=(
        PriorityDraft("Informational interviews with people who made the move"),
        PriorityDraft("Join one association of the new industry"),
        PriorityDraft("Polishing every profile before talking to anyone", not_now=True),
    ),
    tactics=(
        TacticDraft(
            Platform.LINKEDIN, "Ask two people a week for a twenty-minute chat", 60, "Lunch breaks"
        ),
        TacticDraft(Platform.VIDEO, "Informational interviews", 90, "Weekday evenings before 8 pm"),
        TacticDraft(Platform.EVENT, "One industry meetup a month", 120),
    ),
)

BLANK = Starter(
    key=Template.BLANK,
    name="My networking plan",
    summary="Start from the questions alone and write every answer yourself.",
)

STARTERS: dict[str, Starter] = {
    starter.key: starter
    for starter in (JOB_SEARCH, CONSULTING, THOUGHT_LEADERSHIP, SWITCH_INDUSTRIES, BLANK)
}
