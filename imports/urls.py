from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("<int:pk>/", views.import_job, name="job"),
    path("<int:pk>/columns/", views.import_mapping, name="mapping"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/errors.csv", views.import_errors, name="errors"),
    path("<int:pk>/file/", views.import_file, name="file"),
    path("<int:pk>/resume/", views.import_resume, name="resume"),
    path("<int:pk>/again/", views.import_rerun, name="rerun"),
    path("<int:pk>/delete/", views.import_delete, name="delete"),
    path("export/contacts.csv", views.export_csv, name="export_csv"),
    path("export/contacts.vcf", views.export_vcard, name="export_vcard"),
    path("export/account/", views.export_account, name="export_account"),
    path("export/<int:pk>/", views.export_status, name="export_status"),
    path("export/<int:pk>/download/", views.export_download, name="export_download"),
    path("export/<int:pk>/delete/", views.export_delete, name="export_delete"),
]
