import pytest
from django.core.management import call_command

from haven.accounts.models import Organisation
from haven.documents import sniffing, storage
from haven.documents.models import Document

pytestmark = pytest.mark.django_db


def test_the_demo_puts_a_photo_and_a_letter_in_a_riverside_childs_vault():
    call_command("load_demo")
    riverside = Organisation.objects.get(name="Riverside Primary School")
    documents = Document.objects.for_org(riverside).select_related("person", "kind")
    assert {(d.kind.label, d.content_type) for d in documents} == {
        ("Photo", "image/png"),
        ("Letter", "application/pdf"),
    }
    for document in documents:
        with storage.open_for_reading(document.storage_name) as handle:
            assert sniffing.sniff(handle).content_type == document.content_type
