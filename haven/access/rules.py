"""Every permission decision in Haven, in one place.

Predicates take the acting user (and the object, where there is one) and answer yes or no.
Views, queries and templates all ask these; nothing else decides. Anything not granted
here is denied.
"""

from __future__ import annotations

from haven.access import roles


def is_active_member(user, organisation=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return organisation is None or user.organisation_id == organisation.pk


def is_elevated(user) -> bool:
    """Has this session proved the second factor? (django-otp sets is_verified.)"""
    return is_active_member(user) and bool(getattr(user, "is_verified", lambda: False)())


def can_administer(user) -> bool:
    return is_active_member(user) and user.has_role(roles.ADMINISTRATOR)


def can_view_audit_log(user) -> bool:
    return can_administer(user)


def can_view_record_access(user) -> bool:
    """May list who has viewed a person's record (DSLs and administrators)."""
    return is_active_member(user) and user.has_role(
        roles.DSL, roles.DEPUTY_DSL, roles.ADMINISTRATOR
    )


def can_manage_user(actor, user) -> bool:
    return can_administer(actor) and actor.organisation_id == user.organisation_id


def can_deactivate_user(actor, user) -> bool:
    # Nobody switches themselves off: an organisation must never lose its last administrator
    # by a slip of the mouse.
    return can_manage_user(actor, user) and actor.pk != user.pk


def can_read_notification(user, notification) -> bool:
    return is_active_member(user) and notification.recipient_id == user.pk


def can_use_draft(user, draft) -> bool:
    return is_active_member(user) and draft.author_id == user.pk


# --- Chronology ---------------------------------------------------------------------------

# What a ``*_chronology_scopes`` function answers for a reader who may see every record of its
# kind in the organisation (the lead DSL and concerns, say): every scope of that kind.
EVERY = "every"


def chronology_scopes_for(user, child=None):
    """Narrow chronology scopes (e.g. "engagement:12") this user may also see, as a list or
    a subquery of strings, or ``EVERY``."""
    return engagement_chronology_scopes(user, child)


def can_export_chronology(user) -> bool:
    """Exports are for those who may read children's chronologies; the view also asks for a
    second factor from the last 15 minutes and the entries are only those they may see."""
    return can_search_people(user)


def can_view_household_chronology(user) -> bool:
    """Every child's own page decides which children appear; this only admits the reader."""
    return can_search_people(user)


def can_mark_significant_any(user) -> bool:
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL)


def can_mark_significant(user, entry) -> bool:
    return (
        is_active_member(user)
        and user.organisation_id == entry.organisation_id
        and user.has_role(roles.DSL, roles.DEPUTY_DSL)
    )


# --- People -----------------------------------------------------------------------------

PEOPLE_READERS = frozenset(
    {
        roles.STAFF,
        roles.PRACTITIONER,
        roles.DSL,
        roles.DEPUTY_DSL,
        roles.LINE_MANAGER,
        roles.ADMINISTRATOR,
    }
)
PEOPLE_EDITORS = PEOPLE_READERS - {roles.STAFF}


# The people predicates answer "may this person, by their roles, do this?". Whether the
# session is elevated is a fact about the sign-in, checked by the view decorators
# (``requires(..., elevated=True)``, the default), so services can use these rules too.


def can_search_people(user) -> bool:
    """Searching and browsing people (leaders never; always from an elevated session)."""
    # Front-door staff find and create the children and adults contacts are about; their
    # roles count only in a front door, wherever an administrator may have granted them.
    return is_active_member(user) and (user.has_role(*PEOPLE_READERS) or is_front_door_staff(user))


def is_limited_to_team_groups(user) -> bool:
    """Teachers may be limited to their teams' year and class groups (an org setting)."""
    return user.organisation.limit_staff_to_team_groups and user.role_codes <= {roles.STAFF}


def can_view_person(user, person) -> bool:
    if not can_search_people(user) or person.organisation_id != user.organisation_id:
        return False
    if not is_limited_to_team_groups(user):
        return True
    from haven.people.queries import people_visible_to

    return people_visible_to(user, include_merged=True).filter(pk=person.pk).exists()


