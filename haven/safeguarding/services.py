"""Every write to concerns and to the safeguarding configuration.

A concern is recorded once, in one transaction, and never deleted: a correction is a new
version (the old one stays in its history) and a mistake is marked "entered in error" by a
safeguarding lead, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from haven.access import roles, rules
from haven.accounts.models import Team, User, UserRole
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project, project_new
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed, require, require_same_organisation
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.safeguarding.alerts_chronology import project_concern_work
from haven.safeguarding.models import (
    BODY_MAP_MARK_KINDS,
    BODY_MAP_SIDES,
    Alert,
    CategoryPermission,
    Concern,
    ConcernCategory,
    ConcernChild,
    ConcernVersion,
    SafeguardingSettings,
    when_in_the_week,
)

MAX_LINKED_CHILDREN = 40
MAX_TEXT = 20_000


@dataclass
class ConcernData:
    """What a concern says: the fields a person fills in, already fetched in their
    organisation (the form does that)."""

    child: object
    category: ConcernCategory
    occurred_at: datetime
    account: str
    subcategory: ConcernCategory | None = None
    linked_children: list = field(default_factory=list)
    location: str = ""
    child_words: str = ""
    others_present: str = ""
    agencies: list = field(default_factory=list)
    body_map: list = field(default_factory=list)
    action_taken: str = ""
    status: str = Concern.Status.OPEN
    restricted: bool = False


TEXT_FIELDS = ("location", "account", "child_words", "others_present", "action_taken")


def _children(data: ConcernData) -> list:
    """The concern's children, the main one first, each once."""
    found = {data.child.pk: data.child} if data.child is not None else {}
    for person in data.linked_children:
        found.setdefault(person.pk, person)
    return list(found.values())


def _check_body_map(marks) -> list[dict]:
    if not isinstance(marks, list):
        raise DomainError("The body map could not be read. Place the marks again.")
    for mark in marks:
        ok = (
            isinstance(mark, dict)
            and mark.get("side") in BODY_MAP_SIDES
            and mark.get("kind") in BODY_MAP_MARK_KINDS
            and all(isinstance(mark.get(k), int | float) and 0 <= mark[k] <= 100 for k in "xy")
        )
        if not ok:
            raise DomainError("A body map mark is not complete. Check each mark and save again.")
    return marks


def _check(actor, data: ConcernData, *, before: Concern | None = None) -> None:
    """Everything wrong with a concern, as one clear message; nothing has been written."""
    children = _children(data)
    require_same_organisation(
        actor.organisation_id, *children, data.category, data.subcategory, *data.agencies
    )
    if data.child is None:
        raise DomainError("Choose the child the concern is about.")
    for person in children:
        if not person.is_child or person.merged_into_id:
            raise DomainError(f"{person.full_name} is not a child on record here.")
    if len(children) > MAX_LINKED_CHILDREN + 1:
        raise DomainError(f"Link no more than {MAX_LINKED_CHILDREN} other children.")
    category = data.category
    if category is None or category.parent_id is not None:
        raise DomainError("Choose a category.")
    unchanged = before is not None and before.category_id == category.pk
    if not unchanged:
        if not category.is_active:
            raise DomainError(f"“{category.name}” is no longer in use. Choose another category.")
        allowed = ConcernCategory.objects.for_org(actor.organisation).filter(
            rules.concern_category_add_q(actor), pk=category.pk
        )
        if not rules.is_safeguarding_lead(actor) and not allowed.exists():
            raise NotAllowed(f"Your teams may not record concerns under “{category.name}”.")
    sub = data.subcategory
    if sub is not None and sub.parent_id != category.pk:
        raise DomainError(f"“{sub.name}” is not part of “{category.name}”.")
    if data.occurred_at is None:
        raise DomainError("Give the date and time it happened.")
    if data.occurred_at > clock.now():
        raise DomainError("When it happened cannot be in the future.")
    if not (data.account or "").strip():
        raise DomainError("Say what happened.")
    for name in TEXT_FIELDS:
        if len(getattr(data, name) or "") > MAX_TEXT:
            raise DomainError("One of the boxes is too long. Shorten it and save again.")
    if data.status not in Concern.Status.values:
        raise DomainError("Choose the status.")
    if data.restricted and not rules.can_restrict_concern(actor):
        raise NotAllowed("You may not restrict a concern to the lead DSL.")
    _check_body_map(data.body_map)


