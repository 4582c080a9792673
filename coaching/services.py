"""Every change to a coaching relationship, a note or a suggestion goes through here.

The client is in charge: they invite a coach (or approve a coach's request), choose the scope,
change it, and end it, each taking effect on the coach's next request, since the coach's admin
reads the assignment on every request (`CoachAssignment.objects.clients_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from accounts.models import (
    COACHES_GROUP,
    AssignmentStatus,
    CoachAssignment,
    CoachScope,
    InvitationMail,
    User,
)
from coaching.models import AccessLog, Suggestion, SuggestionKind, SuggestionStatus
from goals.models import GoalPlan, Objective, Tactic
from goals.services import objective_save, tactic_save
from networkcrm.mail import templated_email

INVITATION_SALT = "coaching.invitation"


class CoachingError(Exception):
    """A change that cannot be made; the message says why, in words for the person asking."""


class InvitationLimitReached(CoachingError):
    """The client sent the day's invitations; the message says when the next one may go."""


# --- Roles -------------------------------------------------------------------------------


def make_coach(user: User) -> None:
    """Gives the user the coach's role: staff (the admin's door) and the Coaches group (what
    the coach's admin shows). No model permission comes with it: a coach reaches client data
    only through `coaching.admin`, scoped to active clients."""
    group, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    user._is_coach = True  # type: ignore[attr-defined]


# --- Invitations (client → coach) ---------------------------------------------------------


def invitation_token(assignment: CoachAssignment) -> str:
    return signing.dumps({"id": assignment.pk, "e": assignment.email}, salt=INVITATION_SALT)


def invitation_url(assignment: CoachAssignment) -> str:
    return settings.SITE_URL + reverse("coaching:invitation", args=[invitation_token(assignment)])


def invitation_read(token: str) -> CoachAssignment | None:
    """The invitation a link names; raises signing.BadSignature when the link was altered and
    signing.SignatureExpired when it is too old; None when the invitation no longer exists."""
    payload = signing.loads(
        token, salt=INVITATION_SALT, max_age=dt.timedelta(days=settings.COACH_INVITATION_DAYS)
    )
    return (
        CoachAssignment.objects.select_related("client")
        .filter(pk=payload["id"], email=payload["e"])
        .first()
    )


def _open_with(client: User, email: str) -> CoachAssignment | None:
    return (
        CoachAssignment.objects.filter(client=client, status__in=_OPEN)
        .filter(email__iexact=email)
        .first()
    ) or (
        CoachAssignment.objects.filter(
            client=client, status__in=_OPEN, coach__email__iexact=email
        ).first()
    )


_OPEN = [AssignmentStatus.INVITED, AssignmentStatus.REQUESTED, AssignmentStatus.ACTIVE]


def coach_invite(*, client: User, email: str, scope: str) -> CoachAssignment:
    """Invites a coach by e-mail; sends the invitation again when one is already waiting.
    Every send, first or again, counts against COACH_INVITATIONS_PER_DAY; past it, nothing
    is sent and InvitationLimitReached says when the next one may go."""
    email = email.strip().lower()
    if email == client.email.lower():
        raise CoachingError("That is your own address: invite your coach's.")
    existing = _open_with(client, email)
    if existing is not None and existing.status == AssignmentStatus.ACTIVE:
        raise CoachingError(f"{email} already coaches you. Change the scope below instead.")
    if existing is not None and existing.status == AssignmentStatus.REQUESTED:
        raise CoachingError(f"{email} already asked to coach you: approve the request below.")
    with transaction.atomic():
        # One client's invitations one at a time: two at once must not both pass the limit.
        list(User.objects.select_for_update().filter(pk=client.pk).values_list("pk"))
        now = timezone.now()
        allowed_at = invitation_allowed_at(client=client, now=now)
        if allowed_at is not None:
            limit = settings.COACH_INVITATIONS_PER_DAY
            raise InvitationLimitReached(
                f"You have sent {limit} invitation{'s' if limit != 1 else ''} in the last 24 "
                f"hours, the most one day allows. You can send the next one from "
                f"{_local_moment(allowed_at, client)}."
            )
        if existing is None:
            try:
                with transaction.atomic():
                    existing = CoachAssignment.objects.create(
                        client=client, email=email, scope=scope, status=AssignmentStatus.INVITED
                    )
            except IntegrityError as error:  # a double click: the other one made it
                raise CoachingError(f"{email} is already invited.") from error
        else:
            existing.scope = scope
            existing.save(update_fields=["scope", "updated_at"])
        assignment = existing
        InvitationMail.objects.create(client=client, email=email, sent_at=now)
        transaction.on_commit(lambda: _send_invitation(assignment))
    return assignment


