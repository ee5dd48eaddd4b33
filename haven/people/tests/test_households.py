import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.audit.models import AuditEvent
from haven.people import services
from haven.people.models import Household

pytestmark = pytest.mark.django_db

surname = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop-' ", min_size=1, max_size=12
).filter(lambda s: s.strip())


@given(st.lists(surname, min_size=1, max_size=6))
def test_a_household_is_named_after_its_members_surnames_in_joining_order(surnames):
    name = services.household_name(surnames)
    unique = list(dict.fromkeys(s.strip() for s in surnames))
    assert name.endswith(" Household")
    body = name[: -len(" Household")]
    if len(unique) == 1:
        assert body == unique[0]
    else:
        assert body == ", ".join(unique[:-1]) + " and " + unique[-1]


def test_the_classic_examples():
    assert services.household_name(["Bunny"]) == "Bunny Household"
    assert services.household_name(["Bunny", "Smith"]) == "Bunny and Smith Household"
    assert services.household_name(["Bunny", "Smith", "Jones", "Smith"]) == (
        "Bunny, Smith and Jones Household"
    )


def test_a_person_without_a_household_starts_one_and_it_renames_as_people_join(add_person, dsl):
    child = add_person("Bugs", "Bunny", postcode="sw1a 1aa")
    household = child.household
    assert household.name == "Bunny Household"
    assert household.postcode == "SW1A 1AA" and household.postcode_looks_valid
    add_person("Lola", "Smith", kind="adult", born=None, household=household)
    household.refresh_from_db()
    assert household.name == "Bunny and Smith Household"
    add_person("Babs", "Jones", kind="adult", born=None, household=household)
    household.refresh_from_db()
    assert household.name == "Bunny, Smith and Jones Household"


def test_a_surname_change_and_a_move_rename_both_households(add_person, dsl):
    child = add_person("Bugs", "Bunny")
    mum = add_person("Lola", "Smith", kind="adult", born=None, household=child.household)
    services.person_update(person=mum, actor=dsl, data={"last_name": "Carrot"})
    child.household.refresh_from_db()
    assert child.household.name == "Bunny and Carrot Household"
    new_home = services.person_move(person=mum, actor=dsl, address={"postcode": "M1 1AE"})
    child.household.refresh_from_db()
    assert child.household.name == "Bunny Household"
    assert new_home.name == "Carrot Household"


def test_changing_the_household_address_changes_it_for_everyone_and_audits_each(add_person, dsl):
    child = add_person("Bugs", "Bunny")
    mum = add_person("Lola", "Smith", kind="adult", born=None, household=child.household)
    services.household_update_address(
        household=child.household, actor=dsl, address_line_1="2 Warren Lane", postcode="b33 8th"
    )
    for person in (child, mum):
        person.refresh_from_db()
        assert person.household.address_line_1 == "2 Warren Lane"
        assert person.household.postcode == "B33 8TH"
        assert AuditEvent.objects.filter(
            person_id=person.pk, detail__what="household address"
        ).exists()


def test_an_unusual_postcode_is_kept_with_a_warning(add_person):
    child = add_person("Bugs", "Bunny", postcode="12345")
    assert child.household.postcode == "12 345"
    assert not child.household.postcode_looks_valid


def test_moving_to_the_same_household_is_refused(add_person, dsl):
    from haven.core.errors import DomainError

    child = add_person("Bugs", "Bunny")
    with pytest.raises(DomainError, match="already lives"):
        services.person_move(person=child, actor=dsl, household=child.household)


def test_households_belong_to_one_organisation(add_person, stranger):
    from haven.core.errors import NotAllowed

    child = add_person("Bugs", "Bunny")
    with pytest.raises(NotAllowed):
        services.person_create(
            actor=stranger,
            data={"kind": "adult", "first_name": "Sneaky", "last_name": "Person"},
            household=child.household,
        )
    assert Household.objects.for_org(child.organisation).count() == 1
