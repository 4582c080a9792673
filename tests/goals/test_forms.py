import datetime as dt
from decimal import Decimal

from goals.forms import describe_measure, detail_choices, metric_choices
from goals.metrics import CATALOG
from goals.models import Objective, Period


def measure(metric, target=6, period=Period.MONTH, **fields):
    return describe_measure(
        Objective(metric=metric, target=Decimal(target), period=period, **fields)
    )


def test_it_offers_every_catalog_metric_grouped_by_source():
    _blank, *groups = metric_choices()
    offered = {key for _label, choices in groups for key, _ in choices}
    assert offered == set(CATALOG)


def test_it_groups_the_details_under_their_metrics_label():
    labels = [label for label, _ in detail_choices()[1:]]
    assert labels == [m.label for m in CATALOG.values() if m.details]


def test_it_describes_a_count_per_period():
    assert measure("meaningful_connections") == "6 meaningful connections per month"


def test_it_describes_one_of_something_in_the_singular():
    assert measure(
        "outcomes", 1, Period.BY_DATE, detail="mentorship", due_on=dt.date(2026, 9, 8)
    ) == ("1 outcome (mentorship) by 8 Sep 2026")


def test_it_describes_a_share_as_a_level():
    assert measure("offline_share", 50, Period.WEEK) == "Offline share: at least 50% per week"


def test_it_describes_a_ceiling():
    assert measure("contacts_overdue", 3) == "Contacts overdue: at most 3 per month"


def test_it_describes_a_narrowed_channel():
    assert measure("interactions_by_channel", 12, detail="linkedin") == (
        "12 interactions by channel (linkedin) per month"
    )
