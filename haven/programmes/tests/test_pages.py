import datetime

import pytest
from django.urls import reverse

from haven.programmes import services
from haven.programmes.models import ServiceDelivery
from haven.programmes.services import DeliveryRow

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_the_childs_engagements_tab_lists_them_and_counts_those_hidden_from_others(
    child, engage, sign_in, key_person, org
):
    from haven.core.testing.factories import UserFactory

    bugs = child()
    engage(bugs)
    url = reverse("people:detail", args=[bugs.pk]) + "?tab=engagements"
    page = sign_in(key_person).get(url).content.decode()
    assert "St Francis Family Centre" in page and "Add to a programme" in page
    other = UserFactory(
        organisation=org, roles=["practitioner"], full_name="Olly Other", authenticator=True
    )
    page = sign_in(other).get(url).content.decode()
    assert "1 engagement you do not have access to" in page
    assert "Bugs Bunny 0" not in page


def test_an_adult_cannot_be_added_to_a_programme_and_is_told_why(sign_in, key_person, dsl, seeded):
    from haven.people import services as people_services

    adult = people_services.person_create(
        actor=dsl,
        data={"kind": "adult", "first_name": "Lola", "last_name": "Bunny"},
        address={"address_line_1": "1 Warren Lane"},
        duplicate_reason="test data",
    )
    response = sign_in(key_person).get(reverse("programmes:engagement_new", args=[adult.pk]))
    assert response.status_code == 400
    assert "Programme engagements are for children" in response.content.decode()


def test_opening_an_engagement_from_the_form(child, st_francis, sign_in, key_person, option):
    bugs = child()
    response = sign_in(key_person).post(
        reverse("programmes:engagement_new", args=[bugs.pk]),
        {
            "programme": st_francis.pk,
            "referral_date": f"{TODAY:%d/%m/%Y}",
            "referred_by": option("referral_source", "Health visitor").pk,
            "presenting_issues": [option("presenting_issue").pk],
            "key_person": key_person.pk,
        },
    )
    assert response.status_code == 302
    engagement = bugs.engagements.get()
    assert engagement.referred_by.label == "Health visitor"
    page = sign_in(key_person).get(reverse("programmes:engagement", args=[engagement.pk]))
    issue, evidence = option("presenting_issue"), option("evidence_seen")
    body = page.content.decode()
    assert f"<dd>{issue.label}</dd>" in body
    assert "<dt>Evidence seen</dt><dd>None recorded</dd>" in body
    services.engagement_update(
        engagement=engagement, actor=key_person, data={"evidence_seen": [evidence]}
    )
    page = sign_in(key_person).get(reverse("programmes:engagement", args=[engagement.pk]))
    assert f"<dt>Evidence seen</dt><dd>{evidence.label}</dd>" in page.content.decode()


def test_a_delivery_before_the_referral_is_refused_with_a_message_and_nothing_stored(
    child, engage, service, sign_in, key_person
):
    engagement = engage(child(), referral=TODAY - datetime.timedelta(days=3))
    response = sign_in(key_person).post(
        reverse("programmes:delivery_new", args=[engagement.pk]),
        {
            "service": service("Nursery").pk,
            "delivered_on": f"{TODAY - datetime.timedelta(days=10):%d/%m/%Y}",
            "attendance": "present",
        },
    )
    assert response.status_code == 400
    assert "before the engagement began" in response.content.decode()
    assert not ServiceDelivery.objects.for_org(engagement.organisation).exists()


def _deliveries(engagement, service, actor, n):
    rows = [
        DeliveryRow(
            engagement=engagement,
            service=service,
            delivered_on=engagement.referral_date + datetime.timedelta(days=i % 300),
        )
        for i in range(n)
    ]
    services.deliveries_record_bulk(actor=actor, rows=rows, token=f"load-{engagement.pk}-{n}")


