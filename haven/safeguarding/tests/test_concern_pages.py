from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.core import clock
from haven.safeguarding import services
from haven.safeguarding.models import Concern, ConcernVersion
from haven.safeguarding.tests.records import category, concern_records

pytestmark = pytest.mark.django_db


def form_data(child, org, **extra) -> dict:
    when = timezone.localtime(clock.now() - timedelta(hours=2))
    return {
        "child": child.pk,
        "category": category(org).pk,
        "occurred_date": when.strftime("%d/%m/%Y"),
        "occurred_time": when.strftime("%H:%M"),
        "location": "Playground",
        "account": "Wilma said her arm hurt and showed me a bruise.",
        "status": "open",
        **extra,
    }


def test_recording_needs_a_sign_in(client):
    response = client.get(reverse("safeguarding:concern_new"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_member_of_staff_without_a_second_factor_records_a_concern(
    staff_member, dsl, child, other_children, sign_in
):
    client = sign_in(staff_member, elevated=False)
    page = client.get(reverse("safeguarding:concern_new"))
    assert page.status_code == 200
    assert b"Record a concern" in page.content
    data = form_data(
        child, child.organisation, linked_children=[other_children[0].pk], alert_people=[dsl.pk]
    )
    response = client.post(reverse("safeguarding:concern_new"), data)
    concern = Concern.objects.for_org(child.organisation).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:concern", args=[concern.pk])
    assert concern.created_by == staff_member
    assert concern.children.count() == 2
    assert concern.alerts.get().recipient == dsl
    shown = client.get(response["Location"])
    assert shown.status_code == 200 and b"showed me a bruise" in shown.content


def test_the_form_keeps_everything_typed_when_something_is_missing(staff_member, child, sign_in):
    client = sign_in(staff_member, elevated=False)
    data = form_data(child, child.organisation, account="")
    data["others_present"] = "Mr Jones, the lunchtime supervisor"
    response = client.post(reverse("safeguarding:concern_new"), data)
    assert response.status_code == 400
    assert b"Mr Jones, the lunchtime supervisor" in response.content
    assert not Concern.objects.for_org(child.organisation).exists()


def test_a_time_in_the_future_is_refused_with_a_message(staff_member, child, sign_in):
    client = sign_in(staff_member, elevated=False)
    later = timezone.localtime(clock.now() + timedelta(hours=2))
    data = form_data(
        child,
        child.organisation,
        occurred_date=later.strftime("%d/%m/%Y"),
        occurred_time=later.strftime("%H:%M"),
    )
    response = client.post(reverse("safeguarding:concern_new"), data)
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content


def test_finding_a_child_shows_only_name_birth_date_and_year_and_is_audited(
    staff_member, child, sign_in
):
    client = sign_in(staff_member, elevated=False)
    response = client.get(reverse("safeguarding:find_children"), {"child_q": "Wilma"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Wilma Waters" in text and "14/03/2017" in text
    assert "Waters Road" not in text  # no address for someone who only records
    assert AuditEvent.objects.filter(actor=staff_member, action="search").exists()


def test_the_finder_works_without_javascript(staff_member, child, sign_in):
    client = sign_in(staff_member, elevated=False)
    response = client.post(
        reverse("safeguarding:concern_new"),
        {"child_q": "Wilma", "find_child": "1", "account": "Kept while finding"},
    )
    assert response.status_code == 200
    assert b"Wilma Waters" in response.content and b"Kept while finding" in response.content
    assert not Concern.objects.for_org(child.organisation).exists()


def test_someone_neither_recording_nor_alerted_is_told_the_concern_does_not_exist(
    staff_member, key_person, child, sign_in
):
    concern = concern_records(staff_member, child).concern
    response = sign_in(key_person).get(reverse("safeguarding:concern", args=[concern.pk]))
    assert response.status_code == 404


def test_someone_alerted_may_read_but_not_edit(staff_member, key_person, child, sign_in):
    concern = concern_records(staff_member, child, alert_people=[key_person]).concern
    client = sign_in(key_person)
    assert client.get(reverse("safeguarding:concern", args=[concern.pk])).status_code == 200
    assert client.get(reverse("safeguarding:concern_edit", args=[concern.pk])).status_code == 403


def test_reading_a_concern_is_audited(staff_member, dsl, child, sign_in):
    concern = concern_records(staff_member, child).concern
    sign_in(dsl).get(reverse("safeguarding:concern", args=[concern.pk]))
    assert AuditEvent.objects.filter(
        actor=dsl, action="view", object_type="safeguarding.concern", person_id=child.pk
    ).exists()


def test_an_edit_is_a_new_version_and_the_history_shows_both(staff_member, child, sign_in):
    concern = concern_records(staff_member, child).concern
    client = sign_in(staff_member, elevated=False)
    data = form_data(child, child.organisation, account="Corrected account of the bruise.")
    data["reason"] = "I wrote the wrong arm."
    response = client.post(reverse("safeguarding:concern_edit", args=[concern.pk]), data)
    assert response.status_code == 302
    assert ConcernVersion.objects.for_org(child.organisation).filter(concern=concern).count() == 2
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Version 2" in page and "Version 1" in page and "I wrote the wrong arm." in page
    from haven.chronology.models import Entry

    entry = Entry.objects.for_org(child.organisation).get(source_id=concern.pk, child=child)
    assert "(edited" in entry.summary


def test_a_dsl_marks_a_concern_entered_in_error_and_it_leaves_the_lists(
    staff_member, dsl, child, sign_in
):
    concern = concern_records(staff_member, child).concern
    staff = sign_in(staff_member, elevated=False)
    url = reverse("safeguarding:concern_error", args=[concern.pk])
    assert staff.post(url, {"reason": "Wrong child"}).status_code == 403
    response = sign_in(dsl).post(url, {"reason": "Recorded about the wrong child"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.entered_in_error and concern.error_by == dsl
    tab = sign_in(dsl).get(reverse("people:detail", args=[child.pk]), {"tab": "concerns"})
    assert f"Concern {concern.number}" not in tab.content.decode()
    # Still there to read, saying so.
    page = sign_in(dsl).get(reverse("safeguarding:concern", args=[concern.pk]))
    assert b"Entered in error" in page.content


def test_the_childs_concerns_tab_costs_the_same_however_many_concerns(
    staff_member, dsl, child, sign_in, django_assert_max_num_queries
):
    for _ in range(3):
        concern_records(staff_member, child)
    client = sign_in(dsl)
    url = reverse("people:detail", args=[child.pk])
    client.get(url, {"tab": "concerns"})
    with django_assert_max_num_queries(40) as few:
        client.get(url, {"tab": "concerns"})
    for _ in range(5):
        concern_records(staff_member, child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"tab": "concerns"})
    assert response.content.decode().count("Concern ") >= 8


def test_my_concerns_lists_what_i_recorded(staff_member, dsl, child, sign_in):
    mine = concern_records(staff_member, child).concern
    concern_records(dsl, child)
    page = sign_in(staff_member, elevated=False).get(reverse("safeguarding:mine"))
    assert page.status_code == 200
    assert [c.pk for c in page.context["concerns"]] == [mine.pk]


def test_the_chronology_shows_a_concern_only_to_those_who_may_see_it(
    staff_member, dsl, key_person, child, sign_in
):
    concern = concern_records(staff_member, child).concern
    url = reverse("people:detail", args=[child.pk])
    lead = sign_in(dsl).get(url, {"tab": "chronology"}).content.decode()
    other = sign_in(key_person).get(url, {"tab": "chronology"}).content.decode()
    assert f"Concern {concern.number}:" in lead
    assert f"Concern {concern.number}:" not in other


def test_a_mistaken_edit_reason_is_required(staff_member, child):
    concern = concern_records(staff_member, child).concern
    from haven.core.errors import DomainError
    from haven.safeguarding.tests.records import concern_data

    with pytest.raises(DomainError, match="why"):
        services.concern_edit(
            actor=staff_member,
            concern=concern,
            data=concern_data(child, category_obj=concern.category),
            reason="  ",
        )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_attachments_are_kept_with_the_concern_or_nothing_is_saved(staff_member, child, sign_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.configuration.services import seed_organisation
    from haven.documents.models import Document

    seed_organisation(child.organisation)
    client = sign_in(staff_member, elevated=False)
    bad = SimpleUploadedFile("notes.exe", b"MZ\x90\x00not really a document", "image/png")
    good = SimpleUploadedFile("arm.png", PNG, "image/png")
    data = form_data(child, child.organisation, attachments=[good, bad])
    response = client.post(reverse("safeguarding:concern_new"), data)
    assert response.status_code == 400
    assert not Concern.objects.for_org(child.organisation).exists()
    assert not Document.objects.for_org(child.organisation).exists()

    good = SimpleUploadedFile("arm.png", PNG, "image/png")
    response = client.post(
        reverse("safeguarding:concern_new"),
        form_data(child, child.organisation, attachments=[good]),
    )
    concern = Concern.objects.for_org(child.organisation).get()
    (document,) = concern.documents.all()
    assert document.person == child and document.scope == f"concern:{concern.pk}"
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert reverse("documents:download", args=[document.pk]) in page


def test_a_dsl_records_a_concern_in_any_category_through_the_form(dsl, child, sign_in):
    client = sign_in(dsl)
    page = client.get(reverse("safeguarding:concern_new"))
    assert b"Allegation about a member of staff" in page.content
    response = client.post(
        reverse("safeguarding:concern_new"), form_data(child, child.organisation)
    )
    assert response.status_code == 302
    assert Concern.objects.for_org(child.organisation).get().created_by == dsl


def test_record_a_concern_from_a_childs_record_starts_with_that_child(dsl, child, sign_in):
    client = sign_in(dsl)
    record = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    link = f"{reverse('safeguarding:concern_new')}?child={child.pk}"
    assert link in record
    form = client.get(link).content.decode()
    assert f'name="child" value="{child.pk}"' in form and "checked" in form


def test_a_half_written_concern_comes_back_after_a_timeout(staff_member, child, sign_in):
    from haven.drafts.services import draft_save

    draft_save(
        author=staff_member,
        form_key="concern-new",
        label="A concern you started recording",
        url=reverse("safeguarding:concern_new"),
        data={"child": str(child.pk), "account": "Half-written account of the playground"},
    )
    client = sign_in(staff_member, elevated=False)
    offered = client.get(reverse("safeguarding:concern_new")).content.decode()
    assert "Restore them" in offered
    restored = client.get(reverse("safeguarding:concern_new"), {"restore": "1"}).content.decode()
    assert "Half-written account of the playground" in restored
    assert f'name="child" value="{child.pk}"' in restored


def test_the_chronology_entry_shows_the_body_map_marks(staff_member, dsl, child, sign_in):
    marks = [{"side": "front", "x": 30, "y": 25, "kind": "bruise", "size": "3 cm", "note": ""}]
    concern = concern_records(staff_member, child, body_map=marks).concern
    page = sign_in(dsl).get(reverse("people:detail", args=[child.pk]), {"tab": "chronology"})
    text = page.content.decode()
    assert reverse("safeguarding:concern", args=[concern.pk]) in text
    assert 'class="body-map-view' in text


def test_recording_through_the_page_costs_the_same_for_one_or_five_people_alerted(
    org, dsl, child, other_children, sign_in
):
    """Each person chosen is read once with the list, not again to check, alert and email."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.core.testing.factories import UserFactory

    client = sign_in(dsl)
    staff = [UserFactory(organisation=org, roles=["staff"]) for _ in range(5)]
    counts = []
    for chosen in (staff[:1], staff):
        data = form_data(
            child,
            org,
            linked_children=[c.pk for c in other_children[:2]],
            alert_people=[u.pk for u in chosen],
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("safeguarding:concern_new"), data)
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
