"""The demo gives every Riverside report something to show."""

import pytest

from haven.accounts.demo import load_demo
from haven.accounts.models import User
from haven.reports import queries

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_concerns_for_the_reports():
    load_demo()
    dsl = User.unscoped.get(email="dsl@riverside.example")
    filters = queries.default_filters()
    by_month = queries.concerns_by_category_and_month(dsl, dsl.organisation, filters)
    monthly = [sum(column) for column in zip(*(row for _, row in by_month.rows), strict=True)]
    assert len(monthly) == 12
    assert sum(1 for total in monthly if total) >= 10
    assert sum(monthly) >= 80
    year_groups = queries.concerns_by_year_group(dsl, dsl.organisation, filters)
    assert len(year_groups.rows) >= 3
    open_cases = queries.open_cases_by_threshold_and_status(dsl, dsl.organisation, filters)
    assert open_cases.rows
