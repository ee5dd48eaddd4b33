"""Fictional children and families for the demo organisations.

NHS numbers are from the range reserved for testing (999 000 0000 – 999 999 9999); phone
numbers from Ofcom's range for drama (07700 900xxx).
"""

from __future__ import annotations

from datetime import date, timedelta

from stdnum.gb import upn

from haven.configuration.models import Option
from haven.core import clock
from haven.people import services
from haven.people.models import Household, Person


def test_range_nhs_number(serial: int) -> str:
    """The ``serial``-th valid NHS number in the testing range."""
    candidate = 999_000_000 + serial * 7
    while True:
        nine = str(candidate)
        total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check != 10:
            return nine + str(0 if check == 11 else check)
        candidate += 1


def demo_upn(serial: int) -> str:
    body = f"801{2026 % 100:02d}{serial:07d}"
    return upn.calc_check_digit(body) + body


def _option(org, list_key, label):
    return Option.objects.for_org(org).filter(list_key=list_key, label=label).first()


def _years_ago(years: int, month: int, day: int) -> date:
    return date(clock.today().year - years, month, day)


class _Family:
    """Adds a household's people through the services, as a real user would."""

    def __init__(self, actor, address: dict):
        self.actor, self.address = actor, address
        self.household: Household | None = None

    def add(self, first, last, *, kind="child", born=None, nhs=None, upn_serial=None, **extra):
        data = {"kind": kind, "first_name": first, "last_name": last, **extra}
        if born is not None:
            data["date_of_birth"] = born
        identifiers = []
        if nhs is not None:
            identifiers.append(("nhs", "", test_range_nhs_number(nhs)))
        if upn_serial is not None:
            identifiers.append(("upn", "", demo_upn(upn_serial)))
        person = services.person_create(
            actor=self.actor,
            data=data,
            household=self.household,
            address=None if self.household else self.address,
            identifiers=identifiers,
            duplicate_reason="demo data",
        )
        self.household = person.household
        return person

    def relate(self, person, related, type, **flags):
        services.relationship_add(
            person=person, related=related, actor=self.actor, type=type, **flags
        )