# What recording or correcting a concern writes: an edit saves these alone, so it cannot
# undo a decision, an action's timing or an error mark written since the concern was read.
APPLIED_FIELDS = (
    "child",
    "category",
    "subcategory",
    "occurred_at",
    *TEXT_FIELDS,
    "body_map",
    "status",
    "restricted",
    "year_group",
    "occurred_weekday",
    "occurred_hour",
)


def _apply(concern: Concern, data: ConcernData) -> None:
    if concern.child_id != data.child.pk:
        concern.year_group = data.child.year_group  # for reports: the year group it fell in
    concern.child = data.child
    concern.category = data.category
    concern.subcategory = data.subcategory
    concern.occurred_at = data.occurred_at
    concern.occurred_weekday, concern.occurred_hour = when_in_the_week(data.occurred_at)
    for name in TEXT_FIELDS:
        setattr(concern, name, (getattr(data, name) or "").strip())
    concern.body_map = list(data.body_map)
    concern.status = data.status
    concern.restricted = bool(data.restricted)


def _snapshot(concern: Concern, children: list, agencies: list) -> dict:
    """The concern as it reads now, names included, so its history reads the same later."""
    return {
        "child": {"id": concern.child_id, "name": concern.child.full_name},
        "linked_children": [
            {"id": p.pk, "name": p.full_name} for p in children if p.pk != concern.child_id
        ],
        "category": {"id": concern.category_id, "name": concern.category.name},
        "subcategory": (
            {"id": concern.subcategory_id, "name": concern.subcategory.name}
            if concern.subcategory_id
            else None
        ),
        "occurred_at": concern.occurred_at.isoformat(),
        "occurred": f"{timezone.localtime(concern.occurred_at):%d/%m/%Y %H:%M}",
        **{name: getattr(concern, name) for name in TEXT_FIELDS},
        "agencies": [{"id": a.pk, "name": a.name} for a in agencies],
        "body_map": concern.body_map,
        "status": concern.status,
        "restricted": concern.restricted,
    }


def _settings_locked(organisation) -> SafeguardingSettings:
    """The organisation's settings row, locked: recording concerns one at a time per
    organisation keeps the running numbers gap-free and unique."""
    found = (
        SafeguardingSettings.objects.for_org(organisation)
        # Lock the settings row only: PostgreSQL cannot lock the outer-joined team.
        .select_for_update(of=("self",))
        .select_related("dsl_team")
        .first()
    )
    if found is None:
        try:
            with transaction.atomic():
                SafeguardingSettings.objects.create(
                    organisation=organisation,
                    dsl_team_id=organisation.dsl_team_id,
                    always_alert_dsl_team=organisation.always_alert_dsl_team,
                )
        except IntegrityError:
            pass  # created by a concurrent recording a moment ago
        return _settings_locked(organisation)
    return found


def _recipients(actor, concern, settings, teams, people) -> list[tuple[User, Team | None]]:
    """Who to alert, each once, with the team they were alerted through (if any).

    Every member of every chosen team and every chosen person; the safeguarding team too when
    the organisation always alerts it. Never the recorder, never anyone inactive or from
    elsewhere, and never someone who could not open the concern: a restricted concern goes
    only to lead DSLs, and a category limited to some teams only to their members and leads.
    """
    teams = list(teams)
    if settings.always_alert_dsl_team and settings.dsl_team is not None:
        teams.append(settings.dsl_team)
    chosen: dict[int, tuple[User, Team | None]] = {}
    if teams:
        members = Team.members.through.objects.filter(
            team_id__in={t.pk for t in teams}
        ).select_related("user")
        by_team = {t.pk: t for t in teams}
        for link in members.order_by("team_id", "user_id"):
            chosen.setdefault(link.user_id, (link.user, by_team[link.team_id]))
    for person in people:
        chosen.setdefault(person.pk, (person, None))
    chosen.pop(actor.pk, None)
    found = {
        pk: pair
        for pk, pair in chosen.items()
        if pair[0].is_active and pair[0].organisation_id == concern.organisation_id
    }
    if concern.restricted:
        leads = _holders(concern.organisation, [roles.DSL])
        found = {pk: pair for pk, pair in found.items() if pk in leads}
        for user in User.objects.for_org(concern.organisation).filter(
            pk__in=leads - found.keys() - {actor.pk}, is_active=True
        ):
            found[user.pk] = (user, None)
        return list(found.values())
    limited = list(
        CategoryPermission.objects.for_org(concern.organisation)
        .filter(category_id=concern.category_id, can_view=True)
        .values_list("team_id", flat=True)
    )
    if limited and found:
        may_view = set(
            Team.members.through.objects.filter(
                team_id__in=limited, user_id__in=list(found)
            ).values_list("user_id", flat=True)
        ) | _holders(concern.organisation, [roles.DSL, roles.DEPUTY_DSL], among=list(found))
        found = {pk: pair for pk, pair in found.items() if pk in may_view}
    return list(found.values())


