"""Screening a contact: what the records show, passing an open family to its worker, and
passing everything else to the senior practitioners for a rating."""

from __future__ import annotations

from datetime import timedelta

import pytest

from haven.access import roles
from haven.audit.models import AuditEvent
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.frontdoor.models import (
    Contact,
    ContactStatusChange,
    Known,
    Outcome,
    RetentionClass,
    Status,
)
from haven.frontdoor.services.screening import contact_screen, screening_checks
from haven.frontdoor.testing import make_contact, make_front_door, make_person, make_staff
from haven.notifications.models import Kind, Notification
from haven.people import services as people_services
from haven.people.models import Flag

pytestmark = pytest.mark.django_db


def _notes(user):
    return list(Notification.objects.for_org(user.organisation).filter(recipient=user))


def _flag(child, actor, flag, *, days_ago=200, ended_days_ago=None, worker=""):
    status = people_services.flag_start(
        person=child,
        actor=actor,
        flag=flag,
        start_date=clock.today() - timedelta(days=days_ago),
        allocated_worker=worker,
    )
    if ended_days_ago is not None:
        people_services.flag_end(
            status=status, actor=actor, end_date=clock.today() - timedelta(days=ended_days_ago)
        )
    return status


# --- What the records show ----------------------------------------------------------------


def test_the_checks_show_current_and_ended_statuses_and_earlier_contacts(
    front_door, contact, fd_child, screening_officer, senior_practitioner
):
    _flag(fd_child, senior_practitioner, Flag.CHILD_IN_NEED_PLAN, days_ago=400, ended_days_ago=100)
    _flag(fd_child, senior_practitioner, Flag.YOUNG_CARER, days_ago=50)
    earlier = make_contact(
        front_door,
        children=[fd_child],
        actor=screening_officer,
        received_at=clock.now() - timedelta(days=300),
        status=Status.DECIDED,
        outcome=Outcome.SOCIAL_WORK_TEAM,
    )
    checks = screening_checks(contact)
    [found] = checks.people
    assert [f.flag for f in found.current_flags] == [Flag.YOUNG_CARER]
    assert [f.flag for f in found.ended_flags] == [Flag.CHILD_IN_NEED_PLAN]
    assert found.earlier_contacts == [earlier]
    assert checks.suggested == Known.PREVIOUSLY_KNOWN


def test_a_current_status_naming_a_worker_suggests_the_family_is_open(
    contact, fd_child, senior_practitioner
):
    _flag(fd_child, senior_practitioner, Flag.OPEN_TO_SOCIAL_CARE, worker="Alex Social")
    checks = screening_checks(contact)
    assert checks.suggested == Known.OPEN
    assert checks.named_workers == ["Alex Social"]
    assert "Alex Social" in checks.reason


def test_an_earlier_contact_that_ended_in_early_help_makes_the_family_known_not_previously_known(
    front_door, contact, fd_child, screening_officer
):
    make_contact(
        front_door,
        children=[fd_child],
        actor=screening_officer,
        status=Status.DECIDED,
        outcome=Outcome.EARLY_HELP,
    )
    assert screening_checks(contact).suggested == Known.KNOWN


def test_nobody_in_the_records_suggests_not_known(contact):
    checks = screening_checks(contact)
    assert checks.suggested == Known.NOT_KNOWN
    assert not checks.people[0].is_known


def test_the_checks_cost_three_queries_however_much_history_there_is(
    front_door, screening_officer, senior_practitioner, django_assert_num_queries
):
    people = [make_person(screening_officer, first=f"Child{n}") for n in range(4)]
    adult = make_person(screening_officer, first="Ada", kind="adult", born=None)
    contact = make_contact(front_door, children=people, adults=[adult], actor=screening_officer)
    for person in people:
        _flag(person, senior_practitioner, Flag.YOUNG_CARER)
        make_contact(front_door, children=[person], adults=[adult], actor=screening_officer)
    with django_assert_num_queries(3):
        checks = screening_checks(contact)
    by_role = {p.link.role: p for p in checks.people}
    assert len(checks.people) == 5
    assert all(len(p.earlier_contacts) == 1 for p in checks.people if p.link.role == "child")
    assert len(by_role["adult"].earlier_contacts) == 4


# --- Not open: on to a rating -------------------------------------------------------------


def test_a_family_not_open_goes_to_the_senior_practitioners_for_a_rating(
    contact, screening_officer, senior_practitioner
):
    contact_screen(
        contact=contact,
        actor=screening_officer,
        known=Known.NOT_KNOWN,
        note="Checked the social care and early help systems: nothing.",
    )
    contact.refresh_from_db()
    assert contact.status == Status.RATING
    assert contact.known == Known.NOT_KNOWN
    assert contact.screened_by == screening_officer and contact.screened_at is not None
    assert contact.due_at is None  # the clock starts with the rating
    change = ContactStatusChange.objects.for_org(contact.organisation).get(contact=contact)
    assert (change.from_status, change.to_status) == (Status.SCREENING, Status.RATING)
    [note] = _notes(senior_practitioner)
    assert note.kind == Kind.CONTACT_FOR_YOU
    assert note.reference.startswith(f"Contact {contact.reference}")
    assert "Bunny" not in note.title and "Bunny" not in note.reference
    assert AuditEvent.objects.filter(object_id=str(contact.pk), detail__screened="not_known")