def can_edit_people(user) -> bool:
    return is_active_member(user) and (user.has_role(*PEOPLE_EDITORS) or is_front_door_staff(user))


def can_edit_person(user, person) -> bool:
    return can_edit_people(user) and can_view_person(user, person)


def can_merge_people(user) -> bool:
    return is_active_member(user) and user.has_role(
        roles.DSL, roles.DEPUTY_DSL, roles.ADMINISTRATOR
    )


def can_import_people(user) -> bool:
    return can_merge_people(user)


# --- Workforce ----------------------------------------------------------------------------
# Staff records, training, induction and DBS checks. Administrators see and change everyone's
# in their organisation; line managers see the records of the people they manage; leaders
# see counts only; everyone sees their own. DBS certificate numbers are shown in full only to
# administrators.


def can_manage_workforce(user) -> bool:
    return can_administer(user)


def can_view_compliance(user) -> bool:
    """The compliance matrix and staff records (administrators all, line managers theirs)."""
    return is_active_member(user) and user.has_role(roles.ADMINISTRATOR, roles.LINE_MANAGER)


def can_view_workforce_counts(user) -> bool:
    return is_active_member(user) and user.has_role(
        roles.ADMINISTRATOR, roles.LINE_MANAGER, roles.LEADER
    )


def can_open_workforce(user) -> bool:
    """The Workforce menu and landing page: anyone who may see counts or plan training."""
    return can_view_workforce_counts(user) or can_plan_training(user)


def can_view_staff_record(user, staff) -> bool:
    if not can_view_compliance(user) or staff.organisation_id != user.organisation_id:
        return False
    return user.has_role(roles.ADMINISTRATOR) or staff.line_manager_id == user.pk


def can_view_own_training(user, staff) -> bool:
    return is_active_member(user) and staff.user_id == user.pk


def can_see_dbs_number(user) -> bool:
    return can_administer(user)


def can_plan_training(user) -> bool:
    """Learning-needs analyses: administrators and the safeguarding leads."""
    return is_active_member(user) and user.has_role(
        roles.ADMINISTRATOR, roles.DSL, roles.DEPUTY_DSL
    )


def can_see_expired_training(user) -> bool:
    """The home-page panel of staff whose required safeguarding training has expired."""
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL)


# --- Programmes ---------------------------------------------------------------------------
# Administrators configure programmes, services and agencies but see no engagement content.
# An engagement, and everything recorded in it, is need-to-know: whoever created it, its key
# person and service manager, the line managers of those three, and the safeguarding leads.
# Everyone else who works with programmes sees only how many engagements they cannot open.

PROGRAMME_WORKERS = frozenset({roles.PRACTITIONER, roles.DSL, roles.DEPUTY_DSL, roles.LINE_MANAGER})


def can_configure_programmes(user) -> bool:
    return can_administer(user)


def can_work_with_programmes(user) -> bool:
    """Opening engagements, recording sessions and consultations, reading programme reports."""
    return is_active_member(user) and user.has_role(*PROGRAMME_WORKERS)


def sees_every_engagement(user) -> bool:
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL)


def engagement_access_q(user, prefix: str = ""):
    """The engagements ``user`` may see, as a filter (``prefix`` reaches an engagement from
    a related table, e.g. "engagement__"). One filter, used by every list and count."""
    from django.db.models import Q

    if not can_work_with_programmes(user):
        return Q(pk__in=[])
    if sees_every_engagement(user):
        return Q()
    access = Q()
    for who in ("created_by", "key_person", "service_manager"):
        access |= Q(**{f"{prefix}{who}": user}) | Q(**{f"{prefix}{who}__line_manager": user})
    return access


def can_view_engagement(user, engagement) -> bool:
    if not can_work_with_programmes(user) or engagement.organisation_id != user.organisation_id:
        return False
    if sees_every_engagement(user):
        return True
    people = [engagement.created_by, engagement.key_person, engagement.service_manager]
    return any(p is not None and (p.pk == user.pk or p.line_manager_id == user.pk) for p in people)


