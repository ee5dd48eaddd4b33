"""The vault's pages: the Documents tab, upload, download, entered in error."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.configuration.models import Option
from haven.core.testing import audit_append_queries
from haven.documents import services
from haven.documents.demo import tiny_pdf, tiny_png
from haven.documents.models import Document
from haven.documents.queries import PAGE_SIZE
from haven.documents.tests.conftest import upload

pytestmark = pytest.mark.django_db


def tab(person) -> str:
    return reverse("people:detail", args=[person.pk]) + "?tab=documents"


def kind(org, label="Photo") -> Option:
    return Option.objects.for_org(org).get(list_key="document_kind", label=label)


def store(actor, person, title="Photo of the fence", **kwargs):
    return services.document_store(
        actor=actor,
        person=person,
        upload=upload(tiny_png(), "fence.png"),
        kind="Photo",
        title=title,
        **kwargs,
    )


def files_on_disk() -> list[Path]:
    return [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# --- Upload ------------------------------------------------------------------------------


def test_a_practitioner_uploads_a_letter_and_sees_it_in_the_list(key_person, child, sign_in):
    client = sign_in(key_person)
    response = client.post(
        reverse("documents:upload", args=[child.pk]),
        {
            "file": SimpleUploadedFile("letter.pdf", tiny_pdf("Dear parent"), "application/pdf"),
            "kind": kind(child.organisation, "Letter").pk,
            "title": "Letter to Mum about attendance",
            "description": "Sent home in the book bag.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == tab(child)
    page = client.get(tab(child)).content.decode()
    assert "Letter to Mum about attendance" in page
    assert "Sent home in the book bag." in page
    assert "letter.pdf" in page


def test_an_upload_of_a_web_page_is_refused_with_a_message_and_nothing_is_kept(
    key_person, child, sign_in
):
    response = sign_in(key_person).post(
        reverse("documents:upload", args=[child.pk]),
        {
            "file": SimpleUploadedFile("photo.jpg", b"<html><script>x</script>", "image/jpeg"),
            "kind": kind(child.organisation).pk,
            "title": "Keep my words",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a type of file Haven keeps" in page
    assert 'value="Keep my words"' in page  # what was typed is not lost
    assert not Document.objects.for_org(child.organisation).exists()
    assert files_on_disk() == []


def test_a_file_over_25_mb_is_refused_with_a_clear_message_and_nothing_kept(
    key_person, child, sign_in
):
    too_big = b"%PDF-1.4\n" + b"0" * services.MAX_BYTES
    response = sign_in(key_person).post(
        reverse("documents:upload", args=[child.pk]),
        {
            "file": SimpleUploadedFile("scan.pdf", too_big, "application/pdf"),
            "kind": kind(child.organisation, "Scanned note").pk,
        },
    )
    assert response.status_code == 400
    assert "is larger than 25 MB. Nothing was saved" in response.content.decode()
    assert not Document.objects.for_org(child.organisation).exists()
    assert files_on_disk() == []


def test_an_upload_without_a_file_asks_for_one(key_person, child, sign_in):
    response = sign_in(key_person).post(
        reverse("documents:upload", args=[child.pk]), {"kind": kind(child.organisation).pk}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_member_of_staff_cannot_open_the_upload_page(staff_member, child, sign_in):
    response = sign_in(staff_member).get(reverse("documents:upload", args=[child.pk]))
    assert response.status_code == 403


# --- Download ----------------------------------------------------------------------------


def test_a_download_is_an_attachment_never_cached_never_sniffed(dsl, key_person, child, sign_in):
    document = services.document_store(
        actor=dsl,
        person=child,
        upload=upload(tiny_png(), 'Poppy "arm"\r\n<b>.jpg'),
        kind="Photo",
    )
    response = sign_in(key_person).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_png()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="Poppy _arm____b.png"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_every_download_is_audited_against_the_child(dsl, key_person, child, sign_in):
    document = store(dsl, child)
    client = sign_in(key_person)
    for _ in range(2):
        b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    events = AuditEvent.objects.filter(
        object_type="documents.document", object_id=str(document.pk), action="view"
    )
    assert events.count() == 2
    assert {e.actor_id for e in events} == {key_person.pk}
    assert {e.person_id for e in events} == {child.pk}


def test_another_organisations_document_is_not_found_and_not_audited(stranger, child, dsl, sign_in):
    document = store(dsl, child)
    response = sign_in(stranger).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="documents.document", action="view").exists()


def test_an_unknown_document_is_not_found(dsl, sign_in):
    assert sign_in(dsl).get(reverse("documents:download", args=[987654])).status_code == 404


def test_a_governor_may_not_download(leader, dsl, child, sign_in):
    document = store(dsl, child)
    assert sign_in(leader).get(reverse("documents:download", args=[document.pk])).status_code == 403


def test_a_teacher_limited_to_their_groups_cannot_reach_another_classs_documents(
    org, staff_member, dsl, child
):
    from django.http import Http404

    from haven.documents import queries

    org.limit_staff_to_team_groups = True
    org.save()
    document = store(dsl, child)
    staff_member.organisation.refresh_from_db()
    with pytest.raises(Http404):
        queries.get_document_for_user(staff_member, document.pk)
    assert not queries.documents_visible_to(staff_member, child).exists()


def test_a_missing_file_is_not_found_rather_than_an_error(dsl, child, sign_in):
    document = store(dsl, child)
    (path,) = files_on_disk()
    path.unlink()
    assert sign_in(dsl).get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_a_scoped_attachment_is_hidden_from_those_outside_the_scope(
    dsl, key_person, child, sign_in
):
    document = store(dsl, child, title="Attachment to a restricted concern", scope="concern:1")
    client = sign_in(key_person)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert "Attachment to a restricted concern" not in client.get(tab(child)).content.decode()


# --- The list ----------------------------------------------------------------------------


def test_the_list_is_newest_first_and_paged_by_keyset(dsl, child, sign_in):
    for number in range(PAGE_SIZE + 2):
        store(dsl, child, title=f"Document number {number:02d}")
    client = sign_in(dsl)
    first = client.get(tab(child)).content.decode()
    assert first.index("Document number 26") < first.index("Document number 25")
    assert "Document number 01" not in first
    newest_on_second = Document.objects.for_org(child.organisation).order_by("id")[1]
    second = client.get(f"{tab(child)}&before={newest_on_second.pk + 1}").content.decode()
    assert "Document number 01" in second and "Document number 00" in second
    assert "Document number 02" not in second


def test_the_list_costs_the_same_number_of_queries_for_three_documents_or_thirty(
    dsl, child, sign_in
):
    client = sign_in(dsl)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(tab(child)).status_code == 200
        return len(queries)

    for number in range(3):
        store(dsl, child, title=f"Early {number}")
    few = count()
    for number in range(27):
        store(dsl, child, title=f"Later {number}")
    assert count() == few


def test_the_list_runs_a_fixed_number_of_queries(dsl, child, sign_in, django_assert_num_queries):
    for number in range(5):
        store(dsl, child, title=f"Photo {number}")
    client = sign_in(dsl)
    client.get(tab(child))  # warm the session and the organisation's caches
    with django_assert_num_queries(QUERIES_FOR_THE_TAB):
        client.get(tab(child))


# The person page's own (session, user, device, roles, the person, their statuses, the other
# tabs' counts, the transfer banner), the audit append for viewing the record, and one query
# for the documents with their kind and uploader joined, however many there are.
QUERIES_FOR_THE_TAB = 9 + audit_append_queries()


def test_a_document_entered_in_error_leaves_the_list_but_is_listed_under_its_own_link(
    dsl, child, sign_in
):
    document = store(dsl, child, title="Letter for another child")
    client = sign_in(dsl)
    response = client.post(
        reverse("documents:entered_in_error", args=[document.pk]),
        {"reason": "It belongs to another child"},
        follow=True,
    )
    assert response.redirect_chain == [(tab(child), 302)]
    assert "Letter for another child" not in client.get(tab(child)).content.decode()
    errors = client.get(f"{tab(child)}&errors=1").content.decode()
    assert "Letter for another child" in errors
    assert "It belongs to another child" in errors
    assert Document.objects.for_org(child.organisation).filter(pk=document.pk).exists()
    # Still downloadable by those who may read the record: it is kept, not hidden away.
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_entered_in_error_without_a_reason_changes_nothing(dsl, child, sign_in):
    document = store(dsl, child)
    response = sign_in(dsl).post(
        reverse("documents:entered_in_error", args=[document.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    document.refresh_from_db()
    assert not document.entered_in_error


def test_a_practitioner_who_did_not_upload_it_may_not_mark_it(dsl, key_person, child, sign_in):
    document = store(dsl, child)
    client = sign_in(key_person)
    response = client.post(
        reverse("documents:entered_in_error", args=[document.pk]), {"reason": "Not mine"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert not document.entered_in_error
    assert "Entered in error<span" not in client.get(tab(child)).content.decode()


def test_the_uploader_may_mark_their_own_document(key_person, child, sign_in):
    document = store(key_person, child)
    response = sign_in(key_person).post(
        reverse("documents:entered_in_error", args=[document.pk]), {"reason": "Duplicate"}
    )
    assert response.status_code == 302


def test_the_documents_tab_is_on_an_adults_record_too(dsl, child, sign_in):
    page = sign_in(dsl).get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "?tab=documents" in page


def test_an_attachment_scoped_to_an_engagement_is_seen_by_those_on_it_only(
    admin, dsl, key_person, org, child, sign_in
):
    from haven.core.testing.factories import UserFactory
    from haven.programmes.tests.records import programme_records

    engagement = programme_records(admin, dsl, key_person, child).engagement
    document = store(dsl, child, title="Engagement plan", scope=engagement.scope)
    outsider = UserFactory(organisation=org, roles=["practitioner"], authenticator=True)
    url = reverse("documents:download", args=[document.pk])
    assert sign_in(key_person).get(url).status_code == 200
    assert sign_in(outsider).get(url).status_code == 404
    assert "Engagement plan" in sign_in(key_person).get(tab(child)).content.decode()
    assert "Engagement plan" not in sign_in(outsider).get(tab(child)).content.decode()
