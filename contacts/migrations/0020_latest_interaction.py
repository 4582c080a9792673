"""Each contact points at its latest interaction that is not a note (`Contact.latest_interaction`),
kept by contacts.services with the other derived columns, so Today and the digest read it rather
than sort every listed contact's interactions. Existing rows are filled in one UPDATE."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Interaction = apps.get_model("contacts", "Interaction")
    latest = (
        Interaction.objects.filter(contacts=OuterRef("pk"))
        .exclude(kind="note")
        .order_by("-occurred_on", "-pk")
        .values("pk")[:1]
    )
    Contact.objects.update(latest_interaction=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0019_checkin_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="latest_interaction",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="contacts.interaction",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