def can_record_in_engagement(user, engagement) -> bool:
    """Adding deliveries and consultations, and closing: whoever may see it."""
    return can_view_engagement(user, engagement)


def engagement_chronology_scopes(user, child=None):
    """The "engagement:<id>" chronology scopes of every engagement ``user`` may see (of
    ``child`` when given: an engagement's entries are only ever on its child's chronology),
    as a subquery: the database matches them, however many there are."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from haven.programmes.models import Engagement

    if not can_work_with_programmes(user):
        return []
    if sees_every_engagement(user):
        return EVERY
    engagements = Engagement.objects.for_org(user.organisation).filter(engagement_access_q(user))
    if child is not None:
        engagements = engagements.filter(child=child)
    return engagements.annotate(scope=Concat(Value("engagement:"), Cast("id", CharField()))).values(
        "scope"
    )


# --- Documents ----------------------------------------------------------------------------
# A person's document vault. A document is read by whoever may read the person's record, and
# where it carries a narrower scope (an attachment to a restricted concern, say) only by
# those who may see that scope, exactly as in the chronology. Uploading from the vault page
# needs the right to edit the person; other features (recording a concern) attach files for
# anyone who may record about the person, so the service checks the wider rule.


def document_scope_q(user, person=None):
    """Documents ``user`` may see among a person's, by scope: unscoped ones, and those whose
    scope the chronology would show them (engagements, cases, concerns)."""
    from django.db.models import Q

    visible = Q(scope="") | chronology_scope_q(user, child=person)
    if is_in_mash_team(user):
        # What partner agencies attach to their answers to the MASH ("mash:<contact id>"):
        # confidential to the MASH team, whoever else may read the child's record.
        visible |= Q(scope__startswith="mash:")
    return visible


def document_scope_visible(user, document) -> bool:
    if not document.scope:
        return True
    from haven.documents.models import Document

    rows = Document.objects.for_org(user.organisation).filter(pk=document.pk)
    return rows.filter(document_scope_q(user, document.person)).exists()


def can_add_document(user, person) -> bool:
    """May attach a file about ``person`` (the document service's own check)."""
    if is_partner_agency_member(user):
        return can_attach_to_information_answer(user, person)
    return can_search_people(user) and person.organisation_id == user.organisation_id


def can_upload_document(user, person) -> bool:
    """May use the vault's upload form on the person's page."""
    return can_edit_person(user, person)


def can_view_document(user, document) -> bool:
    return (
        can_view_person(user, document.person)
        and document.organisation_id == user.organisation_id
        and document_scope_visible(user, document)
    )


def can_mark_document_in_error(user, document) -> bool:
    """A safeguarding lead, or whoever uploaded it, may mark it entered in error."""
    if not can_view_document(user, document):
        return False
    return document.uploaded_by_id == user.pk or user.has_role(roles.DSL, roles.DEPUTY_DSL)


# --- Concern alerts, actions and triage ---------------------------------------------------
# An alert belongs to the person alerted: only they see it and mark it read. Actions on a
# concern are added by whoever recorded it, whoever holds an unread alert on it (a DSL
# re-alerts someone who has already read it), and the safeguarding leads. Only the DSL and
# deputies triage concerns, re-alert colleagues and see or acknowledge cumulative concern
# alerts. A concern marked "restricted — lead DSL only" is for the DSL, not the deputies.


def can_use_alerts(user) -> bool:
    """Everyone who signs in has an alerts inbox: any member of staff may be alerted."""
    return is_active_member(user)


def can_read_alert(user, alert) -> bool:
    return (
        is_active_member(user)
        and alert.organisation_id == user.organisation_id
        and alert.recipient_id == user.pk
    )


def lead_may_open_concern(user, concern) -> bool:
    """A DSL or deputy who may see this concern (restricted ones are the lead DSL's)."""
    return is_safeguarding_lead(user) and can_view_concern(user, concern)


def can_add_concern_action(user, concern) -> bool:
    if concern.entered_in_error or not can_view_concern(user, concern):
        return False
    if is_safeguarding_lead(user) or concern.created_by_id == user.pk:
        return True
    from haven.safeguarding.models import Alert

    unread = Alert.objects.for_org(user.organisation).filter(
        concern_id=concern.pk, recipient_id=user.pk, read_at__isnull=True
    )
    return unread.exists()


def can_triage_concerns(user) -> bool:
    """Opening the triage queue and the cumulative concern alerts."""
    return is_safeguarding_lead(user)


def can_triage(user, concern) -> bool:
    return lead_may_open_concern(user, concern) and not concern.entered_in_error


def can_realert(user, concern) -> bool:
    return lead_may_open_concern(user, concern) and not concern.entered_in_error


def can_acknowledge_cumulative(user, cumulative) -> bool:
    return is_safeguarding_lead(user) and cumulative.organisation_id == user.organisation_id


# --- Safeguarding cases -------------------------------------------------------------------
# A case is need-to-know: its owner (key person), its manager, whoever a closure request is
# addressed to, the safeguarding leads, and — where the case sits in a programme engagement —
# everyone who may see that engagement. Owner, manager and the leads update it; the others
# read it. Only a DSL or deputy records that the local authority was notified, or reopens a
# closed case. Closures are decided by a line manager or safeguarding lead, never the person
# who asked.

CASE_WORKERS = frozenset({roles.PRACTITIONER, roles.DSL, roles.DEPUTY_DSL, roles.LINE_MANAGER})
CLOSURE_APPROVERS = frozenset({roles.LINE_MANAGER, roles.DSL, roles.DEPUTY_DSL})


def can_work_with_cases(user) -> bool:
    return is_active_member(user) and user.has_role(*CASE_WORKERS)


def sees_every_case(user) -> bool:
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL)


