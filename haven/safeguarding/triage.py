"""Triage: the safeguarding team's decision on each concern, and how long it took.

Every concern waits in the triage queue (oldest first) until a DSL or deputy records a
decision with a rationale: no further action (which closes the concern), monitor, open a
safeguarding case, add it to the child's existing open case, or refer on (the local
authority's front door, the police, early help, another agency — recorded here; sending a
referral electronically belongs to the front door).

A decision is a ``TriageDecision`` row (append-only) that keeps the seconds from the
concern being recorded to the decision, and the concern's ``decided_at`` is set in the same
transaction, so the queue is one partial-index scan (``concern_awaiting_triage``). A DSL may
record a further decision later (monitoring becomes a case, say); the first one ends the
wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, Subquery
from django.http import Http404

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project_new
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.core.paging import capped_count, cursor
from haven.people.models import name_fields
from haven.safeguarding.models import Concern, ConcernChild, TriageDecision

QUEUE_PAGE_SIZE = 25
MEDIAN_WINDOW_DAYS = 90
Outcome = TriageDecision.Outcome


def _open_cases_api():
    """The cases app's two entry points, imported late: cases builds on safeguarding."""
    from haven.cases.queries import open_cases_for_child
    from haven.cases.services import case_link_concern

    return open_cases_for_child, case_link_concern


# --- Services -------------------------------------------------------------------------------


def triage_decide(
    *,
    concern: Concern,
    actor,
    outcome: str,
    rationale: str,
    refer_to: str = "",
    refer_detail: str = "",
    case=None,
    front_door=None,
) -> TriageDecision:
    """Record a DSL's decision on ``concern``.

    "No further action" closes the concern (status nfa); any other decision leaves it open.
    "Add to the child's open case" links the concern to ``case`` through the cases app, in
    the same transaction. "Open a safeguarding case" records the decision only: the DSL goes
    on to the new-case form, which links the concern when the case is saved.
    "Refer on" to the local authority's front door sends the referral (``front_door``: the
    ``ReferralDetails`` the DSL chose to share) through the front door app, in the same
    transaction: a refused referral records no decision either.
    """
    if not rules.can_triage(actor, concern):
        raise NotAllowed("Only the DSL and deputies make triage decisions.")
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError("Give the rationale for the decision.")
    if outcome not in Outcome.values:
        raise DomainError("Choose a decision.")
    refer_to, refer_detail = (refer_to or "").strip(), (refer_detail or "").strip()
    if outcome == Outcome.REFER:
        if refer_to not in TriageDecision.ReferTo.values:
            raise DomainError("Choose where the concern is referred.")
        if refer_to == TriageDecision.ReferTo.OTHER_AGENCY and not refer_detail:
            raise DomainError("Name the agency the concern is referred to.")
    else:
        refer_to, refer_detail = "", ""
    if outcome == Outcome.ADD_TO_CASE:
        _check_case(concern, case)
    referrals = None
    if outcome == Outcome.REFER and refer_to == TriageDecision.ReferTo.FRONT_DOOR:
        from haven.frontdoor.services import referrals

        referrals.referral_allowed(actor, concern, concern.child)
        if front_door is None:
            raise DomainError("Write what to share with the front door.")
        front_door = referrals.referral_check(front_door)

    with transaction.atomic():
        # Lock the concern so two DSLs deciding at once both land, in order, and the first
        # decision alone sets ``decided_at``.
        concerns = Concern.objects.for_org(concern.organisation)
        locked = concerns.select_for_update().get(pk=concern.pk)
        now = clock.now()
        decision = TriageDecision.objects.create(
            organisation=concern.organisation,
            created_by=actor,
            concern=locked,
            outcome=outcome,
            refer_to=refer_to,
            refer_detail=refer_detail[:200],
            rationale=rationale,
            seconds_to_decision=locked.seconds_since_recorded(now),
            first_decision=locked.decided_at is None,
        )
        changes = {}
        if locked.decided_at is None:
            changes["decided_at"] = now
            changes["seconds_to_decision"] = decision.seconds_to_decision
        status = Concern.Status.OPEN
        if outcome == Outcome.NO_FURTHER_ACTION:
            status = Concern.Status.NO_FURTHER_ACTION
        if locked.status != status:
            changes["status"] = status
        if changes:
            concerns.filter(pk=locked.pk).update(modified_at=now, **changes)
            for name, value in changes.items():
                setattr(concern, name, value)
        decision.concern = concern
        project_new([decision])
        if outcome == Outcome.ADD_TO_CASE:
            _, case_link_concern = _open_cases_api()
            case_link_concern(case=case, concern=locked, actor=actor)
        if referrals is not None:
            referrals.referral_create(
                concern=concern, child=concern.child, actor=actor, details=front_door
            )
        record_event(
            action=Action.CREATE,
            actor=actor,
            obj=decision,
            person_id=concern.child_id,
            detail={
                "what": "triage decision",
                "concern": concern.number,
                "outcome": outcome,
                "refer_to": refer_to,
                "case": getattr(case, "pk", None),
            },
        )
    return decision


