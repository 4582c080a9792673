"""The Coaches group: the coach's role. It holds no model permission on purpose: a coach
reaches client data only through the scoped admins of `coaching.admin`."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Coaches")


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Coaches").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_coachassignment"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