def case_access_q(user, prefix: str = ""):
    """The cases ``user`` may see, as one filter for every list and count."""
    from django.db.models import Q

    if not can_work_with_cases(user):
        return Q(pk__in=[])
    if sees_every_case(user):
        return Q()
    from haven.cases.models import ClosureRequest

    addressed = ClosureRequest.objects.for_org(user.organisation).filter(approver=user)
    access = (
        Q(**{f"{prefix}owner": user})
        | Q(**{f"{prefix}manager": user})
        | Q(**{f"{prefix}pk__in": addressed.values("case_id")})
    )
    if can_work_with_programmes(user):
        access |= Q(**{f"{prefix}engagement__isnull": False}) & engagement_access_q(
            user, prefix=f"{prefix}engagement__"
        )
    return access


def can_view_case(user, case) -> bool:
    if not can_work_with_cases(user) or case.organisation_id != user.organisation_id:
        return False
    if sees_every_case(user) or user.pk in (case.owner_id, case.manager_id):
        return True
    if case.engagement_id is not None and can_view_engagement(user, case.engagement):
        return True
    from haven.cases.models import ClosureRequest

    requests = ClosureRequest.objects.for_org(user.organisation)
    return requests.filter(case_id=case.pk, approver=user).exists()


def can_record_on_case(user, case) -> bool:
    """Adding monitoring actions and asking for closure: the owner, manager and the leads."""
    if not can_view_case(user, case):
        return False
    return sees_every_case(user) or user.pk in (case.owner_id, case.manager_id)


def can_open_case(user, child) -> bool:
    return can_work_with_cases(user) and can_view_person(user, child)


def can_record_la_notification(user, case=None) -> bool:
    return sees_every_case(user) and (case is None or case.organisation_id == user.organisation_id)


def can_reopen_case(user, case) -> bool:
    return sees_every_case(user) and case.organisation_id == user.organisation_id


def can_approve_closures(user) -> bool:
    return is_active_member(user) and user.has_role(*CLOSURE_APPROVERS)


