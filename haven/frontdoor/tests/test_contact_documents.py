"""Documents attached to a contact already logged: the police report that follows a telephone
call, a referral form. Kept in a named person's vault with the contact's scope, shown on the
contact, for front-door staff who log contacts only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from haven.access import rules
from haven.audit.models import Action, AuditEvent
from haven.core.errors import DomainError, NotAllowed
from haven.documents.models import Document
from haven.frontdoor.models import Source
from haven.frontdoor.services.intake import contact_document_add
from haven.frontdoor.testing import make_contact, make_person

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _url(contact):
    return reverse("frontdoor:contact_document_new", args=[contact.pk])


def test_a_document_is_kept_in_the_chosen_persons_vault_with_the_contacts_scope(
    front_door, contact, fd_child, screening_officer, social_worker, dsl
):
    document = contact_document_add(
        actor=screening_officer,
        contact=contact,
        person=fd_child,
        upload=_pdf(),
        kind="Report",
        title="Police report received by email",
    )
    assert document.person == fd_child and document.scope == f"contact:{contact.pk}"
    assert document.title == "Police report received by email"
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(document.pk), person_id=fd_child.pk
    ).exists()
    # Front-door staff see it; a school's safeguarding lead never does.
    assert rules.can_view_document(social_worker, document)
    assert not rules.can_view_document(dsl, document)


def test_only_the_people_on_the_contact_keep_its_documents(front_door, contact, screening_officer):
    stranger = make_person(screening_officer, first="Other", last="Child")
    with pytest.raises(DomainError, match="this contact is about"):
        contact_document_add(
            actor=screening_officer, contact=contact, person=stranger, upload=_pdf(), kind="Report"
        )
    assert not Document.objects.for_org(front_door).exists()


@pytest.mark.parametrize("who", ["early_help_manager", "police_member", "social_worker"])
def test_only_staff_who_log_contacts_attach_documents(request, front_door, contact, fd_child, who):
    with pytest.raises(NotAllowed):
        contact_document_add(
            actor=request.getfixturevalue(who),
            contact=contact,
            person=fd_child,
            upload=_pdf(),
            kind="Report",
        )
    assert not Document.objects.for_org(front_door).exists()


def test_the_page_attaches_a_police_report_and_the_contact_shows_it(
    sign_in, front_door, screening_officer, fd_child
):
    contact = make_contact(
        front_door, children=[fd_child], actor=screening_officer, source=Source.POLICE
    )
    client = sign_in(screening_officer)
    page = client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode()
    assert "No report is attached." in page and _url(contact) in page
    form = client.get(_url(contact))
    assert form.status_code == 200
    assert f'value="Police report for contact {contact.reference}"' in form.content.decode()
    response = client.post(
        _url(contact),
        {
            "person": str(fd_child.pk),
            "file": _pdf(),
            "kind": form.context["form"].fields["kind"].queryset.get(label="Report").pk,
            "title": f"Police report for contact {contact.reference}",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Police report for contact {contact.reference}" in page
    assert "No report is attached." not in page
    document = Document.objects.for_org(front_door).get()
    assert reverse("documents:download", args=[document.pk]) in page


def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_kept(
    sign_in, front_door, contact, screening_officer, fd_child
):
    client = sign_in(screening_officer)
    kind = client.get(_url(contact)).context["form"].fields["kind"].queryset.first()
    response = client.post(
        _url(contact),
        {
            "person": str(fd_child.pk),
            "file": SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"),
            "kind": kind.pk,
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    # A person not on the contact cannot be chosen at all.
    response = client.post(_url(contact), {"person": "999999", "file": _pdf(), "kind": kind.pk})
    assert response.status_code == 400
    assert not Document.objects.for_org(front_door).exists()


def test_the_page_is_for_staff_who_log_contacts(
    sign_in, contact, early_help_manager, dsl, screening_officer
):
    assert sign_in(early_help_manager).get(_url(contact)).status_code == 403
    assert sign_in(dsl).get(_url(contact)).status_code == 403
    page = sign_in(early_help_manager).get(reverse("frontdoor:contact", args=[contact.pk]))
    assert _url(contact) not in page.content.decode()
    # Another front door's contact is not found.
    assert (
        sign_in(screening_officer)
        .get(reverse("frontdoor:contact_document_new", args=[contact.pk + 1000]))
        .status_code
        == 404
    )