def load_riverside(actor) -> dict[str, Person]:
    org = actor.organisation
    english, polish = (
        _option(org, "first_language", "English"),
        _option(org, "first_language", "Polish"),
    )
    female, male = _option(org, "gender", "Female"), _option(org, "gender", "Male")
    school = "Riverside Primary School"
    people: dict[str, Person] = {}

    bunny = _Family(
        actor, {"address_line_1": "12 Warren Lane", "town": "Riverside", "postcode": "RV1 2AB"}
    )
    people["bugs"] = bunny.add(
        "Bugs",
        "Bunny",
        born=_years_ago(5, 6, 25),
        nhs=1,
        upn_serial=1,
        gender=male,
        first_language=english,
        school=school,
        year_group="R",
        class_group="Hedgehogs",
        allergies="Peanuts (carries an adrenaline pen)",
        known_as="Bugsy",
    )
    people["lola"] = bunny.add(
        "Lola",
        "Bunny",
        kind="adult",
        adult_role="parent_carer",
        gender=female,
        mobile="07700 900101",
        email="lola.bunny@example.org",
    )
    people["babs"] = bunny.add(
        "Babs",
        "Bunny",
        born=_years_ago(8, 2, 11),
        nhs=2,
        upn_serial=2,
        gender=female,
        school=school,
        year_group="3",
        class_group="Otters",
    )
    bunny.relate(
        people["bugs"],
        people["lola"],
        "mother",
        parental_responsibility=True,
        emergency_contact=True,
        lives_with=True,
    )
    bunny.relate(
        people["babs"],
        people["lola"],
        "mother",
        parental_responsibility=True,
        emergency_contact=True,
        lives_with=True,
    )
    bunny.relate(people["bugs"], people["babs"], "sibling", lives_with=True)

    okoro = _Family(
        actor, {"address_line_1": "4 Mill Court", "town": "Riverside", "postcode": "RV2 7QT"}
    )
    people["tyler"] = okoro.add(
        "Tyler",
        "Okoro",
        born=_years_ago(8, 9, 3),
        nhs=3,
        upn_serial=3,
        gender=male,
        school=school,
        year_group="3",
        class_group="Otters",
    )
    people["jade"] = okoro.add(
        "Jade",
        "Smith",
        kind="adult",
        adult_role="parent_carer",
        gender=female,
        mobile="07700 900102",
    )
    people["marcus"] = okoro.add("Marcus", "Reid", kind="adult", adult_role="family", gender=male)
    okoro.relate(
        people["tyler"],
        people["jade"],
        "mother",
        parental_responsibility=True,
        emergency_contact=True,
        lives_with=True,
    )
    okoro.relate(
        people["tyler"],
        people["marcus"],
        "partner_of_parent",
        lives_with=True,
        explanation="Mum's partner since last year",
    )

    nowak = _Family(
        actor,
        {"address_line_1": "Flat 3, 88 Station Road", "town": "Riverside", "postcode": "RV1 9LP"},
    )
    people["zofia"] = nowak.add(
        "Zofia",
        "Nowak",
        born=_years_ago(10, 4, 17),
        nhs=4,
        upn_serial=4,
        gender=female,
        first_language=polish,
        school=school,
        year_group="5",
        class_group="Kestrels",
        medical_details="Type 1 diabetes; insulin pump",
    )
    people["ewa"] = nowak.add(
        "Ewa",
        "Nowak",
        kind="adult",
        adult_role="parent_carer",
        gender=female,
        first_language=polish,
        mobile="07700 900103",
    )
    nowak.relate(
        people["zofia"],
        people["ewa"],
        "mother",
        parental_responsibility=True,
        emergency_contact=True,
        lives_with=True,
    )

    patel = _Family(
        actor, {"address_line_1": "27 Orchard Way", "town": "Riverside", "postcode": "RV3 1DD"}
    )
    people["arjun"] = patel.add(
        "Arjun",
        "Patel",
        born=_years_ago(8, 11, 30),
        nhs=5,
        upn_serial=5,
        school=school,
        year_group="3",
        class_group="Otters",
    )
    people["anaya"] = patel.add(
        "Anaya",
        "Patel",
        born=_years_ago(8, 11, 30),
        nhs=6,
        upn_serial=6,
        school=school,
        year_group="3",
        class_group="Badgers",
    )
    people["meera"] = patel.add(
        "Meera", "Patel", kind="adult", adult_role="parent_carer", mobile="07700 900104"
    )
    for child in (people["arjun"], people["anaya"]):
        patel.relate(
            child,
            people["meera"],
            "mother",
            parental_responsibility=True,
            emergency_contact=True,
            lives_with=True,
        )
    patel.relate(people["arjun"], people["anaya"], "sibling", explanation="Twins", lives_with=True)

    begum = _Family(
        actor, {"address_line_1": "9 Canal Street", "town": "Riverside", "postcode": "RV2 3HS"}
    )
    people["ayesha"] = begum.add(
        "Ayesha",
        "Begum",
        born=_years_ago(11, 1, 9),
        nhs=7,
        upn_serial=7,
        school=school,
        year_group="6",
        class_group="Falcons",
    )
    people["rahima"] = begum.add(
        "Rahima",
        "Begum",
        kind="adult",
        adult_role="parent_carer",
        mobile="07700 900105",
        medical_details="Long-term illness",
    )
    begum.relate(
        people["ayesha"], people["rahima"], "mother", parental_responsibility=True, lives_with=True
    )

    reid = _Family(
        actor, {"address_line_1": "61 Hill Rise", "town": "Riverside", "postcode": "RV4 8PA"}
    )
    people["mason"] = reid.add(
        "Mason",
        "Reid",
        born=_years_ago(9, 7, 14),
        nhs=8,
        upn_serial=8,
        school=school,
        year_group="4",
        class_group="Foxes",
    )
    people["kerry"] = reid.add(
        "Kerry", "Reid", kind="adult", adult_role="parent_carer", mobile="07700 900106"
    )
    people["baby"] = reid.add(
        "Baby", "Reid", is_unborn=True, expected_date=clock.today() + timedelta(days=70)
    )
    reid.relate(
        people["mason"], people["kerry"], "mother", parental_responsibility=True, lives_with=True
    )
    social_worker = _Family(actor, {"town": "Riverside"}).add(
        "Nadia",
        "Hussain",
        kind="adult",
        adult_role="professional",
        phone="07700 900150",
        email="nadia.hussain@riverside-council.example",
    )
    reid.relate(
        people["mason"],
        social_worker,
        "social_worker",
        explanation="Allocated social worker, Riverside Council",
    )

    start = clock.today() - timedelta(days=120)
    for key, flag in [
        ("mason", "cp_plan"),
        ("tyler", "cin_plan"),
        ("zofia", "ehc_plan"),
        ("ayesha", "young_carer"),
        ("arjun", "pupil_premium"),
        ("anaya", "pupil_premium"),
    ]:
        services.flag_start(person=people[key], actor=actor, flag=flag, start_date=start)
    services.flag_start(
        person=people["mason"],
        actor=actor,
        flag="social_care",
        start_date=start,
        allocated_worker="Nadia Hussain",
    )
    old = services.flag_start(
        person=people["tyler"],
        actor=actor,
        flag="early_help",
        start_date=start - timedelta(days=300),
    )
    services.flag_end(status=old, actor=actor, end_date=start - timedelta(days=1))
    from haven.people.photo_demo import load_demo_photos

    load_demo_photos(actor=actor, people=[people["bugs"], people["tyler"]])
    return people


def load_st_francis(actor) -> dict[str, Person]:
    people: dict[str, Person] = {}
    clarke = _Family(
        actor, {"address_line_1": "5 Chapel Row", "town": "Riverside", "postcode": "RV5 2EE"}
    )
    people["poppy"] = clarke.add(
        "Poppy",
        "Clarke",
        born=_years_ago(2, 3, 21),
        nhs=20,
        school="St Francis Family Centre",
        year_group="N",
    )
    people["gemma"] = clarke.add(
        "Gemma", "Clarke", kind="adult", adult_role="parent_carer", mobile="07700 900120"
    )
    clarke.relate(
        people["poppy"],
        people["gemma"],
        "mother",
        parental_responsibility=True,
        emergency_contact=True,
        lives_with=True,
    )
    martins = _Family(
        actor, {"address_line_1": "2 Brook Terrace", "town": "Riverside", "postcode": "RV5 6JN"}
    )
    people["leo"] = martins.add(
        "Leo",
        "Martins",
        born=_years_ago(3, 10, 2),
        nhs=21,
        school="St Francis Family Centre",
        year_group="N",
    )
    people["ana"] = martins.add(
        "Ana", "Martins", kind="adult", adult_role="parent_carer", mobile="07700 900121"
    )
    people["grandma"] = martins.add("Rosa", "Ferreira", kind="adult", adult_role="family")
    martins.relate(
        people["leo"], people["ana"], "mother", parental_responsibility=True, lives_with=True
    )
    martins.relate(
        people["leo"], people["grandma"], "grandparent", emergency_contact=True, lives_with=True
    )
    return people