def can_decide_closure(user, closure) -> bool:
    """The approver it was sent to (or a safeguarding lead standing in), never the person
    who asked."""
    if not can_approve_closures(user) or closure.organisation_id != user.organisation_id:
        return False
    if closure.created_by_id == user.pk:
        return False
    return closure.approver_id == user.pk or sees_every_case(user)


def can_see_all_open_cases(user) -> bool:
    """The DSL's list of every open case with overdue counts by owner."""
    return sees_every_case(user)


def can_configure_thresholds(user) -> bool:
    return can_administer(user)


# --- Threshold frameworks and decisions -----------------------------------------------------


def can_configure_threshold_frameworks(user) -> bool:
    """Listing, choosing, copying, editing, importing and exporting frameworks."""
    return can_administer(user)


def can_decide_threshold_on_concern(user, concern) -> bool:
    """The guided threshold decision is part of triage: the DSL and deputies."""
    return can_triage(user, concern)


def can_view_threshold_decisions_on_concern(user, concern) -> bool:
    return lead_may_open_concern(user, concern)


def can_decide_threshold_on_case(user, case) -> bool:
    """Those who record on the case: its owner, its manager and the leads."""
    return can_record_on_case(user, case)


def can_view_threshold_decisions_on_case(user, case) -> bool:
    return can_view_case(user, case)


def can_decide_thresholds_at_front_door(user) -> bool:
    """Those who choose a contact's RAG rating or make its early help decision."""
    return can_rate_contacts(user) or can_decide_mash(user) or can_make_early_help_decision(user)


def can_decide_threshold_on_contact(user, contact) -> bool:
    return can_decide_thresholds_at_front_door(user) and can_view_contact(user, contact)


def can_view_threshold_decisions_on_contact(user, contact) -> bool:
    return can_view_contact(user, contact)


