"""A front door with a row of every front-door kind, for the tenancy sweep.

The school of the sweep refers a concern to this front door, so the school holds a
``FrontDoorReferral`` and the front door a contact; a second contact is logged by hand and
worked through screening, rating, the MASH and a decision, leaving ratings, clocks,
information requests, answers, a MASH record and an onward record; and a no-names
consultation is recorded. Every string below is unique to these rows, so the sweep can look
for it in what an intruder is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from haven.access import roles
from haven.core import clock
from haven.frontdoor.models import AgencyKind, Known, Outcome, Rag, Source
from haven.frontdoor.services import consultations, intake, mash, referrals, screening
from haven.frontdoor.testing import agency, make_front_door, make_person, make_staff, team

# The front door's own name is not among them: every organisation's administrator chooses
# their front door from a list of them.
SECRETS = {
    "Quentin Marshwood-Price",
    "Wolverley Marsh crossing",
    "the lock keeper cottage fire",
    "Wolverley police hold a marsh warrant",
    "Wolverley health visitor saw the marsh rash",
    "Wolverley school noted the marsh absences",
    "Wolverley MASH analysis of the marsh",
    "Wolverley marsh consultation worry",
    "Wolverley marsh consultation advice",
    "Ignatius Fenwright",
    "Riverside otter referral summary",
}


@dataclass
class FrontDoorRows:
    organisation: object
    reader: object  # the MASH manager, who sees every front-door page
    senior: object
    partner: object
    secrets: set[str] = field(default_factory=set)
    pages: list[str] = field(default_factory=list)


def front_door_rows(*, school=None, school_dsl=None, child=None, concern=None) -> FrontDoorRows:
    """The rows; with no ``school``, no referral from one."""
    front_door = make_front_door("Wolverley Borough Front Door")
    screener = make_staff(front_door, roles.SCREENING_OFFICER, "Ignatius Fenwright")
    senior = make_staff(front_door, roles.SENIOR_PRACTITIONER, "Wendeline Sorrel")
    worker = make_staff(front_door, roles.SOCIAL_WORKER, "Marisol Weatherby", teams=["MASH"])
    manager = make_staff(front_door, roles.MASH_MANAGER, "Hortensia Blackwater", teams=["MASH"])
    partners = {
        kind: make_staff(
            front_door, roles.PARTNER_AGENCY_MEMBER, name, agencies=[agency(front_door, kind)]
        )
        for kind, name in (
            (AgencyKind.POLICE, "Leopold Reedbank"),
            (AgencyKind.HEALTH, "Cressida Moorhen"),
            (AgencyKind.EDUCATION, "Fitzgerald Sedgewick"),
        )
    }

    pages = []
    if school is not None:
        # A referral from the school's DSL: a contact here, a FrontDoorReferral there.
        school.front_door = front_door
        school.save(update_fields=["front_door"])
        referral = referrals.referral_create(
            concern=concern,
            child=child,
            actor=school_dsl,
            details=referrals.ReferralDetails(
                summary="Riverside otter referral summary", parents_informed=True, consent="given"
            ),
        )
        pages.append(reverse("frontdoor:contact", kwargs={"pk": referral.contact_id}))

    # A contact logged by hand and worked to a decision.
    wolverley_child = make_person(screener, first="Tobias", last="Marshwood-Price")
    contact = intake.contact_create(
        actor=screener,
        data=intake.ContactData(
            source=Source.TELEPHONE,
            received_at=clock.now(),
            concerns="the lock keeper cottage fire",
            referrer_name="Quentin Marshwood-Price",
            referrer_role="Neighbour",
            referrer_agency="Wolverley Marsh crossing",
            parents_informed=True,
            consent="given",
            children=[wolverley_child],
        ),
    )
    screening.contact_screen(
        contact=contact, actor=screener, known=Known.NOT_KNOWN, note="No records found."
    )
    contact.refresh_from_db()
    screening.contact_rate(contact=contact, actor=senior, rating=Rag.RED, rationale="Fire risk")
    contact.refresh_from_db()
    mash.mash_review(contact=contact, actor=manager, rating=Rag.RED, rationale="Stays red")
    contact.refresh_from_db()
    mash.family_told_record(contact=contact, actor=worker, told=True)
    contact.refresh_from_db()
    sent = mash.information_requests_send(
        contact=contact,
        actor=worker,
        agencies=[agency(front_door, kind) for kind in partners],
        question="What do you hold?",
    )
    answers = {
        AgencyKind.POLICE: ("Wolverley police hold a marsh warrant", False),
        AgencyKind.HEALTH: ("Wolverley health visitor saw the marsh rash", True),
        AgencyKind.EDUCATION: ("Wolverley school noted the marsh absences", True),
    }
    for info_request in sent:
        summary, pass_on = answers[info_request.agency.kind]
        mash.information_request_answer(
            info_request=info_request,
            actor=partners[info_request.agency.kind],
            summary=summary,
            may_pass_on=pass_on,
            may_share_with_family=False,
        )
    contact.refresh_from_db()
    mash.mash_record_complete(
        contact=contact,
        actor=worker,
        agency_summary="Three agencies answered.",
        analysis="Wolverley MASH analysis of the marsh",
        recommended_rag=Rag.RED,
        recommended_action="Strategy discussion",
    )
    contact.refresh_from_db()
    mash.mash_decide(
        contact=contact,
        actor=manager,
        final_rag=Rag.RED,
        rationale="Significant harm",
        outcome=Outcome.STRATEGY_DISCUSSION,
        team=team(front_door, "Social work team A"),
        feedback_to_referrer="We are acting on this.",
    )

    consultation = consultations.consultation_record(
        actor=screener,
        data=consultations.ConsultationData(
            professional_name="Araminta Fenwright-Bell",
            professional_agency="Wolverley Nursery",
            consulted_at=clock.now(),
            summary="Wolverley marsh consultation worry",
            advice="Wolverley marsh consultation advice",
            written_referral_agreed=True,
        ),
    )
    pages += [
        reverse("frontdoor:contact", kwargs={"pk": contact.pk}),
        reverse("frontdoor:mash", kwargs={"pk": contact.pk}),
        reverse("frontdoor:consultation", kwargs={"pk": consultation.pk}),
        reverse("frontdoor:worklist"),
    ]
    secrets = SECRETS | {u.full_name for u in (senior, worker, manager, *partners.values())}
    return FrontDoorRows(
        organisation=front_door,
        senior=senior,
        reader=manager,
        partner=partners[AgencyKind.POLICE],
        secrets=secrets,
        pages=pages,
    )