def _holders(organisation, codes, among=None) -> set[int]:
    grants = UserRole.objects.for_org(organisation).filter(role__in=codes)
    if among is not None:
        grants = grants.filter(user_id__in=among)
    return set(grants.values_list("user_id", flat=True))


def _alert(actor, concern, recipients) -> list[Alert]:
    alerts = Alert.unscoped.bulk_create(
        Alert(
            organisation_id=concern.organisation_id,
            created_by=actor,
            concern=concern,
            recipient=user,
            team=team,
            reason=Alert.Reason.RECORDED,
        )
        for user, team in recipients
    )
    if recipients:
        # The title stays inside Haven; the email says only that there is something to read.
        notify(
            recipients=[user for user, _team in recipients],
            kind=Kind.CONCERN_ALERT,
            title=f"You have been alerted to concern {concern.number}",
            url=reverse("safeguarding:concern", args=[concern.pk]),
        )
    return alerts


def _document_kind(organisation, upload):
    """Photos are filed as photos, anything else as "Other" (or the list's first kind)."""
    from haven.configuration.queries import options
    from haven.documents.picklists import DOCUMENT_KINDS

    kinds = {o.label.lower(): o for o in options(organisation, DOCUMENT_KINDS.key)}
    is_photo = (getattr(upload, "content_type", "") or "").startswith("image/")
    found = kinds.get("photo" if is_photo else "other") or next(iter(kinds.values()), None)
    if found is None:
        raise DomainError("There is no kind of document to file attachments under yet.")
    return found


def _attach(actor, concern: Concern, uploads, request) -> None:
    """Keep each attachment in the main child's document vault, seen only by those who may
    open the concern. Called inside the concern's transaction: a refused file stops it all."""
    if not uploads:
        return
    from haven.documents.services import document_store

    stored = [
        document_store(
            actor=actor,
            person=concern.child,
            upload=upload,
            kind=_document_kind(concern.organisation, upload),
            description=f"Attached to concern {concern.number}",
            scope=f"concern:{concern.pk}",
            request=request,
        )
        for upload in uploads
    ]
    concern.documents.add(*stored)


def _attach_children(concern: Concern, children: list) -> None:
    # Read by the chronology projector, so writing the entries costs no extra query.
    concern.projected_children = children


def concern_record(
    *,
    actor,
    data: ConcernData,
    alert_teams=(),
    alert_people=(),
    attachments=(),
    request=None,
) -> Concern:
    """Record a concern, in one transaction: its running number, the concern, a row for
    each child it is about, version 1, an alert and a notification for everyone it alerts,
    an audit event, an entry in each child's chronology, and the cumulative concern check.

    Speed: a fixed number of queries however many children, teams or people: rows are
    written in bulk (asserted in the tests).
    """
    require(rules.can_record_concern(actor))
    _check(actor, data)
    teams, people = list(alert_teams), list(alert_people)
    require_same_organisation(actor.organisation_id, *teams, *people)
    children = _children(data)
    organisation = actor.organisation
    with transaction.atomic():
        settings = _settings_locked(organisation)
        last = Concern.objects.for_org(organisation).aggregate(m=Max("number"))["m"]
        concern = Concern(organisation=organisation, created_by=actor, number=(last or 0) + 1)
        _apply(concern, data)
        concern.save()
        if data.agencies:
            Concern.agencies.through.objects.bulk_create(
                Concern.agencies.through(concern_id=concern.pk, agency_id=a.pk)
                for a in {a.pk: a for a in data.agencies}.values()
            )
        _attach(actor, concern, attachments, request)
        ConcernChild.unscoped.bulk_create(
            ConcernChild(
                organisation=organisation,
                created_by=actor,
                concern=concern,
                person=person,
                is_primary=person.pk == data.child.pk,
            )
            for person in children
        )
        ConcernVersion.objects.create(
            organisation=organisation,
            created_by=actor,
            concern=concern,
            number=1,
            snapshot=_snapshot(concern, children, data.agencies),
        )
        alerts = _alert(actor, concern, _recipients(actor, concern, settings, teams, people))
        concern.alerted = len(alerts)
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=concern,
            person_id=data.child.pk,
            detail={
                "what": "concern",
                "children": [p.pk for p in children],
                "alerted": len(alerts),
                "restricted": concern.restricted,
            },
        )
        _attach_children(concern, children)
        project_new([concern])
        from haven.safeguarding.cumulative import cumulative_check

        cumulative_check(concern=concern, actor=actor)
    return concern


