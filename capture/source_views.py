"""The mailbox and calendar pages under /capture/: the list with each source's status, and the
forms to add, edit and remove them. Views parse, call capture.sources, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from capture.models import CalendarFeed, Mailbox
from capture.scoping import feeds_for, get_feed_for, get_mailbox_for, mailboxes_for
from capture.source_forms import FeedForm, FeedUploadForm, MailboxForm
from capture.sources import feed_save, mailbox_save


def sources(request: HttpRequest) -> HttpResponse:
    context = {
        "mailboxes": list(mailboxes_for(request.user)),
        "feeds": list(feeds_for(request.user).defer("upload")),
        "mailbox_minutes": settings.CAPTURE_MAILBOX_INTERVAL_MINUTES,
        "feed_minutes": settings.CAPTURE_FEED_INTERVAL_MINUTES,
    }
    return render(request, "capture/sources.html", context)


@require_http_methods(["GET", "POST"])
def mailbox_create(request: HttpRequest) -> HttpResponse:
    return _mailbox_form(request, Mailbox(user=request.user))


@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _mailbox_form(request, get_mailbox_for(request.user, pk))


def _mailbox_form(request: HttpRequest, mailbox: Mailbox) -> HttpResponse:
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in MailboxForm.Meta.fields}
        mailbox = mailbox_save(
            user=request.user,
            mailbox=mailbox if mailbox.pk else None,
            fields=fields,
            password=form.cleaned_data["password"],
        )
        messages.success(request, f"Saved the mailbox {mailbox}. It syncs within a minute.")
        return redirect("capture:sources")
    return render(request, "capture/mailbox_form.html", {"form": form, "mailbox": mailbox})


@require_http_methods(["GET", "POST"])
def mailbox_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_mailbox_for(request.user, pk)
    if request.method == "POST":
        mailbox.delete()
        messages.success(
            request, f"Removed the mailbox {mailbox}. What it logged stays in your log."
        )
        return redirect("capture:sources")
    return render(
        request,
        "capture/source_confirm_delete.html",
        {"what": f"the mailbox {mailbox}", "cancel": "capture:sources"},
    )


@require_http_methods(["GET", "POST"])
def feed_create(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed(user=request.user)
    if request.method == "POST" and "upload" in request.POST:
        upload = FeedUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            feed = feed_save(
                user=request.user,
                feed=None,
                fields={
                    "name": upload.cleaned_data["name"],
                    "lookback_days": upload.cleaned_data["lookback_days"],
                },
                upload=upload.cleaned_data["file"],
            )
            messages.success(
                request, f"Uploaded “{feed.name}”. Its meetings are read within a minute."
            )
            return redirect("capture:sources")
        return render(
            request, "capture/feed_form.html", {"form": FeedForm(instance=feed), "upload": upload}
        )
    return _feed_form(request, feed)


@require_http_methods(["GET", "POST"])
def feed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _feed_form(request, get_feed_for(request.user, pk))


def _feed_form(request: HttpRequest, feed: CalendarFeed) -> HttpResponse:
    form = FeedForm(request.POST or None, instance=feed)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in FeedForm.Meta.fields}
        feed = feed_save(
            user=request.user,
            feed=feed if feed.pk else None,
            fields=fields,
            url=form.cleaned_data.get("url", ""),
        )
        messages.success(request, f"Saved the calendar “{feed.name}”. It syncs within a minute.")
        return redirect("capture:sources")
    context = {"form": form, "upload": None if feed.pk else FeedUploadForm()}
    return render(request, "capture/feed_form.html", context)


@require_http_methods(["GET", "POST"])
def feed_delete(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_feed_for(request.user, pk)
    if request.method == "POST":
        feed.delete()
        messages.success(
            request, f"Removed the calendar “{feed.name}”. What it logged stays in your log."
        )
        return redirect("capture:sources")
    return render(
        request,
        "capture/source_confirm_delete.html",
        {"what": f"the calendar “{feed.name}”", "cancel": "capture:sources"},
    )
