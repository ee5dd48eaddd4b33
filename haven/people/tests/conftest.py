import datetime

import pytest

from haven.people import services


@pytest.fixture
def add_person(dsl):
    """Create a person through the service, as a DSL, skipping the duplicate prompt."""

    def _add(
        first,
        last,
        *,
        kind="child",
        born=datetime.date(2018, 6, 25),
        household=None,
        postcode="",
        actor=None,
        identifiers=(),
        **extra,
    ):
        data = {"kind": kind, "first_name": first, "last_name": last, **extra}
        if kind == "child" or born:
            data["date_of_birth"] = born
        return services.person_create(
            actor=actor or dsl,
            data=data,
            household=household,
            address={"address_line_1": "1 High Street", "postcode": postcode},
            identifiers=identifiers,
            duplicate_reason="test data",
        )

    return _add
