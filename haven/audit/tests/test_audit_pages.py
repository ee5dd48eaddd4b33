import csv
import io

import pytest

from haven.access.decorators import VERIFIED_AT
from haven.audit.models import Action, AuditEvent
from haven.audit.services import record_event
from haven.core import clock

pytestmark = pytest.mark.django_db


def test_the_audit_log_filters_by_person_and_action(admin, staff_member, sign_in):
    record_event(action=Action.VIEW, actor=staff_member, person_id=41)
    record_event(action=Action.VIEW, actor=staff_member, person_id=42)
    record_event(action=Action.EXPORT, actor=staff_member, person_id=42)
    client = sign_in(admin)
    body = client.get("/audit/", {"person": 42, "action": "view"}).content.decode()
    assert body.count(staff_member.email) == 1


def test_bad_filters_are_explained(admin, sign_in):
    response = sign_in(admin).get(
        "/audit/", {"date_from": "31/12/2026", "date_to": "01/01/2026", "person": "abc"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "before the start date" in body and "Enter a whole number" in body


def test_the_export_asks_again_for_a_code_older_than_fifteen_minutes(admin, sign_in):
    client = sign_in(admin)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 15 * 60 - 5
    session.save()
    response = client.get("/audit/export.csv")
    assert response.status_code == 302 and "fresh=1" in response["Location"]
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_is_a_csv_and_is_itself_audited_with_its_filters(admin, staff_member, sign_in):
    record_event(action=Action.VIEW, actor=staff_member, person_id=7)
    response = sign_in(admin).get("/audit/export.csv", {"person": 7})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "who", "action"]
    assert [r[1] for r in rows[1:]] == [staff_member.email]
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.detail["filters"]["person"] == 7


def test_who_viewed_a_record_lists_every_access_and_records_the_look(dsl, staff_member, sign_in):
    import datetime

    from haven.people.services import person_create

    child = person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Bugs",
            "last_name": "Bunny",
            "date_of_birth": datetime.date(2020, 1, 1),
        },
    )
    record_event(action=Action.VIEW, actor=staff_member, person_id=child.pk)
    client = sign_in(dsl)
    body = client.get(f"/audit/people/{child.pk}/").content.decode()
    assert staff_member.email in body
    assert AuditEvent.objects.filter(actor=dsl, person_id=child.pk, action=Action.VIEW).exists()
    assert client.get("/audit/people/999999/").status_code == 404


def test_the_audit_log_is_paged_with_a_fixed_number_of_queries(
    admin, sign_in, django_assert_max_num_queries
):
    client = sign_in(admin)
    with django_assert_max_num_queries(30) as few:
        client.get("/audit/")
    for n in range(120):
        record_event(action=Action.VIEW, actor=admin, person_id=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/audit/").content.decode()
    assert "before=" in body
