"""Every write to organisations, teams, staff, invitations and sign-in state.

Each function checks permission, runs in one transaction, and writes its audit event (and
any notification) in that same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from haven.access import roles, rules
from haven.accounts.models import (
    Invitation,
    Organisation,
    SignedInSession,
    Team,
    User,
    UserRole,
)
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed, require
from haven.core.http import client_ip, user_agent
from haven.notifications.models import Kind
from haven.notifications.services import notify

SIGNED_IN_AT = "haven_signed_in_at"
LAST_SEEN = "haven_last_seen"


# --- Organisations and teams ------------------------------------------------------------


def organisation_create(*, name: str, kind: str, actor=None, **settings_fields) -> Organisation:
    """Create a tenant with its safeguarding team. Used by operators and the demo loader."""
    with transaction.atomic():
        org = Organisation.objects.create(name=name, kind=kind, **settings_fields)
        team = Team.objects.create(
            organisation=org,
            name="Safeguarding team",
            description="Designated safeguarding leads and deputies.",
        )
        org.dsl_team = team
        org.save(update_fields=["dsl_team"])
        seed_organisation(org)
        _seed_safeguarding(org)
        _seed_case_thresholds(org)
        _seed_threshold_frameworks(org)
        if kind == Organisation.Kind.FRONT_DOOR:
            from haven.frontdoor.services.setup import seed_front_door

            seed_front_door(org)
        record_event(action=Action.ORGANISATION_CREATED, organisation=org, obj=org, actor=actor)
    return org


def _mirror_safeguarding_settings(organisation, changes) -> None:
    # The safeguarding settings decide who is alerted about every concern; the organisation
    # page edits the same two choices, so both stay in step.
    from haven.safeguarding.models import SafeguardingSettings

    mirrored = {k: changes[k] for k in ("dsl_team", "always_alert_dsl_team") if k in changes}
    if mirrored:
        SafeguardingSettings.objects.for_org(organisation).update(**mirrored)


def _seed_safeguarding(org) -> None:
    # The default concern taxonomy and the safeguarding settings (alerting this new team).
    from haven.safeguarding.taxonomy import seed_safeguarding

    seed_safeguarding(org)


def _seed_case_thresholds(org) -> None:
    # The High and Low safeguarding-case thresholds every organisation starts with.
    from haven.cases.services import thresholds_seed

    thresholds_seed(org)


def _seed_threshold_frameworks(org) -> None:
    # The example threshold frameworks (continua of need), one of them chosen.
    from haven.thresholds.services import seed_frameworks

    seed_frameworks(org)


ORGANISATION_SETTINGS = (
    "name",
    "two_factor_policy",
    "idle_timeout_minutes",
    "always_alert_dsl_team",
    "dsl_team",
    "safeguarding_guidance",
    "limit_staff_to_team_groups",
    "front_door",
)


def organisation_update(*, organisation: Organisation, actor, request=None, **changes):
    require(rules.can_administer(actor) and actor.organisation_id == organisation.pk)
    unknown = set(changes) - set(ORGANISATION_SETTINGS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    team = changes.get("dsl_team")
    if team is not None and team.organisation_id != organisation.pk:
        raise NotAllowed("That team belongs to another organisation.")
    front_door = changes.get("front_door")
    if front_door is not None and (
        front_door.kind != Organisation.Kind.FRONT_DOOR
        or not front_door.is_active
        or front_door.pk == organisation.pk
    ):
        raise DomainError("Choose a local authority front door that is working in Haven.")
    with transaction.atomic():
        changed = [f for f, v in changes.items() if getattr(organisation, f) != v]
        for field, value in changes.items():
            setattr(organisation, field, value)
        organisation.full_clean()
        organisation.save()
        _mirror_safeguarding_settings(organisation, changes)
        record_event(
            action=Action.ORGANISATION_UPDATED,
            actor=actor,
            request=request,
            obj=organisation,
            detail={"changed": sorted(changed)},
        )
    return organisation


def team_save(
    *,
    actor,
    organisation,
    name: str,
    description: str = "",
    members=(),
    team=None,
    year_groups=(),
    class_groups=(),
):
    """Create a team, or update one, including its members and the groups it covers."""
    require(rules.can_administer(actor) and actor.organisation_id == organisation.pk)
    members = list(members)
    if any(m.organisation_id != organisation.pk for m in members):
        raise NotAllowed("Teams can only include your own organisation's staff.")
    creating = team is None
    with transaction.atomic():
        if creating:
            team = Team(organisation=organisation, created_by=actor)
        before = set() if creating else set(team.members.values_list("pk", flat=True))
        team.name, team.description = name.strip(), description.strip()
        team.year_groups, team.class_groups = list(year_groups), list(class_groups)
        try:
            with transaction.atomic():
                team.save()
        except IntegrityError:
            raise DomainError(f"There is already a team called “{team.name}”.") from None
        team.members.set(members)
        after = {m.pk for m in members}
        record_event(
            action=Action.TEAM_CREATED if creating else Action.TEAM_UPDATED,
            actor=actor,
            obj=team,
            detail={"added": sorted(after - before), "removed": sorted(before - after)},
        )
        joined = [m for m in members if m.pk not in before]
        notify(
            recipients=joined,
            kind=Kind.TEAM_CHANGED,
            title=f"You were added to the team “{team.name}”",
            url=reverse("accounts:my_account"),
            email=False,
        )
    return team


# --- Staff ------------------------------------------------------------------------------


def _validate_roles(codes: Iterable[str]) -> list[str]:
    codes = sorted(set(codes))
    unknown = [c for c in codes if c not in roles.ROLES]
    if unknown:
        raise DomainError(f"Unknown role: {', '.join(unknown)}.")
    if not codes:
        raise DomainError("Choose at least one role.")
    return codes


def _check_line_manager(user_or_org, line_manager, user=None) -> None:
    if line_manager is None:
        return
    organisation_id = getattr(user_or_org, "organisation_id", getattr(user_or_org, "pk", None))
    if line_manager.organisation_id != organisation_id:
        raise NotAllowed("A line manager must be in the same organisation.")
    if user is not None:
        # Walk up the chain: a person cannot end up managing themselves, however indirectly.
        seen, current = set(), line_manager
        while current is not None and current.pk not in seen:
            if current.pk == user.pk:
                raise DomainError("That would make someone their own line manager.")
            seen.add(current.pk)
            current = current.line_manager


def user_create(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    role_codes: Iterable[str],
    password: str | None,
    job_title: str = "",
    teams: Iterable[Team] = (),
    line_manager: User | None = None,
    actor=None,
) -> User:
    """Create a member of staff. Reached through an accepted invitation or the demo loader."""
    codes = _validate_roles(role_codes)
    _check_line_manager(organisation, line_manager)
    email = email.strip().lower()
    with transaction.atomic():
        if User.unscoped.filter(email__iexact=email).exists():
            raise DomainError("There is already an account with that email address.")
        user = User(
            organisation=organisation,
            email=email,
            full_name=full_name.strip(),
            job_title=job_title.strip(),
            line_manager=line_manager,
        )
        if password is not None:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        UserRole.unscoped.bulk_create(
            UserRole(organisation=organisation, user=user, role=code, created_by=actor)
            for code in codes
        )
        user.teams.set([t for t in teams if t.organisation_id == organisation.pk])
        record_event(
            action=Action.CREATE,
            actor=actor,
            organisation=organisation,
            obj=user,
            detail={"roles": codes},
        )
    return user


def user_update(
    *,
    user: User,
    actor,
    full_name: str,
    job_title: str,
    role_codes: Iterable[str],
    teams: Iterable[Team],
    line_manager: User | None,
    request=None,
) -> User:
    require(rules.can_manage_user(actor, user))
    codes = _validate_roles(role_codes)
    if user.pk == actor.pk and roles.ADMINISTRATOR not in codes:
        raise DomainError("You cannot remove your own administrator role.")
    _check_line_manager(user, line_manager, user=user)
    teams = list(teams)
    if any(t.organisation_id != user.organisation_id for t in teams):
        raise NotAllowed("Teams must be in the same organisation.")
    with transaction.atomic():
        old_codes = set(user.role_grants.values_list("role", flat=True))
        user.full_name, user.job_title = full_name.strip(), job_title.strip()
        user.line_manager = line_manager
        user.save(update_fields=["full_name", "job_title", "line_manager"])
        UserRole.unscoped.filter(user=user).exclude(role__in=codes).delete()
        UserRole.unscoped.bulk_create(
            [
                UserRole(organisation=user.organisation, user=user, role=c, created_by=actor)
                for c in codes
                if c not in old_codes
            ]
        )
        user.teams.set(teams)
        user.__dict__.pop("role_codes", None)
        record_event(
            action=Action.USER_UPDATED,
            actor=actor,
            request=request,
            obj=user,
            detail={
                "roles_added": sorted(set(codes) - old_codes),
                "roles_removed": sorted(old_codes - set(codes)),
            },
        )
        if set(codes) != old_codes:
            notify(
                recipients=[user],
                kind=Kind.ROLES_CHANGED,
                title=f"{actor.full_name} changed your roles",
                url=reverse("accounts:my_account"),
            )
    return user


def _end_sessions(user: User) -> int:
    keys = list(user.signed_in_sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    user.signed_in_sessions.all().delete()
    return len(keys)


def user_deactivate(*, user: User, actor, request=None) -> User:
    """Switch an account off and end every one of its sessions at once."""
    require(rules.can_deactivate_user(actor, user), "You cannot deactivate this account.")
    with transaction.atomic():
        user.is_active = False
        user.deactivated_at = clock.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        ended = _end_sessions(user)
        record_event(
            action=Action.USER_DEACTIVATED,
            actor=actor,
            request=request,
            obj=user,
            detail={"sessions_ended": ended},
        )
    return user


def user_reactivate(*, user: User, actor, request=None) -> User:
    require(rules.can_manage_user(actor, user))
    with transaction.atomic():
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
        record_event(action=Action.USER_REACTIVATED, actor=actor, request=request, obj=user)
    return user


def user_reset_second_factor(*, user: User, actor, request=None) -> None:
    """Remove someone's authenticator and recovery codes (a lost phone). Ends their sessions."""
    from haven.accounts import two_factor

    require(rules.can_manage_user(actor, user))
    with transaction.atomic():
        two_factor.remove_devices(user)
        _end_sessions(user)
        record_event(action=Action.SECOND_FACTOR_RESET, actor=actor, request=request, obj=user)
        notify(
            recipients=[user],
            kind=Kind.SECURITY,
            title=f"{actor.full_name} reset your two-factor authentication",
            url=reverse("accounts:two_factor_setup"),
        )


