"""Monitoring, overdue, reminders, closure by approval and reopening."""

import datetime
from datetime import timedelta

import pytest

from haven.cases import queries, services
from haven.cases.models import TRANSITIONS, CaseStatusChange, ClosureRequest, Status
from haven.cases.reminders import OverdueCaseReminders, intervals_overdue
from haven.chronology.models import Entry, Kind
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.notifications.models import Notification
from haven.notifications.reminders import send_reminders
from haven.programmes import services as programme_services
from haven.programmes.models import Stage

pytestmark = pytest.mark.django_db

UPDATE = {
    "given_by_name": "Kim Keyperson",
    "given_by_role": "Key person",
    "actions_taken": "Spoke with mum at pick-up; she has asked for parenting support.",
    "by_centre_staff": True,
    "by_parents": True,
    "rationale": "Agreed when the case opened.",
}


def _statuses(case):
    rows = CaseStatusChange.objects.for_org(case.organisation).filter(case=case)
    return list(rows.order_by("pk").values_list("from_status", "to_status"))


def test_every_status_has_its_moves_declared():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.CLOSED] == {Status.MONITORING}


def test_a_monitoring_action_moves_an_open_case_to_monitoring_and_resets_the_due_date(
    open_case, key_person
):
    case = open_case()
    with clock.travel(timedelta(days=10)):
        services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
        assert case.next_update_due == clock.today() + timedelta(days=21)
    assert case.status == Status.MONITORING
    assert _statuses(case) == [("", "open"), ("open", "monitoring")]
    entry = Entry.objects.for_org(case.organisation).get(kind=Kind.CASE_MONITORING)
    assert "parenting support" in entry.summary


def test_a_second_monitoring_action_leaves_no_status_row(open_case, key_person):
    case = open_case()
    services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
    services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
    assert len(_statuses(case)) == 2


def test_a_monitoring_action_must_say_who_acted(open_case, key_person):
    case = open_case()
    with pytest.raises(DomainError, match="who took the actions"):
        services.case_add_monitoring(
            case=case,
            actor=key_person,
            data={**UPDATE, "by_centre_staff": False, "by_parents": False},
        )
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_someone_who_may_only_read_cannot_add_a_monitoring_action(
    open_case, staff_member, deputy_dsl
):
    case = open_case()
    with pytest.raises(NotAllowed):
        services.case_add_monitoring(case=case, actor=staff_member, data=UPDATE)
    services.case_add_monitoring(case=case, actor=deputy_dsl, data=UPDATE)


def test_a_case_is_overdue_the_day_after_its_update_was_due(open_case, high, seeded):
    case = open_case(threshold=high)
    due = case.next_update_due
    with clock.travel(timedelta(days=7)):
        assert clock.today() == due
        assert not queries.overdue_cases(seeded).exists()
    with clock.travel(timedelta(days=8)):
        assert list(queries.overdue_cases(seeded)) == [case]


def test_a_case_waiting_for_closure_is_not_overdue(open_case, key_person, manager, seeded):
    case = open_case()
    services.case_request_closure(case=case, actor=key_person, approver=manager, comments="Done")
    with clock.travel(timedelta(days=40)):
        assert not queries.overdue_cases(seeded).exists()


def test_the_overdue_reminder_goes_once_then_again_each_interval(
    open_case, high, key_person, manager
):
    case = open_case(threshold=high)

    def reminders_sent():
        return Notification.objects.for_org(case.organisation).filter(
            kind="case_overdue", recipient=key_person
        )

    with clock.travel(timedelta(days=7)):
        send_reminders()
        assert not reminders_sent().exists()
    with clock.travel(timedelta(days=8)):
        send_reminders()
        send_reminders()
        assert reminders_sent().count() == 1
        assert (
            Notification.objects.for_org(case.organisation)
            .filter(kind="case_overdue", recipient=manager)
            .exists()
        )
    with clock.travel(timedelta(days=14)):
        send_reminders()
        assert reminders_sent().count() == 1
    with clock.travel(timedelta(days=15)):
        send_reminders()
        send_reminders()
        assert reminders_sent().count() == 2
        assert "again" in reminders_sent().first().title


