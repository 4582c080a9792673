"""The in-process half of the bench, run as `python -m bench.inprocess` with DATABASE_URL set
(Django reads its settings once, so each database gets its own process).

Prints one JSON object: what the bench user holds, which contact and search word the HTTP
half should ask for, and the SQL queries each page runs (Django's test Client with
force_login, counted with CaptureQueriesContext, on the second of two requests so the
session is warm)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "networkcrm.settings")
    import django

    django.setup()

    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from api.models import TokenScope
    from api.services import token_create
    from communities.models import Community
    from contacts.demo import BENCH_EMAIL, FAMILY
    from contacts.models import Contact, Interaction
    from goals.models import Objective

    email = BENCH_EMAIL.format(n=1)
    user = User.objects.filter(email=email).first()
    if user is None:
        print(json.dumps({"error": f"{email} is not in this database."}))
        return 0
    contacts = Contact.objects.filter(owner=user)
    busiest = (
        contacts.annotate(n=Count("interactions")).order_by("-n", "pk").values("pk", "n").first()
    )
    # The family-name syllable that the most contacts share: a search a user might type.
    counts = contacts.aggregate(
        **{stem: Count("pk", filter=Q(last_name__icontains=stem)) for stem in FAMILY}
    )
    search = max(FAMILY, key=lambda stem: counts[stem])
    facts: dict[str, Any] = {
        "database": connection.vendor,
        "user": email,
        "contacts": contacts.count(),
        "interactions": Interaction.objects.filter(owner=user).count(),
        "contact_pk": busiest["pk"] if busiest else None,
        "contact_interactions": busiest["n"] if busiest else 0,
        "search": search.lower(),
        "search_matches": counts[search],
        "community_pk": Community.objects.filter(owner=user).values_list("pk", flat=True).first(),
        "plan_objectives": Objective.objects.filter(
            plan__owner=user, plan__ended_on__isnull=True
        ).count(),
    }

    # A read token for the API's list, made anew each run (the bench database only).
    _token, facts["api_token"] = token_create(owner=user, name="bench", scope=TokenScope.READ)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {facts['api_token']}"}

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    log_form = {
        "contacts": facts["contact_pk"],
        "occurred_on": dt.date.today().isoformat(),
        "kind": "meeting",
        "channel": "in_person",
        "initiated_by": "me",
        "quality": 4,
    }
    pages = {
        "today": ("get", "/", None),
        "list": ("get", "/contacts/", None),
        "search": ("get", f"/contacts/?q={facts['search']}", None),
        "contact": ("get", f"/contacts/{facts['contact_pk']}/", None),
        "log": ("post", "/contacts/log/", log_form),
        "plan": ("get", "/goals/", None),
        "community": ("get", f"/communities/{facts['community_pk']}/", None),
        "content": ("get", "/content/", None),
        "api_list": ("get", "/api/v1/contacts/?page_size=100", None),
    }
    queries: dict[str, int | str] = {}
    for name, (method, path, data) in pages.items():
        send = getattr(client, method)
        extra = api_headers if path.startswith("/api/") else {}
        if method == "get":
            send(path, **extra)  # warm: the first request may touch the session
        with CaptureQueriesContext(connection) as captured:
            response = send(path, data) if data else send(path, **extra)
        if response.status_code == 404:
            queries[name] = "missing"
        elif response.status_code >= 400:
            queries[name] = f"error {response.status_code}"
        else:
            queries[name] = len(captured.captured_queries)
    facts["queries"] = queries
    print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
