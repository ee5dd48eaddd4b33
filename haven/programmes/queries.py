"""Reads of programmes and engagements for pages, always scoped to what the reader may see."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from haven.access import rules
from haven.accounts.models import User
from haven.core import clock
from haven.core.models import attach_by_key
from haven.core.paging import MAX_ID
from haven.people.models import Person, name_fields
from haven.programmes.models import (
    CURRENT,
    Agency,
    Consultation,
    Correction,
    Engagement,
    FollowUpAction,
    OpenAccessSession,
    Programme,
    Service,
    ServiceDelivery,
    Stage,
)

DELIVERIES_PAGE = 25
ENGAGEMENT_RELATED = ("programme", "referred_by", "closed_reason")
# The people and the members of staff an engagement names are read by key (attach_by_key).
ENGAGEMENT_PEOPLE = ("child", "emergency_contact", "consent_given_by")
ENGAGEMENT_STAFF = ("created_by", "key_person", "service_manager", "closed_by")
# What the engagement page's list of sessions shows: a page of 25 need not carry whole rows
# of the service, its programme, the absence reason and the member of staff.
DELIVERY_SHOWN = (
    "delivered_on",
    "attendance",
    "quantity",
    "summary",
    "entered_in_error_at",
    "entered_in_error_reason",
    "service__name",
    "service__unit",
    "service__programme__code",
    "absence_reason__label",
    "delivered_by__full_name",
)


def programmes_for(user):
    return Programme.objects.for_org(user.organisation).order_by("name", "pk")


def get_programme_for_user(user, pk: int) -> Programme:
    programme = programmes_for(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def services_for(organisation, *, programme=None, active_only=True):
    services = Service.objects.for_org(organisation).select_related("programme")
    if programme is not None:
        services = services.filter(programme=programme)
    if active_only:
        services = services.filter(is_active=True)
    return services.order_by("programme__code", "name")


def agencies_for(organisation, *, include=()):
    agencies = Agency.objects.for_org(organisation)
    return agencies.filter(Q(is_active=True) | Q(pk__in=[a.pk for a in include]))


def engagements_visible_to(user):
    if not rules.can_work_with_programmes(user):
        return Engagement.unscoped.none()
    return Engagement.objects.for_org(user.organisation).filter(rules.engagement_access_q(user))


def get_engagement_for_user(user, pk: int, *, for_write: bool = False) -> Engagement:
    """The engagement, or 404 if the reader may not know it (need-to-know); 403 to write."""
    engagement = (
        Engagement.objects.for_org(user.organisation)
        .select_related(*ENGAGEMENT_RELATED)
        .filter(pk=pk)
        .first()
    )
    if engagement is not None:
        attach_by_key(Person, [(engagement, name) for name in ENGAGEMENT_PEOPLE])
        attach_by_key(User, [(engagement, name) for name in ENGAGEMENT_STAFF])
    if engagement is None or not rules.can_view_engagement(user, engagement):
        raise Http404
    if for_write and not rules.can_record_in_engagement(user, engagement):
        raise PermissionDenied
    # The reader's organisation is already loaded, and is this one: save the page a query.
    engagement.organisation = user.organisation
    return engagement


def child_engagements(user, child) -> dict:
    """The child's engagements the reader may see, and how many more there are."""
    every = Engagement.objects.for_org(child.organisation).filter(child=child)
    visible = list(
        every.filter(rules.engagement_access_q(user))
        .select_related("programme", "key_person")
        .order_by("-referral_date", "-pk")
    )
    hidden = every.count() - len(visible)
    return {
        "open_engagements": [e for e in visible if e.is_open],
        "ended_engagements": [e for e in visible if not e.is_open],
        "hidden_engagements": hidden,
    }


def engagement_page(engagement: Engagement, request) -> dict:
    """Everything the engagement page shows, in a fixed number of queries however many
    sessions there are (deliveries are paged by keyset, newest first).

    Records entered in error are left out of the lists and counts; ``?show=errors`` lists
    them instead, with their reasons.
    """
    org = engagement.organisation
    show_errors = request.GET.get("show") == "errors"
    which = ~CURRENT if show_errors else CURRENT
    deliveries = (
        ServiceDelivery.objects.for_org(org)
        .filter(which, engagement=engagement)
        .select_related("service__programme", "absence_reason", "delivered_by")
        .only(*DELIVERY_SHOWN)
    )
    page, next_cursor = _deliveries_page(deliveries, request.GET.get("after"))
    counts = (
        ServiceDelivery.objects.for_org(org)
        .filter(engagement=engagement)
        .aggregate(
            total=Count("id", filter=CURRENT),
            present=Count("id", filter=CURRENT & Q(attendance="present")),
            in_error=Count("id", filter=~CURRENT),
        )
    )
    consultations = list(
        Consultation.objects.for_org(org)
        .filter(engagement=engagement)
        .select_related("created_by", "entered_in_error_by")
        .prefetch_related(
            "people",
            "agencies",
            Prefetch(
                "actions",
                queryset=FollowUpAction.unscoped.select_related("assignee").order_by(
                    "due_on", "pk"
                ),
            ),
        )
    )
    earlier = list(
        Engagement.objects.for_org(org)
        .filter(child_id=engagement.child_id, programme_id=engagement.programme_id)
        .exclude(pk=engagement.pk)
        .order_by("-referral_date")
        .values_list("pk", "referral_date")
    )
    shown = [c for c in consultations if c.in_error == show_errors]
    return {
        "deliveries": page,
        "next_cursor": next_cursor,
        "delivery_counts": counts,
        "consultations": shown,
        "consultations_in_error": sum(1 for c in consultations if c.in_error),
        "show_errors": show_errors,
        "today": clock.today(),
        **_chosen_options(engagement),
        "agencies": list(engagement.agencies.all()),
        "other_engagements": earlier,
    }


