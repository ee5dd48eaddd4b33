"""View decorators that turn ``access.rules`` answers into HTTP.

Every page is behind sign-in already (Django's LoginRequiredMiddleware); these add the role
check (403), the second factor (redirect to elevate) and, for exports, a recent second
factor (redirect to re-check if the last one is older than 15 minutes).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from haven.access import rules
from haven.core import clock

VERIFIED_AT = "haven_verified_at"


def _to_elevate(request, *, fresh: bool = False):
    query = {"next": request.get_full_path()}
    if fresh:
        query["fresh"] = "1"
    return redirect(f"{reverse('accounts:elevate')}?{urlencode(query)}")


def second_factor_is_fresh(request) -> bool:
    stamp = request.session.get(VERIFIED_AT)
    if not stamp or not rules.is_elevated(request.user):
        return False
    return clock.now().timestamp() - stamp <= settings.STEP_UP_MAX_AGE.total_seconds()


def requires(predicate, *, elevated: bool = True, fresh: bool = False):
    """Allow the view only if ``predicate(user)`` holds, with the second factor if asked."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            if (elevated or fresh) and not rules.is_elevated(request.user):
                return _to_elevate(request)
            if fresh and not second_factor_is_fresh(request):
                return _to_elevate(request, fresh=True)
            return view(request, *args, **kwargs)

        wrapped.access_predicate = predicate  # read by the access-matrix test
        return wrapped

    return decorator


def signed_in(view):
    """Any active member of staff; states the default explicitly for readers."""
    return requires(rules.is_active_member, elevated=False)(view)
