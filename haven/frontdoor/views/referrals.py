"""Referrals from Haven organisations: the referring DSL's list of what their organisation
sent to the front door, with where each has got to. (Sending one is a triage decision on the
concern; the concern page shows its own referral.) Thin: scoped query, keyset page, render."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.paging import keyset_page
from haven.frontdoor.services import referrals as services

PAGE_SIZE = 25


@requires(rules.can_view_front_door_referrals)
@require_safe
def my_referrals(request):
    rows = (
        services.referrals_visible_to(request.user)
        .select_related("contact", "child", "concern", "front_door", "created_by")
        .only(
            "pk",
            "created_at",
            "outcome_received_at",
            "concern__number",
            "child__first_name",
            "child__last_name",
            "front_door__name",
            "created_by__full_name",
            "contact__number",
            "contact__status",
        )
        .order_by("-id")
    )
    page, next_before = keyset_page(rows, request, PAGE_SIZE)
    for referral in page:
        referral.referrer_status = services.status_for_referrer(referral.contact.status)
    record_event(
        action=Action.VIEW,
        actor=request.user,
        request=request,
        detail={"what": "referrals to the front door", "shown": len(page)},
    )
    front_door = services.front_door_of(request.user.organisation)
    return render(
        request,
        "frontdoor/referrals/mine.html",
        {
            "referrals": page,
            "next_before": next_before,
            "front_door": front_door,
            "explained": services.EXPLAINED,
        },
    )


urlpatterns = [
    path("referrals/", my_referrals, name="my_referrals"),
]
