"""Identifiers, statuses, relationships and merges on a person's record."""

import datetime

import pytest

from haven.audit.models import Action, AuditEvent
from haven.core.errors import DomainError, NotAllowed
from haven.people import services
from haven.people.merge import person_merge
from haven.people.models import Identifier, Person, Relationship, StatusFlag
from haven.people.queries import person_page

pytestmark = pytest.mark.django_db
NHS = "9434765919"


def test_an_identifier_is_unique_in_the_organisation_and_the_clash_is_named(add_person, dsl):
    bugs = add_person("Bugs", "Bunny", identifiers=[("nhs", "", NHS)])
    lola = add_person("Lola", "Bunny")
    with pytest.raises(DomainError, match="already recorded for Bugs Bunny"):
        services.identifier_add(person=lola, actor=dsl, kind="nhs", value="943 476 5919")
    assert bugs.identifiers.count() == 1


def test_the_same_identifier_may_exist_in_another_organisation(add_person, stranger):
    add_person("Bugs", "Bunny", identifiers=[("nhs", "", NHS)])
    elsewhere = services.person_create(
        actor=stranger,
        data={
            "kind": "child",
            "first_name": "Bugs",
            "last_name": "Bunny",
            "date_of_birth": datetime.date(2018, 6, 25),
        },
        identifiers=[("nhs", "", NHS)],
    )
    assert elsewhere.identifiers.get().value == NHS


def test_a_withdrawn_identifier_is_kept_and_frees_its_number(add_person, dsl):
    bugs = add_person("Bugs", "Bunny", identifiers=[("nhs", "", NHS)])
    identifier = bugs.identifiers.get()
    with pytest.raises(DomainError, match="Say why"):
        services.identifier_withdraw(identifier=identifier, actor=dsl, reason=" ")
    services.identifier_withdraw(identifier=identifier, actor=dsl, reason="typed in error")
    lola = add_person("Lola", "Bunny")
    services.identifier_add(person=lola, actor=dsl, kind="nhs", value=NHS)
    assert Identifier.objects.for_org(bugs.organisation).count() == 2


