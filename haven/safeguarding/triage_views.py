"""The triage queue and the DSL's decision form. Thin: fetch (scoped), form, service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.errors import DomainError
from haven.drafts.services import draft_discard, draft_offer
from haven.safeguarding import alerts, triage
from haven.safeguarding.alert_forms import TriageForm
from haven.thresholds import prefill as threshold_prefill

lead = requires(rules.can_triage_concerns)


@lead
@require_safe
def queue(request):
    page, next_after = triage.queue_page(request.user, request)
    context = {
        "concerns": page,
        "next_after": next_after,
        "times": triage.decision_times(request.user),
    }
    return render(request, "safeguarding/triage_queue.html", context)


def _new_case_url(concern, child_pk) -> str:
    query = urlencode({"child": child_pk, "concern": concern.pk})
    return f"{reverse('cases:new')}?{query}"


@lead
@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    concern = triage.get_concern_for_triage(request.user, pk)
    if not rules.can_triage(request.user, concern):
        raise PermissionDenied  # entered in error: kept, but no longer triaged
    children = alerts.concern_children(concern)
    open_cases = triage.open_cases_for(concern, children)
    offer = draft_offer(request, f"concern-triage-{concern.pk}")
    # A threshold decision on the concern starts the decision at the level's outcome; a
    # draft the DSL was writing wins over it.
    prefill = threshold_prefill.for_triage(concern, open_cases)
    form = TriageForm(
        request.POST or None,
        children=children,
        open_cases=open_cases,
        initial=(prefill.initial if prefill else {}) | (offer.initial() or {}),
        concern=concern,
        user=request.user,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        if data["outcome"] == triage.Outcome.ADD_TO_CASE:
            case = triage.find_open_case(concern, children, data["case"])
        try:
            decision = triage.triage_decide(
                concern=concern,
                actor=request.user,
                outcome=data["outcome"],
                rationale=data["rationale"],
                refer_to=data["refer_to"],
                refer_detail=data["refer_detail"],
                case=case,
                front_door=form.front_door_details(),
            )
        except DomainError as exc:
            error = str(exc)
        else:
            draft_discard(author=request.user, form_key=offer.key)
            messages.success(
                request,
                f"Decision recorded for concern {concern.number}: "
                f"{decision.get_outcome_display().lower()}.",
            )
            if decision.outcome == triage.Outcome.OPEN_CASE:
                return redirect(_new_case_url(concern, data["child"] or concern.child_id))
            if decision.refer_to == decision.ReferTo.FRONT_DOOR:
                messages.info(
                    request,
                    "The referral has gone to the front door; its progress shows on the "
                    "concern page.",
                )
            return redirect("safeguarding:triage")
    if request.method == "GET":
        record_event(
            action=Action.VIEW,
            actor=request.user,
            request=request,
            obj=concern,
            person_id=concern.child_id,
            detail={"what": "concern, for triage", "children": [c.pk for c in children]},
        )
    context = {
        "concern": concern,
        "children": children,
        "form": form,
        "error": error,
        "offer": offer,
        "prefill": prefill,
        "decisions": list(triage.decisions_for(concern)),
        "actions": alerts.actions_by_child(concern, children),
    }
    status = 400 if error or (form.is_bound and form.errors) else 200
    return render(request, "safeguarding/triage_decide.html", context, status=status)
