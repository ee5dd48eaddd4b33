"""A front-door role granted in a school gives nothing: its rules count only in a front door."""

from haven.access import roles, rules
from haven.core.testing.factories import UserFactory


def test_a_front_door_role_in_a_school_brings_no_people_search_nor_front_door_pages(org):
    misgranted = UserFactory(organisation=org, roles=[roles.SCREENING_OFFICER])
    assert not rules.can_search_people(misgranted)
    assert not rules.can_edit_people(misgranted)
    assert not rules.is_front_door_staff(misgranted)
    assert not rules.can_log_contacts(misgranted)


def test_front_door_staff_search_and_add_people_in_their_front_door(screening_officer):
    assert rules.can_search_people(screening_officer)
    assert rules.can_edit_people(screening_officer)
