"""Reads for the administration pages, always within the administrator's organisation."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from haven.access import rules
from haven.accounts.models import Invitation, Team, User, UserRole
from haven.core import clock


def staff_visible_to(actor, *, show: str = "active"):
    users = User.objects.for_org(actor.organisation).select_related("line_manager")
    users = users.prefetch_related(
        Prefetch("role_grants", queryset=UserRole.unscoped.only("user_id", "role"))
    )
    return users.filter(is_active=(show != "inactive")).order_by("full_name", "pk")


def open_invitations(actor):
    return (
        Invitation.objects.for_org(actor.organisation)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("created_by")
        .order_by("-created_at")
    )


def invitation_is_expired(invitation) -> bool:
    return invitation.expires_at <= clock.now()


def teams_visible_to(actor):
    return (
        Team.objects.for_org(actor.organisation)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def get_user_for_admin(actor, pk: int) -> User:
    """A member of staff an administrator may manage; 404 for anyone else's."""
    user = User.objects.for_org(actor.organisation).filter(pk=pk).first()
    if user is None or not rules.can_manage_user(actor, user):
        raise Http404
    return user


def get_team_for_admin(actor, pk: int) -> Team:
    team = Team.objects.for_org(actor.organisation).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def get_invitation_for_admin(actor, pk: int) -> Invitation:
    invitation = Invitation.objects.for_org(actor.organisation).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation
