from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from haven.access import rules
from haven.access.decorators import signed_in
from haven.accounts import two_factor
from haven.drafts.queries import drafts_of
from haven.notifications import queries as notification_queries


@signed_in
@require_safe
def home(request):
    """The dashboard every member of staff lands on. Later capabilities add their panels."""
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "recent_notifications": notification_queries.notifications_for(user)
            .filter(read_at__isnull=True)
            .order_by("-id")[:5],
            "drafts": drafts_of(user)[:10],
            # Only asked of a session that is not elevated: an elevated one has proved it.
            "has_authenticator": rules.is_elevated(user) or two_factor.has_authenticator(user),
        },
    )


@login_not_required
@require_safe
def healthz(request):
    """For load balancers: the app answers and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
