"""A few safeguarding cases in every state, for the access matrix, the tenancy sweep and
other tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from haven.cases import services
from haven.cases.models import CaseThreshold, ClosureRequest, SafeguardingCase
from haven.configuration.models import Option
from haven.configuration.registry import PICKLISTS
from haven.core import clock
from haven.tasks.models import Task
from haven.tasks.services import task_create


@dataclass
class CaseRecords:
    threshold: CaseThreshold
    case: SafeguardingCase  # open, in the engagement, owned by the key person
    pending: ClosureRequest  # a closure request from the key person to their manager
    closed: SafeguardingCase
    task: Task  # a task the DSL set for the key person


def _option(organisation, list_key: str, label: str) -> Option:
    """The option, created if the organisation's lists were never seeded (test orgs)."""
    found = Option.objects.for_org(organisation).filter(list_key=list_key, label=label).first()
    if found is None:
        assert label in PICKLISTS[list_key].defaults
        found = Option.objects.create(organisation=organisation, list_key=list_key, label=label)
    return found


def case_data(organisation, *, owner, manager, words: str = "", threshold=None) -> dict:
    services.thresholds_seed(organisation)
    return {
        "case_type": _option(organisation, "case_type", "Safeguarding"),
        "category": _option(organisation, "case_category", "Neglect"),
        "incident_at": clock.now() - timedelta(days=1),
        "threshold": threshold
        or CaseThreshold.objects.for_org(organisation).filter(name="Low").first()
        or CaseThreshold.objects.for_org(organisation).first(),
        "description": f"Came in hungry and without a coat. {words}".strip(),
        "raised_with_name": "Dana Lead",
        "raised_with_job_title": "Head of centre",
        "raised_with_role": "DSL",
        "actions_agreed": f"Offer breakfast club; speak with dad. {words}".strip(),
        "owner": owner,
        "manager": manager,
    }


def case_records(
    dsl, key_person, manager, child, engagement=None, *, words: str = "", task_title=None
) -> CaseRecords:
    """An open case in ``engagement`` (or on the child), a case waiting for ``manager`` to
    approve its closure, a closed case and a task the DSL set for the key person."""
    organisation = child.organisation

    def _open():
        return services.case_open(
            actor=dsl,
            child=child,
            engagement=engagement,
            data=case_data(organisation, owner=key_person, manager=manager, words=words),
        )

    case = _open()
    # One edit of the open case's details, so its history has a row.
    services.case_edit(
        case=case,
        actor=dsl,
        data=case_data(organisation, owner=key_person, manager=manager, words=words)
        | {"incident_at": case.incident_at, "other_notifications": "Told the child's school."},
    )
    waiting = _open()
    pending = services.case_request_closure(
        case=waiting,
        actor=key_person,
        approver=manager,
        comments=f"Breakfast club is going well. {words}".strip(),
    )
    closed = _open()
    request = services.case_request_closure(
        case=closed, actor=key_person, approver=manager, comments="All done."
    )
    services.case_decide_closure(closure=request, actor=manager, approve=True, comment="Agreed.")
    closed.refresh_from_db()
    task = task_create(
        actor=dsl,
        assignee=key_person,
        title=task_title or "Ring the health visitor",
        due_on=clock.today() + timedelta(days=3),
    )
    return CaseRecords(case.threshold, case, pending, closed, task)


def edit_form_data(case: SafeguardingCase, **changes) -> dict:
    """The case edit form as the case stands, with ``changes`` made, ready to post."""
    from django.utils import timezone

    local = timezone.localtime(case.incident_at)
    data = {
        "case_type": case.case_type_id,
        "category": case.category_id,
        "incident_date": f"{local:%d/%m/%Y}",
        "incident_time": f"{local:%H:%M}",
        "threshold": case.threshold_id,
        "owner": case.owner_id,
        "manager": case.manager_id or "",
    }
    for key in (
        "description",
        "raised_with_name",
        "raised_with_job_title",
        "raised_with_role",
        "new_information",
        "decision_basis",
        "actions_agreed",
        "other_notifications",
    ):
        data[key] = getattr(case, key)
    return data | changes