def test_a_senior_practitioner_screening_is_not_told_of_their_own_work(
    contact, senior_practitioner
):
    contact_screen(
        contact=contact, actor=senior_practitioner, known=Known.KNOWN, note="Known to early help."
    )
    assert _notes(senior_practitioner) == []


def test_screening_twice_is_refused_with_the_contacts_state(contact, screening_officer):
    contact_screen(contact=contact, actor=screening_officer, known=Known.KNOWN, note="Known.")
    with pytest.raises(DomainError, match="already been screened: it is awaiting rag rating"):
        contact_screen(contact=contact, actor=screening_officer, known=Known.KNOWN, note="Again")


def test_a_screening_without_a_note_changes_nothing(contact, screening_officer):
    with pytest.raises(DomainError, match="what you checked"):
        contact_screen(contact=contact, actor=screening_officer, known=Known.KNOWN, note="  ")
    contact.refresh_from_db()
    assert contact.status == Status.SCREENING and contact.known == ""


def test_an_unknown_answer_is_refused(contact, screening_officer):
    with pytest.raises(DomainError, match="Say whether"):
        contact_screen(contact=contact, actor=screening_officer, known="maybe", note="x")


@pytest.mark.parametrize("who", ["police_member", "early_help_manager", "social_worker"])
def test_only_screening_officers_and_senior_practitioners_screen(request, contact, who):
    with pytest.raises(NotAllowed):
        contact_screen(
            contact=contact, actor=request.getfixturevalue(who), known=Known.KNOWN, note="x"
        )
    assert Contact.objects.for_org(contact.organisation).get().status == Status.SCREENING


def test_another_front_doors_screening_officer_cannot_screen(contact):
    elsewhere = make_front_door("Southborough Children's Front Door")
    stranger = make_staff(elsewhere, roles.SCREENING_OFFICER, "Stan Stranger")
    with pytest.raises(NotAllowed):
        contact_screen(contact=contact, actor=stranger, known=Known.KNOWN, note="x")


def test_a_contact_moved_on_by_someone_else_meanwhile_is_refused(contact, screening_officer):
    Contact.objects.for_org(contact.organisation).filter(pk=contact.pk).update(status=Status.RATING)
    with pytest.raises(DomainError, match="already moved on: it is awaiting rag rating"):
        contact_screen(contact=contact, actor=screening_officer, known=Known.KNOWN, note="x")


# --- Open to an allocated worker ----------------------------------------------------------


def test_an_open_family_goes_to_its_allocated_worker_and_leaves_the_front_door(
    front_door, contact, screening_officer
):
    worker = make_staff(front_door, roles.SOCIAL_WORKER, "Alex Social")
    contact_screen(
        contact=contact,
        actor=screening_officer,
        known=Known.OPEN,
        note="Open to Alex Social, child in need plan.",
        allocated_worker=worker,
    )
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_TO_WORKER
    assert contact.outcome == Outcome.ALLOCATED_WORKER
    assert contact.allocated_worker == worker
    assert contact.decided_by == screening_officer
    assert contact.retention_class == RetentionClass.STATUTORY
    assert not contact.is_open
    [note] = _notes(worker)
    assert note.kind == Kind.CONTACT_FOR_YOU
    assert note.url == f"/front-door/contacts/{contact.pk}/"
    assert contact.reference in note.reference


def test_an_open_family_needs_the_worker_chosen(contact, screening_officer):
    with pytest.raises(DomainError, match="Choose the allocated worker"):
        contact_screen(contact=contact, actor=screening_officer, known=Known.OPEN, note="Open")
    contact.refresh_from_db()
    assert contact.status == Status.SCREENING


def test_a_worker_is_only_for_an_open_family(contact, screening_officer, social_worker):
    with pytest.raises(DomainError, match="Only a family open"):
        contact_screen(
            contact=contact,
            actor=screening_officer,
            known=Known.KNOWN,
            note="Known",
            allocated_worker=social_worker,
        )


def test_the_worker_must_be_front_door_staff_of_the_same_organisation(
    contact, screening_officer, police_member
):
    with pytest.raises(DomainError, match="cannot take contacts"):
        contact_screen(
            contact=contact,
            actor=screening_officer,
            known=Known.OPEN,
            note="Open",
            allocated_worker=police_member,
        )
    elsewhere = make_front_door("Southborough Children's Front Door")
    stranger = make_staff(elsewhere, roles.SOCIAL_WORKER, "Stan Stranger")
    with pytest.raises(NotAllowed):
        contact_screen(
            contact=contact,
            actor=screening_officer,
            known=Known.OPEN,
            note="Open",
            allocated_worker=stranger,
        )
    contact.refresh_from_db()
    assert contact.status == Status.SCREENING
