"""My cases: every case the reader owns or manages, overdue first, paged by keyset at a cost
that does not grow with the number of cases."""

from datetime import timedelta

import pytest
from django.urls import reverse

from haven.cases import queries, services
from haven.cases.models import SafeguardingCase
from haven.cases.tests.test_case_edit import _close
from haven.core import clock

pytestmark = pytest.mark.django_db


def _cases(dsl, key_person, manager, child, case_data, count, *, start=0) -> list:
    """``count`` cases owned by the key person; every third one is overdue by a different
    number of days, the rest due on different days ahead."""
    made = []
    for index in range(start, start + count):
        case = services.case_open(actor=dsl, child=child, data=case_data(owner=key_person))
        offset = -(index + 1) if index % 3 == 0 else index + 1
        SafeguardingCase.unscoped.filter(pk=case.pk).update(
            next_update_due=clock.today() + timedelta(days=offset)
        )
        made.append(case.pk)
    return made


def _expected(key_person) -> list:
    """Overdue first (most overdue at the top), then by the next update due, then by id."""
    today = clock.today()
    rows = SafeguardingCase.objects.for_org(key_person.organisation).filter(owner=key_person)
    return [
        case.pk
        for case in sorted(
            rows,
            key=lambda c: (not c.is_overdue_on(today), c.next_update_due, c.pk),
        )
    ]


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_my_cases_costs_the_same_at_three_cases_and_thirty(
    sign_in, dsl, key_person, manager, child, case_data, django_assert_num_queries
):
    _cases(dsl, key_person, manager, child, case_data, 3)
    client = sign_in(key_person)
    url = reverse("cases:mine")
    client.get(url)
    at_three = _count(client, url)
    _cases(dsl, key_person, manager, child, case_data, 27, start=3)
    with django_assert_num_queries(at_three):
        response = client.get(url)
    assert [c.pk for c in response.context["cases"]] == _expected(key_person)
    assert response.context["next_cursor"] is None


def test_my_cases_pages_through_every_case_overdue_first(
    sign_in, dsl, key_person, manager, child, case_data, monkeypatch
):
    monkeypatch.setattr(queries, "LIST_PAGE", 4)
    _cases(dsl, key_person, manager, child, case_data, 11)
    client = sign_in(key_person)
    seen, url = [], reverse("cases:mine")
    for _ in range(5):
        response = client.get(url)
        page = [c.pk for c in response.context["cases"]]
        assert len(page) <= 4
        seen += page
        cursor = response.context["next_cursor"]
        if cursor is None:
            break
        assert f"?after={cursor}" in response.content.decode()
        url = f"{reverse('cases:mine')}?after={cursor}"
    assert seen == _expected(key_person)
    assert "Back to the first page" in response.content.decode()


def test_closed_cases_come_last_when_asked_for(
    sign_in, dsl, key_person, manager, child, case_data, monkeypatch
):
    monkeypatch.setattr(queries, "LIST_PAGE", 2)
    first, second, third = _cases(dsl, key_person, manager, child, case_data, 3)
    closed = _close(SafeguardingCase.unscoped.get(pk=second), key_person, manager)
    client = sign_in(key_person)
    shown = client.get(reverse("cases:mine")).context
    assert [c.pk for c in shown["cases"]] == [first, third]
    assert shown["next_cursor"] is None
    page_one = client.get(f"{reverse('cases:mine')}?show=all").context
    assert [c.pk for c in page_one["cases"]] == [first, third]
    after = page_one["next_cursor"]
    page_two = client.get(f"{reverse('cases:mine')}?show=all&after={after}").context
    assert [c.pk for c in page_two["cases"]] == [closed.pk]


@pytest.mark.parametrize("cursor", ["rubbish", "2_2026-01-01_5", "0_not-a-day_5", "0_2026-01-01_x"])
def test_a_cursor_that_is_not_ours_shows_the_first_page(
    sign_in, dsl, key_person, manager, child, case_data, cursor
):
    made = _cases(dsl, key_person, manager, child, case_data, 2)
    response = sign_in(key_person).get(f"{reverse('cases:mine')}?after={cursor}")
    assert response.status_code == 200
    assert sorted(c.pk for c in response.context["cases"]) == sorted(made)