def _chosen_options(engagement: Engagement) -> dict:
    """The engagement's presenting issues and evidence seen, in one query (both are picklist
    options, told apart by their list)."""
    from haven.configuration.models import Option

    through = {
        "issues": Engagement.presenting_issues.through,
        "evidence": Engagement.evidence_seen.through,
    }
    chosen = Q()
    for table in through.values():
        chosen |= Q(pk__in=table.objects.filter(engagement_id=engagement.pk).values("option_id"))
    options = list(Option.objects.for_org(engagement.organisation).filter(chosen))
    return {
        "issues": [o for o in options if o.list_key == "presenting_issue"],
        "evidence": [o for o in options if o.list_key == "evidence_seen"],
    }


def _deliveries_page(rows, cursor: str | None):
    """Newest first by (delivery date, id), paged by keyset: page one always costs the same."""
    after = _cursor(cursor)
    if after is not None:
        day, pk = after
        rows = rows.filter(Q(delivered_on__lt=day) | Q(delivered_on=day, id__lt=pk))
    page = list(rows.order_by("-delivered_on", "-id")[: DELIVERIES_PAGE + 1])
    more = len(page) > DELIVERIES_PAGE
    page = page[:DELIVERIES_PAGE]
    return page, (f"{page[-1].delivered_on.isoformat()}_{page[-1].pk}" if more else None)


def _cursor(value: str | None):
    from datetime import date

    if not value or "_" not in value:
        return None
    day, _, pk = value.partition("_")
    if not pk.isascii() or not pk.isdigit() or len(pk) > 19 or not 0 < int(pk) <= MAX_ID:
        return None
    try:
        return date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def week_bounds(today=None):
    today = today or clock.today()
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)


def programme_page(user, programme: Programme) -> dict:
    org = programme.organisation
    every = Engagement.objects.for_org(org).filter(programme=programme, stage=Stage.IN_PROGRESS)
    visible = list(
        every.filter(rules.engagement_access_q(user))
        .select_related("child", "key_person")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    start, end = week_bounds()
    sessions = list(
        ServiceDelivery.objects.for_org(org)
        .filter(CURRENT, service__programme=programme, delivered_on__range=(start, end))
        .values("service__name", "delivered_on")
        .annotate(
            children=Count("engagement__child", distinct=True),
            present=Count("id", filter=Q(attendance="present")),
        )
        .order_by("delivered_on", "service__name")
    )
    open_access = list(
        OpenAccessSession.objects.for_org(org)
        .filter(CURRENT, service__programme=programme, held_on__range=(start, end))
        .select_related("service__programme")
        .order_by("held_on")
    )
    return {
        "engagements": visible,
        "hidden_engagements": every.count() - len(visible),
        "week_start": start,
        "week_end": end,
        "sessions": sessions,
        "open_access": open_access,
        "services": list(services_for(org, programme=programme)),
    }


def register_engagements(user, programme: Programme):
    """Children on the register: every open engagement on the programme the reader may
    see, by name."""
    return list(
        engagements_visible_to(user)
        .filter(programme=programme, stage=Stage.IN_PROGRESS)
        .select_related("child", "programme", "created_by", "key_person", "service_manager")
        .order_by("child__last_name", "child__first_name", "pk")
    )


def my_engagements(user):
    return list(
        Engagement.objects.for_org(user.organisation)
        .filter(Q(key_person=user) | Q(service_manager=user) | Q(created_by=user))
        .filter(rules.engagement_access_q(user))
        .select_related("child", "programme")
        .annotate(
            sessions=Count("deliveries", filter=Q(deliveries__entered_in_error_at__isnull=True))
        )
        .order_by("stage", "child__last_name", "pk")
    )


def open_engagements_for_entry(user):
    """Open engagements for the bulk entry grid, by child."""
    return list(
        engagements_visible_to(user)
        .filter(stage=Stage.IN_PROGRESS)
        .select_related("child", "programme", "created_by", "key_person", "service_manager")
        .order_by("child__last_name", "child__first_name", "programme__name", "pk")
    )


def children_for_entry(user) -> list:
    """Children with at least one open engagement the reader may see, by name: the first
    choice in each row of the bulk entry grid."""
    from haven.people.models import Person

    open_ones = engagements_visible_to(user).filter(stage=Stage.IN_PROGRESS)
    return list(
        Person.objects.for_org(user.organisation)
        .filter(pk__in=open_ones.values("child_id"))
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "date_of_birth", "organisation_id")
    )


