from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from haven.audit.models import Action, AuditChainHead, AuditEvent
from haven.audit.services import record_event, verify_all, verify_chain
from haven.core.db import append_only

pytestmark = pytest.mark.django_db(transaction=True)
TABLE = AuditEvent._meta.db_table


def _events(org, n=3):
    return [record_event(action=Action.VIEW, organisation=org, person_id=i) for i in range(n)]


def _behind_the_triggers(sql, params=()):
    """Change the table the way an attacker with database access would."""
    with connection.cursor() as cursor:
        for statement in append_only.drop_sql(connection.vendor, TABLE):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in append_only.create_sql(connection.vendor, TABLE):
            cursor.execute(statement)


def test_each_organisation_has_its_own_chain_of_numbered_linked_events(org, other_org):
    first = _events(org)
    other = _events(other_org, 2)
    assert [e.seq for e in first] == [1, 2, 3]
    assert [e.seq for e in other] == [1, 2]
    assert first[1].prev_hash == first[0].hash
    assert verify_chain(org.pk) is None
    assert verify_all()[1] == []


def test_the_database_refuses_to_update_an_audit_event(org):
    event = _events(org, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.EXPORT)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = 'someone else'")
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW


def test_the_database_refuses_to_delete_an_audit_event(org):
    event = _events(org, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_row_altered_behind_the_triggers_is_caught(org):
    events = _events(org, 4)
    _behind_the_triggers(
        f"UPDATE {TABLE} SET actor_label = %s WHERE id = %s", ["innocent", events[1].pk]
    )
    broken = verify_chain(org.pk)
    assert broken is not None
    assert broken.seq == 2 and broken.event_id == events[1].pk
    assert "altered" in broken.reason


def test_a_row_removed_from_the_middle_is_caught(org):
    events = _events(org, 4)
    _behind_the_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    broken = verify_chain(org.pk)
    assert broken is not None and broken.seq == 3 and "missing" in broken.reason


def test_rows_removed_from_the_end_are_caught(org):
    events = _events(org, 3)
    _behind_the_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    broken = verify_chain(org.pk)
    assert broken is not None and "end of the chain" in broken.reason


def test_a_rewritten_chain_whose_hashes_were_recomputed_is_caught_by_the_head(org):
    events = _events(org, 2)
    AuditChainHead.objects.filter(chain=org.pk).update(hash="f" * 64)
    assert verify_chain(org.pk) is not None
    assert events


def test_verify_audit_reports_the_first_broken_link_and_fails(org, capsys):
    events = _events(org, 3)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    _behind_the_triggers(f"UPDATE {TABLE} SET person_id = %s WHERE id = %s", [999, events[0].pk])
    with pytest.raises(CommandError, match="1 of"):
        call_command("verify_audit")
    assert f"event {events[0].seq}" in capsys.readouterr().err


def test_an_event_rolls_back_with_the_change_it_describes(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action=Action.VIEW, organisation=org)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(organisation=org).exists()
    assert record_event(action=Action.VIEW, organisation=org).seq == 1
    assert verify_chain(org.pk) is None


def test_events_without_an_organisation_have_their_own_chain(db):
    event = record_event(action=Action.SIGN_IN_FAILED, actor_label="nobody@example.org")
    assert event.chain == 0 and event.seq >= 1
    assert verify_chain(0) is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_appends_from_many_connections_at_once_keep_one_unbroken_chain(org):
    """Each append is one statement on PostgreSQL; writers racing for the head must still
    each get the next number and link to the event before theirs."""
    record_event(action=Action.VIEW, organisation=org)  # the chain exists before the race

    def append(n):
        try:
            return record_event(action=Action.VIEW, organisation=org, person_id=n).seq
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = sorted(pool.map(append, range(60)))
    assert numbers == list(range(2, 62))
    assert verify_chain(org.pk) is None
