"""Demo contacts in the MASH, written through the services as the front door would work them.

* A red contact in information gathering since this morning: the police answered (marked
  "do not pass on"), education's request is late, and health was asked later and is still
  within time.
* An amber (child protection) contact from two days ago, decided: three agencies answered
  (the school on the telephone, its answer recorded by the social worker), the MASH record is
  complete, and the onward record went to a social work team without the police's
  information.

Every name is invented.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.core import clock
from haven.frontdoor.models import (
    AgencyKind,
    AnswerMethod,
    Known,
    Outcome,
    PartnerAgency,
    Rag,
    Source,
)
from haven.frontdoor.services import mash
from haven.frontdoor.services.intake import ContactData, contact_create
from haven.frontdoor.services.screening import contact_rate, contact_screen, social_work_teams
from haven.people import services as people_services

SCREENING = "screening@frontdoor.example"
SENIOR = "senior@frontdoor.example"
SOCIAL_WORKER = "social.worker@frontdoor.example"
MANAGER = "mash.manager@frontdoor.example"
POLICE = "police@frontdoor.example"
HEALTH = "health@frontdoor.example"
EDUCATION = "education@frontdoor.example"


def _born(years: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def _person(actor, first, last, *, kind="child", born=None, line="", postcode=""):
    return people_services.person_create(
        actor=actor,
        data={"kind": kind, "first_name": first, "last_name": last, "date_of_birth": born},
        address={"address_line_1": line, "postcode": postcode},
        duplicate_reason="Demo data",
    )


def _to_mash(staff, data: ContactData, *, rating: str, why: str):
    """Log, screen, rate and review a contact so that it reaches information gathering."""
    contact = contact_create(actor=staff[SCREENING], data=data)
    contact = contact_screen(
        contact=contact,
        actor=staff[SCREENING],
        known=Known.NOT_KNOWN,
        note="No record on the case management system or the residents index.",
    )
    contact = contact_rate(contact=contact, actor=staff[SENIOR], rating=rating, rationale=why)
    return mash.mash_review(
        contact=contact, actor=staff[MANAGER], rating=rating, rationale=f"Agreed. {why}"
    )


def _agencies(organisation) -> dict[str, PartnerAgency]:
    return {a.kind: a for a in PartnerAgency.objects.for_org(organisation)}


def _in_gathering(world: dict) -> None:
    staff = world["staff"]
    agencies = _agencies(world["organisation"])
    worker = staff[SOCIAL_WORKER]
    with clock.travel(-timedelta(hours=5)):
        ruby = _person(
            staff[SCREENING],
            "Ruby",
            "Castell",
            born=_born(4, 20),
            line="9 Mill Row",
            postcode="NB2 8LP",
        )
        dean = _person(
            staff[SCREENING],
            "Dean",
            "Castell",
            kind="adult",
            born=_born(31),
            line="9 Mill Row",
            postcode="NB2 8LP",
        )
        contact = _to_mash(
            staff,
            ContactData(
                source=Source.TELEPHONE,
                received_at=clock.now() - timedelta(minutes=20),
                referrer_name="Nell Prior",
                referrer_role="Nursery manager",
                referrer_agency="Little Acorns Nursery",
                referrer_phone="01632 960555",
                referrer_email="nell.prior@littleacorns.example",
                concerns=(
                    "Ruby (4) arrived with a burn mark the size of a coin on her forearm. She "
                    'said "Daddy\'s cigarette". Her father, Dean Castell, collected her '
                    "yesterday smelling strongly of alcohol."
                ),
                parents_informed=False,
                not_informed_reason="risk_of_harm",
                not_informed_explanation="Telling the father could put Ruby at further risk.",
                consent="not_sought",
                consent_not_sought_reason="Child protection concerns.",
                children=[ruby],
                adults=[dean],
            ),
            rating=Rag.RED,
            why="A possible non-accidental injury to a pre-school child.",
        )
        mash.family_told_record(
            contact=contact,
            actor=worker,
            told=False,
            reason="The father may be the cause of the injury; telling the family now could "
            "place Ruby at risk of further harm.",
        )
        police, education = mash.information_requests_send(
            contact=contact,
            actor=worker,
            agencies=[agencies[AgencyKind.POLICE], agencies[AgencyKind.EDUCATION]],
            question="What do you hold on Ruby Castell and Dean Castell at 9 Mill Row? "
            "Any call-outs, offences or attendance concerns?",
        )
    with clock.travel(-timedelta(hours=4)):
        mash.information_request_answer(
            info_request=police,
            actor=staff[POLICE],
            summary="Dean Castell: two call-outs to the address for disturbances in the last "
            "six months; he is a suspect in an open investigation into assault. Please do "
            "not pass this on: the investigation is at an early stage.",
            may_pass_on=False,
            may_share_with_family=False,
        )
    with clock.travel(-timedelta(minutes=30)):
        contact.refresh_from_db()
        mash.information_requests_send(
            contact=contact,
            actor=worker,
            agencies=[agencies[AgencyKind.HEALTH]],
            question="Has Ruby been seen by a GP, health visitor or hospital in the last "
            "year? Any injuries recorded?",
        )
    del education  # still open, and past its time: ``haven send_reminders`` chases it


def _decided(world: dict) -> None:
    staff = world["staff"]
    organisation = world["organisation"]
    agencies = _agencies(organisation)
    worker = staff[SOCIAL_WORKER]
    with clock.travel(-timedelta(days=2)):
        owen = _person(
            staff[SCREENING],
            "Owen",
            "Marsh",
            born=_born(11, 200),
            line="Flat 4, 20 Quay Street",
            postcode="NB5 1RT",
        )
        contact = _to_mash(
            staff,
            ContactData(
                source=Source.INTER_AGENCY,
                received_at=clock.now() - timedelta(minutes=30),
                referrer_name="Amir Haddad",
                referrer_role="Designated safeguarding lead",
                referrer_agency="Quayside Academy",
                referrer_email="a.haddad@quayside.example",
                concerns=(
                    "Owen (11) has told his teacher he is often left alone overnight and "
                    "that his mother's new partner shouts and throws things. He has been "
                    "coming to school hungry."
                ),
                parents_informed=True,
                consent="given",
                children=[owen],
            ),
            rating=Rag.AMBER_CP,
            why="Neglect and possible emotional harm; needs partner checks.",
        )
        mash.family_told_record(contact=contact, actor=worker, told=True)
        sent = mash.information_requests_send(
            contact=contact,
            actor=worker,
            agencies=[
                agencies[AgencyKind.POLICE],
                agencies[AgencyKind.HEALTH],
                agencies[AgencyKind.EDUCATION],
            ],
            question="What do you hold on Owen Marsh and his household at Flat 4, 20 Quay Street?",
        )
    answers = {
        AgencyKind.POLICE: (
            POLICE,
            "The mother's partner has a caution for criminal damage in another force area; "
            "intelligence held that must not leave the MASH.",
            False,
            False,
        ),
        AgencyKind.HEALTH: (
            HEALTH,
            "Owen missed his last two dental appointments; no injuries recorded. GP last "
            "saw him eight months ago.",
            True,
            True,
        ),
        AgencyKind.EDUCATION: (
            EDUCATION,
            "Attendance 84% this year; free breakfast club place offered and taken up. "
            "Staff have noted Owen falling asleep in lessons.",
            True,
            True,
        ),
    }
    with clock.travel(-timedelta(days=2) + timedelta(hours=3)):
        for info_request in sent:
            who, summary, pass_on, family = answers[info_request.agency.kind]
            if info_request.agency.kind == AgencyKind.EDUCATION:
                # The school rang back rather than answering in Haven: the social worker
                # records the answer on its behalf.
                mash.information_request_answer_for_agency(
                    info_request=info_request,
                    actor=worker,
                    method=AnswerMethod.TELEPHONE,
                    given_by="Asha Lund, designated safeguarding lead, Quay Street Primary",
                    summary=summary,
                    may_pass_on=pass_on,
                    may_share_with_family=family,
                )
                continue
            mash.information_request_answer(
                info_request=info_request,
                actor=staff[who],
                summary=summary,
                may_pass_on=pass_on,
                may_share_with_family=family,
            )
    with clock.travel(-timedelta(days=2) + timedelta(hours=5)):
        contact.refresh_from_db()
        mash.mash_record_complete(
            contact=contact,
            actor=worker,
            agency_summary="\n\n".join(
                f"{kind.label}: {summary}" for kind, (_, summary, _, _) in answers.items()
            ),
            analysis="Health and education both describe a child whose basic care is slipping: "
            "missed appointments, hunger and tiredness. Together with Owen's account of being "
            "left alone overnight and of conflict at home, there is a risk of significant harm "
            "through neglect.",
            recommended_rag=Rag.AMBER_CP,
            recommended_action="Allocate to a social work team for a child and family "
            "assessment under section 47.",
        )
    with clock.travel(-timedelta(days=2) + timedelta(hours=7)):
        contact.refresh_from_db()
        mash.mash_decide(
            contact=contact,
            actor=staff[MANAGER],
            final_rag=Rag.AMBER_CP,
            rationale="Agree with the social worker: neglect with a risk of significant harm.",
            outcome=Outcome.SOCIAL_WORK_TEAM,
            team=social_work_teams(organisation).filter(name__startswith="Social work").first()
            or social_work_teams(organisation).first(),
            feedback_to_referrer="Thank you for your referral. Owen's case has been passed to "
            "a social work team, who will carry out an assessment and contact the school.",
        )


def load(world: dict) -> dict:
    _in_gathering(world)
    _decided(world)
    return world
