"""The case pages: who gets in, what a bad form changes (nothing), and what pages cost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases import services
from haven.cases.models import MonitoringAction, SafeguardingCase, Status
from haven.core import clock
from haven.core.testing.factories import UserFactory
from haven.people import services as people_services
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def _form(option, threshold, owner, **changes):
    now = timezone.localtime(clock.now())
    yesterday = clock.today() - timedelta(days=1)
    return {
        "case_type": option("case_type", "Safeguarding").pk,
        "category": option("case_category", "Neglect").pk,
        "incident_date": f"{yesterday:%d/%m/%Y}",
        "incident_time": f"{now:%H:%M}",
        "threshold": threshold.pk,
        "description": "Arrived hungry three days running.",
        "raised_with_name": "Dana Lead",
        "raised_with_job_title": "Head of centre",
        "actions_agreed": "Breakfast club; DSL to ring dad.",
        "owner": owner.pk,
        **changes,
    }


def test_the_case_pages_need_signing_in(client, open_case):
    case = open_case()
    for url in (reverse("cases:case", args=[case.pk]), reverse("cases:mine")):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_key_person_opens_a_case_from_the_childs_record(sign_in, key_person, child, option, low):
    client = sign_in(key_person)
    url = f"{reverse('cases:new')}?child={child.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, _form(option, low, key_person))
    case = SafeguardingCase.objects.for_org(child.organisation).get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert Task.objects.for_org(child.organisation).filter(assignee=key_person).count() == 1


def test_a_future_incident_is_refused_and_nothing_is_saved(sign_in, key_person, child, option, low):
    client = sign_in(key_person)
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post(
        f"{reverse('cases:new')}?child={child.pk}",
        _form(option, low, key_person, incident_date=f"{tomorrow:%d/%m/%Y}"),
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert "Arrived hungry three days running." in response.content.decode()
    assert not SafeguardingCase.unscoped.exists()


def test_the_form_shows_why_the_threshold_is_high(sign_in, key_person, child, dsl, high):
    people_services.flag_start(person=child, actor=dsl, flag="cin_plan", start_date=clock.today())
    response = sign_in(key_person).get(f"{reverse('cases:new')}?child={child.pk}")
    assert "active child in need plan" in response.content.decode()
    assert response.context["form"].initial["threshold"] == high


def test_triage_opens_a_case_with_the_concern_linked(sign_in, dsl, child, option, low):
    from haven.cases.tests.test_case_open import _concern

    concern = _concern(dsl, child)
    url = f"{reverse('cases:new')}?child={child.pk}&concern={concern.pk}"
    client = sign_in(dsl)
    assert f"Concern {concern.number}" in client.get(url).content.decode()
    client.post(url, _form(option, low, dsl))
    case = SafeguardingCase.objects.for_org(child.organisation).get()
    assert list(case.concerns.all()) == [concern]


def test_a_case_opened_from_triage_can_be_placed_in_the_childs_open_engagement(
    sign_in, dsl, admin, key_person, child, option, low
):
    from haven.cases.tests.test_case_open import _concern
    from haven.programmes import services as programme_services

    centre = programme_services.programme_save(
        actor=admin, data={"name": "St Francis", "code": "SF", "status": "active"}
    )
    engagement = programme_services.engagement_create(
        actor=key_person,
        child=child,
        programme=centre,
        data={"referral_date": clock.today(), "key_person": key_person},
    )
    concern = _concern(dsl, child)
    url = f"{reverse('cases:new')}?child={child.pk}&concern={concern.pk}"
    client = sign_in(dsl)
    page = client.get(url).content.decode()
    assert "Directly on the child" in page and f"Within the engagement {engagement.name}" in page
    client.post(url, _form(option, low, key_person, within=str(engagement.pk)))
    case = SafeguardingCase.objects.for_org(child.organisation).get()
    assert case.engagement == engagement and list(case.concerns.all()) == [concern]
    # The case page names the child, the engagement (by its child and programme) and the
    # staff, each read by key rather than joined.
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert child.full_name in page and engagement.name in page
    assert key_person.full_name in page and dsl.full_name in page


def test_an_engagement_the_reader_cannot_see_is_not_offered(sign_in, dsl, key_person, child):
    colleague = UserFactory(organisation=child.organisation, roles=["practitioner"])
    response = sign_in(colleague).get(f"{reverse('cases:new')}?child={child.pk}")
    assert "Where the case sits" not in response.content.decode()


def test_another_key_persons_case_is_not_found(sign_in, open_case, org):
    case = open_case()
    colleague = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    client = sign_in(colleague)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:monitoring_new", args=[case.pk])).status_code == 404


def test_someone_who_may_read_a_case_may_not_write_to_it(
    sign_in, open_case, admin, dsl, org, child
):
    from haven.programmes import services as programme_services

    reader = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    programme = programme_services.programme_save(
        actor=admin, data={"name": "St Francis", "code": "SF", "status": "active"}
    )
    engagement = programme_services.engagement_create(
        actor=reader,
        child=child,
        programme=programme,
        data={"referral_date": clock.today(), "key_person": reader},
    )
    case = open_case(actor=dsl, engagement=engagement)
    client = sign_in(reader)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("cases:monitoring_new", args=[case.pk]),
        {"given_by_name": "R", "given_by_role": "R", "actions_taken": "x", "rationale": "y"},
    )
    assert response.status_code == 403
    assert not MonitoringAction.unscoped.exists()


def test_every_view_of_a_case_is_audited(sign_in, open_case, dsl):
    case = open_case()
    sign_in(dsl).get(reverse("cases:case", args=[case.pk]))
    event = AuditEvent.objects.filter(action="view", person_id=case.child_id).last()
    assert event.detail["what"] == "safeguarding case"


def test_a_bad_monitoring_action_keeps_the_text_and_changes_nothing(sign_in, open_case, key_person):
    case = open_case()
    response = sign_in(key_person).post(
        reverse("cases:monitoring_new", args=[case.pk]),
        {"given_by_name": "Kim", "given_by_role": "Key person", "actions_taken": "Rang dad."},
    )
    assert response.status_code == 400
    assert "Rang dad." in response.content.decode()
    assert not MonitoringAction.unscoped.exists()


def test_the_owner_requests_closure_from_their_line_manager_by_default(
    sign_in, open_case, key_person, manager
):
    case = open_case()
    client = sign_in(key_person)
    url = reverse("cases:closure_request", args=[case.pk])
    assert client.get(url).context["form"].initial["approver"] == manager
    client.post(url, {"comments": "Agreed actions done.", "approver": manager.pk})
    case.refresh_from_db()
    assert case.status == Status.CLOSURE_REQUESTED


def test_an_illegal_move_is_a_message_not_an_error(sign_in, open_case, key_person, manager):
    case = open_case()
    services.case_request_closure(case=case, actor=key_person, approver=manager, comments="x")
    response = sign_in(key_person).post(
        reverse("cases:closure_request", args=[case.pk]),
        {"comments": "Again", "approver": manager.pk},
    )
    assert response.status_code == 400
    assert "cannot be put forward" in response.content.decode()


def test_the_case_page_costs_the_same_however_much_has_happened(
    sign_in, open_case, key_person, manager, django_assert_num_queries
):
    case = open_case()
    client = sign_in(key_person)
    url = reverse("cases:case", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(_count(client, url)) as before:
        client.get(url)
    for _ in range(3):
        services.case_add_monitoring(
            case=case,
            actor=key_person,
            data={
                "given_by_name": "K",
                "given_by_role": "K",
                "actions_taken": "Done",
                "by_parents": True,
                "rationale": "Why",
            },
        )
    closure = services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="x"
    )
    services.case_decide_closure(closure=closure, actor=manager, approve=False, comment="No")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _many_cases(dsl, owners, child, case_data, count):
    for index in range(count):
        case = services.case_open(
            actor=dsl, child=child, data=case_data(owner=owners[index % len(owners)])
        )
        if index % 2:
            SafeguardingCase.unscoped.filter(pk=case.pk).update(
                next_update_due=clock.today() - timedelta(days=3)
            )


def test_the_dsl_home_page_costs_the_same_at_any_number_of_open_cases(
    sign_in, dsl, key_person, manager, child, case_data, django_assert_num_queries
):
    owners = [key_person, manager, dsl]
    _many_cases(dsl, owners, child, case_data, 3)
    client = sign_in(dsl)
    home = reverse("core:home")
    client.get(home)
    queries_at_three = _count(client, home)
    _many_cases(dsl, owners, child, case_data, 30)
    with django_assert_num_queries(queries_at_three):
        response = client.get(home)
    summary = response.context["summary"]
    assert summary["total"] == 33 and summary["overdue"] == 16


def test_the_lists_cost_the_same_at_any_number_of_cases(
    sign_in, dsl, key_person, manager, child, case_data, django_assert_num_queries
):
    owners = [key_person, manager]
    _many_cases(dsl, owners, child, case_data, 2)
    client = sign_in(dsl)
    pages = [reverse("cases:all_open"), reverse("cases:mine"), f"/people/{child.pk}/?tab=cases"]
    counts = {url: _count(client, url) for url in pages}
    _many_cases(dsl, owners, child, case_data, 12)
    for url in pages:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_overdue_cases_come_first_on_my_cases(sign_in, key_person, manager, child, case_data, dsl):
    first = services.case_open(actor=dsl, child=child, data=case_data(owner=key_person))
    late = services.case_open(actor=dsl, child=child, data=case_data(owner=key_person))
    SafeguardingCase.unscoped.filter(pk=late.pk).update(
        next_update_due=clock.today() - timedelta(days=1)
    )
    response = sign_in(key_person).get(reverse("cases:mine"))
    assert [c.pk for c in response.context["cases"]] == [late.pk, first.pk]
    assert "Overdue" in response.content.decode()


def test_an_administrator_edits_thresholds_and_bad_input_changes_nothing(sign_in, admin, high):
    client = sign_in(admin)
    url = reverse("cases:threshold", args=[high.pk])
    response = client.post(url, {"name": "High", "review_days": 0, "position": 0})
    assert response.status_code == 400
    high.refresh_from_db()
    assert high.review_days == 7
    client.post(url, {"name": "High", "review_days": 5, "position": 0, "is_active": "on"})
    high.refresh_from_db()
    assert high.review_days == 5


def test_a_linked_concern_shows_its_category_only_to_those_who_may_see_it(
    sign_in, open_case, dsl, key_person, child
):
    from haven.cases.tests.test_case_open import _concern

    case = open_case()
    concern = _concern(dsl, child)
    services.case_link_concern(case=case, concern=concern, actor=dsl)
    lead_page = sign_in(dsl).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Concern 1</a>" in lead_page and concern.category.name in lead_page
    owner_page = sign_in(key_person).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Concern 1 <span" in owner_page and "you do not have access" in owner_page
