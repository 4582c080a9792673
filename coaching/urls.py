from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("", views.coaching_settings, name="settings"),
    path("<int:pk>/scope/", views.assignment_scope, name="scope"),
    path("<int:pk>/answer/", views.assignment_answer, name="answer"),
    path("<int:pk>/end/", views.assignment_end, name="end"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("suggestions/<int:pk>/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/decline/", views.suggestion_decline, name="suggestion_decline"),
    path("notes/<int:pk>/dismiss/", views.note_dismiss, name="note_dismiss"),
]
