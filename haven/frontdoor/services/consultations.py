"""No-names consultations: a professional talks a worry through without naming the child.

Nothing identifying the child is recorded; only who called, what worried them, the advice
given and whether a written referral was agreed. When one was, it is expected within
``FrontDoorSettings.written_referral_hours`` (2 by default) and a reminder goes to whoever
took the call and to the screening officers if it has not arrived by then
(``frontdoor.reminders_intake``). Logging the contact that is the referral, with the
consultation chosen on the contact form, links the two and stops the reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, require
from haven.frontdoor.models import NoNamesConsultation
from haven.frontdoor.services.setup import front_door_settings

LIMITS = {
    "professional_name": 150,
    "professional_role": 150,
    "professional_agency": 150,
    "professional_phone": 20,
    "professional_email": 254,
}


@dataclass
class ConsultationData:
    professional_name: str
    professional_agency: str
    consulted_at: datetime
    summary: str
    advice: str
    written_referral_agreed: bool = False
    professional_role: str = ""
    professional_phone: str = ""
    professional_email: str = ""


def consultation_problems(data: ConsultationData) -> dict[str, str]:
    """Every reason ``data`` cannot be recorded, by field name (pure; empty if none)."""
    problems: dict[str, str] = {}
    if not (data.professional_name or "").strip():
        problems["professional_name"] = "Give the professional's name."
    if not (data.professional_agency or "").strip():
        problems["professional_agency"] = "Give the agency or setting they work for."
    for name, limit in LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            problems[name] = f"Use at most {limit} characters."
    if data.consulted_at is None:
        problems["consulted_at"] = "Give the date and time of the consultation."
    elif data.consulted_at > clock.now():
        problems["consulted_at"] = "The consultation cannot be in the future."
    if not (data.summary or "").strip():
        problems["summary"] = "Say what the professional is worried about."
    if not (data.advice or "").strip():
        problems["advice"] = "Record the advice given."
    return problems


def referral_due(organisation, consulted_at: datetime) -> datetime:
    hours = front_door_settings(organisation).written_referral_hours
    return consulted_at + timedelta(hours=hours)


def consultation_record(*, actor, data: ConsultationData, request=None) -> NoNamesConsultation:
    """Record a no-names consultation; when a written referral was agreed, set when it is
    due so the reminder can find it by index. Raises ``DomainError`` on bad input."""
    require(rules.can_record_consultations(actor), "Only front-door staff can record that.")
    problems = consultation_problems(data)
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems.values())))
    organisation = actor.organisation
    consultation = NoNamesConsultation(
        organisation=organisation,
        created_by=actor,
        professional_name=data.professional_name.strip(),
        professional_role=(data.professional_role or "").strip(),
        professional_agency=data.professional_agency.strip(),
        professional_phone=(data.professional_phone or "").strip(),
        professional_email=(data.professional_email or "").strip(),
        consulted_at=data.consulted_at,
        summary=data.summary.strip(),
        advice=data.advice.strip(),
        written_referral_agreed=bool(data.written_referral_agreed),
        referral_due_at=(
            referral_due(organisation, data.consulted_at) if data.written_referral_agreed else None
        ),
    )
    with transaction.atomic():
        consultation.save()
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=consultation,
            detail={
                "what": "no-names consultation",
                "written_referral_agreed": consultation.written_referral_agreed,
            },
        )
    return consultation


def consultation_viewed(*, actor, consultation: NoNamesConsultation, request=None) -> None:
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=consultation,
        detail={"what": "no-names consultation"},
    )
