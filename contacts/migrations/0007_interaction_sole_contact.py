import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Min, OuterRef, Subquery


def fill(apps, schema_editor):
    """Every interaction's sole contact from its links, in one UPDATE."""
    Interaction = apps.get_model("contacts", "Interaction")
    links = Interaction.contacts.through.objects.filter(interaction=OuterRef("pk")).order_by()
    sole = links.values("interaction").annotate(n=Count("*"), first=Min("contact")).filter(n=1)
    Interaction.objects.update(sole_contact=Subquery(sole.values("first")))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_interaction_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="sole_contact",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="contacts.contact",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
