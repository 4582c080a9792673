from django.urls import path

from capture import source_views

app_name = "capture"

urlpatterns = [
    # Mailboxes and calendar subscriptions (capture/source_views.py).
    path("sources/", source_views.sources, name="sources"),
    path("mailboxes/new/", source_views.mailbox_create, name="mailbox_create"),
    path("mailboxes/<int:pk>/edit/", source_views.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/delete/", source_views.mailbox_delete, name="mailbox_delete"),
    path("calendars/new/", source_views.feed_create, name="feed_create"),
    path("calendars/<int:pk>/edit/", source_views.feed_edit, name="feed_edit"),
    path("calendars/<int:pk>/delete/", source_views.feed_delete, name="feed_delete"),
]
