from django.contrib.admin.apps import AdminConfig


class NetworkCRMAdminConfig(AdminConfig):
    default_site = "networkcrm.admin.NetworkCRMAdminSite"
