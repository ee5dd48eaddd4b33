"""How a referral to the front door appears in the referring child's chronology.

The entries live in the referring organisation, on its own child: "referred to the front
door" when the DSL sends it, and the outcome when the front door sends it back. Both carry
the concern's scope and category, so they are seen by those who may open the concern, beside
the concern and the DSL's decision. Nothing of the front door's own records is projected.
"""

from __future__ import annotations

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.frontdoor.models import FrontDoorReferral
from haven.safeguarding.chronology import concern_scope

SUMMARY_LENGTH = 200


def _short(text: str) -> str:
    words = " ".join(text.split())
    if len(words) > SUMMARY_LENGTH:
        return words[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return words


@projector(FrontDoorReferral)
def referral_entries(referral: FrontDoorReferral):
    concern = referral.concern
    category = concern.category.name
    if concern.subcategory_id:
        category = f"{category}: {concern.subcategory.name}"
    reference = referral.contact.reference
    common = {
        "child": referral.child,
        "category": category,
        "scope": concern_scope(concern),
        "routine": concern.entered_in_error,
    }
    yield Spec(
        kind=Kind.FRONT_DOOR_REFERRAL,
        occurred_at=referral.created_at,
        summary=(
            f"Concern {concern.number} referred to {referral.front_door.name} "
            f"(contact {reference})."
        ),
        recorded_by_id=referral.created_by_id,
        **common,
    )
    if referral.outcome_received_at is not None:
        yield Spec(
            kind=Kind.FRONT_DOOR_OUTCOME,
            occurred_at=referral.outcome_received_at,
            summary=f"Front door outcome for contact {reference}: "
            f"{_short(referral.outcome_feedback.removeprefix('Outcome: '))}",
            recorded_by_id=None,
            **common,
        )