def case_chronology_scopes(user, child=None):
    """The "case:<id>" chronology scopes of every case ``user`` may see (of ``child`` when
    given: a case's entries are only ever on its child's chronology), as a subquery."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from haven.cases.models import SafeguardingCase

    if not can_work_with_cases(user):
        return []
    if sees_every_case(user):
        return EVERY
    cases = SafeguardingCase.objects.for_org(user.organisation).filter(case_access_q(user))
    if child is not None:
        cases = cases.filter(child=child)
    return cases.annotate(scope=Concat(Value("case:"), Cast("id", CharField()))).values("scope")


def chronology_scope_q(user, field: str = "scope", child=None):
    """Chronology entries with a narrow scope that ``user`` may see, as one filter.

    Given the ``child``, each kind of scope is looked up among that child's records only, so
    the filter stays small however many engagements and cases the organisation has. A kind
    the reader sees every record of is matched by its prefix ("case:"): the same entries,
    with no subquery to build or run."""
    from django.db.models import Q

    def kind(prefix: str, scopes) -> Q:
        if scopes == EVERY:
            return Q(**{f"{field}__startswith": prefix})
        return Q(**{f"{field}__in": scopes})

    return (
        kind("engagement:", chronology_scopes_for(user, child))
        | kind("case:", case_chronology_scopes(user, child))
        | kind("concern:", concern_chronology_scopes(user, child))
        | kind("contact:", contact_chronology_scopes(user, child))
    )


# --- Tasks --------------------------------------------------------------------------------
# Anyone who signs in may keep tasks for themselves. Line managers and the safeguarding leads
# may also set tasks for colleagues. A task is seen by the person it is for and whoever set it.


def can_use_tasks(user) -> bool:
    return is_active_member(user)


def can_assign_tasks(user) -> bool:
    return is_active_member(user) and user.has_role(roles.LINE_MANAGER, roles.DSL, roles.DEPUTY_DSL)


def can_view_task(user, task) -> bool:
    return (
        is_active_member(user)
        and task.organisation_id == user.organisation_id
        and user.pk in (task.assignee_id, task.created_by_id)
    )


def can_complete_task(user, task) -> bool:
    return can_view_task(user, task)


# --- Safeguarding concerns ----------------------------------------------------------------
# Anyone who works here records a concern, with no second factor: recording must never wait.
# A concern is need-to-know. The DSL sees every one; deputies every one except those marked
# "restricted — lead DSL only"; everyone else sees what they recorded and what they were
# alerted to (never a restricted one they did not record). Team category permissions narrow
# what everyone but the safeguarding leads may see and add (see CategoryPermission).


def can_record_concern(user) -> bool:
    # A partner agency member answers the MASH's requests and nothing else: the concern
    # form's child finder would show them the front door's children.
    return is_active_member(user) and not is_partner_agency_member(user)


def is_lead_dsl(user) -> bool:
    return is_active_member(user) and user.has_role(roles.DSL)


def is_safeguarding_lead(user) -> bool:
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL)


def concern_needs_second_factor(user) -> bool:
    """Reading concerns: whoever's role reads children's histories proves it is them first;
    a member of staff reading what they recorded or were alerted to does not."""
    return is_active_member(user) and user.needs_second_factor


def _category_q(user, flag: str, field: str):
    """Categories ``user`` may add (``flag`` "can_add") or view ("can_view"): those no team
    is named for, and those a team of theirs is named for."""
    from django.db.models import Q

    from haven.safeguarding.models import CategoryPermission

    named = CategoryPermission.objects.for_org(user.organisation).filter(**{flag: True})
    theirs = named.filter(team__members=user)
    return ~Q(**{f"{field}__in": named.values("category_id")}) | Q(
        **{f"{field}__in": theirs.values("category_id")}
    )


def concern_category_view_q(user, prefix: str = ""):
    return _category_q(user, "can_view", f"{prefix}category_id")


def concern_category_add_q(user):
    """Top-level categories ``user`` may record a concern in (the leads: all of them)."""
    from django.db.models import Q

    if is_safeguarding_lead(user):
        return Q()
    return _category_q(user, "can_add", "pk")


def concern_access_q(user, prefix: str = ""):
    """The concerns ``user`` may see, as one filter for every list, count and page."""
    from django.db.models import Q

    if not is_active_member(user):
        return Q(pk__in=[])
    if is_lead_dsl(user):
        return Q()
    if user.has_role(roles.DEPUTY_DSL):
        return Q(**{f"{prefix}restricted": False}) | Q(**{f"{prefix}created_by": user})
    from haven.safeguarding.models import Alert

    alerted = Alert.objects.for_org(user.organisation).filter(recipient=user)
    mine = Q(**{f"{prefix}created_by": user})
    told = Q(**{f"{prefix}pk__in": alerted.values("concern_id"), f"{prefix}restricted": False})
    return (mine | told) & concern_category_view_q(user, prefix)


def can_view_concern(user, concern) -> bool:
    if not is_active_member(user) or concern.organisation_id != user.organisation_id:
        return False
    if is_lead_dsl(user):
        return True
    from haven.safeguarding.models import Concern

    visible = Concern.objects.for_org(user.organisation).filter(concern_access_q(user))
    return visible.filter(pk=concern.pk).exists()


def can_edit_concern(user, concern) -> bool:
    """Correcting a concern (a new version): the person who recorded it, or a lead."""
    if concern.entered_in_error or not can_view_concern(user, concern):
        return False
    return concern.created_by_id == user.pk or is_safeguarding_lead(user)


def can_mark_concern_in_error(user, concern) -> bool:
    return (
        not concern.entered_in_error
        and is_safeguarding_lead(user)
        and can_view_concern(user, concern)
    )


def can_restrict_concern(user) -> bool:
    """Anyone recording may keep a concern to the lead DSL (an allegation about a colleague,
    say): it only ever narrows who sees it."""
    return can_record_concern(user)


def can_add_concern_attachments(user) -> bool:
    """Attachments go into the child's document vault, which the document service allows to
    those who work with children's records."""
    return can_search_people(user)


def can_configure_safeguarding(user) -> bool:
    return can_administer(user)


