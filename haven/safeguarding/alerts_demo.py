"""Demo alerts, actions and triage decisions for Riverside Primary School.

After loading, the DSL (dsl@riverside.example) and the Year 3 teacher
(teacher@riverside.example) both have unread alerts; the DSL's home page shows concerns
awaiting triage and a cumulative concern alert (Mason Reid is on a child protection plan);
two concerns have been triaged, one with actions from the people alerted.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from haven.core import clock
from haven.safeguarding.alerts import alert_mark_read, concern_action_add, concern_realert
from haven.safeguarding.models import Alert, ConcernCategory
from haven.safeguarding.services import ConcernData, concern_record
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.triage import triage_decide


def _category(organisation, name: str) -> ConcernCategory:
    rows = ConcernCategory.objects.for_org(organisation).filter(parent__isnull=True)
    return rows.filter(name=name).first() or rows.first()


def _record(recorder, child, *, category: str, hours_ago: int, account: str, **extra):
    alert_people = extra.pop("alert_people", ())
    data = ConcernData(
        child=child,
        category=_category(recorder.organisation, category),
        occurred_at=clock.now() - timedelta(hours=hours_ago),
        account=account,
        location=extra.pop("location", "Classroom"),
        linked_children=extra.pop("linked", []),
        **extra,
    )
    return concern_record(actor=recorder, data=data, alert_people=alert_people)


def _alert_of(user, concern) -> Alert:
    return (
        Alert.objects.for_org(user.organisation)
        .filter(recipient=user, concern=concern, read_at__isnull=True)
        .first()
    )


@transaction.atomic
def load_riverside_alerts(*, staff: dict, children: dict) -> None:
    """``staff`` by email, ``children`` by first name (lower case), as the demo loads them."""
    dsl = staff["dsl@riverside.example"]
    deputy = staff["deputy@riverside.example"]
    teacher = staff["teacher@riverside.example"]
    keyperson = staff["keyperson@riverside.example"]
    seed_safeguarding(dsl.organisation)

    # Triaged: the DSL read it, the learning mentor added an action, the DSL chose to monitor.
    lunch = _record(
        teacher,
        children["ayesha"],
        category="Wellbeing",
        hours_ago=50,
        account=(
            "Ayesha ate nothing at lunch again today and said she was saving her sandwich for "
            "her brother because there is no food at home until Friday."
        ),
        child_words="I'm saving it for Danny, there's nothing in the cupboard.",
        location="Dining hall",
    )
    concern_action_add(
        concern=lunch,
        children=[children["ayesha"]],
        text="Spoke to mum at pick-up: benefits delayed this month. Gave food bank details.",
        actor=dsl,
    )
    triage_decide(
        concern=lunch,
        actor=dsl,
        outcome="monitor",
        rationale=(
            "First worry about food at home; mum engaged and accepted help. Learning mentor to "
            "check in with Ayesha each morning for two weeks."
        ),
    )
    concern_realert(
        concern=lunch,
        recipient=keyperson,
        message="Please add how the morning check-ins go this week.",
        actor=dsl,
    )
    alert_mark_read(alert=_alert_of(dsl, lunch), actor=dsl)

    # Triaged by the deputy: no further action, which closes it.
    trip = _record(
        staff["manager@riverside.example"],
        children["zofia"],
        category="Medical",
        hours_ago=30,
        account="Zofia's inhaler was not in her bag for the trip; mum brought it to the coach.",
        location="School car park",
    )
    triage_decide(
        concern=trip,
        actor=deputy,
        outcome="nfa",
        rationale="Forgotten on one morning and put right before the trip left.",
    )

    # Awaiting triage, with a cumulative concern alert: Mason is on a child protection plan.
    bruise = _record(
        teacher,
        children["mason"],
        category="Child protection",
        hours_ago=3,
        account=(
            "During PE Mason's sleeve rode up and I saw a bruise about 3 cm long on his left "
            "forearm. I asked what happened and he pulled his sleeve down."
        ),
        child_words="It's nothing, I fell over.",
        location="School hall",
        alert_people=[keyperson],
    )
    concern_action_add(
        concern=bruise,
        children=[children["mason"]],
        text="Let Nadia Hussain (social worker) know by phone at 14:10; she will visit today.",
        actor=dsl,
    )

    # Awaiting triage; the teacher has been alerted to read it.
    _record(
        keyperson,
        children["tyler"],
        category="Attendance",
        hours_ago=20,
        account="Tyler arrived at 10:05 for the third time this week; he said he overslept.",
        location="Office",
        alert_people=[teacher],
    )
