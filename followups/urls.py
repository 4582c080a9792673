from django.urls import path

from followups import digest_views, views

app_name = "followups"

urlpatterns = [
    path("", views.followup_list, name="list"),
    path("new/", views.followup_create, name="create"),
    path("<int:pk>/edit/", views.followup_edit, name="edit"),
    path("<int:pk>/done/", views.followup_done, name="done"),
    path("<int:pk>/snooze/", views.followup_snooze, name="snooze"),
    path("<int:pk>/skip/", views.followup_skip, name="skip"),
    path("<int:pk>/log/", views.followup_log, name="log"),
    path("checkins/<int:pk>/done/", views.checkin_done, name="checkin_done"),
    path("checkins/<int:pk>/snooze/", views.checkin_snooze, name="checkin_snooze"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar"),
    path("calendar/new-address/", views.calendar_renew, name="calendar_renew"),
    path("calendar/off/", views.calendar_off, name="calendar_off"),
    # The daily digest's signed links (followups.digest_views).
    path(
        "digest/unsubscribe/<str:token>/",
        digest_views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
    path("digest/<str:token>/", digest_views.digest_action, name="digest_action"),
]