def concern_chronology_scopes(user, child=None):
    """The "concern:<id>" chronology scopes of the concerns ``user`` may see (about ``child``
    when given, which keeps the subquery to that child's handful), as a subquery."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from haven.safeguarding.models import Concern

    if not is_active_member(user):
        return []
    if is_lead_dsl(user):
        return EVERY
    concerns = Concern.objects.for_org(user.organisation).filter(concern_access_q(user))
    if child is not None:
        concerns = concerns.filter(children__person=child)
    return concerns.annotate(scope=Concat(Value("concern:"), Cast("id", CharField()))).values(
        "scope"
    )


# --- Reports ------------------------------------------------------------------------------
# Organisation-wide figures for the safeguarding leads, line managers and leaders/governors.
# Leaders see counts only, with small numbers suppressed; nobody else sees reports.


def can_view_reports(user) -> bool:
    return is_active_member(user) and user.has_role(
        roles.DSL, roles.DEPUTY_DSL, roles.LINE_MANAGER, roles.LEADER
    )


def sees_full_report_figures(user) -> bool:
    """Unsuppressed figures and staff names (recorders, case owners): leads and managers."""
    return is_active_member(user) and user.has_role(roles.DSL, roles.DEPUTY_DSL, roles.LINE_MANAGER)


def sees_children_in_reports(user) -> bool:
    """Children's names in a report ("rising concerns"): only the safeguarding leads, who may
    open every concern anyway."""
    return is_safeguarding_lead(user)


# --- The children's front door ------------------------------------------------------------
# Front-door staff work contacts in a front-door organisation. The MASH workflow (information
# requests, the partners' answers, the MASH record) is for members of the MASH team only; a
# partner agency member sees nothing but the requests addressed to their own agencies.


def _in_front_door(user) -> bool:
    from haven.accounts.models import Organisation

    return is_active_member(user) and user.organisation.kind == Organisation.Kind.FRONT_DOOR


def is_front_door_staff(user) -> bool:
    return _in_front_door(user) and user.has_role(*roles.FRONT_DOOR_STAFF)


def is_partner_agency_member(user) -> bool:
    return _in_front_door(user) and user.has_role(roles.PARTNER_AGENCY_MEMBER)


def is_in_mash_team(user) -> bool:
    """A member of the organisation's MASH team (``FrontDoorSettings.mash_team``)."""
    if not is_front_door_staff(user):
        return False
    cached = getattr(user, "_haven_in_mash_team", None)
    if cached is None:
        from haven.frontdoor.models import FrontDoorSettings

        cached = (
            FrontDoorSettings.objects.for_org(user.organisation)
            .filter(mash_team__members=user)
            .exists()
        )
        user._haven_in_mash_team = cached
    return cached


def can_log_contacts(user) -> bool:
    """Screening officers log contacts; senior practitioners and MASH managers may too."""
    return is_front_door_staff(user) and user.has_role(
        roles.SCREENING_OFFICER, roles.SENIOR_PRACTITIONER, roles.MASH_MANAGER
    )


def can_screen_contacts(user) -> bool:
    return is_front_door_staff(user) and user.has_role(
        roles.SCREENING_OFFICER, roles.SENIOR_PRACTITIONER
    )


def can_rate_contacts(user) -> bool:
    return is_front_door_staff(user) and user.has_role(roles.SENIOR_PRACTITIONER)


def can_gather_mash_information(user) -> bool:
    return is_in_mash_team(user) and user.has_role(roles.SOCIAL_WORKER, roles.MASH_MANAGER)


def can_decide_mash(user) -> bool:
    return is_in_mash_team(user) and user.has_role(roles.MASH_MANAGER)


def can_allocate_contacts(user) -> bool:
    """Passing an amber child-in-need contact to a social work team."""
    return is_front_door_staff(user) and user.has_role(
        roles.SENIOR_PRACTITIONER, roles.MASH_MANAGER
    )


def can_make_early_help_decision(user) -> bool:
    return is_front_door_staff(user) and user.has_role(
        roles.EARLY_HELP_MANAGER, roles.EARLY_HELP_COORDINATOR
    )


