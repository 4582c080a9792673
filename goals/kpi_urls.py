from django.urls import path

from goals import kpi_views

app_name = "kpis"

urlpatterns = [
    path("", kpi_views.kpi_page, name="page"),
    path("export.csv", kpi_views.kpi_export, name="export"),
    path("cards/", kpi_views.kpi_cards, name="cards"),
    # The weekly summary e-mail's one-click unsubscribe (signed; no login needed).
    path(
        "summary/unsubscribe/<str:token>/",
        kpi_views.summary_unsubscribe,
        name="summary_unsubscribe",
    ),
]