def invitation_allowed_at(*, client: User, now: dt.datetime) -> dt.datetime | None:
    """When the client may send their next invitation e-mail; None when they may now."""
    limit = settings.COACH_INVITATIONS_PER_DAY
    day = dt.timedelta(days=1)
    sent = list(
        InvitationMail.objects.filter(client=client, sent_at__gt=now - day)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
    )
    if len(sent) < limit:
        return None
    # Once all but limit - 1 of them are a day old.
    return sent[len(sent) - limit] + day


def _local_moment(moment: dt.datetime, user: User) -> str:
    """The moment in the user's words and zone ("14:06 tomorrow"), rounded up to the minute:
    said too early, the next try would be refused again."""
    profile = getattr(user, "profile", None)
    zone = profile.zone if profile is not None else timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    # Never further than a day ahead: today or tomorrow.
    today = timezone.localtime(timezone.now(), zone).date()
    return f"{time_format(local)} {'today' if local.date() == today else 'tomorrow'}"


def _send_invitation(assignment: CoachAssignment) -> None:
    templated_email(
        "coach-invitation",
        {
            "client": assignment.client,
            "scope": assignment.get_scope_display(),
            "accept_url": invitation_url(assignment),
            "days": settings.COACH_INVITATION_DAYS,
        },
        to=[assignment.email],
    ).send()


@transaction.atomic
def invitation_accept(*, assignment: CoachAssignment, coach: User) -> CoachAssignment:
    """The invited coach says yes. Only the address the invitation went to may accept it, and
    only once; accepting makes the account a coach if it was not one yet."""
    locked = CoachAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.INVITED:
        raise CoachingError(invitation_settled(locked))
    if coach.email.lower() != locked.email.lower():
        raise CoachingError(
            f"This invitation was sent to {locked.email}, and you are signed in as "
            f"{coach.email}. Sign in with that address to accept it."
        )
    if coach.pk == locked.client_id:
        raise CoachingError("You cannot coach yourself.")
    if CoachAssignment.objects.filter(
        client_id=locked.client_id, coach=coach, status=AssignmentStatus.ACTIVE
    ).exists():
        raise CoachingError(f"You already coach {locked.client}.")
    # A request this coach made meanwhile is answered by this acceptance.
    CoachAssignment.objects.filter(
        client_id=locked.client_id, coach=coach, status=AssignmentStatus.REQUESTED
    ).update(status=AssignmentStatus.DECLINED, ended_at=timezone.now())
    locked.coach = coach
    locked.status = AssignmentStatus.ACTIVE
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["coach", "status", "accepted_at", "updated_at"])
    make_coach(coach)
    return locked


@transaction.atomic
def invitation_decline(*, assignment: CoachAssignment, coach: User) -> CoachAssignment:
    locked = CoachAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.INVITED:
        raise CoachingError(invitation_settled(locked))
    if coach.email.lower() != locked.email.lower():
        raise CoachingError(f"This invitation was sent to {locked.email}, not to you.")
    locked.status = AssignmentStatus.DECLINED
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    return locked


def invitation_settled(assignment: CoachAssignment) -> str:
    match assignment.status:
        case AssignmentStatus.ACTIVE:
            return "This invitation has already been accepted."
        case AssignmentStatus.DECLINED:
            return "This invitation was declined."
        case _:
            return "This invitation was withdrawn."


# --- Requests (coach → client) ------------------------------------------------------------


def access_request(*, coach: User, email: str, scope: str) -> None:
    """A coach asks a person for access. Whether an account uses the address is never told
    back: the same answer either way, and the person decides in their own settings."""
    email = email.strip().lower()
    client = User.objects.filter(email__iexact=email, is_active=True).first()
    if client is None or client.pk == coach.pk or _open_with(client, coach.email) is not None:
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = CoachAssignment.objects.create(
                    client=client,
                    coach=coach,
                    email=coach.email,
                    scope=scope,
                    status=AssignmentStatus.REQUESTED,
                )
        except IntegrityError:
            return
        transaction.on_commit(lambda: _send_request(assignment))


