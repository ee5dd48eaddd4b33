"""Demo programmes: St Francis's family centre and stay-and-play, and Riverside's school
counselling. Fictional; dates are relative to today so the demo always looks current."""

from __future__ import annotations

from datetime import timedelta

from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.programmes import services
from haven.programmes.services import DeliveryRow


def _option(org, list_key, label):
    return Option.objects.for_org(org).get(list_key=list_key, label=label)


def _programme(admin, name, code, service_names, **extra):
    programme = services.programme_save(
        actor=admin, data={"name": name, "code": code, "status": "active", **extra}
    )
    made = {
        n: services.service_save(actor=admin, programme=programme, data={"name": n})
        for n in service_names
    }
    return programme, made


def load_st_francis_programmes(*, admin, keyperson, manager, children: dict) -> None:
    org = admin.organisation
    seed_organisation(org)
    today = clock.today()
    start = today - timedelta(days=365)
    centre, sf = _programme(
        admin,
        "St Francis Family Centre",
        "SF",
        ["Nursery", "Trip", "Stay and Play"],
        start_date=start,
        description="Nursery places, trips and family support at the centre.",
    )
    stay_and_play, sm = _programme(
        admin,
        "St Mark's Stay & Play",
        "SM",
        ["Session"],
        start_date=start,
        description="A weekly stay-and-play in St Mark's church hall.",
    )
    health = services.agency_save(
        actor=admin, data={"name": "Riverside Health Visiting Team", "kind": "Health"}
    )
    services.agency_save(
        actor=admin, data={"name": "Riverside Children's Services", "kind": "Social care"}
    )
    poppy, leo = children["poppy"], children["leo"]
    engagements = {}
    for child, adult, issue in (
        (poppy, children["gemma"], "Speech and language"),
        (leo, children["ana"], "Family stress or isolation"),
    ):
        engagements[child.pk] = services.engagement_create(
            actor=keyperson,
            child=child,
            programme=centre,
            data={
                "referral_date": today - timedelta(days=70),
                "referred_by": _option(org, "referral_source", "Health visitor"),
                "presenting_issues": [_option(org, "presenting_issue", issue)],
                "evidence_seen": [_option(org, "evidence_seen", "Birth certificate")],
                "agencies": [health],
                "key_person": keyperson,
                "service_manager": manager,
                "consent_form_completed": True,
                "consent_given_by": adult,
                "doctor": "Dr Okafor, Riverside Surgery",
            },
        )
    illness = _option(org, "absence_reason", "Illness")
    rows = []
    for week in range(8):
        day = today - timedelta(days=7 * week + 1)
        rows.append(
            DeliveryRow(engagement=engagements[poppy.pk], service=sf["Nursery"], delivered_on=day)
        )
        absent = week in (1, 2, 3)
        rows.append(
            DeliveryRow(
                engagement=engagements[leo.pk],
                service=sf["Nursery"],
                delivered_on=day,
                attendance="absent_authorised" if absent else "present",
                absence_reason=illness if absent else None,
            )
        )
    rows.append(
        DeliveryRow(
            engagement=engagements[poppy.pk],
            service=sf["Trip"],
            delivered_on=today - timedelta(days=12),
            summary="Trip to the city farm",
        )
    )
    services.deliveries_record_bulk(actor=keyperson, rows=rows, token="demo-st-francis")  # noqa: S106 - a form token, not a secret
    # Poppy also comes to St Mark's, so in the bulk grid choosing her asks which engagement.
    services.engagement_create(
        actor=keyperson,
        child=poppy,
        programme=stay_and_play,
        data={"referral_date": today - timedelta(days=20), "key_person": keyperson},
    )
    _corrections(keyperson, engagements[poppy.pk], sf)
    services.consultation_record(
        engagement=engagements[leo.pk],
        actor=keyperson,
        held_on=today - timedelta(days=10),
        method="phone",
        summary="Ana says Leo has been poorly with a chest infection and should be back soon.",
        people=[children["ana"]],
        actions=[
            # Overdue: it is on the key person's home page and `haven send_reminders` sends it.
            services.ActionEntry(
                "Ring Ana to check Leo is well enough to return",
                today - timedelta(days=3),
                keyperson,
            ),
            services.ActionEntry(
                "Ask the health visitor about Leo's chest", today + timedelta(days=4), manager
            ),
        ],
    )
    for days_ago, attendees in ((9, 21), (2, 17)):
        services.open_access_record(
            actor=keyperson,
            service=sf["Stay and Play"],
            held_on=today - timedelta(days=days_ago),
            attendees=attendees,
        )
    counted_twice = services.open_access_record(
        actor=keyperson, service=sm["Session"], held_on=today - timedelta(days=2), attendees=12
    )
    services.open_access_mark_error(
        session=counted_twice, actor=keyperson, reason="Counted twice: St Francis recorded it."
    )


def _corrections(keyperson, engagement, sf) -> None:
    """A session recorded as nursery that was really the trip (corrected, with history),
    and one recorded on the wrong day twice (entered in error)."""
    today = clock.today()
    wrong = services.delivery_record(
        actor=keyperson,
        row=DeliveryRow(
            engagement=engagement, service=sf["Nursery"], delivered_on=today - timedelta(days=5)
        ),
    )
    services.delivery_update(
        delivery=wrong,
        actor=keyperson,
        data={"service": sf["Trip"], "summary": "Library visit with the nursery group"},
    )
    twice = services.delivery_record(
        actor=keyperson,
        row=DeliveryRow(
            engagement=engagement, service=sf["Nursery"], delivered_on=today - timedelta(days=8)
        ),
    )
    services.delivery_mark_error(
        delivery=twice, actor=keyperson, reason="Recorded twice: the register already has it."
    )


def load_riverside_programmes(*, admin, keyperson, child) -> None:
    seed_organisation(admin.organisation)
    today = clock.today()
    counselling, made = _programme(
        admin,
        "School Counselling",
        "SC",
        ["Counselling session"],
        start_date=today - timedelta(days=365),
    )
    engagement = services.engagement_create(
        actor=keyperson,
        child=child,
        programme=counselling,
        data={"referral_date": today - timedelta(days=30), "key_person": keyperson},
    )
    services.delivery_record(
        actor=keyperson,
        row=DeliveryRow(
            engagement=engagement,
            service=made["Counselling session"],
            delivered_on=today - timedelta(days=7),
            quantity=1,
        ),
    )
