import datetime

import pytest

from haven.chronology.models import Entry, Kind
from haven.chronology.queries import timeline
from haven.core.errors import DomainError, NotAllowed
from haven.programmes import services
from haven.programmes.models import Stage, StageChange

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_an_engagement_is_named_after_the_child_the_referral_date_and_the_programme(child, engage):
    engagement = engage(child(), referral=datetime.date(2026, 6, 25))
    assert engagement.name == "Bugs Bunny 25/06/2026: St Francis Family Centre"


def test_only_children_have_engagements(engage, add_adult):
    with pytest.raises(DomainError, match="is an adult"):
        engage(add_adult)


@pytest.fixture
def add_adult(dsl, seeded):
    from haven.people import services as people_services

    return people_services.person_create(
        actor=dsl,
        data={"kind": "adult", "first_name": "Lola", "last_name": "Bunny"},
        address={"address_line_1": "1 Warren Lane"},
        duplicate_reason="test data",
    )


def test_a_child_in_progress_cannot_get_a_second_engagement_on_the_same_programme(child, engage):
    bugs = child()
    engage(bugs)
    with pytest.raises(DomainError, match="already has an engagement in progress"):
        engage(bugs)


def test_closing_needs_a_reason_leaves_a_stage_change_and_a_new_referral_starts_afresh(
    child, engage, key_person, option
):
    bugs = child()
    engagement = engage(bugs)
    with pytest.raises(DomainError, match="reason"):
        services.engagement_close(
            engagement=engagement, actor=key_person, closed_on=TODAY, reason=None
        )
    services.engagement_close(
        engagement=engagement,
        actor=key_person,
        closed_on=TODAY,
        reason=option("engagement_closure_reason"),
    )
    assert engagement.stage == Stage.CLOSED
    assert StageChange.objects.for_org(engagement.organisation).get().to_stage == Stage.CLOSED
    with pytest.raises(DomainError, match="cannot become"):
        services.engagement_close(
            engagement=engagement,
            actor=key_person,
            closed_on=TODAY,
            reason=option("engagement_closure_reason"),
        )
    again = engage(bugs, referral=TODAY)
    assert again.pk != engagement.pk


def test_the_engagement_form_edits_medical_details_on_the_childs_record(child, engage):
    bugs = child()
    engage(bugs, allergies="Peanuts")
    bugs.refresh_from_db()
    assert bugs.allergies == "Peanuts"


def test_need_to_know_who_may_see_an_engagement(
    child, engage, key_person, manager, dsl, deputy_dsl, admin, staff_member, org
):
    from haven.access import rules
    from haven.core.testing.factories import UserFactory

    other = UserFactory(organisation=org, roles=["practitioner"], full_name="Olly Other")
    engagement = engage(child())
    assert rules.can_view_engagement(key_person, engagement)
    assert rules.can_view_engagement(manager, engagement)  # the key person's line manager
    assert rules.can_view_engagement(dsl, engagement)
    assert rules.can_view_engagement(deputy_dsl, engagement)
    assert not rules.can_view_engagement(other, engagement)
    assert not rules.can_view_engagement(admin, engagement)
    assert not rules.can_view_engagement(staff_member, engagement)
    with pytest.raises(NotAllowed):
        services.consultation_record(
            engagement=engagement,
            actor=other,
            held_on=TODAY,
            method="phone",
            summary="x",
            others="Mum",
        )


def test_engagement_entries_in_the_chronology_are_seen_only_by_those_who_may_see_it(
    child, engage, key_person, dsl, org
):
    from haven.core.testing.factories import UserFactory

    other = UserFactory(organisation=org, roles=["practitioner"], full_name="Olly Other")
    bugs = child()
    engagement = engage(bugs)
    services.consultation_record(
        engagement=engagement,
        actor=key_person,
        held_on=TODAY,
        method="phone",
        summary="Mum says sleep is better",
        others="Lola Bunny, mother",
        actions=[("Send the sleep leaflet", TODAY + datetime.timedelta(days=7))],
    )
    kinds = set(
        Entry.objects.for_org(org).filter(child=bugs).values_list("kind", "scope").distinct()
    )
    assert (Kind.ENGAGEMENT_OPENED, engagement.scope) in kinds
    assert (Kind.CONSULTATION, engagement.scope) in kinds
    seen_by = lambda user: {e.kind for e in timeline(user, bugs, {}).entries}  # noqa: E731
    assert Kind.CONSULTATION in seen_by(key_person)
    assert Kind.CONSULTATION in seen_by(dsl)
    assert Kind.CONSULTATION not in seen_by(other)


def test_the_engagement_page_names_the_child_the_emergency_contact_and_who_consented(
    child, engage, add_adult, sign_in, key_person
):
    from django.urls import reverse

    bugs = child()
    engagement = engage(
        bugs, emergency_contact=add_adult, consent_form_completed=True, consent_given_by=add_adult
    )
    body = sign_in(key_person).get(reverse("programmes:engagement", args=[engagement.pk]))
    page = body.content.decode()
    assert f"Back to {bugs.full_name}" in page
    assert f"<dd>{add_adult.full_name}</dd>" in page
    assert f"consent given by {add_adult.full_name}" in page