def test_an_update_stops_the_reminders(open_case, high, key_person):
    case = open_case(threshold=high)
    with clock.travel(timedelta(days=8)):
        services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
        assert list(OverdueCaseReminders().due(clock.today())) == []


def test_intervals_overdue_counts_whole_review_intervals():
    due = datetime.date(2026, 1, 10)
    assert intervals_overdue(due, datetime.date(2026, 1, 10), 7) is None
    assert intervals_overdue(due, datetime.date(2026, 1, 11), 7) == 0
    assert intervals_overdue(due, datetime.date(2026, 1, 17), 7) == 0
    assert intervals_overdue(due, datetime.date(2026, 1, 18), 7) == 1


def test_the_approver_is_notified_of_a_closure_request(open_case, key_person, manager):
    case = open_case()
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Actions done."
    )
    assert case.status == Status.CLOSURE_REQUESTED
    note = Notification.objects.for_org(case.organisation).get(
        recipient=manager, kind="closure_requested"
    )
    assert str(closure.pk) in note.url


def test_a_manager_cannot_approve_their_own_request(open_case, manager):
    case = open_case(owner=manager)
    with pytest.raises(DomainError, match="Someone else"):
        services.case_request_closure(case=case, actor=manager, approver=manager, comments="x")


def test_a_lead_cannot_decide_a_request_they_made(open_case, dsl, deputy_dsl):
    case = open_case(actor=dsl, owner=dsl)
    closure = services.case_request_closure(
        case=case, actor=dsl, approver=deputy_dsl, comments="Done."
    )
    with pytest.raises(NotAllowed):
        services.case_decide_closure(closure=closure, actor=dsl, approve=True, comment="Mine")


def test_only_a_manager_or_lead_may_be_asked_to_approve(open_case, key_person, staff_member):
    case = open_case()
    with pytest.raises(DomainError, match="cannot approve"):
        services.case_request_closure(
            case=case, actor=key_person, approver=staff_member, comments="Done."
        )
    assert case.status == Status.OPEN


def test_someone_else_cannot_decide_a_request_sent_to_a_manager(
    open_case, key_person, manager, org
):
    from haven.core.testing.factories import UserFactory

    other_manager = UserFactory(organisation=org, roles=["line_manager"])
    case = open_case()
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Done."
    )
    with pytest.raises(NotAllowed):
        services.case_decide_closure(
            closure=closure, actor=other_manager, approve=True, comment="Not mine"
        )


def test_rejection_returns_the_case_to_monitoring_and_reviews_continue(
    open_case, key_person, manager
):
    case = open_case()
    services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
    due = case.next_update_due
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Done."
    )
    services.case_decide_closure(
        closure=closure, actor=manager, approve=False, comment="Wait for the review meeting."
    )
    case.refresh_from_db()
    assert case.status == Status.MONITORING
    assert case.next_update_due == due
    note = Notification.objects.for_org(case.organisation).get(
        recipient=key_person, kind="closure_decided"
    )
    assert "rejected" in note.title
    # A new request may follow.
    services.case_request_closure(case=case, actor=key_person, approver=manager, comments="Now.")


def test_approval_closes_the_case_but_never_the_engagement(
    open_case, key_person, manager, admin, child
):
    programme = programme_services.programme_save(
        actor=admin, data={"name": "St Francis", "code": "SF", "status": "active"}
    )
    engagement = programme_services.engagement_create(
        actor=key_person,
        child=child,
        programme=programme,
        data={"referral_date": clock.today() - timedelta(days=5), "key_person": key_person},
    )
    case = open_case(engagement=engagement)
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="All agreed actions done."
    )
    services.case_decide_closure(closure=closure, actor=manager, approve=True, comment="Agreed.")
    case.refresh_from_db()
    engagement.refresh_from_db()
    assert (case.status, case.next_update_due) == (Status.CLOSED, None)
    assert engagement.stage == Stage.IN_PROGRESS
    assert _statuses(case)[-2:] == [("open", "closure_requested"), ("closure_requested", "closed")]
    kinds = set(
        Entry.objects.for_org(case.organisation).filter(child=child).values_list("kind", flat=True)
    )
    assert {Kind.CASE_CLOSURE_REQUESTED, Kind.CASE_CLOSURE_DECIDED, Kind.CASE_CLOSED} <= kinds


