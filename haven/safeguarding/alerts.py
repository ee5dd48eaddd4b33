"""Alerts, actions and re-alerts: what the people told about a concern do with it.

Each person alerted to a concern has an ``Alert`` in their inbox until they mark it read. On
the way they add *actions* — what they did, for each child it concerns — which are appended
with author and time and never edited (the database refuses). A DSL may alert someone again
to ask for an action; that is a new alert with a message. Marking as read is recorded (when,
and an audit event), never undone: a new alert is the way back into someone's inbox.

Writes are the ``*_<verb>`` services below; reads for pages are the queries after them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse

from haven.access import rules
from haven.accounts.models import User
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project_new
from haven.core import clock
from haven.core.errors import DomainError, require
from haven.core.paging import MAX_ID, keyset_page
from haven.notifications.models import Kind, Notification
from haven.notifications.services import notify
from haven.safeguarding.models import Alert, Concern, ConcernAction, ConcernChild, CumulativeAlert

ACTION_MAX_LENGTH = 10_000
MESSAGE_MAX_LENGTH = 2_000
INBOX_PAGE_SIZE = 25
CUMULATIVE_PAGE_SIZE = 25


# --- Services -------------------------------------------------------------------------------


def alerts_send(
    *,
    concern: Concern,
    recipients: Iterable,
    actor,
    reason: str = Alert.Reason.RECORDED,
    message: str = "",
    team=None,
) -> list[Alert]:
    """Put ``concern`` in each recipient's alerts inbox and notify them (in-app and email).

    The building block for every kind of alert; callers check permission. Call inside the
    caller's transaction: the alerts and notifications commit with the change. Recipients
    outside the concern's organisation, or no longer active, are skipped.
    """
    people = {
        p.pk: p
        for p in recipients
        if p is not None and p.is_active and p.organisation_id == concern.organisation_id
    }
    alerts = Alert.unscoped.bulk_create(
        Alert(
            organisation_id=concern.organisation_id,
            created_by=actor,
            concern=concern,
            recipient=person,
            team=team,
            reason=reason,
            message=message,
        )
        for person in people.values()
    )
    kind = {
        Alert.Reason.REALERT: Kind.ACTION_REQUESTED,
        Alert.Reason.CUMULATIVE: Kind.CUMULATIVE_ALERT,
    }.get(reason, Kind.CONCERN_ALERT)
    # One link for everyone: it opens the reader's own alert on the concern.
    notify(
        recipients=people.values(),
        kind=kind,
        title=f"{Alert.Reason(reason).label}: concern {concern.number}",
        url=reverse("safeguarding:alert_for_concern", args=[concern.pk]),
    )
    return alerts


def alert_mark_read(*, alert: Alert, actor) -> int:
    """Mark the concern read in ``actor``'s inbox: this alert and any other unread alert they
    hold on the same concern (a re-alert, a cumulative alert), since they have now read it.
    Returns how many alerts changed; reading an already-read alert changes nothing."""
    require(rules.can_read_alert(actor, alert), "That alert is not yours.")
    now = clock.now()
    with transaction.atomic():
        changed = (
            Alert.objects.for_org(actor.organisation)
            .filter(concern_id=alert.concern_id, recipient=actor, read_at__isnull=True)
            .update(read_at=now, modified_at=now)
        )
        if changed:
            # The notifications that pointed here have been answered too.
            links = [
                reverse("safeguarding:concern", args=[alert.concern_id]),
                reverse("safeguarding:alert_for_concern", args=[alert.concern_id]),
            ]
            Notification.objects.for_org(actor.organisation).filter(
                recipient=actor, url__in=links, read_at__isnull=True
            ).update(read_at=now)
            record_event(
                action=Action.UPDATE,
                actor=actor,
                obj=alert,
                person_id=alert.concern.child_id,
                detail={"what": "concern alert marked read", "alerts": changed},
            )
    alert.read_at = alert.read_at or now
    return changed


def concern_action_add(*, concern: Concern, children: Iterable, text: str, actor):
    """Append an action for each of ``children`` (children of ``concern``); never edited.

    Where several children are linked to a concern, each action sits on the record of the
    child it is about, so the same words for two children are two rows.
    """
    require(rules.can_add_concern_action(actor, concern))
    text = (text or "").strip()
    if not text:
        raise DomainError("Write what was done.")
    if len(text) > ACTION_MAX_LENGTH:
        raise DomainError(f"Keep an action under {ACTION_MAX_LENGTH:,} characters.")
    wanted = {getattr(c, "pk", c) for c in children}
    if not wanted:
        raise DomainError("Choose the child (or children) the action is about.")
    linked = set(
        ConcernChild.objects.for_org(concern.organisation)
        .filter(concern=concern, person_id__in=wanted)
        .values_list("person_id", flat=True)
    )
    if linked != wanted:
        raise DomainError("An action can only be about a child the concern is about.")
    with transaction.atomic():
        actions = ConcernAction.unscoped.bulk_create(
            ConcernAction(
                organisation_id=concern.organisation_id,
                created_by=actor,
                concern=concern,
                child_id=child_id,
                text=text,
            )
            for child_id in sorted(wanted)
        )
        # The first action on the concern: how long it took, for the reports.
        Concern.objects.for_org(concern.organisation).filter(
            pk=concern.pk, seconds_to_first_action__isnull=True
        ).update(seconds_to_first_action=concern.seconds_since_recorded(clock.now()))
        for action in actions:
            action.concern = concern  # read by the chronology projector, saving a query
        project_new(actions)
        for action in actions:
            record_event(
                action=Action.CREATE,
                actor=actor,
                organisation=concern.organisation,
                obj=action,
                person_id=action.child_id,
                detail={"what": "action on a concern", "concern": concern.number},
            )
    return actions


def concern_realert(*, concern: Concern, recipient, message: str, actor) -> Alert:
    """A DSL asks someone (again) for an action on a concern: a new alert with a message."""
    require(rules.can_realert(actor, concern))
    message = (message or "").strip()
    if not message:
        raise DomainError("Say what you are asking them to do.")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise DomainError(f"Keep the message under {MESSAGE_MAX_LENGTH:,} characters.")
    if recipient is None or recipient.organisation_id != concern.organisation_id:
        raise DomainError("Choose a member of staff in your organisation.")
    if not recipient.is_active:
        raise DomainError(f"{recipient.full_name} no longer has access to Haven.")
    if recipient.pk == actor.pk:
        raise DomainError("Choose someone other than yourself.")
    with transaction.atomic():
        (alert,) = alerts_send(
            concern=concern,
            recipients=[recipient],
            actor=actor,
            reason=Alert.Reason.REALERT,
            message=message,
        )
        # Asked with the alert in place: could they then open the concern? A restricted
        # concern, or a category their teams may not view, says no, and nothing is kept.
        if not rules.can_view_concern(recipient, concern):
            raise DomainError(
                f"{recipient.full_name} cannot see this concern (its category or restriction)."
            )
        record_event(
            action=Action.CREATE,
            actor=actor,
            obj=alert,
            person_id=concern.child_id,
            detail={"what": "re-alert", "concern": concern.number, "recipient": recipient.pk},
        )
    return alert


def cumulative_acknowledge(*, cumulative: CumulativeAlert, actor) -> CumulativeAlert:
    """A DSL acknowledges a cumulative concern alert; the rule may then fire again."""
    require(rules.can_acknowledge_cumulative(actor, cumulative))
    now = clock.now()
    with transaction.atomic():
        # Only the first of two DSLs acknowledging at once wins; the second is told.
        changed = (
            CumulativeAlert.objects.for_org(actor.organisation)
            .filter(pk=cumulative.pk, acknowledged_at__isnull=True)
            .update(acknowledged_at=now, acknowledged_by=actor, modified_at=now)
        )
        if not changed:
            raise DomainError("That cumulative concern alert has already been acknowledged.")
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=cumulative,
            person_id=cumulative.child_id,
            detail={"what": "cumulative concern alert acknowledged"},
        )
    cumulative.acknowledged_at, cumulative.acknowledged_by = now, actor
    return cumulative


# --- Queries --------------------------------------------------------------------------------


def unread_alerts(user):
    """The user's unread alerts, newest first (the partial index ``alert_unread``)."""
    return (
        Alert.objects.for_org(user.organisation)
        .filter(recipient=user, read_at__isnull=True)
        .order_by("-id")
    )