def test_the_engagement_page_costs_the_same_queries_for_5_or_500_deliveries(
    child,
    engage,
    service,
    sign_in,
    key_person,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    small = engage(child(), referral=TODAY - datetime.timedelta(days=320))
    large = engage(child("Fred", "Flagg"), referral=TODAY - datetime.timedelta(days=320))
    # Bulk entry refuses the same session twice; different days keep every row distinct.
    _deliveries(small, service("Nursery"), key_person, 5)
    for start in range(0, 500, 250):
        rows = [
            DeliveryRow(
                engagement=large,
                service=service(name),
                delivered_on=large.referral_date + datetime.timedelta(days=i),
            )
            for name in ("Nursery", "Trip")
            for i in range(start // 2, start // 2 + 125)
        ]
        services.deliveries_record_bulk(actor=key_person, rows=rows, token=f"big-{start}")
    assert (
        ServiceDelivery.objects.for_org(large.organisation).filter(engagement=large).count() == 500
    )
    client = sign_in(key_person)
    client.get(reverse("programmes:engagement", args=[small.pk]))  # warm the session
    counts = {}
    for engagement in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("programmes:engagement", args=[engagement.pk]))
        assert response.status_code == 200
        counts[engagement.pk] = len(queries)
    assert counts[small.pk] == counts[large.pk]
    with django_assert_max_num_queries(counts[large.pk]):
        response = client.get(reverse("programmes:engagement", args=[large.pk]))
    assert "Older sessions" in response.content.decode()
    # The exact count, so that any new query on this page is a decision, not an accident.
    with django_assert_num_queries(counts[large.pk]):
        client.get(reverse("programmes:engagement", args=[large.pk]))


def test_the_register_saves_everyone_once_even_when_sent_twice(
    child, engage, service, sign_in, key_person, st_francis, option
):
    one, two = engage(child()), engage(child("Fred", "Flagg"))
    client = sign_in(key_person)
    url = reverse("programmes:register", args=[st_francis.pk])
    page = client.get(url, {"service": service("Nursery").pk, "delivered_on": f"{TODAY:%d/%m/%Y}"})
    assert "Fred Flagg" in page.content.decode()
    data = {
        "service": service("Nursery").pk,
        "delivered_on": f"{TODAY:%d/%m/%Y}",
        "token": "register-token",
        f"mark-{one.pk}": "present",
        f"mark-{two.pk}": "absent_authorised",
        f"reason-{two.pk}": option("absence_reason", "Illness").pk,
    }
    first = client.post(url, data, follow=True)
    assert "2 service deliveries stored." in first.content.decode()
    second = client.post(url, data, follow=True)
    assert "nothing new was stored" in second.content.decode()
    assert ServiceDelivery.objects.for_org(one.organisation).count() == 2
    absent = ServiceDelivery.objects.for_org(one.organisation).get(engagement=two)
    assert absent.absence_reason.label == "Illness"


def test_bulk_entry_marks_the_wrong_row_and_stores_nothing(
    child, engage, service, sign_in, key_person
):
    one = engage(child())
    response = sign_in(key_person).post(
        reverse("programmes:bulk"),
        {
            "token": "grid-token",
            "rows": "2",
            "row-0-child": one.child_id,
            "row-0-service": service("Trip").pk,
            "row-0-delivered_on": f"{TODAY:%d/%m/%Y}",
            "row-0-summary": "Trip to the farm",
            "row-1-child": one.child_id,
            "row-1-delivered_on": "not a date",
            "row-1-summary": "Trip to the farm",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing has been saved" in body and "Choose the service." in body
    assert not ServiceDelivery.objects.for_org(one.organisation).exists()


def test_reports_count_children_aggregate_in_sql_and_neutralise_csv_formulas(
    child, engage, service, sign_in, dsl, key_person, st_francis, option
):
    from haven.programmes import reports

    bugs = engage(child("=cmd", "Bunny"))
    fred = engage(child("Fred", "Flagg"))
    absent = option("absence_reason", "Illness")
    rows = [
        DeliveryRow(
            engagement=bugs,
            service=service("Nursery"),
            delivered_on=TODAY - datetime.timedelta(days=d),
            attendance="absent_unauthorised",
            absence_reason=absent,
        )
        for d in (1, 2, 3)
    ] + [
        DeliveryRow(
            engagement=fred,
            service=service("Nursery"),
            delivered_on=TODAY - datetime.timedelta(days=1),
        )
    ]
    services.deliveries_record_bulk(actor=key_person, rows=rows, token="report")
    services.engagement_close(
        engagement=fred,
        actor=key_person,
        closed_on=TODAY,
        reason=option("engagement_closure_reason"),
    )
    start, end = TODAY - datetime.timedelta(days=90), TODAY
    children = dict(reports.children_engaged(dsl, st_francis, start, end).rows)
    assert children["Using the service in the period"] == 2
    assert children["Closed in the period"] == 1
    assert children["In progress today"] == 1
    runs = reports.consecutive_absences(dsl, st_francis, start, end).rows
    assert runs == [("=cmd Bunny", 3)]
    csv_text = reports.to_csv(reports.consecutive_absences(dsl, st_francis, start, end))
    assert "'=cmd Bunny" in csv_text
    response = sign_in(dsl).get(
        reverse("programmes:report_csv", args=[st_francis.pk]), {"report": "attendance_child"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "'=cmd Bunny,3,0,3,0%" in response.content.decode()
