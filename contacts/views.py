from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts.scoping import contacts_for

PAGE_SIZE = 50


def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = contacts_for(request.user).active()
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/contact_list.html", {"page": page})
