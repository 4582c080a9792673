from django.urls import path

from capture import views

app_name = "capture"

urlpatterns = [
    path("", views.capture_settings, name="settings"),
    path("address/renew/", views.forward_renew, name="forward_renew"),
    path("rules/", views.rule_add, name="rule_add"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_act, name="review_act"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/undo/", views.item_undo, name="item_undo"),
]
