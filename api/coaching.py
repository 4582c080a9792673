"""A coach's read-only view of their clients through the API, within each client's scope
(plan and KPIs, then contacts, then interactions), never private notes or private
interactions; each read is recorded in the client's access log like a page view."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import CoachAssignment, CoachScope, User, local_today
from api import serializers as s
from api.base import ApiViewMixin, Cursor
from api.plan import PlanSerializer, WeeklyKpiSerializer, plan_data
from coaching.services import access_log
from contacts.models import Contact, Interaction
from goals.models import GoalPlan
from kpis.models import WeeklyKpi


class ClientSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The client's id, for the paths below.")
    name = serializers.CharField()
    email = serializers.EmailField()
    scope = serializers.ChoiceField(choices=CoachScope.choices)


class ClientList(ApiViewMixin, GenericAPIView):
    serializer_class = ClientSerializer

    @extend_schema(summary="Coach: your active clients", responses=ClientSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = (
            CoachAssignment.objects.active()
            .filter(coach=request.user)
            .select_related("client")
            .order_by("client__pk")
        )
        return Response(
            [
                {
                    "id": a.client_id,
                    "name": a.client.get_full_name(),
                    "email": a.client.email,
                    "scope": a.scope,
                }
                for a in rows
            ]
        )


class ClientView(ApiViewMixin, GenericAPIView):
    """One kind of a client's data: `scope` says which scope must cover it."""

    scope: str = CoachScope.PLAN
    what: str = ""
    pagination_class = Cursor
    filter_backends = [OrderingFilter]

    def client(self, client_id: int) -> User:
        """The client, when the coach's active assignment covers this scope; a 404 otherwise
        (read on every request, so a revocation or a narrower scope holds at once)."""
        covered = CoachAssignment.objects.clients_of(self.request.user, self.scope)
        client = User.objects.filter(pk=client_id, pk__in=covered).first()
        if client is None:
            raise NotFound()
        return client

    def logged(self, client: User, response: Response) -> Response:
        access_log(
            coach=self.request.user,
            clients=[client.pk],
            what=f"{self.what} (API)",
            path=self.request.get_full_path(),
        )
        return response

    def page(self, client: User, rows: QuerySet, serializer: type, lists: Any = None) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(rows)) or [])
        if lists is not None:
            page = lists(page)
        context = {"today": local_today(client), "coach": True}
        data = serializer(page, many=True, context=context).data
        return self.logged(client, self.get_paginated_response(data))


class ClientPlan(ClientView):
    what = "plan"

    @extend_schema(summary="Coach: a client's active plan", responses=PlanSerializer)
    def get(self, request: Request, pk: int) -> Response:
        client = self.client(pk)
        plan = GoalPlan.objects.filter(owner=client).active().first()
        if plan is None:
            raise NotFound("Your client has no active plan.")
        return self.logged(client, Response(plan_data(plan, today=local_today(client))))


class ClientKpis(ClientView):
    what = "weekly KPIs"
    serializer_class = WeeklyKpiSerializer
    ordering = ["-week_start"]
    ordering_fields = ["week_start"]

    @extend_schema(summary="Coach: a client's weekly KPIs")
    def get(self, request: Request, pk: int) -> Response:
        client = self.client(pk)
        return self.page(client, WeeklyKpi.objects.filter(user=client), WeeklyKpiSerializer)


class ClientContacts(ClientView):
    scope = CoachScope.CONTACTS
    what = "contacts"
    serializer_class = s.ContactSerializer
    ordering = ["first_name", "last_name", "id"]
    ordering_fields = ["first_name", "last_name", "strength", "id"]

    @extend_schema(summary="Coach: a client's contacts (never their private notes)")
    def get(self, request: Request, pk: int) -> Response:
        client = self.client(pk)
        rows = Contact.objects.owned_by(client).active().defer("search_text", "private_notes")
        return self.page(
            client,
            rows,
            s.ContactSerializer,
            lists=lambda page: s.contact_lists(page, owner=client),
        )


class ClientInteractions(ClientView):
    scope = CoachScope.INTERACTIONS
    what = "interactions"
    serializer_class = s.InteractionSerializer
    ordering = ["-occurred_on", "-id"]
    ordering_fields = ["occurred_on", "id"]

    @extend_schema(summary="Coach: a client's interactions (never private ones)")
    def get(self, request: Request, pk: int) -> Response:
        client = self.client(pk)
        names = Contact.objects.only("first_name", "last_name", "display_name")
        rows = (
            Interaction.objects.owned_by(client)
            .filter(private=False)
            .prefetch_related(Prefetch("contacts", queryset=names))
        )
        return self.page(client, rows, s.InteractionSerializer)
