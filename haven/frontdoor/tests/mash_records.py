"""Contacts at the MASH stages, built for the MASH tests."""

from __future__ import annotations

from haven.access import roles
from haven.core import clock
from haven.frontdoor import workflow
from haven.frontdoor.models import AgencyKind, Rag, Status
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency, make_contact, make_staff

POLICE_SECRET = (
    "Father is the subject of a live investigation for supplying class A drugs from the "
    "family address; do not alert him."
)
HEALTH_ANSWER = "The child missed two health visitor appointments this year; immunised."
EDUCATION_ANSWER = "Attendance 81% this term; arrived hungry twice last week."


def gathering_contact(front_door, child, actor, *, rating=Rag.RED, told=True, worker=None):
    """A contact in MASH information gathering, its clock running; the family told of the
    checks unless ``told`` is None."""
    contact = make_contact(
        front_door,
        children=[child],
        actor=actor,
        status=Status.INFORMATION_GATHERING,
        initial_rag=rating,
    )
    workflow.clock_start(contact, workflow.clock_kind_for(rating), at=clock.now(), rating=rating)
    contact.save()
    if told is not None and worker is not None:
        mash.family_told_record(
            contact=contact, actor=worker, told=told, reason="" if told else "x"
        )
        contact.refresh_from_db()
    return contact


def education_member(front_door):
    return make_staff(
        front_door,
        roles.PARTNER_AGENCY_MEMBER,
        "Eddie Education",
        agencies=[agency(front_door, AgencyKind.EDUCATION)],
    )


def answer(info_request, member, summary, *, pass_on=True, family=True):
    return mash.information_request_answer(
        info_request=info_request,
        actor=member,
        summary=summary,
        may_pass_on=pass_on,
        may_share_with_family=family,
    )


def three_answers(contact, worker, police, health, education, *, police_pass_on=False):
    """Police (do not pass on, not for the family), health and education answer."""
    front_door = contact.organisation
    sent = mash.information_requests_send(
        contact=contact,
        actor=worker,
        agencies=[
            agency(front_door, AgencyKind.POLICE),
            agency(front_door, AgencyKind.HEALTH),
            agency(front_door, AgencyKind.EDUCATION),
        ],
        question="What do you hold on this family?",
    )
    by_kind = {r.agency.kind: r for r in sent}
    answer(by_kind[AgencyKind.POLICE], police, POLICE_SECRET, pass_on=police_pass_on, family=False)
    answer(by_kind[AgencyKind.HEALTH], health, HEALTH_ANSWER)
    answer(by_kind[AgencyKind.EDUCATION], education, EDUCATION_ANSWER, family=False)
    return by_kind


def complete_record(contact, worker, **overrides):
    values = {
        "agency_summary": f"Police: {POLICE_SECRET}\nHealth: {HEALTH_ANSWER}",
        "analysis": "Neglect indicators from two agencies; risk of significant harm.",
        "recommended_rag": Rag.RED,
        "recommended_action": "Strategy discussion today.",
        **overrides,
    }
    return mash.mash_record_complete(contact=contact, actor=worker, **values)
