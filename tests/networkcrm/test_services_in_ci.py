def test_it_runs_on_postgresql(postgresql):
    from django.db import connection

    assert connection.vendor == "postgresql"
