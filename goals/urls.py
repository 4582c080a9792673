from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("review/", views.review, name="review"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("setup/", views.setup, name="setup"),
    # One route per step, each with its own name: goals:setup_purpose, …
    *(
        path(f"setup/{step}/", views.setup_step, {"step": step}, name=f"setup_{step}")
        for step in views.SETUP_STEPS
    ),
    path("purpose/", views.purpose_edit, name="purpose_edit"),
    path("objectives/new/", views.objective_edit, name="objective_create"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/delete/", views.priority_delete, name="priority_delete"),
    path("priorities/<int:pk>/move/", views.priority_move, name="priority_move"),
    path("priorities/<int:pk>/not-now/", views.priority_not_now, name="priority_not_now"),
    path("tactics/new/", views.tactic_edit, name="tactic_create"),
    path("tactics/<int:pk>/edit/", views.tactic_edit, name="tactic_edit"),
    path("tactics/<int:pk>/active/", views.tactic_active, name="tactic_active"),
    path("tactics/<int:pk>/delete/", views.tactic_delete, name="tactic_delete"),
    path("contacts/", views.contact_picker, name="contact_picker"),
]