def _check_case(concern: Concern, case) -> None:
    if case is None:
        raise DomainError("Choose the open case to add the concern to.")
    children = set(
        ConcernChild.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .values_list("person_id", flat=True)
    )
    if case.organisation_id != concern.organisation_id or case.child_id not in children:
        raise DomainError("Choose an open case of a child this concern is about.")


# --- Queries --------------------------------------------------------------------------------


def awaiting_triage(user):
    """Concerns waiting for a decision that ``user`` may triage, oldest first.

    The filter matches the partial index ``concern_awaiting_triage``; a deputy does not see
    concerns restricted to the lead DSL."""
    if not rules.can_triage_concerns(user):
        return Concern.unscoped.none()
    rows = Concern.objects.for_org(user.organisation).filter(
        decided_at__isnull=True, entered_in_error=False
    )
    if not rules.is_lead_dsl(user):
        rows = rows.filter(restricted=False)
    return rows.order_by("created_at", "pk")


def queue_page(user, request, size: int = QUEUE_PAGE_SIZE):
    """One page of the triage queue, keyset paged on (recorded at, id), oldest first.

    ``?after=<id>`` continues after that concern; its time is read in the same query
    (a subquery), so every page is one query whatever its depth."""
    rows = awaiting_triage(user).select_related("child", "category", "subcategory", "created_by")
    after = cursor(request.GET.get("after"))
    if after is not None:
        at = Subquery(
            Concern.objects.for_org(user.organisation).filter(pk=after).values("created_at")[:1]
        )
        rows = rows.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=after))
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more and page else None)


def awaiting_summary(user, oldest: int = 3) -> tuple[int, list]:
    """(how many await triage, counted up to ``COUNT_LIMIT``; the oldest few): two indexed
    queries for the home page, whatever the backlog."""
    rows = awaiting_triage(user)
    oldest_rows = rows.select_related("child", "category").only(
        "number", "created_at", "category__name", *name_fields("child")
    )
    return capped_count(rows), list(oldest_rows[:oldest])


def decisions_for(concern: Concern):
    return (
        TriageDecision.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )


def get_concern_for_triage(user, pk: int) -> Concern:
    concern = (
        Concern.objects.for_org(user.organisation)
        .select_related("child", "category", "subcategory", "created_by")
        .filter(pk=pk)
        .first()
    )
    if concern is None or not rules.lead_may_open_concern(user, concern):
        raise Http404
    return concern


def open_cases_for(concern: Concern, children: list) -> list[tuple[object, str]]:
    """(case, label) for every open case of the concern's children, for the decision form."""
    try:
        open_cases_for_child, _ = _open_cases_api()
    except ImportError:  # a deployment without the cases app
        return []
    found = []
    for child in children:  # a concern has a handful of children at most
        for case in open_cases_for_child(organisation=concern.organisation, child=child):
            found.append((case, f"{child.full_name}: {case}"))
    return found


def find_open_case(concern: Concern, children: list, pk) -> object | None:
    for case, _ in open_cases_for(concern, children):
        if str(case.pk) == str(pk):
            return case
    return None


@dataclass(frozen=True)
class DecisionTimes:
    """Median time from recording to decision over the last ``days`` days."""

    days: int
    mine: int | None  # seconds, or None when there were no decisions
    mine_count: int
    team: int | None
    team_count: int


def _median(decisions) -> tuple[int | None, int]:
    """The median of ``seconds_to_decision``: a count and one or two indexed row reads,
    never the whole list in Python."""
    count = decisions.count()
    if not count:
        return None, 0
    ordered = decisions.order_by("seconds_to_decision").values_list(
        "seconds_to_decision", flat=True
    )
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return round(sum(middle) / len(middle)), count


def decision_times(user, days: int = MEDIAN_WINDOW_DAYS) -> DecisionTimes:
    """The user's and the organisation's median wait for a decision, over first decisions
    made in the last ``days`` days (the partial indexes ``triage_first_decisions*``)."""
    since = clock.now() - timedelta(days=days)
    first = TriageDecision.objects.for_org(user.organisation).filter(
        first_decision=True, created_at__gte=since
    )
    mine, mine_count = _median(first.filter(created_by=user))
    team, team_count = _median(first)
    return DecisionTimes(days, mine, mine_count, team, team_count)


def describe_seconds(seconds: int | None) -> str:
    """ "2 days 3 hours", "45 minutes": how long a concern waited, in words."""
    if seconds is None:
        return "–"
    minutes = seconds // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "under a minute"
