"""Demo contacts awaiting screening, and a consultation awaiting its written referral.

Written through the intake services, as a screening officer would log them: a police report
about domestic abuse, a school's telephone call, an anonymous member of the public and a
midwife's referral about an unborn child. Every name is invented.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.core import clock
from haven.frontdoor.models import Source
from haven.frontdoor.services.consultations import ConsultationData, consultation_record
from haven.frontdoor.services.intake import ContactData, contact_create
from haven.people import services as people_services

SCREENING = "screening@frontdoor.example"


def _years_ago(years: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def _person(actor, first, last, *, kind="child", born=None, expected=None, postcode=""):
    data = {"kind": kind, "first_name": first, "last_name": last, "date_of_birth": born}
    if expected is not None:
        data |= {"is_unborn": True, "expected_date": expected, "date_of_birth": None}
    return people_services.person_create(
        actor=actor,
        data=data,
        address={"address_line_1": "", "postcode": postcode},
        duplicate_reason="Demo data",
    )


def load(world: dict) -> dict:
    actor = world["staff"][SCREENING]
    now = clock.now()

    # A police report about domestic abuse, with the police's own rating.
    mia = _person(actor, "Mia", "Harlow", born=_years_ago(7, 40), postcode="NB3 4QT")
    jade = _person(actor, "Jade", "Harlow", kind="adult", born=_years_ago(29), postcode="NB3 4QT")
    carl = _person(actor, "Carl", "Denton", kind="adult", born=_years_ago(33), postcode="NB3 4QT")
    police = contact_create(
        actor=actor,
        data=ContactData(
            source=Source.POLICE,
            received_at=now - timedelta(hours=1, minutes=10),
            police_rag="amber",
            is_domestic_abuse=True,
            referrer_name="PC Dana Ruiz",
            referrer_role="Response officer",
            referrer_agency="Northborough Police",
            referrer_phone="01632 960123",
            concerns=(
                "Police called to the home at 23:40 after neighbours heard shouting. Jade "
                "Harlow had a cut lip and said Carl Denton pushed her into a door. Mia (7) was "
                "awake on the landing and said she had heard it. Carl Denton was arrested."
            ),
            parents_informed=False,
            not_informed_reason="prejudice",
            not_informed_explanation=(
                "Carl Denton is to be interviewed under caution; telling him of the referral "
                "before then could affect the investigation."
            ),
            consent="not_sought",
            consent_not_sought_reason="A police report made under the officer's own duty.",
            children=[mia],
            adults=[jade, carl],
        ),
    )

    # A school's telephone call.
    theo = _person(actor, "Theo", "Brennan", born=_years_ago(9, 100), postcode="NB1 7HD")
    school = contact_create(
        actor=actor,
        data=ContactData(
            source=Source.TELEPHONE,
            received_at=now - timedelta(minutes=45),
            referrer_name="Grace Okafor",
            referrer_role="Designated safeguarding lead",
            referrer_agency="Hillside Primary School",
            referrer_phone="01632 960456",
            referrer_email="dsl@hillside.example",
            concerns=(
                "Theo has come to school hungry on four days this fortnight and has worn the "
                "same uniform all week. Today he said there was no food at home and that his "
                "mum was 'sleeping all day'."
            ),
            parents_informed=True,
            consent="given",
            children=[theo],
        ),
    )

    # An anonymous member of the public.
    ellie = _person(actor, "Ellie", "Voss", born=_years_ago(4, 200), postcode="NB2 9LS")
    anonymous = contact_create(
        actor=actor,
        data=ContactData(
            source=Source.ANONYMOUS,
            received_at=now - timedelta(minutes=25),
            concerns=(
                "A caller who would not give their name said a girl of about four at 12 Mill "
                "Row is often left alone in the evenings; they have seen her at the window "
                "after dark on three evenings this week."
            ),
            parents_informed=False,
            not_informed_reason="risk_of_harm",
            not_informed_explanation=(
                "The caller fears the child would be punished if the family learned of it."
            ),
            consent="not_sought",
            consent_not_sought_reason="The caller is anonymous and not in touch with the family.",
            children=[ellie],
        ),
    )

    # A midwife's referral about an unborn child.
    unborn = _person(
        actor,
        "Baby",
        "Kaur",
        expected=clock.today() + timedelta(weeks=10),
        postcode="NB4 2AX",
    )
    priya = _person(actor, "Simran", "Kaur", kind="adult", born=_years_ago(19), postcode="NB4 2AX")
    midwife = contact_create(
        actor=actor,
        data=ContactData(
            source=Source.INTER_AGENCY,
            received_at=now - timedelta(minutes=10),
            referrer_name="Helen Marsh",
            referrer_role="Community midwife",
            referrer_agency="Northborough Maternity Service",
            referrer_email="helen.marsh@maternity.example",
            keep_referrer_from_family=True,
            concerns=(
                "Simran Kaur (19) is 30 weeks pregnant, has missed three antenatal "
                "appointments and told the midwife she has nowhere settled to live. She "
                "disclosed past cannabis use and a partner she describes as controlling."
            ),
            parents_informed=True,
            consent="given",
            children=[unborn],
            adults=[priya],
        ),
    )

    # A consultation whose agreed written referral has not yet arrived.
    consultation = consultation_record(
        actor=actor,
        data=ConsultationData(
            professional_name="Dr Amal Ng",
            professional_role="GP",
            professional_agency="Riverside Health Centre",
            professional_phone="01632 960789",
            consulted_at=now - timedelta(minutes=30),
            summary=(
                "A father of two seen today is drinking heavily since losing his job; the "
                "GP is unsure whether the children are affected."
            ),
            advice=(
                "Ask the father about the children's care and who else is at home; send a "
                "written referral with what he said."
            ),
            written_referral_agreed=True,
        ),
    )
    return {
        "contacts": [police, school, anonymous, midwife],
        "consultation": consultation,
    }
