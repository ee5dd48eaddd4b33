"""Signing in and out, the second factor, invitations and the person's own account."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires, second_factor_is_fresh, signed_in
from haven.accounts import services, two_factor
from haven.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    SetupCodeForm,
    SignInForm,
)
from haven.accounts.models import Organisation, SignedInSession, User
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError

PENDING_USER = "haven_pending_user"
PENDING_AT = "haven_pending_at"
PENDING_NEXT = "haven_pending_next"
PENDING_SECONDS = 300
LOCKED_MESSAGE = (
    "Too many attempts to sign in to this account from here. Wait 30 minutes and try again, "
    "or ask your administrator for help."
)


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def sign_in_username(request, credentials=None) -> str:
    """The account name django-axes counts failures against: the email, lower-cased."""
    name = (credentials or {}).get("username") or request.POST.get("email", "")
    return name.strip().lower()


def locked_out(request, *args, **kwargs):
    """What django-axes shows once an account is locked for this address."""
    form = SignInForm(initial={"email": request.POST.get("email", "")})
    return render(
        request, "accounts/sign_in.html", {"form": form, "error": LOCKED_MESSAGE}, status=429
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = authenticate(request, username=email, password=password)
        if user is None:
            locked = bool(getattr(request, "axes_locked_out", False))
            services.sign_in_failed(request=request, email=email, locked_out=locked)
            if locked:
                return locked_out(request)
            error = "That email address and password do not match an account. Try again."
        elif two_factor.has_authenticator(user):
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = clock.now().timestamp()
            request.session[PENDING_NEXT] = _safe_next(request)
            return redirect("accounts:sign_in_verify")
        else:
            services.session_start(request=request, user=user)
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "error": error, "next": _safe_next(request, "")},
        status=400 if error else 200,
    )


def _pending_user(request) -> User | None:
    user_id, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if not user_id or clock.now().timestamp() - started > PENDING_SECONDS:
        return None
    return User.unscoped.select_related("organisation").filter(pk=user_id, is_active=True).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_verify(request):
    """The second step of signing in, for people who have an authenticator."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect("accounts:sign_in")
    optional = user.organisation.two_factor_policy != Organisation.TwoFactorPolicy.EVERYONE
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and request.POST.get("skip") and optional:
        next_url = request.session.pop(PENDING_NEXT, "/")
        services.session_start(request=request, user=user)
        return redirect(next_url)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            next_url = request.session.pop(PENDING_NEXT, "/")
            for key in (PENDING_USER, PENDING_AT):
                request.session.pop(key, None)
            services.session_start(request=request, user=user, device=device)
            if two_factor.is_recovery_device(device):
                messages.warning(
                    request,
                    f"You used a recovery code. You have {two_factor.recovery_codes_left(user)} "
                    "left.",
                )
            return redirect(next_url)
        record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, request=request)
        error = (
            "That code is not right, or has already been used. Wait for a new code and try again."
        )
    return render(
        request,
        "accounts/sign_in_verify.html",
        {"form": form, "error": error, "optional": optional, "pending": user},
        status=400 if error else 200,
    )


@require_POST
@login_not_required
def sign_out(request):
    services.session_end(request=request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@signed_in
@require_http_methods(["GET", "POST"])
def elevate(request):
    """Prove the second factor on a signed-in session (and again, for exports, after 15 min)."""
    user = request.user
    next_url = _safe_next(request)
    if not two_factor.has_authenticator(user):
        messages.info(request, "Set up two-factor authentication first.")
        return redirect("accounts:two_factor_setup")
    fresh = request.GET.get("fresh") == "1" or request.POST.get("fresh") == "1"
    if (
        request.method == "GET"
        and rules.is_elevated(user)
        and (not fresh or second_factor_is_fresh(request))
    ):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            services.elevate(request=request, device=device)
            return redirect(next_url)
        record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, request=request)
        error = (
            "That code is not right, or has already been used. Wait for a new code and try again."
        )
    return render(
        request,
        "accounts/elevate.html",
        {"form": form, "error": error, "next": next_url, "fresh": fresh},
        status=400 if error else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    replacing = two_factor.has_authenticator(user)
    if replacing and not rules.is_elevated(user):
        return redirect(f"{reverse('accounts:elevate')}?{urlencode({'next': request.path})}")
    device = two_factor.pending_authenticator(user)
    form = SetupCodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_authenticator(
            user=user, device=device, token=form.cleaned_data["code"], request=request
        ):
            services.elevate(request=request, device=device)
            codes = two_factor.issue_recovery_codes(user=user, request=request)
            return render(request, "accounts/recovery_codes_issued.html", {"codes": codes})
        error = "That code does not match. Check the time on your phone is right and try again."
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "error": error,
            "replacing": replacing,
            "qr_svg": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
        },
        status=400 if error else 200,
    )


@requires(rules.is_active_member, fresh=True)
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    if request.method == "POST":
        codes = two_factor.issue_recovery_codes(user=request.user, request=request)
        return render(request, "accounts/recovery_codes_issued.html", {"codes": codes})
    return render(
        request,
        "accounts/recovery_codes.html",
        {"left": two_factor.recovery_codes_left(request.user)},
    )


@signed_in
@require_safe
def my_account(request):
    user = request.user
    sessions = SignedInSession.objects.for_org(user.organisation).filter(user=user)
    return render(
        request,
        "accounts/my_account.html",
        {
            "has_authenticator": two_factor.has_authenticator(user),
            "recovery_left": two_factor.recovery_codes_left(user),
            "teams": user.teams.order_by("name"),
            "sessions": sessions.order_by("-created_at")[:20],
            "this_session": request.session.session_key,
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user, new_password=form.cleaned_data["password1"], request=request
        )
        messages.success(request, "Your password has been changed. Other sessions were signed out.")
        return redirect("accounts:my_account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    if request.user.is_authenticated:
        services.session_end(request=request)
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as problem:
        return render(request, "accounts/invitation_invalid.html", {"problem": problem}, status=410)
    draft_user = User(email=invitation.email, full_name=invitation.full_name)
    form = NewPasswordForm(request.POST or None, user=draft_user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["password1"], request=request
            )
        except DomainError as problem:
            return render(
                request, "accounts/invitation_invalid.html", {"problem": problem}, status=410
            )
        services.session_start(request=request, user=user)
        messages.success(request, f"Welcome to Haven, {user.full_name}.")
        return redirect("core:home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


def _remaining_seconds(request) -> int:
    now = clock.now().timestamp()
    idle_limit = request.user.organisation.idle_timeout_minutes * 60
    idle_left = request.session.get(services.LAST_SEEN, now) + idle_limit - now
    absolute_left = (
        request.session.get(services.SIGNED_IN_AT, now) + settings.SESSION_COOKIE_AGE - now
    )
    return max(0, int(min(idle_left, absolute_left)))


@signed_in
@require_safe
def session_status(request):
    """How long this session has left. Polling it does not count as activity."""
    return JsonResponse({"remaining_seconds": _remaining_seconds(request)})


@signed_in
@require_POST
def keepalive(request):
    """The "Stay signed in" button: counts as activity and resets the idle clock."""
    request.session[services.LAST_SEEN] = clock.now().timestamp()
    return JsonResponse({"remaining_seconds": _remaining_seconds(request)})
