"""The household chronology: every child of a household, interleaved and labelled."""

from datetime import timedelta

import pytest

from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.people import services as people_services
from haven.safeguarding.tests.records import concern_records

pytestmark = pytest.mark.django_db


def _statuses(dsl, child, pairs, offset=0):
    for n in range(pairs):
        day = clock.today() - timedelta(days=300 - offset - 2 * n)
        status = people_services.flag_start(
            person=child, actor=dsl, flag="young_carer", start_date=day
        )
        people_services.flag_end(status=status, actor=dsl, end_date=day)


@pytest.fixture
def siblings(add_person):
    ava = add_person("Ava", "Stone")
    ben = add_person("Ben", "Stone", household=ava.household)
    add_person("Cleo", "Stone", kind="adult", born=None, household=ava.household)
    return ava, ben


def test_the_children_are_interleaved_and_each_entry_names_its_child(dsl, siblings, sign_in):
    ava, ben = siblings
    _statuses(dsl, ava, 2, offset=0)
    _statuses(dsl, ben, 2, offset=1)
    page = sign_in(dsl).get(f"/chronology/household/{ava.household_id}/", {"order": "oldest"})
    assert page.status_code == 200
    entries = page.context["chronology"].entries
    owners = [e.child.first_name for e in entries if e.kind == "status_started"]
    assert owners == ["Ava", "Ben", "Ava", "Ben"]
    html = page.content.decode()
    assert "Ava Stone" in html and "Ben Stone" in html
    events = AuditEvent.objects.filter(action=Action.VIEW, detail__what="household chronology")
    assert sorted(events.values_list("person_id", flat=True)) == sorted([ava.pk, ben.pk])


def test_a_concern_the_reader_may_not_see_contributes_nothing(dsl, key_person, siblings, sign_in):
    ava, ben = siblings
    concern_records(dsl, ben, account="Ben spoke about a worrying night at home.")
    theirs = sign_in(key_person).get(f"/chronology/household/{ava.household_id}/")
    assert "worrying night" not in theirs.content.decode()
    mine = sign_in(dsl).get(f"/chronology/household/{ava.household_id}/")
    assert "worrying night" in mine.content.decode()


def test_others_do_not_find_the_household(stranger, siblings, sign_in):
    ava = siblings[0]
    assert sign_in(stranger).get(f"/chronology/household/{ava.household_id}/").status_code == 404


def test_the_page_pages_by_keyset_with_a_fixed_number_of_queries(
    dsl, siblings, sign_in, django_assert_num_queries
):
    ava, ben = siblings
    client = sign_in(dsl)
    url = f"/chronology/household/{ava.household_id}/"
    _statuses(dsl, ava, 1)
    concern_records(dsl, ava, account="Ava was cold.")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _statuses(dsl, ava, 20)
    _statuses(dsl, ben, 20, offset=1)
    concern_records(dsl, ben, account="Ben was hungry.")
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url)
    first = page.context["chronology"]
    assert len(first.entries) == 50 and first.next_cursor
    second = client.get(url, {"after": first.next_cursor}).context["chronology"]
    assert second.entries and not {e.pk for e in first.entries} & {e.pk for e in second.entries}


def test_the_household_and_child_pages_link_to_it(dsl, siblings, sign_in):
    ava = siblings[0]
    client = sign_in(dsl)
    target = f"/chronology/household/{ava.household_id}/"
    assert target in client.get(f"/households/{ava.household_id}/").content.decode()
    assert target in client.get(f"/people/{ava.pk}/", {"tab": "chronology"}).content.decode()
