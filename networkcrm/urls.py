from django.contrib import admin
from django.urls import include, path

from networkcrm import views

urlpatterns = [
    path("", views.today, name="today"),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("followups/", include("followups.urls")),
    path("goals/", include("goals.urls")),
    path("kpis/", include("kpis.urls")),
    path("communities/", include("communities.urls")),
    path("events/", include("events.urls")),
    path("content/", include("content.urls")),
    path("import/", include("imports.urls")),
    path("coaching/", include("coaching.urls")),
    path("capture/", include("capture.urls")),
    path("status/", views.status, name="status"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
