"""Session rules that apply to every request: idle timeout, the 12-hour limit, and making
sure anyone whose role needs a second factor has one before they do anything else."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from haven.accounts import services
from haven.audit.models import Action
from haven.core import clock

# Only record activity every so often, so that not every request writes the session.
TOUCH_EVERY_SECONDS = 15
# Pages someone may use before finishing their second-factor set-up.
SETUP_ALLOWED = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:recovery_codes",
        "accounts:sign_out",
        "accounts:session_status",
        "accounts:keepalive",
    }
)


# Requests the page makes by itself; they must not keep an idle session alive.
PASSIVE_VIEWS = frozenset(
    {
        "accounts:session_status",
        "notifications:bell",
        "safeguarding:alerts_badge",
        "jobs:progress",
    }
)


def _view_name(request) -> str | None:
    if not hasattr(request, "_haven_view_name"):
        try:
            request._haven_view_name = resolve(request.path_info).view_name
        except Resolver404:
            request._haven_view_name = None
    return request._haven_view_name


def _sign_in_from_background(request, response):
    """A background request (htmx polling) made without a session is told to take the whole
    page to sign-in, rather than redirected: the browser would follow a redirect in the
    background and fetch the sign-in page itself, using up the message that says why the
    person was signed out."""
    if not (
        request.headers.get("HX-Request")
        and response.status_code == 302
        and response["Location"].split("?")[0] == reverse("accounts:sign_in")
    ):
        return response
    target = reverse("accounts:sign_in")
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    if page.path:
        target += "?" + urlencode({"next": page.path + (f"?{page.query}" if page.query else "")})
    return HttpResponse(status=204, headers={"HX-Redirect": target})


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            expired = self._expired(request)
            if expired:
                return self._sign_out(request, expired)
            step = self._second_factor_step(request)
            if step:
                return redirect(step)
            return self.get_response(request)
        return _sign_in_from_background(request, self.get_response(request))

    def _expired(self, request) -> str | None:
        session, now = request.session, clock.now().timestamp()
        signed_in = session.get(services.SIGNED_IN_AT, now)
        last_seen = session.get(services.LAST_SEEN, now)
        idle_limit = request.user.organisation.idle_timeout_minutes * 60
        if now - signed_in > settings.SESSION_COOKIE_AGE:
            return "absolute"
        if now - last_seen > idle_limit:
            return "idle"
        # Background polling (session clock, notification bell) is not activity.
        if _view_name(request) not in PASSIVE_VIEWS and now - last_seen > TOUCH_EVERY_SECONDS:
            session[services.LAST_SEEN] = now
        return None

    def _sign_out(self, request, why: str):
        services.session_end(request=request, reason=Action.SESSION_TIMED_OUT)
        if why == "idle":
            text = "You were signed out because the page was left idle. Sign in to carry on."
        else:
            text = "You were signed out because you had been signed in for 12 hours."
        messages.info(request, text)
        if request.headers.get("HX-Request"):
            # A 302 would be followed by the browser itself and htmx would never see where
            # to go (and the "left idle" message would be spent on a background request).
            return HttpResponse(status=204, headers={"HX-Redirect": reverse("accounts:sign_in")})
        if request.method != "GET":
            return redirect("accounts:sign_in")
        return redirect(
            f"{reverse('accounts:sign_in')}?{urlencode({'next': request.get_full_path()})}"
        )

    def _second_factor_step(self, request) -> str | None:
        """Where to send someone who must set up or prove a second factor first, if anywhere."""
        from haven.accounts import two_factor
        from haven.accounts.models import Organisation

        user = request.user
        if user.is_verified() or not user.needs_second_factor:
            return None
        view_name = _view_name(request)
        allowed = SETUP_ALLOWED | PASSIVE_VIEWS | {"accounts:elevate"}
        if view_name is None or view_name in allowed:
            return None
        if not two_factor.has_authenticator(user):
            return "accounts:two_factor_setup"
        if user.organisation.two_factor_policy == Organisation.TwoFactorPolicy.EVERYONE:
            return "accounts:elevate"
        return None
