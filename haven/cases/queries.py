"""Reads of safeguarding cases for pages, always scoped to what the reader may see."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    DateField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from haven.access import rules
from haven.accounts.models import User
from haven.cases.models import (
    NOT_CLOSED,
    UPDATES_OWED,
    CaseEdit,
    CaseStatusChange,
    CaseThreshold,
    ClosureRequest,
    MonitoringAction,
    SafeguardingCase,
    Status,
)
from haven.core import clock, paging
from haven.core.models import attach_by_key
from haven.people.models import Person, name_fields

CASE_RELATED = ("engagement__programme", "case_type", "category", "threshold")
# The child and the members of staff a case names are read by key (attach_by_key).
CASE_STAFF = ("owner", "manager", "la_notified_by", "created_by")
LIST_RELATED = ("child", "threshold", "owner")
HOME_ROWS = 10
LIST_PAGE = 50


def thresholds_for(organisation, *, active_only: bool = True):
    rows = CaseThreshold.objects.for_org(organisation)
    return rows.filter(is_active=True) if active_only else rows


def cases_visible_to(user):
    if not rules.can_work_with_cases(user):
        return SafeguardingCase.unscoped.none()
    return SafeguardingCase.objects.for_org(user.organisation).filter(rules.case_access_q(user))


def get_case_for_user(user, pk: int, *, for_write: bool = False) -> SafeguardingCase:
    """The case, or 404 if the reader may not know it; 403 if they may only read it."""
    case = (
        SafeguardingCase.objects.for_org(user.organisation)
        .select_related(*CASE_RELATED)
        .filter(pk=pk)
        .first()
    )
    if case is not None:
        _attach_people(case)
    if case is None or not rules.can_view_case(user, case):
        raise Http404
    if for_write and not rules.can_record_on_case(user, case):
        raise PermissionDenied
    return case


def _attach_people(case: SafeguardingCase) -> None:
    children = [(case, "child")]
    if case.engagement is not None:
        children.append((case.engagement, "child"))
    attach_by_key(Person, children)
    attach_by_key(User, [(case, name) for name in CASE_STAFF])


def get_closure_for_user(user, pk: int) -> ClosureRequest:
    closure = (
        ClosureRequest.objects.for_org(user.organisation)
        .select_related("case__child", "case__threshold", "approver", "created_by")
        .filter(pk=pk)
        .first()
    )
    if closure is None or not rules.can_view_case(user, closure.case):
        raise Http404
    if not rules.can_decide_closure(user, closure):
        raise PermissionDenied
    return closure


def open_cases_for_child(*, organisation, child):
    """The child's cases that are not closed, newest first (for triage's "add to the
    child's open case"). Not scoped to a reader: callers are the safeguarding leads."""
    return (
        SafeguardingCase.objects.for_org(organisation)
        .filter(child=child, status__in=NOT_CLOSED)
        .select_related("threshold", "owner")
        .order_by("-number")
    )


def overdue_cases(organisation, today=None):
    """Cases owing an update whose due date has passed: one index range (organisation,
    status, next_update_due)."""
    today = today or clock.today()
    return SafeguardingCase.objects.for_org(organisation).filter(
        status__in=UPDATES_OWED, next_update_due__lt=today
    )


def _overdue_first(rows, today):
    """Overdue first (most overdue at the top), then the rest by the next update due."""
    return sorted(
        rows,
        key=lambda c: (
            not c.is_overdue_on(today),
            c.next_update_due or today.replace(year=9999),
            -c.number,
        ),
    )


def case_page(case: SafeguardingCase, user) -> dict:
    """Everything the case page shows, in a fixed number of queries."""
    org = case.organisation
    actions = list(
        MonitoringAction.objects.for_org(org).filter(case=case).select_related("created_by")
    )
    changes = list(
        CaseStatusChange.objects.for_org(org).filter(case=case).select_related("created_by")
    )
    closures = list(
        ClosureRequest.objects.for_org(org)
        .filter(case=case)
        .select_related("created_by", "approver", "decided_by")
    )
    edits = list(CaseEdit.objects.for_org(org).filter(case=case).select_related("created_by"))
    pending = next((c for c in closures if c.is_pending), None)
    today = clock.today()
    return {
        "case": case,
        "child": case.child,
        "overdue": case.is_overdue_on(today),
        "today": today,
        "monitoring_actions": actions,
        "status_changes": changes,
        "closures": closures,
        "edits": edits,
        "pending_closure": pending,
        "concerns": linked_concerns(case, user),
        "can_record": rules.can_record_on_case(user, case) and not case.is_closed,
        "can_edit": rules.can_record_on_case(user, case) and not case.is_closed,
        "can_request_closure": rules.can_record_on_case(user, case)
        and Status.CLOSURE_REQUESTED in _allowed(case),
        "can_decide": pending is not None and rules.can_decide_closure(user, pending),
        "can_reopen": case.is_closed and rules.can_reopen_case(user, case),
        "can_record_la": rules.can_record_la_notification(user, case) and not case.is_closed,
    }


