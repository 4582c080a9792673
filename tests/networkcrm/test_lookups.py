"""networkcrm.lookups.AnyOf: the rows whose id a subquery returns, on either database."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from networkcrm.lookups import AnyOf
from tests.contacts.factories import contact

pytestmark = pytest.mark.django_db


def test_it_keeps_the_rows_a_subquery_names_even_a_union(alice, bob):
    dana, erin, gus = contact(alice, "Dana"), contact(alice, "Erin"), contact(alice, "Gus")
    olga = contact(bob, "Olga")
    named = (
        Contact.objects.filter(first_name="Dana")
        .order_by()
        .values("pk")
        .union(Contact.objects.filter(first_name__in=["Gus", "Olga"]).order_by().values("pk"))
    )
    with CaptureQueriesContext(connection) as queries:
        found = set(Contact.objects.filter(AnyOf(F("pk"), named), owner=alice))
    assert found == {dana, gus}
    assert erin not in found
    assert olga not in found
    sql = queries[0]["sql"]
    assert ("= ANY(ARRAY(" in sql) == (connection.vendor == "postgresql")


def test_an_empty_subquery_keeps_nothing(alice):
    contact(alice, "Dana")
    nobody = Contact.objects.filter(first_name="Nobody").values("pk")
    assert not Contact.objects.filter(AnyOf(F("pk"), nobody)).exists()
