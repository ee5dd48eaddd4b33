"""Administration pages: staff, invitations, teams and organisation settings.

Administrators manage accounts and configuration; nothing here shows case content.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.accounts import queries, services, two_factor
from haven.accounts.forms import InviteForm, OrganisationForm, StaffForm, TeamForm
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.drafts.services import draft_discard, draft_offer

administer = requires(rules.can_administer)
GUIDANCE_DRAFT = "organisation-settings"


@administer
@require_safe
def staff_list(request):
    show = "inactive" if request.GET.get("show") == "inactive" else "active"
    page = Paginator(queries.staff_visible_to(request.user, show=show), 50).get_page(
        request.GET.get("page")
    )
    invitations = list(queries.open_invitations(request.user)[:100])
    for invitation in invitations:
        invitation.expired = queries.invitation_is_expired(invitation)
    return render(
        request,
        "accounts/admin/staff_list.html",
        {"page": page, "show": show, "invitations": invitations},
    )


@administer
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                role_codes=data["role_codes"],
                teams=data["teams"],
                line_manager=data["line_manager"],
                request=request,
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                f"Invitation sent to {data['email']}. The link works for 72 hours.",
            )
            return redirect("administration:staff")
    return render(request, "accounts/admin/invite.html", {"form": form}, status=form_status(form))


@administer
@require_POST
def invitation_resend(request, pk: int):
    invitation = queries.get_invitation_for_admin(request.user, pk)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"A new invitation link was sent to {invitation.email}.")
    return redirect("administration:staff")


@administer
@require_POST
def invitation_revoke(request, pk: int):
    invitation = queries.get_invitation_for_admin(request.user, pk)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("administration:staff")


@administer
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    person = queries.get_user_for_admin(request.user, pk)
    initial = {
        "full_name": person.full_name,
        "job_title": person.job_title,
        "role_codes": sorted(person.role_codes),
        "teams": list(person.teams.all()),
        "line_manager": person.line_manager,
    }
    form = StaffForm(
        request.POST or None,
        initial=initial,
        organisation=request.user.organisation,
        exclude_user=person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                user=person, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{person.full_name}'s details were saved.")
            return redirect("administration:staff")
    return render(
        request,
        "accounts/admin/staff_edit.html",
        {
            "person": person,
            "form": form,
            "has_authenticator": two_factor.has_authenticator(person),
            "can_deactivate": rules.can_deactivate_user(request.user, person),
        },
        status=form_status(form),
    )


def _account_action(request, pk: int, action, done: str):
    person = queries.get_user_for_admin(request.user, pk)
    try:
        action(user=person, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, done.format(name=person.full_name))
    return redirect("administration:staff_edit", pk=person.pk)


@administer
@require_POST
def staff_deactivate(request, pk: int):
    return _account_action(
        request,
        pk,
        services.user_deactivate,
        "{name} can no longer sign in, and every session they had open has ended.",
    )


@administer
@require_POST
def staff_reactivate(request, pk: int):
    return _account_action(request, pk, services.user_reactivate, "{name} can sign in again.")


@administer
@require_POST
def staff_reset_second_factor(request, pk: int):
    return _account_action(
        request,
        pk,
        services.user_reset_second_factor,
        "{name}'s two-factor authentication was reset. They will set it up at their next sign-in.",
    )


@administer
@require_safe
def team_list(request):
    return render(
        request, "accounts/admin/team_list.html", {"teams": queries.teams_visible_to(request.user)}
    )


@administer
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int | None = None):
    team = queries.get_team_for_admin(request.user, pk) if pk else None
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "description": team.description,
            "members": list(team.members.all()),
            "year_groups": team.year_groups,
            "class_groups": ", ".join(team.class_groups),
        }
    form = TeamForm(request.POST or None, initial=initial, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_save(
                actor=request.user,
                organisation=request.user.organisation,
                team=team,
                **form.cleaned_data,
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"The team “{team.name}” was saved.")
            return redirect("administration:teams")
    return render(
        request,
        "accounts/admin/team_edit.html",
        {"form": form, "team": team},
        status=form_status(form),
    )


@administer
@require_http_methods(["GET", "POST"])
def organisation_settings(request):
    organisation = request.user.organisation
    offer = draft_offer(request, GUIDANCE_DRAFT)
    # The form works on its own copy so the service sees what changed.
    form = OrganisationForm(
        request.POST or None,
        instance=type(organisation).objects.get(pk=organisation.pk),
        initial=offer.initial(),
    )
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.fields if f != "name"}
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, request=request, **changes
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            draft_discard(author=request.user, form_key=GUIDANCE_DRAFT)
            messages.success(request, "Organisation settings saved.")
            return redirect("administration:organisation")
    return render(
        request,
        "accounts/admin/organisation.html",
        {"form": form, "offer": offer},
        status=form_status(form),
    )
