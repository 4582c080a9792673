from django.urls import path

from contacts import map as contact_map
from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("map/", contact_map.contact_map, name="map"),
    path("map/data.json", contact_map.map_data, name="map_data"),
]
