"""A reminder at sign-in, for organisations that turn it on in their workforce settings."""

from __future__ import annotations

from django.contrib import messages

from haven.workforce import queries


def remind_at_sign_in(sender, request, user, **kwargs) -> None:
    """After signing in, tell someone whose required safeguarding training has expired."""
    if request is None or not getattr(user, "organisation_id", None):
        return
    policy = queries.settings_for(user.organisation)
    if not policy.remind_at_sign_in:
        return
    staff = queries.own_staff_record(user)
    if staff is None:
        return
    row = queries.row_for(staff)
    if row.expired:
        messages.warning(
            request,
            "Your safeguarding training has expired. See “My training” for what to book.",
        )