def _allowed(case):
    from haven.cases.models import TRANSITIONS

    return TRANSITIONS.get(case.status, frozenset())


def linked_concerns(case: SafeguardingCase, user) -> list:
    """The concerns linked to the case, each with whether the reader may open it. Concerns
    have their own need-to-know (restricted ones, category permissions): a reader who may not
    see one is told only its number, not its category. Two queries however many there are."""
    rows = list(
        case.concerns.all()
        .select_related("category")
        .order_by("-occurred_at", "-pk")
        .only("pk", "number", "occurred_at", "category__name", "entered_in_error")
    )
    visible = set(case.concerns.filter(rules.concern_access_q(user)).values_list("pk", flat=True))
    return [(concern, concern.pk in visible) for concern in rows]


# The due date a closed case (which owes nothing) sorts by: after every real one.
NEVER_DUE = date(9999, 12, 31)


def _overdue_rank(today):
    """0 for a case owing an update whose due date has passed, 1 for the rest."""
    return Case(
        When(status__in=UPDATES_OWED, next_update_due__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def my_cases(user, *, include_closed: bool = False, after=None, size: int | None = None):
    """One page of the cases the user owns or manages: overdue first (most overdue at the
    top), then by the next update due, closed cases last. Paged by keyset on
    (overdue rank, due date, id), given as ``after`` from the previous page's cursor, so every
    page costs one query however many cases there are. Returns the page, the next page's
    cursor (or None) and today."""
    today = clock.today()
    size = size or LIST_PAGE
    rows = (
        cases_visible_to(user)
        .filter(Q(owner=user) | Q(manager=user))
        .annotate(
            rank=_overdue_rank(today),
            due=Coalesce("next_update_due", Value(NEVER_DUE), output_field=DateField()),
        )
        .select_related(*LIST_RELATED)
    )
    if not include_closed:
        rows = rows.filter(status__in=NOT_CLOSED)
    if after is not None:
        rank, day, pk = after
        rows = rows.filter(
            Q(rank__gt=rank) | Q(rank=rank, due__gt=day) | Q(rank=rank, due=day, id__gt=pk)
        )
    page = list(rows.order_by("rank", "due", "id")[: size + 1])
    more = len(page) > size
    page = page[:size]
    cursor = my_cases_cursor(page[-1]) if more else None
    return page, cursor, today


def my_cases_cursor(case) -> str:
    return f"{case.rank}_{case.due.isoformat()}_{case.pk}"


def parse_my_cases_cursor(value: str | None):
    """(rank, due date, id) from a ?after= cursor, or None if it is not one of ours."""
    parts = (value or "").split("_")
    if len(parts) != 3 or parts[0] not in ("0", "1"):
        return None
    pk = paging.cursor(parts[2])
    if pk is None:
        return None
    try:
        return int(parts[0]), date.fromisoformat(parts[1]), pk
    except ValueError:
        return None


def home_cases(user) -> dict:
    """The "My safeguarding cases" panel: the user's open cases, overdue first, in three
    queries however many there are."""
    today = clock.today()
    open_rows = cases_visible_to(user).filter(status__in=NOT_CLOSED)
    mine = open_rows.filter(Q(owner=user) | Q(manager=user))
    counts = mine.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(status__in=UPDATES_OWED, next_update_due__lt=today)),
    )
    # Overdue and soonest due first: the due date orders both, and closure requests (which
    # owe nothing while they wait) come last. The first few owned and the first few managed
    # are read apart, each from its own index (``case_owner``, ``case_manager``), and merged
    # here: asked for "owned or managed" in one query, SQLite walks every open case.
    order = ("next_update_due", "-number")
    owned = open_rows.filter(owner=user)
    managed = open_rows.filter(manager=user).exclude(owner=user)
    shown = ("number", "status", "next_update_due", "threshold__name", *name_fields("child"))
    rows = [
        case
        for part in (owned, managed)
        for case in _first_rows(part, order).select_related("child", "threshold").only(*shown)
    ]
    rows.sort(key=lambda c: (c.next_update_due or NEVER_DUE, -c.number))
    return {"cases": _overdue_first(rows[:HOME_ROWS], today), "today": today, **counts}


def _first_rows(rows, order):
    """The first ``HOME_ROWS`` of ``rows`` as a filter on their keys: the database picks the
    few cases before joining their child, owner and threshold, instead of joining every
    open case and then sorting."""
    return rows.filter(pk__in=rows.order_by(*order).values("pk")[:HOME_ROWS])


