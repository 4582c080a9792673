from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self) -> None:
        # The weekly summary is one more kind of delivery of the digest's engine
        # (followups.digest), which writes each kind with the function registered for it.
        from followups.digest import register_message
        from followups.models import DeliveryKind
        from kpis.summary import summary_message

        register_message(DeliveryKind.WEEKLY, summary_message)