def can_configure_front_door(user) -> bool:
    return _in_front_door(user) and user.has_role(roles.ADMINISTRATOR)


def can_view_front_door_reports(user) -> bool:
    return _in_front_door(user) and user.has_role(
        roles.MASH_MANAGER, roles.SENIOR_PRACTITIONER, roles.EARLY_HELP_MANAGER, roles.LEADER
    )


def contact_access_q(user, prefix: str = ""):
    """The contacts ``user`` may open: every contact of their front door, for its staff. What
    the MASH gathered about a contact is further limited by ``can_view_mash``."""
    from django.db.models import Q

    return Q() if is_front_door_staff(user) else Q(pk__in=[])


def can_view_contact(user, contact) -> bool:
    return is_front_door_staff(user) and contact.organisation_id == user.organisation_id


def can_view_mash(user, contact) -> bool:
    """The MASH workflow of a contact: requests, answers, the MASH record."""
    return can_view_contact(user, contact) and is_in_mash_team(user)


def can_answer_information_request(user, request) -> bool:
    return (
        is_partner_agency_member(user)
        and request.organisation_id == user.organisation_id
        and request.status == "open"
        and request.agency.members.filter(pk=user.pk).exists()
    )


def can_view_information_request(user, request) -> bool:
    if request.organisation_id != user.organisation_id:
        return False
    if is_partner_agency_member(user):
        return request.agency.members.filter(pk=user.pk).exists()
    return can_view_mash(user, request.contact)


def can_refer_to_front_door(user) -> bool:
    """A DSL refers a concern to their organisation's configured front door."""
    return is_safeguarding_lead(user) and user.organisation.front_door_id is not None


def contact_chronology_scopes(user, child=None):
    """The "contact:<id>" scopes ``user`` may see: a police report attached to a contact is
    seen only by those who may open the contact, and front-door staff open every contact of
    their front door (``contact_access_q``)."""
    return EVERY if is_front_door_staff(user) else []


def can_record_consultations(user) -> bool:
    """A no-names consultation is taken by whoever answers the front door's telephone, and
    by its social workers, whom professionals ring to talk a worry through (seed 002, 5)."""
    return can_log_contacts(user) or (
        is_front_door_staff(user) and user.has_role(roles.SOCIAL_WORKER)
    )


def can_view_consultations(user) -> bool:
    return is_front_door_staff(user)


def can_view_consultation(user, consultation) -> bool:
    return can_view_consultations(user) and consultation.organisation_id == user.organisation_id


def can_view_front_door_referrals(user) -> bool:
    """A referring organisation's DSLs and deputies follow their referrals to the front door
    (status and the outcome feedback only)."""
    return is_safeguarding_lead(user) and not _in_front_door(user)


def can_attach_to_information_answer(user, person) -> bool:
    """A partner agency member attaches a file to their answer about someone named on a
    contact that has a request open to one of their agencies (filed MASH team only)."""
    from haven.frontdoor.models import InformationRequest

    return (
        is_partner_agency_member(user)
        and person.organisation_id == user.organisation_id
        and InformationRequest.objects.for_org(user.organisation)
        .filter(status="open", agency__members=user, contact__people__person=person)
        .exists()
    )


# --- Transfer files -----------------------------------------------------------------------
# Sending a child's safeguarding file to their new school or setting is the DSL's or a
# deputy DSL's job, for children of their own organisation; nobody else sees transfers.


def can_manage_transfer_files(user) -> bool:
    """The transfer list, the home-page panel and the pages (the transfer itself decides
    which organisation)."""
    return is_safeguarding_lead(user)


def can_transfer_file(user, child) -> bool:
    """May prepare and send ``child``'s safeguarding file."""
    return can_manage_transfer_files(user) and can_view_person(user, child)


def can_view_transfer(user, transfer) -> bool:
    return can_manage_transfer_files(user) and transfer.organisation_id == user.organisation_id
