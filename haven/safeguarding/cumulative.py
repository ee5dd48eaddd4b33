"""Cumulative concern alerts: telling the safeguarding team when a child's concerns add up.

One concern may look small; several from different members of staff in a short time, or any
concern about a child on a child protection plan, may not be. ``cumulative_check`` runs at the
end of recording a concern, inside the recording's transaction, and for each child of the
concern asks the organisation's rule (``SafeguardingSettings``):

* N or more concerns (not entered in error) that happened within the last D days, recorded by
  M or more different members of staff (defaults 3, 2, 14); or
* the child has an active child protection plan status flag today.

When a rule matches, a ``CumulativeAlert`` records the reason in words, and every member of
the safeguarding team gets an ``Alert`` (reason CUMULATIVE) and a notification. While an
unacknowledged alert of the same kind exists for the child, no second one is raised.

Speed: whatever the number of children or concerns, the check is a fixed handful of indexed
queries (the concern's children; one grouped count over ``ConcernChild(organisation, person)``;
one flag lookup on ``StatusFlag(person, flag, end_date)``; one look at the open alerts, whose
partial unique index doubles as the lookup). Nothing loops over concerns.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from haven.access import roles
from haven.accounts.models import User, UserRole
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.people.models import Flag, Person, StatusFlag
from haven.safeguarding.alerts import alerts_send
from haven.safeguarding.models import (
    Alert,
    Concern,
    ConcernChild,
    CumulativeAlert,
    SafeguardingSettings,
)


def settings_for(organisation) -> SafeguardingSettings:
    """The organisation's safeguarding settings, or the defaults when none are saved."""
    found = SafeguardingSettings.objects.for_org(organisation).first()
    return found or SafeguardingSettings(organisation=organisation)


def safeguarding_team(organisation, settings: SafeguardingSettings | None = None) -> tuple:
    """(team, members): who is alerted on the safeguarding team's behalf.

    The team named in the safeguarding settings, else the organisation's safeguarding team;
    when neither is named (or it has no active members), every active DSL and deputy, so a
    cumulative alert is never raised to nobody.
    """
    settings = settings or settings_for(organisation)
    team = settings.dsl_team or organisation.dsl_team
    members: list = []
    if team is not None:
        members = list(team.members.filter(is_active=True).order_by("pk"))
    if not members:
        team = None
        members = list(
            User.objects.for_org(organisation)
            .filter(is_active=True, role_grants__role__in=roles.SAFEGUARDING_LEADS)
            .distinct()
            .order_by("pk")
        )
    return team, members


def _pattern_reason(concerns: int, recorders: int, days: int) -> str:
    return (
        f"{concerns} concerns from {recorders} different members of staff in the last {days} days."
    )


PROTECTION_PLAN_REASON = "A concern was recorded about a child on a child protection plan."


def _children_matching_pattern(organisation, child_ids, settings) -> dict[int, str]:
    """child id -> reason, for the children whose recent concerns reach the pattern."""
    since = clock.now() - timedelta(days=settings.cumulative_days)
    counts = (
        ConcernChild.objects.for_org(organisation)
        .filter(
            person_id__in=child_ids,
            concern__entered_in_error=False,
            concern__occurred_at__gte=since,
        )
        .values("person_id")
        .annotate(
            concerns=Count("concern_id", distinct=True),
            recorders=Count("concern__created_by", distinct=True),
        )
        .filter(
            concerns__gte=settings.cumulative_concerns,
            recorders__gte=settings.cumulative_recorders,
        )
    )
    return {
        row["person_id"]: _pattern_reason(
            row["concerns"], row["recorders"], settings.cumulative_days
        )
        for row in counts
    }


def _children_on_protection_plans(organisation, child_ids) -> set[int]:
    today = clock.today()
    return set(
        StatusFlag.objects.for_org(organisation)
        .filter(person_id__in=child_ids, flag=Flag.CHILD_PROTECTION_PLAN, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("person_id", flat=True)
    )


def _raise(*, concern: Concern, child, kind: str, reason: str, actor, team, members):
    """Create one cumulative alert and its Alert rows; None if one is already open."""
    try:
        # A savepoint: if a concurrent recording raised the same alert first, the unique
        # constraint refuses this one and the recording itself carries on untouched.
        with transaction.atomic():
            alert = CumulativeAlert.objects.create(
                organisation=concern.organisation,
                created_by=actor,
                child=child,
                concern=concern,
                kind=kind,
                reason=reason,
            )
    except IntegrityError:
        return None
    alerts_send(
        concern=concern,
        recipients=members,
        actor=actor,
        reason=Alert.Reason.CUMULATIVE,
        message=f"{child.full_name}: {reason}",
        team=team,
    )
    record_event(
        action=Action.CREATE,
        actor=actor,
        organisation=concern.organisation,
        obj=alert,
        person_id=child.pk,
        detail={"what": "cumulative concern alert", "kind": kind, "concern": concern.number},
    )
    return alert


def cumulative_check(*, concern: Concern, actor) -> CumulativeAlert | None:
    """Raise cumulative concern alerts for the children of a just-recorded concern.

    Call inside the recording's transaction, after its ConcernChild rows exist. Returns the
    first alert raised (a concern about several children may raise one for each), or None.
    """
    if concern.entered_in_error:
        return None
    organisation = concern.organisation
    settings = settings_for(organisation)
    child_ids = set(
        ConcernChild.objects.for_org(organisation)
        .filter(concern=concern)
        .values_list("person_id", flat=True)
    )
    child_ids.add(concern.child_id)

    wanted: list[tuple[int, str, str]] = [
        (child_id, CumulativeAlert.Kind.PATTERN, reason)
        for child_id, reason in _children_matching_pattern(
            organisation, child_ids, settings
        ).items()
    ]
    if settings.cumulative_on_protection_plan:
        wanted += [
            (child_id, CumulativeAlert.Kind.PROTECTION_PLAN, PROTECTION_PLAN_REASON)
            for child_id in _children_on_protection_plans(organisation, child_ids)
        ]
    if not wanted:
        return None

    already_open = set(
        CumulativeAlert.objects.for_org(organisation)
        .filter(child_id__in=[w[0] for w in wanted], acknowledged_at__isnull=True)
        .values_list("child_id", "kind")
    )
    wanted = [w for w in sorted(wanted) if (w[0], w[1]) not in already_open]
    if not wanted:
        return None

    team, members = safeguarding_team(organisation, settings)
    if concern.restricted:
        # A concern restricted to the lead DSL is not shown to deputies, even by this route.
        leads = set(
            UserRole.objects.for_org(organisation)
            .filter(role=roles.DSL, user_id__in=[m.pk for m in members])
            .values_list("user_id", flat=True)
        )
        members = [m for m in members if m.pk in leads]
    children = Person.objects.for_org(organisation).in_bulk([w[0] for w in wanted])
    raised = [
        alert
        for child_id, kind, reason in wanted
        if (
            alert := _raise(
                concern=concern,
                child=children[child_id],
                kind=kind,
                reason=reason,
                actor=actor,
                team=team,
                members=members,
            )
        )
        is not None
    ]
    return raised[0] if raised else None