def child_open_engagements(user, child_id: int | None) -> list:
    """That child's engagements in progress that the reader may see (none for no child)."""
    if child_id is None:
        return []
    return list(
        engagements_visible_to(user)
        .filter(child_id=child_id, stage=Stage.IN_PROGRESS)
        .select_related("child", "programme", "created_by", "key_person", "service_manager")
        .order_by("programme__name", "-referral_date", "pk")
    )


def children_open_engagements(user, child_ids) -> list:
    """The open engagements the reader may see of several children, in one query."""
    if not child_ids:
        return []
    return list(
        engagements_visible_to(user)
        .filter(child_id__in=child_ids, stage=Stage.IN_PROGRESS)
        .select_related("child", "programme", "created_by", "key_person", "service_manager")
        .order_by("programme__name", "-referral_date", "pk")
    )


def get_delivery_for_user(user, pk: int) -> ServiceDelivery:
    """A delivery in an engagement the reader may record in; 404 / 403 as for engagements."""
    delivery = (
        ServiceDelivery.objects.for_org(user.organisation)
        .select_related("service__programme", "absence_reason", "delivered_by")
        .filter(pk=pk)
        .first()
    )
    if delivery is None:
        raise Http404
    delivery.engagement = get_engagement_for_user(user, delivery.engagement_id, for_write=True)
    return delivery


def get_consultation_for_user(user, pk: int) -> Consultation:
    consultation = (
        Consultation.objects.for_org(user.organisation)
        .prefetch_related("people", "agencies", "actions__assignee")
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404
    consultation.engagement = get_engagement_for_user(
        user, consultation.engagement_id, for_write=True
    )
    return consultation


def get_follow_up_for_user(user, pk: int) -> FollowUpAction:
    """A follow-up action its assignee may always reach; others as for the engagement."""
    action = (
        FollowUpAction.objects.for_org(user.organisation)
        .select_related("consultation__engagement__created_by")
        .select_related("consultation__engagement__key_person")
        .select_related("consultation__engagement__service_manager")
        .filter(pk=pk)
        .first()
    )
    if action is None or not rules.can_work_with_programmes(user):
        raise Http404
    if action.assignee_id != user.pk and not rules.can_view_engagement(
        user, action.consultation.engagement
    ):
        raise Http404
    return action


def get_open_access_for_user(user, pk: int) -> OpenAccessSession:
    session = (
        OpenAccessSession.objects.for_org(user.organisation)
        .select_related("service__programme", "created_by", "entered_in_error_by")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


OPEN_ACCESS_PAGE = 25


def open_access_sessions(programme: Programme, cursor: str | None, *, in_error=False):
    """A programme's open-access sessions, newest first, paged by keyset."""
    rows = (
        OpenAccessSession.objects.for_org(programme.organisation)
        .filter(~CURRENT if in_error else CURRENT, service__programme=programme)
        .select_related("service__programme", "created_by")
    )
    after = _cursor(cursor)
    if after is not None:
        day, pk = after
        rows = rows.filter(Q(held_on__lt=day) | Q(held_on=day, id__lt=pk))
    page = list(rows.order_by("-held_on", "-id")[: OPEN_ACCESS_PAGE + 1])
    more = len(page) > OPEN_ACCESS_PAGE
    page = page[:OPEN_ACCESS_PAGE]
    return page, (f"{page[-1].held_on.isoformat()}_{page[-1].pk}" if more else None)


def corrections_of(record, record_type: str) -> list[Correction]:
    """The record's history of corrections, newest first, with who made each."""
    return list(
        Correction.objects.for_org(record.organisation)
        .filter(record_type=record_type, record_id=record.pk)
        .select_related("created_by")
        .order_by("-id")
    )


FOLLOW_UPS_ON_HOME = 5


def my_follow_ups(user) -> dict:
    """The reader's follow-up actions still to do, soonest first, and how many are overdue:
    two queries on the partial index, however many actions there are."""
    if not rules.can_work_with_programmes(user):
        return {"actions": [], "overdue": 0, "open": 0}
    rows = FollowUpAction.objects.for_org(user.organisation).filter(
        assignee=user,
        done_on__isnull=True,
        consultation__entered_in_error_at__isnull=True,
    )
    today = clock.today()
    counts = rows.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    shown = rows.select_related("consultation__engagement__child").only(
        "description", "due_on", *name_fields("consultation__engagement__child")
    )
    actions = list(shown.order_by("due_on", "pk")[:FOLLOW_UPS_ON_HOME])
    return {"actions": actions, "today": today, **counts}
