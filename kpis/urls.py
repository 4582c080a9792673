from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.kpi_page, name="page"),
    path("export.csv", views.kpi_export, name="export"),
    path("cards/", views.kpi_cards, name="cards"),
    # The weekly summary e-mail's one-click unsubscribe (signed; no login needed).
    path(
        "summary/unsubscribe/<str:token>/",
        views.summary_unsubscribe,
        name="summary_unsubscribe",
    ),
]