def unread_count(user) -> int:
    if not rules.can_use_alerts(user):
        return 0
    return unread_alerts(user).count()


def inbox_page(user, request):
    """One page of the inbox (keyset paged) with what each row shows, in one query."""
    rows = unread_alerts(user).select_related(
        "concern", "concern__child", "concern__category", "concern__created_by", "created_by"
    )
    return keyset_page(rows, request, INBOX_PAGE_SIZE)


def get_alert_for_user(user, pk: int) -> Alert:
    """The user's own alert, or 404: nobody learns that someone else's alert exists."""
    alert = (
        Alert.objects.for_org(user.organisation)
        .select_related("concern", "created_by", "team")
        .filter(pk=pk)
        .first()
    )
    if alert is None or not rules.can_read_alert(user, alert):
        raise Http404
    if not rules.can_view_concern(user, alert.concern):
        raise Http404  # its category or restriction now keeps it from them
    return alert


def latest_alert_on(user, concern_pk: int) -> Alert:
    """The user's newest alert on a concern (where a notification's link leads), or 404."""
    if concern_pk > MAX_ID:
        raise Http404  # no such row, and too large for the database to be asked
    alert = (
        Alert.objects.for_org(user.organisation)
        .filter(concern_id=concern_pk, recipient=user)
        .order_by(F("read_at").asc(nulls_first=True), "-id")  # an unread one first
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def unread_alert_on(user, concern: Concern) -> Alert | None:
    """The user's unread alert on this concern, if any (for "Mark as read" on its page)."""
    if not rules.can_use_alerts(user) or user.organisation_id != concern.organisation_id:
        return None
    return unread_alerts(user).filter(concern=concern).first()


def next_unread(user, after: Alert) -> Alert | None:
    """ "See next": the next unread alert in inbox order (older), else the newest other one."""
    rest = unread_alerts(user).exclude(concern_id=after.concern_id)
    return rest.filter(id__lt=after.pk).first() or rest.first()


def concern_children(concern: Concern) -> list:
    """The children a concern is about, the main child first."""
    rows = (
        ConcernChild.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .select_related("person")
        .order_by("-is_primary", "pk")
    )
    return [row.person for row in rows]


@dataclass
class ChildActions:
    child: object
    actions: list = field(default_factory=list)


def actions_by_child(concern: Concern, children: list) -> list[ChildActions]:
    """The concern's actions, oldest first, grouped under each child (two queries at most)."""
    groups = {child.pk: ChildActions(child) for child in children}
    actions = (
        ConcernAction.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    for action in actions:
        if action.child_id in groups:
            groups[action.child_id].actions.append(action)
    return list(groups.values())


def get_concern_for_action(user, pk: int) -> Concern:
    """A concern the user may add an action to: 404 if they may not see it, 403 if they may
    see it but not add to it now (their alert is read, or it was entered in error)."""
    from django.core.exceptions import PermissionDenied

    concern = (
        Concern.objects.for_org(user.organisation)
        .select_related("child", "category", "created_by")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404
    if rules.can_add_concern_action(user, concern):
        return concern
    if rules.can_view_concern(user, concern):
        raise PermissionDenied  # e.g. they read their alert; a DSL can ask them again
    raise Http404


def get_concern_for_lead(user, pk: int) -> Concern:
    """A concern for a DSL's own work on it (re-alert, triage): 404 for anyone else."""
    concern = (
        Concern.objects.for_org(user.organisation)
        .select_related("child", "category", "subcategory", "created_by")
        .filter(pk=pk)
        .first()
    )
    if concern is None or not rules.lead_may_open_concern(user, concern):
        raise Http404
    return concern


def realert_candidates(user):
    """Whom a DSL may ask for an action: active staff of their organisation but themselves."""
    return (
        User.objects.for_org(user.organisation)
        .filter(is_active=True)
        .exclude(pk=user.pk)
        .order_by("full_name", "pk")
    )


def cumulative_page(user, request, *, acknowledged: bool = False):
    """Cumulative concern alerts, newest first, keyset paged: open ones, or acknowledged."""
    rows = (
        CumulativeAlert.objects.for_org(user.organisation)
        .filter(acknowledged_at__isnull=not acknowledged)
        .select_related("child", "concern", "acknowledged_by")
        .order_by("-id")
    )
    return keyset_page(rows, request, CUMULATIVE_PAGE_SIZE)


def open_cumulative(user):
    return CumulativeAlert.objects.for_org(user.organisation).filter(acknowledged_at__isnull=True)


def get_cumulative_for_lead(user, pk: int) -> CumulativeAlert:
    found = CumulativeAlert.objects.for_org(user.organisation).filter(pk=pk).first()
    if found is None or not rules.can_acknowledge_cumulative(user, found):
        raise Http404
    return found


def alerts_on_concern(concern: Concern):
    """Who was alerted to a concern and whether they have read it (for the DSL's view)."""
    return (
        Alert.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .select_related("recipient", "created_by")
        .order_by("created_at", "pk")
    )