def _send_request(assignment: CoachAssignment) -> None:
    templated_email(
        "coach-request",
        {
            "client": assignment.client,
            "coach": assignment.coach,
            "scope": assignment.get_scope_display(),
            "coaching_url": settings.SITE_URL + reverse("coaching:settings"),
        },
        to=[assignment.client.email],
    ).send()


@transaction.atomic
def request_answer(*, assignment: CoachAssignment, approve: bool, scope: str) -> CoachAssignment:
    locked = CoachAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.REQUESTED:
        raise CoachingError("This request has already been answered.")
    now = timezone.now()
    if approve:
        locked.status, locked.scope, locked.accepted_at = AssignmentStatus.ACTIVE, scope, now
    else:
        locked.status, locked.ended_at = AssignmentStatus.DECLINED, now
    locked.save(update_fields=["status", "scope", "accepted_at", "ended_at", "updated_at"])
    if approve and locked.coach is not None:
        make_coach(locked.coach)
    return locked


# --- The client's controls ----------------------------------------------------------------


@transaction.atomic
def scope_change(*, assignment: CoachAssignment, scope: str) -> CoachAssignment:
    locked = CoachAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status not in (AssignmentStatus.ACTIVE, AssignmentStatus.INVITED):
        raise CoachingError("This coaching has ended; invite the coach again to restart it.")
    locked.scope = CoachScope(scope)
    locked.save(update_fields=["scope", "updated_at"])
    return locked


@transaction.atomic
def assignment_end(*, assignment: CoachAssignment) -> CoachAssignment:
    """Revokes an active coach, withdraws an invitation or declines a request: the coach sees
    nothing of the client from their next request on."""
    locked = CoachAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status in (AssignmentStatus.REVOKED, AssignmentStatus.DECLINED):
        return locked
    locked.status = (
        AssignmentStatus.DECLINED
        if locked.status == AssignmentStatus.REQUESTED
        else AssignmentStatus.REVOKED
    )
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    return locked


# --- Suggestions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    message: str
    created: Objective | Tactic | None = None


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, plan: GoalPlan | None) -> Decision:
    """Adds the suggested objective or tactic at the end of the client's active plan."""
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.PENDING:
        raise CoachingError("You have already answered this suggestion.")
    if plan is None:
        raise CoachingError("Start a goal plan first: an accepted suggestion goes into it.")
    fields: dict[str, Any] = {}
    if locked.kind == SuggestionKind.OBJECTIVE:
        objective = Objective(
            plan=plan,
            title=locked.title,
            metric=locked.metric,
            detail=locked.detail,
            target=locked.target,
            period=locked.period,
        )
        objective.full_clean(exclude=["position"])
        fields["objective"] = created = objective_save(objective=objective, version=None)
    else:
        tactic = Tactic(
            plan=plan,
            platform=locked.platform,
            action=locked.title,
            minutes_per_week=locked.minutes_per_week,
        )
        tactic.full_clean(exclude=["position"])
        fields["tactic"] = created = tactic_save(tactic=tactic, version=None)
    Suggestion.objects.filter(pk=locked.pk).update(
        status=SuggestionStatus.ACCEPTED, decided_at=timezone.now(), **fields
    )
    noun = locked.get_kind_display().lower()
    return Decision(f"The {noun} \u201c{locked.title}\u201d is now in your plan.", created)


@transaction.atomic
def suggestion_decline(*, suggestion: Suggestion) -> Decision:
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.PENDING).update(
        status=SuggestionStatus.DECLINED, decided_at=timezone.now()
    )
    if not updated:
        raise CoachingError("You have already answered this suggestion.")
    return Decision("Suggestion declined; your coach will see that.")


# --- The access log -----------------------------------------------------------------------


def access_log(*, coach: User, clients: Iterable[int], what: str, path: str = "") -> None:
    """Records that the coach saw `what` of each client: one INSERT for them all."""
    ids = sorted(set(clients))
    if not ids:
        return
    if connection.vendor == "postgresql":
        # A caseload page logs 50 rows on every view: one statement from an array, without
        # building a model instance for each.
        table = AccessLog._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (coach_id, client_id, what, path, at) "  # noqa: S608
                "SELECT %s, client, %s, %s, %s FROM unnest(%s::bigint[]) AS client",
                [coach.pk, what[:200], path[:500], timezone.now(), ids],
            )
        return
    AccessLog.objects.bulk_create(
        AccessLog(coach=coach, client_id=pk, what=what[:200], path=path[:500]) for pk in ids
    )
