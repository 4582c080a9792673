from django.urls import path

from capture import source_views, views

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
    path("", views.capture_settings, name="settings"),
    path("address/renew/", views.forward_renew, name="forward_renew"),
    path("rules/", views.rule_add, name="rule_add"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_act, name="review_act"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/undo/", views.item_undo, name="item_undo"),
]