def password_change(*, user: User, new_password: str, request) -> None:
    from django.contrib.auth import update_session_auth_hash

    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        # Other sessions are signed out by the new password hash; keep this one.
        update_session_auth_hash(request, user)
        SignedInSession.unscoped.filter(user=user).exclude(
            session_key=request.session.session_key
        ).delete()
        record_event(action=Action.PASSWORD_CHANGED, actor=user, request=request, obj=user)
        notify(
            recipients=[user],
            kind=Kind.SECURITY,
            title="Your password was changed",
            url=reverse("accounts:my_account"),
        )


# --- Invitations ------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    link = settings.BASE_URL + reverse("accounts:accept_invitation", args=[token])
    body = render_to_string(
        "accounts/invitation_email.txt",
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "link": link,
            "expires_at": invitation.expires_at,
        },
    )
    send_mail(
        subject=f"You have been invited to Haven by {invitation.organisation.name}",
        message=body,
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_create(
    *,
    actor,
    email: str,
    full_name: str,
    role_codes: Iterable[str],
    job_title: str = "",
    teams: Iterable[Team] = (),
    line_manager: User | None = None,
    request=None,
) -> Invitation:
    require(rules.can_administer(actor))
    organisation = actor.organisation
    codes = _validate_roles(role_codes)
    _check_line_manager(organisation, line_manager)
    email = email.strip().lower()
    if User.unscoped.filter(email__iexact=email).exists():
        raise DomainError("There is already an account with that email address.")
    teams = [t for t in teams if t.organisation_id == organisation.pk]
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any still-open one for the same address.
        Invitation.objects.for_org(organisation).filter(
            email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=clock.now())
        invitation = Invitation.objects.create(
            organisation=organisation,
            created_by=actor,
            email=email,
            full_name=full_name.strip(),
            job_title=job_title.strip(),
            roles=codes,
            line_manager=line_manager,
            token_hash=_token_hash(token),
            expires_at=clock.now() + settings.INVITATION_LIFETIME,
        )
        invitation.teams.set(teams)
        record_event(
            action=Action.INVITATION_SENT,
            actor=actor,
            request=request,
            obj=invitation,
            detail={"email": email, "roles": codes},
        )
        transaction.on_commit(lambda: _send_invitation_email(invitation, token))
    return invitation


def invitation_resend(*, invitation: Invitation, actor, request=None) -> Invitation:
    require(rules.can_administer(actor) and actor.organisation_id == invitation.organisation_id)
    if invitation.accepted_at:
        raise DomainError("That invitation has already been accepted.")
    return invitation_create(
        actor=actor,
        email=invitation.email,
        full_name=invitation.full_name,
        job_title=invitation.job_title,
        role_codes=invitation.roles,
        teams=invitation.teams.all(),
        line_manager=invitation.line_manager,
        request=request,
    )


def invitation_revoke(*, invitation: Invitation, actor, request=None) -> None:
    require(rules.can_administer(actor) and actor.organisation_id == invitation.organisation_id)
    if invitation.accepted_at:
        raise DomainError("That invitation has already been accepted.")
    with transaction.atomic():
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        record_event(action=Action.INVITATION_REVOKED, actor=actor, request=request, obj=invitation)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link points at, or a DomainError saying in words why it is no good."""
    invitation = (
        Invitation.unscoped.select_related("organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(
            "This invitation link is not valid. It may have been replaced by a newer one — "
            "check your email, or ask your administrator to invite you again."
        )
    if invitation.accepted_at is not None:
        raise DomainError("This invitation has already been used. Sign in with your password.")
    if invitation.expires_at <= clock.now():
        raise DomainError(
            "This invitation has expired (links last 72 hours). "
            "Ask your administrator to send a new one."
        )
    return invitation


def invitation_accept(*, token: str, password: str, request=None) -> User:
    with transaction.atomic():
        invitation = invitation_for_token(token)
        # Lock the row so a double submit cannot create two accounts.
        invitation = Invitation.unscoped.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError("This invitation has already been used.")
        user = user_create(
            organisation=invitation.organisation,
            email=invitation.email,
            full_name=invitation.full_name,
            job_title=invitation.job_title,
            role_codes=invitation.roles,
            password=password,
            teams=invitation.teams.all(),
            line_manager=invitation.line_manager,
            actor=invitation.created_by,
        )
        invitation.accepted_at = clock.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
        record_event(action=Action.INVITATION_ACCEPTED, actor=user, request=request, obj=invitation)
    return user


# --- Signing in and out -----------------------------------------------------------------


def session_start(*, request, user: User, device=None) -> None:
    """Sign a user in (password checked; second factor too if ``device`` is given)."""
    from django_otp import login as otp_login

    from haven.access.decorators import VERIFIED_AT

    with transaction.atomic():
        login(request, user, backend="haven.accounts.backends.StaffBackend")
        now = clock.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        if device is not None:
            otp_login(request, device)
            request.session[VERIFIED_AT] = now
        request.session.save()
        SignedInSession.objects.create(
            organisation=user.organisation,
            user=user,
            session_key=request.session.session_key,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        record_event(
            action=Action.SIGN_IN,
            actor=user,
            request=request,
            detail={"second_factor": device is not None},
        )


def session_end(*, request, reason: str = Action.SIGN_OUT) -> None:
    user = request.user
    if user.is_authenticated:
        with transaction.atomic():
            SignedInSession.unscoped.filter(session_key=request.session.session_key).delete()
            record_event(action=reason, actor=user, request=request)
    logout(request)


def sign_in_failed(*, request, email: str, locked_out: bool) -> None:
    """Audit a refused sign-in against the account's organisation when it exists."""
    user = User.unscoped.filter(email__iexact=email.strip()).select_related("organisation").first()
    record_event(
        action=Action.LOCKED_OUT if locked_out else Action.SIGN_IN_FAILED,
        organisation=user.organisation if user else None,
        actor=user,
        actor_label=email.strip()[:254],
        request=request,
    )


def elevate(*, request, device) -> None:
    """Record a passed second-factor check on an existing session."""
    from django_otp import login as otp_login

    from haven.access.decorators import VERIFIED_AT

    otp_login(request, device)
    request.session[VERIFIED_AT] = clock.now().timestamp()
    from haven.accounts import two_factor

    method = "recovery code" if two_factor.is_recovery_device(device) else "authenticator"
    record_event(
        action=Action.ELEVATED, actor=request.user, request=request, detail={"method": method}
    )
