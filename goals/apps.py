from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = "Goals"

    def ready(self) -> None:
        # The weekly summary is one more kind of delivery for the digest's engine, which sends
        # each kind through the function registered for it.
        from followups.digest import MESSAGES
        from followups.models import DeliveryKind
        from goals.summary import summary_message

        MESSAGES[DeliveryKind.WEEKLY] = summary_message
