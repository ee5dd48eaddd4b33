"""How Haven's connections to the database are set up."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_does_not_compile_queries_just_in_time():
    # A report's plan can look expensive enough to be compiled, which took longer than
    # running it; Haven's queries are all short.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
