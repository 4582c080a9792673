from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.piece_list, name="list"),
    path("new/", views.piece_create, name="create"),
    path("<int:pk>/edit/", views.piece_edit, name="edit"),
    path("<int:pk>/delete/", views.piece_remove, name="delete"),
]