def open_cases_summary(user) -> dict:
    """Every open case the reader may see (for the DSL and deputies, the whole organisation),
    counted by owner with how many are overdue — one grouped count however many cases there
    are. (The pages list the cases themselves through ``all_open_cases``, paged.)"""
    today = clock.today()
    open_rows = cases_visible_to(user).filter(status__in=NOT_CLOSED)
    # Counted per (status, owner) in the order of the index ``case_open_by_owner``, which
    # holds every column read (the table is never visited, nothing is sorted); each owner's
    # name is looked up once per group, not joined to every open case. The few rows per
    # member of staff are added up per owner below.
    owners = User.objects.for_org(user.organisation)
    owner_name = owners.filter(pk=OuterRef("owner_id")).values("full_name")[:1]
    groups = (
        open_rows.values("status", "owner_id")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(next_update_due__lt=today)),
            oldest_due=Min("next_update_due"),
        )
        .annotate(owner__full_name=Subquery(owner_name))
        .order_by("status", "owner_id")
    )
    by_owner: dict[int, dict] = {}
    for group in groups:
        row = by_owner.setdefault(
            group["owner_id"],
            {
                "owner_id": group["owner_id"],
                "owner__full_name": group["owner__full_name"],
                "total": 0,
                "overdue": 0,
                "oldest_due": None,
            },
        )
        row["total"] += group["total"]
        # Cases awaiting a closure decision owe no update, so are never overdue.
        if group["status"] in UPDATES_OWED:
            row["overdue"] += group["overdue"]
            due = group["oldest_due"]
            if due is not None and (row["oldest_due"] is None or due < row["oldest_due"]):
                row["oldest_due"] = due
    rows = sorted(by_owner.values(), key=lambda r: (-r["overdue"], r["owner__full_name"] or ""))
    return {
        "by_owner": rows,
        "total": sum(r["total"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "today": today,
    }


def all_open_cases(user, *, owner_id: int | None = None, overdue_only: bool = False, after=None):
    """The DSL's list of open cases, overdue first then by due date, paged by keyset on
    (next_update_due, id)."""
    today = clock.today()
    rows = cases_visible_to(user).filter(status__in=NOT_CLOSED).select_related(*LIST_RELATED)
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    if overdue_only:
        rows = rows.filter(status__in=UPDATES_OWED, next_update_due__lt=today)
    if after is not None:
        day, pk = after
        rows = rows.filter(Q(next_update_due__gt=day) | Q(next_update_due=day, id__gt=pk))
    page = list(rows.order_by("next_update_due", "id")[: LIST_PAGE + 1])
    more = len(page) > LIST_PAGE
    page = page[:LIST_PAGE]
    cursor = f"{page[-1].next_update_due.isoformat()}_{page[-1].pk}" if more else None
    return page, cursor, today


def child_cases(user, child) -> dict:
    """The child's cases the reader may see, and how many more there are."""
    every = SafeguardingCase.objects.for_org(child.organisation).filter(child=child)
    visible = list(
        every.filter(rules.case_access_q(user)).select_related(*LIST_RELATED).order_by("-number")
    )
    return {
        "cases": visible,
        "hidden_cases": every.count() - len(visible),
        "today": clock.today(),
    }


def engagement_cases(user, engagement) -> list:
    return list(
        cases_visible_to(user)
        .filter(engagement=engagement)
        .select_related(*LIST_RELATED)
        .order_by("-number")
    )


def closures_awaiting(user) -> list:
    """Closure requests addressed to the user and still pending."""
    # The oldest few, read in order from the partial index ``closure_pending_for``.
    return list(
        ClosureRequest.objects.for_org(user.organisation)
        .filter(approver=user, decision=ClosureRequest.Decision.PENDING)
        .select_related("case__child", "created_by")
        .only("created_at", "case__number", "created_by__full_name", *name_fields("case__child"))
        .order_by("created_at", "pk")[:HOME_ROWS]
    )


def child_case_summaries(user, child) -> list[dict]:
    """The child's cases the reader may see, each with its monitoring actions and closure
    history, for a chronology export: four queries however many cases there are."""
    cases = list(
        SafeguardingCase.objects.for_org(child.organisation)
        .filter(child=child)
        .filter(rules.case_access_q(user))
        .select_related(*LIST_RELATED, "category")
        .order_by("-number")
    )
    if not cases:
        return []
    org, ids = child.organisation, [c.pk for c in cases]
    actions = MonitoringAction.objects.for_org(org).filter(case_id__in=ids).order_by("created_at")
    changes = CaseStatusChange.objects.for_org(org).filter(case_id__in=ids).order_by("created_at")
    closures = (
        ClosureRequest.objects.for_org(org)
        .filter(case_id__in=ids)
        .select_related("created_by", "approver", "decided_by")
        .order_by("created_at")
    )
    summaries = {c.pk: {"case": c, "actions": [], "changes": [], "closures": []} for c in cases}
    for key, rows in (("actions", actions), ("changes", changes), ("closures", closures)):
        for row in rows:
            summaries[row.case_id][key].append(row)
    return list(summaries.values())
