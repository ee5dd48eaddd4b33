import pytest
from django.urls import reverse

from haven.accounts import services as account_services
from haven.core.errors import DomainError
from haven.safeguarding import services
from haven.safeguarding.models import (
    CategoryPermission,
    ConcernCategory,
    SafeguardingSettings,
)
from haven.safeguarding.taxonomy import DEFAULT_TAXONOMY, seed_safeguarding

pytestmark = pytest.mark.django_db


def test_every_new_organisation_gets_the_default_taxonomy_once():
    org = account_services.organisation_create(name="Brookside Primary", kind="school")
    tops = ConcernCategory.objects.for_org(org).filter(parent__isnull=True)
    assert tops.count() == len(DEFAULT_TAXONOMY)
    names = set(tops.values_list("name", flat=True))
    for area in (
        "Attendance",
        "Behaviour",
        "Bullying",
        "Child in need",
        "Child on child",
        "Child protection",
        "Communication with home",
        "Contact with agencies",
        "Early help",
        "Medical",
        "Online safety",
        "SEND",
        "Wellbeing",
        "Allegation about a member of staff",
    ):
        assert area in names
    settings = SafeguardingSettings.objects.for_org(org).get()
    assert settings.dsl_team_id == org.dsl_team_id and settings.always_alert_dsl_team
    # Only the safeguarding team sees allegations about staff, by default.
    (limit,) = CategoryPermission.objects.for_org(org)
    assert limit.category.name == "Allegation about a member of staff" and not limit.can_add
    assert seed_safeguarding(org) == 0
    assert tops.count() == len(DEFAULT_TAXONOMY)


def test_an_administrator_adds_renames_and_retires_categories(admin, org, sign_in):
    seed_safeguarding(org)
    client = sign_in(admin)
    wellbeing = ConcernCategory.objects.for_org(org).get(name="Wellbeing", parent=None)
    response = client.post(
        reverse("safeguarding:admin_categories"),
        {"name": "Sleep", "parent": wellbeing.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    sleep = ConcernCategory.objects.for_org(org).get(name="Sleep")
    assert sleep.parent == wellbeing
    response = client.post(
        reverse("safeguarding:admin_category", args=[sleep.pk]),
        {"name": "Sleep and tiredness", "parent": wellbeing.pk},
    )
    assert response.status_code == 302
    sleep.refresh_from_db()
    assert sleep.name == "Sleep and tiredness" and not sleep.is_active
    page = client.get(reverse("safeguarding:admin_categories"))
    assert b"Sleep and tiredness" in page.content


def test_a_duplicate_category_name_is_refused_with_a_message(admin, org):
    seed_safeguarding(org)
    with pytest.raises(DomainError, match="already a category"):
        services.category_save(actor=admin, name="Wellbeing")


def test_team_permissions_and_settings_are_saved_from_their_pages(admin, org, sign_in):
    seed_safeguarding(org)
    team = account_services.team_save(actor=admin, organisation=org, name="SENCo team")
    send = ConcernCategory.objects.for_org(org).get(name="SEND", parent=None)
    client = sign_in(admin)
    response = client.post(
        reverse("safeguarding:admin_permissions"),
        {"team": team.pk, "category": send.pk, "can_view": "on"},
    )
    assert response.status_code == 302
    permission = CategoryPermission.objects.for_org(org).get(team=team)
    assert permission.can_view and not permission.can_add
    response = client.post(
        reverse("safeguarding:admin_settings"),
        {
            "dsl_team": team.pk,
            "cumulative_concerns": 4,
            "cumulative_recorders": 2,
            "cumulative_days": 21,
        },
    )
    assert response.status_code == 302
    settings = SafeguardingSettings.objects.for_org(org).get()
    assert settings.dsl_team == team and not settings.always_alert_dsl_team
    assert settings.cumulative_days == 21
    org.refresh_from_db()
    assert org.dsl_team == team and not org.always_alert_dsl_team


def test_a_member_of_staff_cannot_change_the_taxonomy(staff_member, org):
    seed_safeguarding(org)
    from haven.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.category_save(actor=staff_member, name="Mine")


def test_the_organisation_page_and_the_safeguarding_settings_agree_on_the_team(admin, org):
    seed_safeguarding(org)
    team = account_services.team_save(actor=admin, organisation=org, name="DSL team")
    account_services.organisation_update(
        organisation=org, actor=admin, dsl_team=team, always_alert_dsl_team=False
    )
    settings = SafeguardingSettings.objects.for_org(org).get()
    assert settings.dsl_team == team and not settings.always_alert_dsl_team
