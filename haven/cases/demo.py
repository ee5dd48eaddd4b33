"""Demo safeguarding cases: in St Francis's programme engagements and directly on Riverside's
pupils. Fictional; dates are relative to today so there is always one overdue case and one
closure request waiting for the demo line manager."""

from __future__ import annotations

from datetime import timedelta

from haven.cases import services
from haven.cases.models import CaseThreshold
from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.programmes.models import Engagement
from haven.tasks.services import task_create


def _option(org, list_key, label):
    return Option.objects.for_org(org).get(list_key=list_key, label=label)


def _threshold(org, name):
    return CaseThreshold.objects.for_org(org).get(name=name)


def _data(org, *, owner, manager, threshold, category, description, raised_with, actions):
    name, title, role = raised_with
    return {
        "case_type": _option(org, "case_type", "Safeguarding"),
        "category": _option(org, "case_category", category),
        "incident_at": clock.now() - timedelta(hours=3),
        "threshold": _threshold(org, threshold),
        "description": description,
        "raised_with_name": name,
        "raised_with_job_title": title,
        "raised_with_role": role,
        "actions_agreed": actions,
        "owner": owner,
        "manager": manager,
    }


def _update(actor, role, what, why, **by):
    return {
        "given_by_name": actor.full_name,
        "given_by_role": role,
        "actions_taken": what,
        "rationale": why,
        **by,
    }


def _link_first_concern(case, actor) -> None:
    """Link the child's first demo concern, if the concerns demo recorded one."""
    from haven.safeguarding.models import Concern

    concern = (
        Concern.objects.for_org(case.organisation).filter(child=case.child).order_by("pk").first()
    )
    if concern is not None:
        services.case_link_concern(case=case, concern=concern, actor=actor)


def load_riverside_cases(*, staff: dict, children: dict) -> None:
    """Riverside's cases sit on the pupils: Tyler's (High, because of his child in need
    plan) is overdue; Bugs's is waiting for Morgan Reid to approve its closure."""
    dsl = staff["dsl@riverside.example"]
    keyperson = staff["keyperson@riverside.example"]
    manager = staff["manager@riverside.example"]
    org = dsl.organisation
    seed_organisation(org)
    services.thresholds_seed(org)
    with clock.travel(-timedelta(days=12)):
        tyler = services.case_open(
            actor=dsl,
            child=children["tyler"],
            data=_data(
                org,
                owner=keyperson,
                manager=manager,
                threshold="High",
                category="Neglect",
                description="Tyler has come to school in the same clothes all week and said "
                "there was no tea at home on Tuesday or Wednesday.",
                raised_with=("Dee Lawson", "Deputy head", "DSL"),
                actions=(
                    "Breakfast club place offered; DSL to ring Tyler's social worker; learning "
                    "mentor to check in with Tyler each morning."
                ),
            ),
        )
    _link_first_concern(tyler, dsl)
    with clock.travel(-timedelta(days=11)):
        # A detail added the day after opening, so the case page shows an edit in its history.
        services.case_edit(
            case=tyler,
            actor=dsl,
            data={key: getattr(tyler, key) for key in services.EDITABLE_FIELDS}
            | {"other_notifications": "Tyler's social worker and the school nurse were told."},
        )
    with clock.travel(-timedelta(days=30)):
        bugs = services.case_open(
            actor=keyperson,
            child=children["bugs"],
            data=_data(
                org,
                owner=keyperson,
                manager=manager,
                threshold="Low",
                category="Emotional abuse",
                description="Bugs said at lunch that the shouting at home keeps him awake.",
                raised_with=("Morgan Reid", "Assistant head (pastoral)", ""),
                actions="Invite mum in to talk it through; offer the family support worker.",
            ),
        )
    with clock.travel(-timedelta(days=10)):
        services.case_add_monitoring(
            case=bugs,
            actor=keyperson,
            data=_update(
                keyperson,
                "Learning mentor",
                "Met Lola (mum) with Morgan Reid. She has taken up the family support worker "
                "and says things are calmer at home.",
                "Agreed when the case opened.",
                by_centre_staff=True,
                by_parents=True,
            ),
        )
    services.case_request_closure(
        case=bugs,
        actor=keyperson,
        approver=manager,
        comments="Both agreed actions are done and Bugs says he is sleeping better. The family "
        "support worker stays involved.",
    )
    task_create(
        actor=keyperson,
        assignee=keyperson,
        title="Ask the family support worker for a short update on the Bunny family",
        due_on=clock.today() + timedelta(days=5),
    )


def load_st_francis_cases(*, staff: dict, children: dict) -> None:
    """St Francis's cases sit in the children's engagements: Leo's is being monitored;
    Poppy's was closed with the DSL's approval and her engagement carries on."""
    dsl = staff["dsl@stfrancis.example"]
    keyperson = staff["keyperson@stfrancis.example"]
    org = dsl.organisation
    services.thresholds_seed(org)

    def engagement_of(child):
        return (
            Engagement.objects.for_org(org)
            .filter(child=child, programme__code="SF")
            .order_by("pk")
            .first()
        )

    leo = children["leo"]
    with clock.travel(-timedelta(days=9)):
        leo_case = services.case_open(
            actor=keyperson,
            child=leo,
            engagement=engagement_of(leo),
            data=_data(
                org,
                owner=keyperson,
                manager=dsl,
                threshold="Low",
                category="Domestic abuse",
                description="Ana mentioned at collection that Leo's father has been shouting "
                "and that she is worried about going home.",
                raised_with=("Centre DSL", "Centre manager", "DSL"),
                actions="DSL to speak with Ana privately; share the local domestic abuse "
                "helpline; check in with Ana each session.",
            ),
        )
    with clock.travel(-timedelta(days=2)):
        services.case_add_monitoring(
            case=leo_case,
            actor=keyperson,
            data=_update(
                keyperson,
                "Key person",
                "DSL met Ana and gave her the helpline details; Ana has contacted the "
                "outreach service.",
                "Agreed when the case opened.",
                by_centre_staff=True,
                by_agencies=True,
                done_by_detail="Centre DSL; Riverside domestic abuse outreach",
            ),
        )
    poppy = children["poppy"]
    with clock.travel(-timedelta(days=40)):
        poppy_case = services.case_open(
            actor=keyperson,
            child=poppy,
            engagement=engagement_of(poppy),
            data=_data(
                org,
                owner=keyperson,
                manager=dsl,
                threshold="Low",
                category="Other",
                description="Poppy had a bruise on her forearm; Gemma said she fell at the park.",
                raised_with=("Centre DSL", "Centre manager", "DSL"),
                actions="Record on a body map; ask Gemma about the fall; watch for more.",
            ),
        )
    with clock.travel(-timedelta(days=25)):
        services.case_add_monitoring(
            case=poppy_case,
            actor=keyperson,
            data=_update(
                keyperson,
                "Key person",
                "Spoke with Gemma, whose account matched the park visit; no further marks seen.",
                "Agreed when the case opened.",
                by_centre_staff=True,
                by_parents=True,
            ),
        )
    closure = services.case_request_closure(
        case=poppy_case,
        actor=keyperson,
        approver=dsl,
        comments="The agreed actions are done and no further marks have been seen.",
    )
    services.case_decide_closure(
        closure=closure, actor=dsl, approve=True, comment="Agreed; the engagement continues."
    )
