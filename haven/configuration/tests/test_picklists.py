import pytest

from haven.configuration.models import Option
from haven.configuration.queries import options
from haven.core.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_new_organisation_starts_with_the_default_lists(db):
    from haven.accounts.services import organisation_create

    org = organisation_create(name="Fresh School", kind="school")
    labels = set(options(org, "gender").values_list("label", flat=True))
    assert {"Female", "Male", "Not known"} <= labels
    assert options(org, "first_language").filter(label="Polish").exists()


def test_an_administrator_adds_renames_and_retires_options(admin, sign_in):
    from haven.configuration.services import seed_organisation

    seed_organisation(admin.organisation)
    client = sign_in(admin)
    assert client.get("/administration/lists/").status_code == 200
    client.post("/administration/lists/first_language/", {"label": "Tigrinya"})
    option = Option.objects.for_org(admin.organisation).get(label="Tigrinya")
    duplicate = client.post("/administration/lists/first_language/", {"label": "Tigrinya"})
    assert duplicate.status_code == 400 and "already in this list" in duplicate.content.decode()
    client.post(f"/administration/options/{option.pk}/", {"label": "Tigrinya (Eritrea)"})
    option.refresh_from_db()
    assert option.label == "Tigrinya (Eritrea)" and not option.is_active
    assert not options(admin.organisation, "first_language").filter(pk=option.pk).exists()
    assert (
        options(admin.organisation, "first_language", include=[option.pk])
        .filter(pk=option.pk)
        .exists()
    )


def test_picklists_are_for_administrators_of_their_own_organisation(dsl, admin, sign_in):
    other = OrganisationFactory()
    theirs = Option.objects.create(organisation=other, list_key="gender", label="X")
    assert sign_in(dsl).get("/administration/lists/").status_code == 403
    assert (
        sign_in(admin).post(f"/administration/options/{theirs.pk}/", {"label": "Y"}).status_code
        == 404
    )
    assert sign_in(admin).get("/administration/lists/no-such-list/").status_code == 404
