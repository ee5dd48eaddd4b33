"""The bulk entry grid picks a child first, then that child's engagement in progress."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from haven.programmes import services
from haven.programmes.models import ServiceDelivery

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def stay_and_play(admin):
    programme = services.programme_save(
        actor=admin,
        data={"name": "St Mark's Stay & Play", "code": "SM", "status": "active"},
    )
    services.service_save(actor=admin, programme=programme, data={"name": "Session"})
    return programme


def _row(index, **values):
    return {f"row-{index}-{k}": v for k, v in values.items()}


def test_the_grid_lists_children_with_open_engagements_and_their_services_by_code(
    child, engage, sign_in, key_person, option
):
    bugs, fred = child(), child("Fred", "Flagg")
    engage(bugs)
    closed = engage(fred)
    services.engagement_close(
        engagement=closed,
        actor=key_person,
        closed_on=TODAY,
        reason=option("engagement_closure_reason"),
    )
    page = sign_in(key_person).get(reverse("programmes:bulk")).content.decode()
    assert "Bugs Bunny (25/06/2021)" in page
    assert "Fred Flagg" not in page  # no engagement in progress
    assert 'id="row-0-child" data-quickfind' in page and "SF: Nursery" in page
    assert "Choose the child first" in page


def test_choosing_a_child_fetches_only_that_childs_engagements_in_progress(
    child, engage, sign_in, key_person, stay_and_play, option
):
    bugs = child()
    nursery = engage(bugs)
    stay = services.engagement_create(
        actor=key_person,
        child=bugs,
        programme=stay_and_play,
        data={"referral_date": TODAY - datetime.timedelta(days=5), "key_person": key_person},
    )
    fred = engage(child("Fred", "Flagg"))
    client = sign_in(key_person)
    url = reverse("programmes:bulk_engagements")
    body = client.get(url, {"row": 3, "row-3-child": bugs.pk}).content.decode()
    assert 'id="row-3-engagement"' in body
    assert escape(nursery.name) in body and escape(stay.name) in body
    assert escape(fred.name) not in body
    assert "2 engagements in progress: choose one." in body
    services.engagement_close(
        engagement=stay,
        actor=key_person,
        closed_on=TODAY,
        reason=option("engagement_closure_reason"),
    )
    body = client.get(url, {"row": 0, "row-0-child": bugs.pk}).content.decode()
    assert escape(stay.name) not in body
    assert f'<option value="{nursery.pk}" selected>' in body


def test_a_child_with_one_engagement_needs_no_second_choice(
    child, engage, service, sign_in, key_person
):
    bugs, fred = engage(child()), engage(child("Fred", "Flagg"))
    trip = service("Trip").pk
    day = f"{TODAY:%d/%m/%Y}"
    data = {
        "token": "one-each",
        "rows": "2",
        **_row(0, child=bugs.child_id, service=trip, delivered_on=day, summary="Southland"),
        **_row(1, child=fred.child_id, service=trip, delivered_on=day, summary="Southland"),
    }
    response = sign_in(key_person).post(reverse("programmes:bulk"), data, follow=True)
    assert "2 service deliveries stored." in response.content.decode()
    stored = ServiceDelivery.objects.for_org(bugs.organisation)
    assert sorted(stored.values_list("engagement_id", flat=True)) == sorted([bugs.pk, fred.pk])


def test_a_child_with_two_engagements_is_asked_which_on_the_row_and_nothing_is_stored(
    child, engage, service, sign_in, key_person, stay_and_play
):
    bugs = child()
    engage(bugs)
    services.engagement_create(
        actor=key_person,
        child=bugs,
        programme=stay_and_play,
        data={"referral_date": TODAY - datetime.timedelta(days=5), "key_person": key_person},
    )
    fred = engage(child("Fred", "Flagg"))
    day = f"{TODAY:%d/%m/%Y}"
    data = {
        "token": "ambiguous",
        "rows": "2",
        **_row(0, child=bugs.pk, service=service("Trip").pk, delivered_on=day),
        **_row(1, child=fred.child_id, service=service("Trip").pk, delivered_on=day),
    }
    response = sign_in(key_person).post(reverse("programmes:bulk"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bugs Bunny has 2 engagements in progress: choose which" in body
    assert "Choose the child&#x27;s programme engagement." not in body
    assert 'id="row-0-engagement"' in body and "St Mark" in body  # the choice is offered
    assert not ServiceDelivery.objects.for_org(fred.organisation).exists()


def test_a_row_without_a_child_says_so(engage, child, service, sign_in, key_person):
    engagement = engage(child())
    data = {
        "token": "no-child",
        "rows": "1",
        **_row(0, service=service("Trip").pk, delivered_on=f"{TODAY:%d/%m/%Y}"),
    }
    response = sign_in(key_person).post(reverse("programmes:bulk"), data)
    assert response.status_code == 400
    assert "Choose the child." in response.content.decode()
    assert not ServiceDelivery.objects.for_org(engagement.organisation).exists()


def test_another_key_persons_child_cannot_be_chosen(child, engage, service, sign_in, org, dsl):
    from haven.core.testing.factories import UserFactory

    engagement = engage(child(), actor=dsl, key_person=dsl)
    other = UserFactory(
        organisation=org, roles=["practitioner"], full_name="Olly Other", authenticator=True
    )
    client = sign_in(other)
    assert "Bugs Bunny" not in client.get(reverse("programmes:bulk")).content.decode()
    body = client.get(
        reverse("programmes:bulk_engagements"), {"row": 0, "row-0-child": engagement.child_id}
    ).content.decode()
    assert engagement.name not in body
    data = {
        "token": "not-mine",
        "rows": "1",
        **_row(
            0,
            child=engagement.child_id,
            service=service("Trip").pk,
            delivered_on=f"{TODAY:%d/%m/%Y}",
        ),
    }
    assert client.post(reverse("programmes:bulk"), data).status_code == 400
    assert not ServiceDelivery.objects.for_org(org).exists()