def concern_edit(
    *, actor, concern: Concern, data: ConcernData, reason: str, attachments=(), request=None
) -> Concern:
    """Correct a concern: a new version, stamped with who and when, the earlier ones kept.
    The chronology entry of each child now says it was edited."""
    require(rules.can_edit_concern(actor, concern), "You may not edit this concern.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you are editing the concern.")
    if len(reason) > 2000:
        raise DomainError("Keep the reason for the edit under 2,000 characters.")
    _check(actor, data, before=concern)
    children = _children(data)
    organisation = concern.organisation
    with transaction.atomic():
        locked = Concern.objects.for_org(organisation).select_for_update().get(pk=concern.pk)
        if locked.version != concern.version or locked.entered_in_error:
            raise DomainError(
                "Someone else changed this concern while you were editing. Open it again "
                "to see their version, then make your change."
            )
        before_ids = set(
            ConcernChild.objects.for_org(organisation)
            .filter(concern=concern)
            .values_list("person_id", flat=True)
        )
        _apply(concern, data)
        concern.version += 1
        concern.edited_at = clock.now()
        concern.save(update_fields=[*APPLIED_FIELDS, "version", "edited_at", "modified_at"])
        concern.agencies.set(data.agencies)
        _attach(actor, concern, attachments, request)
        wanted = {p.pk for p in children}
        ConcernChild.objects.for_org(organisation).filter(
            concern=concern, person_id__in=before_ids - wanted
        ).delete()
        ConcernChild.unscoped.bulk_create(
            ConcernChild(
                organisation=organisation, created_by=actor, concern=concern, person=person
            )
            for person in children
            if person.pk not in before_ids
        )
        ConcernChild.objects.for_org(organisation).filter(concern=concern).update(is_primary=False)
        ConcernChild.objects.for_org(organisation).filter(
            concern=concern, person=data.child
        ).update(is_primary=True)
        ConcernVersion.objects.create(
            organisation=organisation,
            created_by=actor,
            concern=concern,
            number=concern.version,
            snapshot=_snapshot(concern, children, data.agencies),
            reason=reason,
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=concern,
            person_id=concern.child_id,
            detail={"what": "concern", "version": concern.version, "reason": reason[:200]},
        )
        _attach_children(concern, children)
        project(concern)
    return concern


def concern_mark_error(*, actor, concern: Concern, reason: str, request=None) -> Concern:
    """A safeguarding lead marks a concern as entered in error: it leaves lists and the
    default chronology but is kept, with who, when and why."""
    require(
        rules.can_mark_concern_in_error(actor, concern),
        "Only a safeguarding lead can mark a concern as entered in error.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the concern was entered in error.")
    with transaction.atomic():
        locked = Concern.objects.for_org(concern.organisation).select_for_update()
        if locked.get(pk=concern.pk).entered_in_error:
            raise DomainError("This concern is already marked as entered in error.")
        concern.entered_in_error = True
        concern.error_reason = reason[:2000]
        concern.error_by = actor
        concern.error_at = clock.now()
        concern.save(
            update_fields=[
                "entered_in_error",
                "error_reason",
                "error_by",
                "error_at",
                "modified_at",
            ]
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=concern,
            person_id=concern.child_id,
            detail={"what": "concern entered in error", "reason": concern.error_reason[:200]},
        )
        project(concern)
        project_concern_work(concern)  # its actions and decisions leave the default view too
    return concern


