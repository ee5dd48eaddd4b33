import pytest
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services
from haven.accounts.models import Organisation, Team, User
from haven.audit.models import Action, AuditEvent
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import TeamFactory, UserFactory
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _update(actor, user, **changes):
    fields = {
        "full_name": user.full_name,
        "job_title": user.job_title,
        "role_codes": sorted(user.role_codes),
        "teams": list(user.teams.all()),
        "line_manager": user.line_manager,
    }
    fields.update(changes)
    return services.user_update(user=user, actor=actor, **fields)


def test_an_administrator_changes_roles_and_the_person_is_told(admin, staff_member):
    _update(admin, staff_member, role_codes=["staff", "deputy_dsl"])
    staff_member = User.unscoped.get(pk=staff_member.pk)
    assert staff_member.role_codes == {"staff", "deputy_dsl"}
    assert (
        Notification.objects.for_org(admin.organisation)
        .filter(recipient=staff_member, kind="roles_changed")
        .exists()
    )
    event = AuditEvent.objects.get(action=Action.USER_UPDATED)
    assert event.detail["roles_added"] == ["deputy_dsl"]


def test_an_administrator_cannot_remove_their_own_administrator_role(admin):
    with pytest.raises(DomainError, match="your own administrator role"):
        _update(admin, admin, role_codes=["staff"])
    assert User.unscoped.get(pk=admin.pk).role_codes == {"administrator"}


def test_unknown_roles_and_no_roles_are_refused(admin, staff_member):
    with pytest.raises(DomainError, match="Unknown role"):
        _update(admin, staff_member, role_codes=["emperor"])
    with pytest.raises(DomainError, match="at least one role"):
        _update(admin, staff_member, role_codes=[])


def test_line_management_cannot_loop(admin, manager, key_person):
    # key_person is managed by manager; manager cannot then be managed by key_person.
    with pytest.raises(DomainError, match="own line manager"):
        _update(admin, manager, line_manager=key_person)


def test_a_line_manager_from_another_organisation_is_refused(admin, staff_member, stranger):
    with pytest.raises(NotAllowed):
        _update(admin, staff_member, line_manager=stranger)


def test_deactivating_someone_ends_every_session_at_once(admin, staff_member, sign_in):
    first, second = sign_in(staff_member), sign_in(staff_member)
    from haven.accounts.models import SignedInSession

    for client in (first, second):
        SignedInSession.objects.create(
            organisation=staff_member.organisation,
            user=staff_member,
            session_key=client.session.session_key,
        )
    services.user_deactivate(user=staff_member, actor=admin)
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302
    assert not Session.objects.filter(
        session_key__in=[first.session.session_key, second.session.session_key]
    ).exists()
    event = AuditEvent.objects.get(action=Action.USER_DEACTIVATED)
    assert event.detail == {"sessions_ended": 2}


def test_nobody_can_deactivate_themselves(admin):
    with pytest.raises(NotAllowed):
        services.user_deactivate(user=admin, actor=admin)


def test_a_reactivated_account_can_sign_in_again(admin, staff_member, client):
    services.user_deactivate(user=staff_member, actor=admin)
    services.user_reactivate(user=staff_member, actor=admin)
    response = client.post(
        "/sign-in/", {"email": staff_member.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302


def test_resetting_a_second_factor_removes_it_and_asks_for_set_up(admin, dsl, sign_in):
    services.user_reset_second_factor(user=dsl, actor=admin)
    assert not TOTPDevice.objects.filter(user=dsl).exists()
    client = sign_in(dsl, elevated=False)
    assert client.get("/")["Location"] == "/account/two-factor/"


def test_a_team_name_must_be_unique_in_the_organisation(admin, other_org):
    services.team_save(actor=admin, organisation=admin.organisation, name="Year 4")
    with pytest.raises(DomainError, match="already a team"):
        services.team_save(actor=admin, organisation=admin.organisation, name="Year 4")
    TeamFactory(organisation=other_org, name="Year 4")  # fine elsewhere


def test_a_team_cannot_include_another_organisations_staff(admin, stranger):
    with pytest.raises(NotAllowed):
        services.team_save(
            actor=admin, organisation=admin.organisation, name="Mixed", members=[stranger]
        )
    assert not Team.objects.for_org(admin.organisation).filter(name="Mixed").exists()


def test_new_team_members_are_told_in_haven(admin, staff_member):
    services.team_save(
        actor=admin, organisation=admin.organisation, name="Year 5", members=[staff_member]
    )
    note = Notification.objects.for_org(admin.organisation).get(recipient=staff_member)
    assert "Year 5" in note.title and not note.email_wanted


def test_organisation_settings_are_validated_and_audited(admin, sign_in):
    client = sign_in(admin)
    response = client.post(
        "/administration/organisation/",
        {
            "two_factor_policy": "roles",
            "idle_timeout_minutes": "2",
            "safeguarding_guidance": "Tell Dana.",
        },
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 5" in response.content.decode()
    org = Organisation.objects.get(pk=admin.organisation.pk)
    assert org.idle_timeout_minutes == 30 and org.safeguarding_guidance == ""
    response = client.post(
        "/administration/organisation/",
        {
            "two_factor_policy": "everyone",
            "idle_timeout_minutes": "15",
            "always_alert_dsl_team": "on",
            "safeguarding_guidance": "Tell Dana.",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.two_factor_policy, org.idle_timeout_minutes) == ("everyone", 15)
    event = AuditEvent.objects.get(action=Action.ORGANISATION_UPDATED)
    assert "idle_timeout_minutes" in event.detail["changed"]


def test_the_safeguarding_team_must_be_one_of_our_own_teams(admin, other_org):
    theirs = TeamFactory(organisation=other_org)
    with pytest.raises(NotAllowed):
        services.organisation_update(organisation=admin.organisation, actor=admin, dsl_team=theirs)


def test_the_staff_list_runs_a_fixed_number_of_queries(
    admin, sign_in, django_assert_max_num_queries
):
    client = sign_in(admin)
    for _ in range(3):
        UserFactory(organisation=admin.organisation, roles=["staff", "practitioner"])
    with django_assert_max_num_queries(14) as few:
        client.get("/administration/staff/")
    for _ in range(20):
        UserFactory(organisation=admin.organisation, roles=["staff"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/administration/staff/").status_code == 200


def test_an_administrator_edits_staff_through_the_page(admin, staff_member, sign_in):
    client = sign_in(admin)
    page = client.get(f"/administration/staff/{staff_member.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/administration/staff/{staff_member.pk}/",
        {"full_name": "Sol Renamed", "job_title": "TA", "role_codes": ["staff", "practitioner"]},
    )
    assert response.status_code == 302
    assert User.unscoped.get(pk=staff_member.pk).full_name == "Sol Renamed"