def test_a_decided_request_cannot_be_decided_again(open_case, key_person, manager):
    case = open_case()
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Done."
    )
    services.case_decide_closure(closure=closure, actor=manager, approve=False, comment="No")
    with pytest.raises(DomainError, match="already rejected"):
        services.case_decide_closure(closure=closure, actor=manager, approve=True, comment="Yes")


def test_an_illegal_move_raises_and_changes_nothing(open_case, key_person, manager):
    case = open_case()
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Done."
    )
    with pytest.raises(DomainError, match="cannot become closure requested"):
        services.case_request_closure(
            case=case, actor=key_person, approver=manager, comments="Again"
        )
    assert ClosureRequest.objects.for_org(case.organisation).filter(case=case).count() == 1
    assert closure.is_pending


def test_a_closed_case_takes_no_monitoring_and_only_a_lead_reopens_it(
    open_case, key_person, manager, dsl
):
    case = open_case()
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="Done."
    )
    services.case_decide_closure(closure=closure, actor=manager, approve=True, comment="Yes")
    with pytest.raises(DomainError, match="closed"):
        services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
    with pytest.raises(NotAllowed):
        services.case_reopen(case=case, actor=manager, reason="More worries")
    with pytest.raises(DomainError, match="reason"):
        services.case_reopen(case=case, actor=dsl, reason=" ")
    services.case_reopen(case=case, actor=dsl, reason="School raised a new worry.")
    assert case.status == Status.MONITORING
    assert case.next_update_due == clock.today() + timedelta(days=21)
    entry = Entry.objects.for_org(case.organisation).get(kind=Kind.CASE_REOPENED)
    assert "new worry" in entry.summary


def test_only_a_lead_records_the_local_authority_later(open_case, key_person, dsl):
    case = open_case()
    at = clock.now() - timedelta(minutes=5)
    with pytest.raises(NotAllowed):
        services.case_record_la_notification(case=case, actor=key_person, notified_at=at)
    services.case_record_la_notification(case=case, actor=dsl, notified_at=at, reference="F-1")
    assert (case.la_notified_by, case.la_reference) == (dsl, "F-1")


def test_thresholds_are_edited_by_administrators_and_one_stays_in_use(admin, dsl, high, low):
    with pytest.raises(NotAllowed):
        services.threshold_save(actor=dsl, threshold=high, data={"name": "High", "review_days": 5})
    services.threshold_save(
        actor=admin, threshold=high, data={"name": "High", "review_days": 5, "position": 0}
    )
    assert high.review_days == 5
    services.threshold_save(
        actor=admin, threshold=high, data={"name": "High", "review_days": 5, "is_active": False}
    )
    with pytest.raises(DomainError, match="at least one"):
        services.threshold_save(
            actor=admin, threshold=low, data={"name": "Low", "review_days": 21, "is_active": False}
        )
    with pytest.raises(DomainError, match="already a threshold"):
        services.threshold_save(actor=admin, data={"name": "Low", "review_days": 3})


def test_every_new_organisation_gets_high_and_low(db):
    from haven.accounts.services import organisation_create
    from haven.cases.models import CaseThreshold

    org = organisation_create(name="Brand New Centre", kind="early_years")
    rows = CaseThreshold.objects.for_org(org).values_list("name", "review_days", "position")
    assert list(rows) == [("High", 7, 0), ("Low", 21, 1)]
