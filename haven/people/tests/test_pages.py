import datetime

import pytest

from haven.audit.models import Action, AuditEvent
from haven.people import services
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def test_opening_a_person_is_audited_and_links_who_has_viewed(add_person, dsl, sign_in):
    bugs = add_person("Bugs", "Bunny")
    body = sign_in(dsl).get(f"/people/{bugs.pk}/").content.decode()
    assert "Bugs Bunny" in body and f"/audit/people/{bugs.pk}/" in body
    assert AuditEvent.objects.filter(action=Action.VIEW, person_id=bugs.pk, actor=dsl).exists()


def test_the_person_page_costs_the_same_however_many_relationships_and_flags(
    add_person, dsl, sign_in, django_assert_max_num_queries
):
    bugs = add_person("Bugs", "Bunny")
    client = sign_in(dsl)
    tabs = ("details", "relationships", "household", "identifiers")
    baseline = {}
    for tab in tabs:
        with django_assert_max_num_queries(40) as counted:
            client.get(f"/people/{bugs.pk}/?tab={tab}")
        baseline[tab] = len(counted.captured_queries)
    for n in range(8):
        other = add_person(f"Sib{n}", "Bunny", household=bugs.household)
        services.relationship_add(person=bugs, related=other, actor=dsl, type="sibling")
    for flag in ("cp_plan", "sen_support", "young_carer"):
        services.flag_start(person=bugs, actor=dsl, flag=flag, start_date=datetime.date.today())
    services.flag_end(
        status=bugs.flags.get(flag="cp_plan"), actor=dsl, end_date=datetime.date.today()
    )
    for tab in tabs:
        with django_assert_max_num_queries(baseline[tab]):
            assert client.get(f"/people/{bugs.pk}/?tab={tab}").status_code == 200


def test_a_person_in_another_organisation_is_not_found(add_person, stranger, sign_in):
    bugs = add_person("Bugs", "Bunny")
    client = sign_in(stranger)
    for path in (
        f"/people/{bugs.pk}/",
        f"/people/{bugs.pk}/edit/",
        f"/households/{bugs.household_id}/",
    ):
        assert client.get(path).status_code == 404


def test_people_pages_need_an_elevated_session(add_person, dsl, sign_in):
    bugs = add_person("Bugs", "Bunny")
    response = sign_in(dsl, elevated=False).get(f"/people/{bugs.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/elevate/")


def test_leaders_and_unelevated_staff_cannot_search(leader, staff_member, sign_in):
    assert sign_in(leader).get("/people/?q=bunny").status_code == 403
    assert sign_in(staff_member).get("/people/?q=bunny")["Location"].startswith("/account/elevate/")


def test_adding_a_child_runs_the_duplicate_check_and_needs_a_reason_to_go_on(
    add_person, dsl, sign_in
):
    add_person("Bugs", "Bunny", born=datetime.date(2021, 6, 25))
    client = sign_in(dsl)
    form = {
        "kind": "child",
        "first_name": "Bugs",
        "last_name": "Bunny",
        "date_of_birth": "25/06/2021",
        "address-postcode": "SW1A 1AA",
    }
    first = client.post("/people/new/", form)
    assert first.status_code == 409
    body = first.content.decode()
    assert "may already be recorded" in body and "Use this person" in body
    assert Person.objects.for_org(dsl.organisation).count() == 1
    second = client.post("/people/new/", {**form, "duplicate_reason": "Twin with the same name"})
    assert second.status_code == 302
    assert Person.objects.for_org(dsl.organisation).count() == 2
    event = AuditEvent.objects.filter(action=Action.CREATE, detail__reason__isnull=False).last()
    assert event.detail["reason"] == "Twin with the same name"


def test_bad_input_keeps_what_was_typed_and_writes_nothing(dsl, sign_in):
    response = sign_in(dsl).post(
        "/people/new/",
        {
            "kind": "child",
            "first_name": "Bugs",
            "last_name": "",
            "date_of_birth": "31/02/2021",
            "phone": "123",
            "medical_details": "Asthma, uses inhaler",
            "id-kind": "nhs",
            "id-value": "9434765918",
        },
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "Asthma, uses inhaler" in body and "There is a problem" in body
    assert not Person.objects.for_org(dsl.organisation).exists()


def test_a_future_date_of_birth_is_refused(dsl, sign_in):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = sign_in(dsl).post(
        "/people/new/",
        {"kind": "child", "first_name": "Bugs", "last_name": "Bunny", "date_of_birth": tomorrow},
    )
    assert "cannot be in the future" in response.content.decode()


def test_a_merged_record_sends_readers_to_the_survivor(add_person, dsl, sign_in):
    from haven.people.merge import person_merge

    a, b = add_person("Bugs", "Bunny"), add_person("Bugs", "Bunnie")
    person_merge(survivor=a, duplicate=b, actor=dsl, reason="same")
    response = sign_in(dsl).get(f"/people/{b.pk}/")
    assert response["Location"] == f"/people/{a.pk}/"


def test_teachers_can_be_limited_to_their_teams_year_groups(add_person, staff_member, sign_in):
    from haven.core.testing.factories import TeamFactory

    org = staff_member.organisation
    org.limit_staff_to_team_groups = True
    org.save()
    TeamFactory(organisation=org, year_groups=["3"]).members.add(staff_member)
    in_year_3 = add_person("Bugs", "Bunny", year_group="3")
    in_year_5 = add_person("Daffy", "Duck", year_group="5")
    mum = add_person("Lola", "Bunny", kind="adult", born=None, household=in_year_3.household)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.core.testing.factories import TEST_TOTP_KEY_HEX

    TOTPDevice.objects.create(user=staff_member, key=TEST_TOTP_KEY_HEX, confirmed=True)
    client = sign_in(staff_member)
    assert client.get(f"/people/{in_year_3.pk}/").status_code == 200
    assert client.get(f"/people/{mum.pk}/").status_code == 200
    assert client.get(f"/people/{in_year_5.pk}/").status_code == 404
    body = client.get("/people/?q=duck").content.decode()
    assert "Daffy" not in body


def test_searching_is_audited_with_the_query(add_person, dsl, sign_in):
    add_person("Bugs", "Bunny")
    sign_in(dsl).get("/people/", {"q": "bunny"})
    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.detail == {"query": "bunny", "results": 1} and event.actor == dsl
