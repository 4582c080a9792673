"""Webhook endpoints: the list, one endpoint's page (its secret, the log of its recent
deliveries, a test button), its form, and one delivery's page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from webhooks.delivery import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER
from webhooks.forms import EndpointForm
from webhooks.models import DeliveryStatus, WebhookEndpoint
from webhooks.scoping import endpoints_for, get_delivery_for, get_endpoint_for
from webhooks.services import (
    PingTooSoon,
    TooManyEndpoints,
    endpoint_ping,
    endpoint_save,
    endpoint_secret_renew,
)
from webhooks.targets import TargetRefused

LOG_SIZE = 50


def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = endpoints_for(request.user).annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        last_at=Max("deliveries__created_at"),
    )
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for(request.user, pk)
    log = endpoint.deliveries.defer("body").order_by("-pk")[:LOG_SIZE]
    context = {"endpoint": endpoint, "deliveries": log, "log_size": LOG_SIZE}
    return render(request, "webhooks/endpoint_detail.html", context)


@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    return _form(request, WebhookEndpoint(owner=request.user))


@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, get_endpoint_for(request.user, pk))


def _form(request: HttpRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = endpoint_save(endpoint=form.save(commit=False))
        except (TooManyEndpoints, TargetRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Saved the endpoint {endpoint.url}.")
            return redirect("webhooks:detail", endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for(request.user, pk)
    if request.method == "POST":
        endpoint.delete()
        messages.success(request, f"Deleted the endpoint {endpoint.url} and its deliveries.")
        return redirect("webhooks:list")
    return render(request, "webhooks/endpoint_confirm_delete.html", {"endpoint": endpoint})


@require_POST
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for(request.user, pk)
    try:
        endpoint_ping(endpoint=endpoint)
    except PingTooSoon as soon:
        messages.warning(request, str(soon))
    else:
        messages.success(request, "A test (ping) is on its way; its delivery shows below.")
    return redirect("webhooks:detail", endpoint.pk)


@require_POST
def endpoint_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for(request.user, pk)
    endpoint_secret_renew(endpoint=endpoint)
    messages.success(request, "A new secret signs every delivery from now on.")
    return redirect("webhooks:detail", endpoint.pk)


def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for(request.user, pk)
    body = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "body": body,
        "headers": {
            "delivery": DELIVERY_HEADER,
            "event": EVENT_HEADER,
            "signature": SIGNATURE_HEADER,
        },
    }
    return render(request, "webhooks/delivery_detail.html", context)