def concern_viewed(*, actor, concern: Concern, request=None) -> None:
    """Reading a concern is an access to each child's record: it is audited."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=concern,
        person_id=concern.child_id,
        detail={"what": "concern"},
    )


# --- Configuration: taxonomy, team permissions, settings ---------------------------------


def _configure(actor) -> None:
    require(rules.can_configure_safeguarding(actor), "Only an administrator can do that.")


def category_save(
    *,
    actor,
    name: str,
    description: str = "",
    parent: ConcernCategory | None = None,
    is_active: bool = True,
    position: int | None = None,
    category: ConcernCategory | None = None,
) -> ConcernCategory:
    """Add or change a category (with ``parent``, a sub-category of it)."""
    _configure(actor)
    require_same_organisation(actor.organisation_id, parent, category)
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the category a name.")
    if parent is not None and parent.parent_id is not None:
        raise DomainError("A sub-category belongs to a top-level category.")
    if category is not None and parent is not None and category.subcategories.exists():
        raise DomainError("A category with sub-categories cannot become a sub-category.")
    creating = category is None
    category = category or ConcernCategory(organisation=actor.organisation, created_by=actor)
    if creating and position is None:
        siblings = ConcernCategory.objects.for_org(actor.organisation).filter(parent=parent)
        position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    category.name = name[:120]
    category.description = (description or "").strip()[:300]
    category.parent = parent
    category.is_active = is_active
    if position is not None:
        category.position = position
    try:
        with transaction.atomic():
            category.save()
            record_event(
                action=Action.CREATE if creating else Action.UPDATE,
                actor=actor,
                obj=category,
                detail={"what": "concern category", "active": is_active},
            )
    except IntegrityError:
        raise DomainError(f"There is already a category called “{name}” here.") from None
    return category


def category_permission_set(
    *, actor, team, category: ConcernCategory, can_add: bool, can_view: bool
) -> CategoryPermission | None:
    """Name ``team`` for a top-level category (or, with neither box ticked, stop naming it)."""
    _configure(actor)
    require_same_organisation(actor.organisation_id, team, category)
    if category.parent_id is not None:
        raise DomainError("Permissions are set on top-level categories.")
    existing = (
        CategoryPermission.objects.for_org(actor.organisation)
        .filter(team=team, category=category)
        .first()
    )
    with transaction.atomic():
        if not (can_add or can_view):
            if existing is not None:
                existing.delete()
                record_event(
                    action=Action.UPDATE,
                    actor=actor,
                    obj=category,
                    detail={"what": "category permission removed", "team": team.pk},
                )
            return None
        permission = existing or CategoryPermission(
            organisation=actor.organisation, created_by=actor, team=team, category=category
        )
        permission.can_add, permission.can_view = can_add, can_view
        permission.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=category,
            detail={
                "what": "category permission",
                "team": team.pk,
                "can_add": can_add,
                "can_view": can_view,
            },
        )
    return permission


SETTINGS_FIELDS = (
    "dsl_team",
    "always_alert_dsl_team",
    "cumulative_concerns",
    "cumulative_recorders",
    "cumulative_days",
    "cumulative_on_protection_plan",
)


def safeguarding_settings_update(*, actor, request=None, **changes) -> SafeguardingSettings:
    """Change the organisation's safeguarding settings. The safeguarding team and whether it
    is always alerted are kept on the organisation too, so every page agrees."""
    _configure(actor)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    require_same_organisation(actor.organisation_id, changes.get("dsl_team"))
    for key in ("cumulative_concerns", "cumulative_recorders", "cumulative_days"):
        if key in changes and not 1 <= (changes[key] or 0) <= 365:
            raise DomainError("Cumulative alert numbers must be between 1 and 365.")
    organisation = actor.organisation
    with transaction.atomic():
        settings = _settings_locked(organisation)
        changed = sorted(k for k, v in changes.items() if getattr(settings, k) != v)
        for key, value in changes.items():
            setattr(settings, key, value)
        settings.save()
        mirror = {k: changes[k] for k in ("dsl_team", "always_alert_dsl_team") if k in changes}
        if mirror:
            for key, value in mirror.items():
                setattr(organisation, key, value)
            organisation.save(update_fields=[*mirror, "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=settings,
            detail={"what": "safeguarding settings", "changed": changed},
        )
    return settings
