from datetime import timedelta

import pytest

from haven.core import clock
from haven.drafts.models import Draft
from haven.drafts.services import draft_for, draft_save, drafts_purge_expired

pytestmark = pytest.mark.django_db


def _autosave(client, **fields):
    data = {
        "_draft_key": "organisation-settings",
        "_draft_label": "Organisation settings",
        "_draft_url": "/administration/organisation/",
        **fields,
    }
    return client.post("/drafts/save/", data)


def test_what_was_typed_is_kept_on_the_server_and_offered_back(admin, sign_in):
    client = sign_in(admin)
    assert _autosave(client, safeguarding_guidance="Ring Dana on 0123").status_code == 200
    page = client.get("/administration/organisation/")
    assert "You have unsaved changes" in page.content.decode()
    restored = client.get("/administration/organisation/?restore=1").content.decode()
    assert "Ring Dana on 0123" in restored
    home = client.get("/").content.decode()
    assert "Unfinished forms" in home and "/administration/organisation/?restore=1" in home


def test_a_draft_is_deleted_when_the_form_is_submitted(admin, sign_in):
    client = sign_in(admin)
    _autosave(client, safeguarding_guidance="half written")
    client.post(
        "/administration/organisation/",
        {
            "two_factor_policy": "roles",
            "idle_timeout_minutes": "30",
            "safeguarding_guidance": "finished",
        },
    )
    assert not Draft.objects.for_org(admin.organisation).exists()


def test_passwords_and_tokens_are_never_kept_in_a_draft(admin, sign_in):
    client = sign_in(admin)
    _autosave(client, password="hunter2 hunter2", token="abc", note="kept")
    draft = Draft.objects.for_org(admin.organisation).get()
    assert draft.data == {"note": "kept"}


def test_a_draft_is_only_ever_offered_to_its_author(admin, org, sign_in):
    from haven.core.testing.factories import UserFactory

    other_admin = UserFactory(organisation=org, roles=["administrator"], authenticator=True)
    _autosave(sign_in(admin), safeguarding_guidance="mine")
    page = sign_in(other_admin).get("/administration/organisation/?restore=1").content.decode()
    assert "mine" not in page
    assert draft_for(author=other_admin, form_key="organisation-settings") is None


def test_drafts_older_than_seven_days_are_not_offered_and_are_purged(staff_member):
    draft = draft_save(author=staff_member, form_key="k", label="l", url="/", data={"a": "b"})
    Draft.unscoped.filter(pk=draft.pk).update(modified_at=clock.now() - timedelta(days=8))
    assert draft_for(author=staff_member, form_key="k") is None
    assert drafts_purge_expired() == 1


def test_an_oversized_draft_is_refused_with_a_reason(staff_member, sign_in):
    response = _autosave(sign_in(staff_member), text="x" * 250_000)
    assert response.status_code == 413
    assert "too large" in response.json()["error"]


def test_a_draft_must_name_its_form(staff_member, sign_in):
    response = sign_in(staff_member).post("/drafts/save/", {"text": "x"})
    assert response.status_code == 400


def test_a_draft_cannot_point_at_another_site(staff_member, sign_in):
    _autosave(sign_in(staff_member), _draft_url="https://evil.example/")
    assert Draft.objects.for_org(staff_member.organisation).get().url == "/"


def test_a_half_written_child_record_is_offered_back_and_restored(dsl, sign_in):
    client = sign_in(dsl)
    client.post(
        "/drafts/save/",
        {
            "_draft_key": "person-new-child-own",
            "_draft_label": "New child record",
            "_draft_url": "/people/new/?kind=child",
            "first_name": "Bugs",
            "medical_details": "Asthma",
            "address-postcode": "RV1 2AB",
        },
    )
    offered = client.get("/people/new/?kind=child").content.decode()
    assert "You have unsaved changes" in offered and "Asthma" not in offered
    restored = client.get("/people/new/?kind=child&restore=1").content.decode()
    assert "Asthma" in restored and 'value="Bugs"' in restored and 'value="RV1 2AB"' in restored
    home = client.get("/").content.decode()
    assert "/people/new/?kind=child&amp;restore=1" in home