def test_organisation_defined_identifiers_need_a_name(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    with pytest.raises(DomainError, match="Say what this identifier is"):
        services.identifier_add(person=bugs, actor=dsl, kind="other", value="A123")
    made = services.identifier_add(
        person=bugs, actor=dsl, kind="other", label="MIS admission no.", value="A123"
    )
    assert str(made) == "MIS admission no.: A123"


def test_a_bad_identifier_changes_nothing_and_says_why(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    with pytest.raises(DomainError, match="check digit"):
        services.identifier_add(person=bugs, actor=dsl, kind="nhs", value="9434765918")
    assert not bugs.identifiers.exists()


def test_a_status_keeps_its_history(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    start = datetime.date.today() - datetime.timedelta(days=30)
    flag = services.flag_start(person=bugs, actor=dsl, flag="cp_plan", start_date=start)
    with pytest.raises(DomainError, match="already has"):
        services.flag_start(person=bugs, actor=dsl, flag="cp_plan", start_date=start)
    services.flag_end(status=flag, actor=dsl, end_date=datetime.date.today())
    services.flag_start(person=bugs, actor=dsl, flag="cp_plan", start_date=datetime.date.today())
    assert StatusFlag.objects.for_org(bugs.organisation).filter(person=bugs).count() == 2


def test_status_dates_must_make_sense(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    with pytest.raises(DomainError, match="future"):
        services.flag_start(
            person=bugs,
            actor=dsl,
            flag="looked_after",
            start_date=datetime.date.today() + datetime.timedelta(days=1),
        )
    flag = services.flag_start(
        person=bugs, actor=dsl, flag="looked_after", start_date=datetime.date.today()
    )
    with pytest.raises(DomainError, match="before it started"):
        services.flag_end(
            status=flag, actor=dsl, end_date=datetime.date.today() - datetime.timedelta(days=1)
        )


def test_adults_do_not_carry_child_statuses(add_person, dsl):
    mum = add_person("Lola", "Bunny", kind="adult", born=None)
    with pytest.raises(DomainError, match="recorded on children"):
        services.flag_start(person=mum, actor=dsl, flag="cp_plan", start_date=datetime.date.today())


def test_a_relationship_shows_on_both_records_with_its_reciprocal(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    mum = add_person("Lola", "Smith", kind="adult", born=None, household=bugs.household)
    services.relationship_add(
        person=bugs, related=mum, actor=dsl, type="mother", parental_responsibility=True
    )
    ((rel, other, label),) = person_page(bugs)["relationships"]
    assert (other, label) == (mum, "Mother")
    ((rel, other, label),) = person_page(mum)["relationships"]
    assert (other, label) == (bugs, "Child")
    assert AuditEvent.objects.filter(person_id=mum.pk, detail__what="relationship added").exists()


@pytest.mark.parametrize("tab", ["details", "chronology", "relationships", "identifiers"])
def test_every_tab_counts_current_relationships_and_identifiers_alike(add_person, dsl, tab):
    bugs = add_person("Bugs", "Bunny", identifiers=[("nhs", "", NHS)])
    services.identifier_add(person=bugs, actor=dsl, kind="other", label="MIS", value="A1")
    services.identifier_withdraw(identifier=bugs.identifiers.get(kind="nhs"), actor=dsl, reason="x")
    mum = add_person("Lola", "Smith", kind="adult", born=None, household=bugs.household)
    dad = add_person("Elmer", "Fudd", kind="adult", born=None)
    services.relationship_add(person=mum, related=bugs, actor=dsl, type="mother")
    ended = services.relationship_add(person=bugs, related=dad, actor=dsl, type="father")
    services.relationship_end(relationship=ended, actor=dsl, reason="recorded by mistake")
    page = person_page(bugs, tab)
    assert (page["relationship_count"], page["identifier_count"]) == (1, 1)
    assert ("relationships" in page) == (tab == "relationships")
    assert ("identifiers" in page) == (tab == "identifiers")


def test_a_relationship_cannot_be_recorded_twice_or_to_oneself(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    mum = add_person("Lola", "Smith", kind="adult", born=None)
    services.relationship_add(person=bugs, related=mum, actor=dsl, type="mother")
    with pytest.raises(DomainError, match="already recorded"):
        services.relationship_add(person=bugs, related=mum, actor=dsl, type="mother")
    with pytest.raises(DomainError, match="themselves"):
        services.relationship_add(person=bugs, related=bugs, actor=dsl, type="sibling")


def test_an_ended_relationship_stays_in_the_history(add_person, dsl):
    bugs = add_person("Bugs", "Bunny")
    dad = add_person("Elmer", "Fudd", kind="adult", born=None)
    rel = services.relationship_add(person=bugs, related=dad, actor=dsl, type="father")
    services.relationship_end(relationship=rel, actor=dsl, reason="recorded by mistake")
    page = person_page(bugs)
    assert page["relationships"] == []
    assert [r for r, *_ in page["past_relationships"]] == [rel]


def test_a_child_needs_a_date_of_birth_unless_unborn(dsl):
    with pytest.raises(DomainError, match="date of birth"):
        services.person_create(
            actor=dsl, data={"kind": "child", "first_name": "No", "last_name": "Date"}
        )
    baby = services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Baby",
            "last_name": "Bunny",
            "is_unborn": True,
            "expected_date": datetime.date.today() + datetime.timedelta(days=60),
        },
    )
    assert baby.is_unborn and baby.age_label == "Unborn"
    assert not Person.objects.for_org(dsl.organisation).filter(first_name="No").exists()


def test_staff_and_leaders_cannot_create_people(staff_member, leader):
    for actor in (staff_member, leader):
        with pytest.raises(NotAllowed):
            services.person_create(
                actor=actor, data={"kind": "adult", "first_name": "A", "last_name": "B"}
            )


def test_merging_moves_everything_and_leaves_a_pointer(add_person, dsl, admin):
    bugs = add_person("Bugs", "Bunny", identifiers=[("nhs", "", NHS)])
    twin = add_person("Bugs", "Bunnie", identifiers=[("upn", "", "B801200005001")])
    mum = add_person("Lola", "Bunny", kind="adult", born=None)
    services.relationship_add(person=twin, related=mum, actor=dsl, type="mother")
    services.relationship_add(person=bugs, related=twin, actor=dsl, type="sibling")
    services.flag_start(
        person=twin, actor=dsl, flag="sen_support", start_date=datetime.date.today()
    )
    person_merge(survivor=bugs, duplicate=twin, actor=admin, reason="same child, typo in surname")
    twin.refresh_from_db()
    assert twin.merged_into == bugs
    assert {i.kind for i in bugs.identifiers.all()} == {"nhs", "upn"}
    assert bugs.flags.get().flag == "sen_support"
    page = person_page(bugs)
    assert [(other, label) for _, other, label in page["relationships"]] == [(mum, "Mother")]
    assert Relationship.unscoped.get(person=bugs, related=twin).ended_reason == "records merged"
    for someone in (bugs, twin):
        assert AuditEvent.objects.filter(person_id=someone.pk, action=Action.MERGE).exists()


def test_only_dsls_and_administrators_merge(add_person, key_person):
    a, b = add_person("Bugs", "Bunny"), add_person("Bugs", "Bunnie")
    with pytest.raises(NotAllowed):
        person_merge(survivor=a, duplicate=b, actor=key_person, reason="x")


def test_a_merge_needs_two_live_records_of_the_same_kind(add_person, dsl):
    a, b = add_person("Bugs", "Bunny"), add_person("Bugs", "Bunnie")
    adult = add_person("Lola", "Bunny", kind="adult", born=None)
    with pytest.raises(DomainError, match="different records"):
        person_merge(survivor=a, duplicate=a, actor=dsl, reason="x")
    with pytest.raises(DomainError, match="adult"):
        person_merge(survivor=a, duplicate=adult, actor=dsl, reason="x")
    person_merge(survivor=a, duplicate=b, actor=dsl, reason="x")
    with pytest.raises(DomainError, match="already been merged"):
        person_merge(survivor=b, duplicate=a, actor=dsl, reason="x")
