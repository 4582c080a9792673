from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import coaching, imports, token_views, views
from api.base import ApiViewMixin

app_name = "api"

router = SimpleRouter()
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("followups", views.FollowUpViewSet, basename="followup")
router.register("tags", views.TagViewSet, basename="tag")
router.register("kpis", views.WeeklyKpiViewSet, basename="kpi")
router.register("imports", imports.ImportViewSet, basename="import")


class SchemaView(ApiViewMixin, SpectacularAPIView):
    pass


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's files, its start-up script a file of its own
    (`?script`): the page keeps the site's CSP, no inline script or style."""

    template_name = "api/docs.html"


v1 = [
    path("", include(router.urls)),
    path("today/", views.TodayView.as_view(), name="today"),
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("clients/", coaching.ClientList.as_view(), name="clients"),
    path("clients/<int:pk>/plan/", coaching.ClientPlan.as_view(), name="client_plan"),
    path("clients/<int:pk>/kpis/", coaching.ClientKpis.as_view(), name="client_kpis"),
    path(
        "clients/<int:pk>/contacts/",
        coaching.ClientContacts.as_view(),
        name="client_contacts",
    ),
    path(
        "clients/<int:pk>/interactions/",
        coaching.ClientInteractions.as_view(),
        name="client_interactions",
    ),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("v1/", include(v1)),
    # Anything else under the API is a 404 in problem details, not the site's HTML page.
    re_path(r"^v1/", views.not_found),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
