"""The REST API (/api/v1/): thin views that scope to the signed-in user, run the web's forms
and call the same services as the pages, so check-ins and strength move the same way."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import local_today
from api import serializers as s
from api.base import ApiViewMixin, Cursor
from api.forms import ContactQuery, FollowUpQuery, InteractionQuery
from api.plan import PlanSerializer, WeeklyKpiSerializer, plan_data
from api.problems import PROBLEM_TYPE, TITLES
from contacts import strength
from contacts.models import Contact, Interaction, Tag
from contacts.scoping import contacts_for, interactions_for
from contacts.services import contact_save, interaction_delete, interaction_update
from contacts.views import search_filter
from followups import services as followups
from followups.agenda import agenda_for
from followups.models import FollowUp, FollowUpStatus
from followups.services import interaction_log_with_followup
from goals.scoping import plans_for
from kpis.models import WeeklyKpi

NAMES = Contact.objects.only("first_name", "last_name", "display_name")


def _query(form_class: type, request: Request) -> dict[str, Any]:
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.cleaned_data


def _param(name: str, kind: Any, description: str, enum: list[str] | None = None) -> Any:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)


CHANGED_SINCE = _param(
    "changed_since", OpenApiTypes.DATETIME, "Only those changed at or after this time."
)


class ApiViewSet(ApiViewMixin, viewsets.GenericViewSet):
    pagination_class = Cursor
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def context(self, **extra: Any) -> dict[str, Any]:
        user = self.request.user
        return {"owner": user, "today": local_today(user), "request": self.request, **extra}

    def get_serializer_context(self) -> dict[str, Any]:
        return self.context()

    def page(self, queryset: QuerySet, serializer_class: type) -> Response:
        rows = self.paginate_queryset(queryset)
        data = serializer_class(rows, many=True, context=self.context()).data
        return self.get_paginated_response(data)

    def write(self, serializer_class: type, instance: Any = None, **kwargs: Any) -> Any:
        serializer = serializer_class(
            instance=instance, data=self.request.data, context=self.context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest) -> JsonResponse:
    body = {"type": "about:blank", "title": TITLES[404], "status": 404, "detail": "Not found."}
    return JsonResponse(body, status=404, content_type=PROBLEM_TYPE)


# --- Contacts -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List contacts",
        parameters=[
            _param("q", str, "Search names, company, e-mails and tags (accents and case folded)."),
            _param("circle", str, "Only this circle.", [c.value for c in s.Circle]),
            _param("context", str, "Only this context.", [c.value for c in s.Context]),
            _param("tag", int, "Only contacts with this tag (its id)."),
            _param("status", str, "Check-in status.", [c.value for c in s.CheckinStatus]),
            _param("archived", bool, "Archived ones instead of active ones."),
            _param(
                "changed_since",
                OpenApiTypes.DATETIME,
                "Only those edited, or with an interaction logged, at or after this time.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="Read a contact, with the parts of its strength"),
    create=extend_schema(summary="Add a contact"),
    partial_update=extend_schema(summary="Change a contact"),
    destroy=extend_schema(summary="Delete a contact and the interactions only they were in"),
)
class ContactViewSet(ApiViewSet):
    serializer_class = s.ContactSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["first_name", "last_name", "strength", "created_at", "updated_at", "id"]
    ordering = ["first_name", "last_name", "id"]

    def get_queryset(self) -> QuerySet[Contact]:
        return contacts_for(self.request.user).defer("search_text")

    def get_object(self) -> Contact:
        contact = super().get_object()
        return s.contact_lists([contact], owner=self.request.user)[0]

    def list(self, request: Request) -> Response:
        query = _query(ContactQuery, request)
        contacts = self.get_queryset().filter(archived=bool(query["archived"]))
        if text := query["q"].strip():
            contacts = contacts.filter(search_filter(request.user, text))
        if query["circle"]:
            contacts = contacts.filter(circle=query["circle"])
        if query["context"]:
            contacts = contacts.filter(context=query["context"])
        if query["tag"]:
            links = Contact.tags.through.objects.filter(contact=OuterRef("pk"), tag=query["tag"])
            contacts = contacts.filter(Exists(links))
        if query["status"]:
            contacts = contacts.in_status(query["status"], local_today(request.user))
        if since := query["changed_since"]:
            # Edited, or with an interaction logged since (their check-in and strength moved).
            logged = Interaction.contacts.through.objects.filter(
                contact=OuterRef("pk"), interaction__created_at__gte=since
            )
            contacts = contacts.filter(Q(updated_at__gte=since) | Exists(logged))
        rows = self.paginate_queryset(self.filter_queryset(contacts))
        rows = s.contact_lists(list(rows), owner=request.user)
        data = s.ContactSerializer(rows, many=True, context=self.context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=s.ContactDetailSerializer)
    def retrieve(self, request: Request, pk: int) -> Response:
        return self.show(self.get_object())

    def show(self, contact: Contact, code: int = status.HTTP_200_OK) -> Response:
        today = local_today(self.request.user)
        parts = strength.explain(contact, today=today).points
        context = self.context(strength_parts=parts)
        return Response(s.ContactDetailSerializer(contact, context=context).data, status=code)

    @extend_schema(request=s.ContactWriteSerializer, responses={201: s.ContactDetailSerializer})
    def create(self, request: Request) -> Response:
        return self.save(Contact(owner=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=s.ContactWriteSerializer, responses=s.ContactDetailSerializer)
    def partial_update(self, request: Request, pk: int) -> Response:
        return self.save(self.get_object(), status.HTTP_200_OK)

    def save(self, contact: Contact, code: int) -> Response:
        existing = contact if contact.pk else None
        form = self.write(s.ContactWriteSerializer, existing, partial=bool(existing)).form
        saved = contact_save(
            contact=form.save(commit=False),
            emails=form.cleaned_data["emails"],
            phones=form.cleaned_data["phones"],
            tag_names=form.cleaned_data["tag_names"],
            birthday=form.cleaned_data["birthday"],
            today=local_today(self.request.user),
        )
        fresh = s.contact_lists([self.get_queryset().get(pk=saved.pk)], owner=self.request.user)
        return self.show(fresh[0], code)

    @transaction.atomic
    def destroy(self, request: Request, pk: int) -> Response:
        contact = self.get_object()
        # As the page does: interactions with this contact alone go with it.
        others = Interaction.contacts.through.objects.filter(interaction=OuterRef("pk")).exclude(
            contact=contact
        )
        Interaction.objects.filter(
            pk__in=contact.interactions.exclude(Exists(others)).values("pk")
        ).delete()
        contact.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Interactions ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List interactions, newest first",
        parameters=[
            _param("contact", int, "Only those with this contact (its id)."),
            _param("kind", str, "Only this kind.", [k.value for k in s.Kind]),
            _param("since", OpenApiTypes.DATE, "Only those on or after this day."),
            _param("changed_since", OpenApiTypes.DATETIME, "Only those logged since this time."),
        ],
    ),
    retrieve=extend_schema(summary="Read an interaction"),
    create=extend_schema(
        summary="Log an interaction with one or more contacts",
        request=s.InteractionWriteSerializer,
        responses={201: s.InteractionSerializer},
    ),
    partial_update=extend_schema(
        summary="Change an interaction",
        request=s.InteractionWriteSerializer,
        responses=s.InteractionSerializer,
    ),
    destroy=extend_schema(summary="Delete an interaction; check-ins follow"),
)
class InteractionViewSet(ApiViewSet):
    serializer_class = s.InteractionSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["occurred_on", "created_at", "id"]
    ordering = ["-occurred_on", "-id"]

    def get_queryset(self) -> QuerySet[Interaction]:
        return interactions_for(self.request.user).prefetch_related(
            Prefetch("contacts", queryset=NAMES)
        )

    def list(self, request: Request) -> Response:
        query = _query(InteractionQuery, request)
        rows = self.get_queryset()
        if query["contact"]:
            rows = rows.filter(contacts=query["contact"])
        if query["kind"]:
            rows = rows.filter(kind=query["kind"])
        if query["since"]:
            rows = rows.filter(occurred_on__gte=query["since"])
        if query["changed_since"]:
            rows = rows.filter(created_at__gte=query["changed_since"])
        return self.page(self.filter_queryset(rows), s.InteractionSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(s.InteractionSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Request) -> Response:
        form = self.write(s.InteractionWriteSerializer).form
        skip = ("contacts", "follow_up_in", "follow_up_about")
        fields = {k: v for k, v in form.cleaned_data.items() if k not in skip}
        follow_up_on, follow_up_about = form.follow_up()
        interaction, _followup = interaction_log_with_followup(
            owner=request.user,
            contacts=list(form.cleaned_data["contacts"]),
            today=local_today(request.user),
            follow_up_on=follow_up_on,
            follow_up_about=follow_up_about,
            **fields,
        )
        fresh = self.get_queryset().get(pk=interaction.pk)
        data = s.InteractionSerializer(fresh, context=self.context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: int) -> Response:
        interaction = self.get_object()
        form = self.write(s.InteractionWriteSerializer, interaction, partial=True).form
        fields = {k: v for k, v in form.cleaned_data.items() if k != "contacts"}
        interaction_update(
            interaction=interaction,
            contacts=list(form.cleaned_data["contacts"]),
            today=local_today(request.user),
            **fields,
        )
        fresh = self.get_queryset().get(pk=interaction.pk)
        return Response(s.InteractionSerializer(fresh, context=self.context()).data)

    def destroy(self, request: Request, pk: int) -> Response:
        interaction_delete(interaction=self.get_object(), today=local_today(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Follow-ups -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List follow-ups, soonest first",
        parameters=[
            _param("status", str, "Only this status.", [v.value for v in FollowUpStatus]),
            _param(
                "due_by",
                OpenApiTypes.DATE,
                "Open or snoozed ones due by this day (a snooze counts).",
            ),
            _param("contact", int, "Only those with this contact (its id)."),
            CHANGED_SINCE,
        ],
    ),
    retrieve=extend_schema(summary="Read a follow-up"),
    create=extend_schema(
        summary="Plan a follow-up",
        request=s.FollowUpWriteSerializer,
        responses={201: s.FollowUpSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a follow-up",
        request=s.FollowUpWriteSerializer,
        responses=s.FollowUpSerializer,
    ),
    destroy=extend_schema(summary="Delete a follow-up"),
)
class FollowUpViewSet(ApiViewSet):
    serializer_class = s.FollowUpSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["due_on", "created_at", "updated_at", "id"]
    ordering = ["due_on", "id"]

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.filter(owner=self.request.user).prefetch_related(
            Prefetch("contacts", queryset=NAMES)
        )

    def list(self, request: Request) -> Response:
        query = _query(FollowUpQuery, request)
        rows = self.get_queryset()
        if query["status"]:
            rows = rows.filter(status=query["status"])
        if day := query["due_by"]:
            rows = rows.filter(
                Q(status=FollowUpStatus.OPEN, due_on__lte=day)
                | Q(status=FollowUpStatus.SNOOZED, due_on__lte=day, snoozed_until__lte=day)
            )
        if query["contact"]:
            rows = rows.filter(contacts=query["contact"])
        if query["changed_since"]:
            rows = rows.filter(updated_at__gte=query["changed_since"])
        return self.page(self.filter_queryset(rows), s.FollowUpSerializer)

    def one(self, followup: FollowUp, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=followup.pk)
        return Response(s.FollowUpSerializer(fresh, context=self.context()).data, status=code)

    def retrieve(self, request: Request, pk: int) -> Response:
        return self.one(self.get_object())

    def create(self, request: Request) -> Response:
        form = self.write(s.FollowUpWriteSerializer).form
        followup = followups.followup_create(
            owner=request.user,
            contacts=list(form.cleaned_data["contacts"]),
            about=form.cleaned_data["about"],
            due_on=form.cleaned_data["due_on"],
        )
        return self.one(followup, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: int) -> Response:
        followup = self.get_object()
        form = self.write(s.FollowUpWriteSerializer, followup, partial=True).form
        followups.followup_update(
            followup=followup,
            contacts=list(form.cleaned_data["contacts"]),
            about=form.cleaned_data["about"],
            due_on=form.cleaned_data["due_on"],
        )
        return self.one(followup)

    def destroy(self, request: Request, pk: int) -> Response:
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def result(self, result: followups.ActionResult, followup: FollowUp) -> Response:
        fresh = self.get_queryset().get(pk=followup.pk)
        return Response(
            {
                "changed": result.changed,
                "message": result.message,
                "followup": s.FollowUpSerializer(fresh, context=self.context()).data,
            }
        )

    @extend_schema(
        summary="Mark done (logs a short interaction unless log is false)",
        request=s.DoneSerializer,
        responses=s.ActionResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: int) -> Response:
        followup = self.get_object()
        serializer = self.write(s.DoneSerializer)
        result = followups.followup_done(
            followup=followup,
            today=local_today(request.user),
            log=serializer.validated_data["log"],
        )
        return self.result(result, followup)

    @extend_schema(
        summary="Snooze until a day", request=s.SnoozeSerializer, responses=s.ActionResultSerializer
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk: int) -> Response:
        followup = self.get_object()
        form = self.write(s.SnoozeSerializer).form
        result = followups.followup_snooze(followup=followup, until=form.cleaned_data["until"])
        return self.result(result, followup)

    @extend_schema(summary="Skip it", request=None, responses=s.ActionResultSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: int) -> Response:
        followup = self.get_object()
        return self.result(followups.followup_skip(followup=followup), followup)


# --- Tags -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List tags with how many contacts have each"),
    retrieve=extend_schema(summary="Read a tag"),
    create=extend_schema(summary="Add a tag", responses={201: s.TagSerializer}),
    partial_update=extend_schema(summary="Rename a tag"),
    destroy=extend_schema(summary="Delete a tag (its contacts stay)"),
)
class TagViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = s.TagSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Tag]:
        return Tag.objects.filter(owner=self.request.user).annotate(contact_count=Count("contacts"))

    def create(self, request: Request) -> Response:
        name = self.write(s.TagSerializer).validated_data["name"]
        tag = Tag.objects.create(owner=request.user, name=name)
        return Response(
            s.TagSerializer(self.get_queryset().get(pk=tag.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request: Request, pk: int) -> Response:
        tag = self.get_object()
        tag.name = self.write(s.TagSerializer, tag, partial=True).validated_data.get(
            "name", tag.name
        )
        tag.save(update_fields=["name"])
        return Response(s.TagSerializer(self.get_queryset().get(pk=tag.pk)).data)


# --- Today ----------------------------------------------------------------------------------


class CheckinSerializer(serializers.Serializer):
    contact = s.ContactRefSerializer()
    status = serializers.ChoiceField(choices=["overdue", "due"])
    days_overdue = serializers.IntegerField()
    next_checkin_on = serializers.DateField()
    priority = serializers.IntegerField(allow_null=True)


class DueFollowUpSerializer(serializers.Serializer):
    followup = s.FollowUpSerializer()
    days_overdue = serializers.IntegerField()


class BirthdaySerializer(serializers.Serializer):
    contact = s.ContactRefSerializer()
    on = serializers.DateField()


class TodaySerializer(serializers.Serializer):
    today = serializers.DateField()
    checkins = CheckinSerializer(many=True)
    followups = DueFollowUpSerializer(many=True)
    birthdays = BirthdaySerializer(many=True)
    due_soon = serializers.IntegerField(help_text="Check-ins due in the next 7 days, not listed.")
    more_checkins = serializers.IntegerField()
    more_followups = serializers.IntegerField()


class TodayView(ApiViewMixin, APIView):
    @extend_schema(
        summary="Today's agenda: due check-ins, due follow-ups, birthdays this week",
        parameters=[_param("limit", int, "At most this many check-ins and follow-ups (1–200).")],
        responses=TodaySerializer,
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("limit", "50")
        if not raw.isdigit() or not 1 <= int(raw) <= 200:
            raise ValidationError({"limit": ["Enter a whole number from 1 to 200."]})
        today = local_today(request.user)
        agenda = agenda_for(request.user, today=today, limit=int(raw))
        context = {"today": today}
        return Response(
            {
                "today": today.isoformat(),
                "checkins": [
                    {
                        "contact": s._ref(item.contact),
                        "status": str(item.status),
                        "days_overdue": item.days_overdue,
                        "next_checkin_on": item.contact.next_checkin_on.isoformat(),
                        "priority": item.priority,
                    }
                    for item in agenda.checkins
                ],
                "followups": [
                    {
                        "followup": s.FollowUpSerializer(item.followup, context=context).data,
                        "days_overdue": item.days_overdue,
                    }
                    for item in agenda.followups
                ],
                "birthdays": [
                    {"contact": s._ref(contact), "on": day.isoformat()}
                    for contact, day in agenda.birthdays
                ],
                "due_soon": agenda.due_soon,
                "more_checkins": agenda.more_checkins,
                "more_followups": agenda.more_followups,
            }
        )


# --- The plan and the weekly KPIs -----------------------------------------------------------


class PlanView(ApiViewMixin, APIView):
    @extend_schema(
        summary="The active plan: purpose, objectives with their progress, priorities, tactics",
        responses=PlanSerializer,
    )
    def get(self, request: Request) -> Response:
        plan = plans_for(request.user).active().first()
        if plan is None:
            raise NotFound("You have no active plan.")
        return Response(plan_data(plan, today=local_today(request.user)))


@extend_schema_view(
    list=extend_schema(summary="Weekly KPIs, newest week first"),
)
class WeeklyKpiViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = WeeklyKpiSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["week_start"]
    ordering = ["-week_start"]

    def get_queryset(self) -> QuerySet[WeeklyKpi]:
        return WeeklyKpi.objects.filter(user=self.request.user)
