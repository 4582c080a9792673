from django.urls import path

from contacts import map as contact_map
from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_edit, name="create"),
    path("bulk/", views.contact_bulk, name="bulk"),
    path("merge/", views.contact_merge, name="merge"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("log/", views.interaction_new, name="log"),
    path("picker/", views.contact_picker, name="picker"),
    path("interactions/", views.interaction_list, name="interactions"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.interaction_remove, name="interaction_delete"),
    path("strength/", views.strength_help, name="strength_help"),
    path("map/", contact_map.contact_map, name="map"),
    path("map/data.json", contact_map.map_data, name="map_data"),
]
