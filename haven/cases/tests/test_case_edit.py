"""Editing a case's details after it is opened: who may, what is kept, and what a bad edit
changes (nothing)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.cases import services
from haven.cases.models import CaseEdit, SafeguardingCase
from haven.cases.tests.records import edit_form_data
from haven.cases.tests.test_case_lifecycle import UPDATE
from haven.chronology.models import Entry, Kind
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import UserFactory
from haven.notifications.models import Notification
from haven.people import services as people_services
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def _data(case, **changes) -> dict:
    """The case's details as the edit form's cleaned data gives them, with ``changes``."""
    data = {key: getattr(case, key) for key in services.EDITABLE_FIELDS}
    return data | changes


def _close(case, key_person, manager):
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="All agreed actions done."
    )
    services.case_decide_closure(closure=closure, actor=manager, approve=True, comment="Agreed.")
    case.refresh_from_db()
    return case


# --- The service --------------------------------------------------------------------------


def test_an_edit_keeps_who_changed_which_details_from_what_to_what(open_case, key_person, option):
    case = open_case()
    neglect = option("case_category", "Neglect")
    edit = services.case_edit(
        case=case,
        actor=key_person,
        data=_data(case, category=neglect, description="  Shouting at home, and no coat.  "),
    )
    assert edit.created_by == key_person
    assert edit.changes == [
        {"field": "category", "label": "Category", "before": "Emotional abuse", "after": "Neglect"},
        {
            "field": "description",
            "label": "Description",
            "before": "Said at drop-off that there was shouting at home all weekend.",
            "after": "Shouting at home, and no coat.",
        },
    ]
    case.refresh_from_db()
    assert case.category == neglect and case.description == "Shouting at home, and no coat."


def test_an_edit_is_audited_and_noted_in_the_childs_chronology(open_case, key_person):
    case = open_case()
    services.case_edit(case=case, actor=key_person, data=_data(case, raised_with_role="DSL"))
    event = AuditEvent.objects.filter(action="update", person_id=case.child_id).last()
    assert event.detail == {"what": "case details edited", "fields": ["raised_with_role"]}
    entry = Entry.objects.for_org(case.organisation).get(kind=Kind.CASE_EDITED)
    assert entry.summary == (
        f"Safeguarding case {case.reference} details edited: raised with: safeguarding role"
    )
    assert entry.scope == case.scope


def test_an_edit_that_changes_nothing_leaves_no_row(open_case, key_person):
    case = open_case()
    assert services.case_edit(case=case, actor=key_person, data=_data(case)) is None
    assert not CaseEdit.unscoped.exists()


def test_a_new_threshold_sets_the_next_update_from_the_last_monitoring_action(
    open_case, key_person, high
):
    case = open_case()  # Low: within 21 days
    with clock.travel(timedelta(days=5)):
        services.case_add_monitoring(case=case, actor=key_person, data=UPDATE)
        monitored_on = clock.today()
    with clock.travel(timedelta(days=13)):
        services.case_edit(case=case, actor=key_person, data=_data(case, threshold=high))
    case.refresh_from_db()
    assert case.threshold == high
    assert case.next_update_due == monitored_on + timedelta(days=7)
    # Thirteen days on, a week after the last update, the case is now overdue.
    assert case.is_overdue_on(clock.today() + timedelta(days=13))


def test_without_a_monitoring_action_the_new_threshold_counts_from_the_opening(
    open_case, manager, high
):
    case = open_case()
    opened_on = clock.today()
    with clock.travel(timedelta(days=2)):
        services.case_edit(case=case, actor=manager, data=_data(case, threshold=high))
    case.refresh_from_db()
    assert case.next_update_due == opened_on + timedelta(days=7)


def test_the_reason_for_the_default_threshold_stays_visible_after_a_change(
    open_case, child, dsl, high, low
):
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    case = open_case(threshold=high)
    assert "active child protection plan" in case.threshold_reason
    services.case_edit(case=case, actor=dsl, data=_data(case, threshold=low))
    case.refresh_from_db()
    assert "active child protection plan" in case.threshold_reason
    assert case.threshold_reason.endswith("Low was chosen instead.")


def test_a_new_owner_is_given_the_new_case_task_and_told(open_case, key_person, manager, org):
    case = open_case()
    newcomer = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    tasks_before = Task.objects.for_org(org).count()
    services.case_edit(case=case, actor=manager, data=_data(case, owner=newcomer))
    assert Task.objects.for_org(org).count() == tasks_before + 1
    task = Task.objects.for_org(org).get(assignee=newcomer)
    assert task.title == services.NEW_CASE_TASK
    assert task.due_on == case.next_update_due
    # The old owner's task goes with the case.
    handed = Task.objects.for_org(org).get(assignee=key_person, title=services.NEW_CASE_TASK)
    assert (handed.done_at is not None, handed.done_by) == (True, manager)
    note = Notification.objects.for_org(org).get(recipient=newcomer)
    assert note.title == f"Safeguarding case {case.reference} has been passed to you"
    assert CaseEdit.objects.for_org(org).get().changes[0] == {
        "field": "owner",
        "label": "Case owner",
        "before": key_person.full_name,
        "after": newcomer.full_name,
    }


def test_a_new_manager_is_told_but_given_no_task(open_case, key_person, dsl, org):
    case = open_case()
    lead = UserFactory(organisation=org, roles=["line_manager"], authenticator=True)
    services.case_edit(case=case, actor=key_person, data=_data(case, manager=lead))
    assert not Task.objects.for_org(org).filter(assignee=lead).exists()
    note = Notification.objects.for_org(org).get(recipient=lead)
    assert note.url == reverse("cases:case", args=[case.pk])


def test_the_owner_manager_and_safeguarding_leads_may_edit_and_nobody_else(
    open_case, key_person, manager, dsl, deputy_dsl, staff_member, org
):
    case = open_case()
    for number, who in enumerate((key_person, manager, dsl, deputy_dsl)):
        services.case_edit(case=case, actor=who, data=_data(case, decision_basis=f"Edit {number}"))
    assert CaseEdit.objects.for_org(org).count() == 4
    colleague = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    for who in (staff_member, colleague):
        with pytest.raises(NotAllowed):
            services.case_edit(case=case, actor=who, data=_data(case, decision_basis="Mine"))
    case.refresh_from_db()
    assert case.decision_basis == "Edit 3"


def test_a_closed_case_cannot_be_edited(open_case, key_person, manager, dsl):
    case = _close(open_case(), key_person, manager)
    with pytest.raises(DomainError, match="This case is closed"):
        services.case_edit(case=case, actor=dsl, data=_data(case, description="Too late."))
    assert not CaseEdit.unscoped.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "   "}, "Describe the concern."),
        ({"incident_at": "future"}, "cannot be in the future"),
        ({"owner": "departed"}, "is not an active member of staff here"),
        ({"threshold": "retired"}, "no longer in use"),
    ],
)
def test_a_bad_edit_changes_nothing(open_case, key_person, org, high, change, message):
    case = open_case()
    departed = UserFactory(organisation=org, roles=["practitioner"], is_active=False)
    values = {
        "future": clock.now() + timedelta(hours=1),
        "departed": departed,
        "retired": high,
    }
    high.is_active = False
    high.save()
    before = SafeguardingCase.objects.for_org(org).values().get(pk=case.pk)
    bad = {key: values.get(value, value) for key, value in change.items()}
    with pytest.raises(DomainError, match=message):
        services.case_edit(case=case, actor=key_person, data=_data(case, **bad))
    assert SafeguardingCase.objects.for_org(org).values().get(pk=case.pk) == before
    assert not CaseEdit.unscoped.exists()


# --- The page -----------------------------------------------------------------------------


def _url(case) -> str:
    return reverse("cases:edit", args=[case.pk])


def test_the_edit_page_needs_signing_in(client, open_case):
    response = client.get(_url(open_case()))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_another_key_persons_case_cannot_be_edited_or_found(sign_in, open_case, org):
    case = open_case()
    colleague = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    client = sign_in(colleague)
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), edit_form_data(case, description="x")).status_code == 404
    assert not CaseEdit.unscoped.exists()


def test_someone_who_may_only_read_the_case_may_not_edit_it(
    sign_in, open_case, admin, dsl, org, child
):
    from haven.programmes import services as programme_services

    reader = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    programme = programme_services.programme_save(
        actor=admin, data={"name": "St Francis", "code": "SF", "status": "active"}
    )
    engagement = programme_services.engagement_create(
        actor=reader,
        child=child,
        programme=programme,
        data={"referral_date": clock.today(), "key_person": reader},
    )
    case = open_case(actor=dsl, engagement=engagement)
    client = sign_in(reader)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    assert (
        "Edit the case details"
        not in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    )
    assert client.get(_url(case)).status_code == 403
    assert client.post(_url(case), edit_form_data(case, description="x")).status_code == 403
    assert not CaseEdit.unscoped.exists()


def test_the_owner_edits_the_case_and_the_history_shows_it(sign_in, open_case, key_person, high):
    case = open_case()
    client = sign_in(key_person)
    page = client.get(_url(case))
    assert page.status_code == 200
    assert page.context["form"].initial["description"] == case.description
    viewed = AuditEvent.objects.filter(action="view", person_id=case.child_id).last()
    assert viewed.detail["what"] == "safeguarding case"
    response = client.post(
        _url(case),
        edit_form_data(case, threshold=high.pk, other_notifications="Told the school nurse."),
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "Changes to the case details (1)" in shown
    assert "Told the school nurse." in shown
    assert "<td>Threshold</td><td>Low</td><td>High</td>" in shown
    assert key_person.full_name in shown


def test_saving_without_changes_says_so_and_keeps_no_row(sign_in, open_case, key_person):
    case = open_case()
    response = sign_in(key_person).post(_url(case), edit_form_data(case), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert not CaseEdit.unscoped.exists()


def test_a_bad_edit_keeps_what_was_typed_and_changes_nothing(sign_in, open_case, key_person):
    case = open_case()
    response = sign_in(key_person).post(
        _url(case),
        edit_form_data(case, description="", actions_agreed="Ring dad on Monday."),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Ring dad on Monday." in page
    case.refresh_from_db()
    assert case.actions_agreed.startswith("Speak with mum")
    assert not CaseEdit.unscoped.exists()


def test_a_future_incident_on_the_page_is_refused(sign_in, open_case, key_person):
    case = open_case()
    tomorrow = clock.today() + timedelta(days=1)
    response = sign_in(key_person).post(
        _url(case), edit_form_data(case, incident_date=f"{tomorrow:%d/%m/%Y}")
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not CaseEdit.unscoped.exists()


def test_a_closed_case_shows_why_it_cannot_be_edited(sign_in, open_case, key_person, manager, dsl):
    case = _close(open_case(), key_person, manager)
    client = sign_in(dsl)
    page = client.get(_url(case))
    assert page.status_code == 400
    assert "This case is closed, so its details cannot be changed." in page.content.decode()
    assert (
        "Edit the case details"
        not in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    )
    response = client.post(_url(case), edit_form_data(case, description="Too late."))
    assert response.status_code == 400
    assert not CaseEdit.unscoped.exists()


def test_the_manager_passes_the_case_to_a_new_owner_who_gets_the_task(
    sign_in, open_case, manager, org
):
    case = open_case()
    newcomer = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    sign_in(manager).post(_url(case), edit_form_data(case, owner=newcomer.pk))
    case.refresh_from_db()
    assert case.owner == newcomer
    assert (
        Task.objects.for_org(org).filter(assignee=newcomer, title=services.NEW_CASE_TASK).exists()
    )
    assert sign_in(newcomer).get(_url(case)).status_code == 200
