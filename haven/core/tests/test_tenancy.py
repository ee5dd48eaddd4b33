"""Tenancy can't be forgotten (DESIGN.md, rule 4).

Three sweeps, each over everything there is, so that what is added later is covered too:

1. every model carries its organisation (or is on a short list, with the reason);
2. every organisation-scoped manager refuses to run a query until it is given one;
3. another organisation's DSL and administrator ask every URL about our records, and get
   nothing of ours back — not a name, an email, a team, our organisation's name — and
   change nothing of ours.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services as account_services
from haven.accounts.models import Organisation, User
from haven.audit.models import Action, AuditEvent
from haven.audit.services import record_event
from haven.configuration import services as configuration_services
from haven.configuration.registry import PICKLISTS
from haven.core import clock
from haven.core.models import OrgScopedModel, TenancyError
from haven.core.testing.factories import TEST_PASSWORD, UserFactory
from haven.core.testing.urls import by_name, url_names
from haven.drafts.services import draft_save
from haven.frontdoor.tests.tenancy_rows import FrontDoorRows, front_door_rows
from haven.jobs.services import run_all_jobs
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.people import imports as people_imports
from haven.people import services as people_services

# --- 1. Every model carries its organisation ----------------------------------------------

# Models that need no organisation, and why. Keep this short; every entry is a question
# a reviewer should be able to answer.
WITHOUT_ORGANISATION = {
    "accounts.Organisation": "it is the tenant itself",
    "audit.AuditChainHead": (
        "the head of each organisation's audit chain, keyed by the organisation's id (0 for "
        "events with no organisation); it holds a sequence number and a hash, no content"
    ),
}


def haven_models(*, include_auto_created: bool = False) -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("haven.")
        for model in config.get_models(include_auto_created=include_auto_created)
    ]


def carries_organisation(model) -> bool:
    if issubclass(model, OrgScopedModel):
        return True
    try:
        field_ = model._meta.get_field("organisation")
    except FieldDoesNotExist:
        return False
    return field_.many_to_one and field_.related_model is Organisation


def _label(model) -> str:
    return model._meta.label


@pytest.mark.parametrize("model", haven_models(), ids=_label)
def test_every_model_carries_its_organisation(model):
    if _label(model) in WITHOUT_ORGANISATION:
        return
    assert carries_organisation(model), (
        f"{_label(model)} has no organisation. Subclass haven.core.models.OrgScopedModel, "
        f"or add it to WITHOUT_ORGANISATION in {__file__} with the reason."
    )


def test_the_list_of_tables_no_url_names_is_not_stale():
    labels = {_label(model) for model in haven_models()}
    assert set(NOT_NAMED_BY_URLS) <= labels


def test_the_list_of_models_without_an_organisation_is_not_stale():
    labels = {_label(model) for model in haven_models()}
    for label in WITHOUT_ORGANISATION:
        assert label in labels, f"{label} no longer exists"
        assert not carries_organisation(apps.get_model(label)), f"{label} has one now"


@pytest.mark.parametrize(
    "through",
    [m for m in haven_models(include_auto_created=True) if m._meta.auto_created],
    ids=_label,
)
def test_a_many_to_many_table_only_joins_records_that_carry_their_organisation(through):
    ends = [f.related_model for f in through._meta.get_fields() if f.many_to_one]
    assert len(ends) == 2
    for end in ends:
        assert carries_organisation(end), f"{_label(through)} joins {_label(end)}"


# --- 2. Scoped managers refuse to run without an organisation ------------------------------

SCOPED_MODELS = [m for m in haven_models() if issubclass(m, OrgScopedModel)] + [User]

UNSCOPED_QUERIES = {
    "all": lambda m: m.objects.all(),
    "filter": lambda m: m.objects.filter(pk=1),
    "exclude": lambda m: m.objects.exclude(pk=1),
    "count": lambda m: m.objects.count(),
    "exists": lambda m: m.objects.exists(),
    "first": lambda m: m.objects.first(),
    "get": lambda m: m.objects.get(pk=1),
    "values": lambda m: m.objects.values("pk"),
    "iterator": lambda m: list(m.objects.iterator()),
    "aggregate": lambda m: m.objects.aggregate(n=models.Count("pk")),
    "update": lambda m: m.objects.update(),
    "create without an organisation": lambda m: m.objects.create(),
    "for_org(None)": lambda m: m.objects.for_org(None),
}


def test_users_and_every_org_scoped_model_are_swept():
    assert User in SCOPED_MODELS and len(SCOPED_MODELS) > 1


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
@pytest.mark.parametrize("query", UNSCOPED_QUERIES)
def test_the_objects_manager_refuses_a_query_without_an_organisation(model, query, db):
    with pytest.raises(TenancyError):
        UNSCOPED_QUERIES[query](model)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_for_org_returns_exactly_that_organisations_rows(model, riverside, other_org):
    org = riverside.org
    ours = set(model.unscoped.filter(organisation=org).values_list("pk", flat=True))
    assert set(model.objects.for_org(org).values_list("pk", flat=True)) == ours
    assert not model.objects.for_org(other_org).filter(pk__in=ours).exists()
    assert model.objects.for_org(org).filter(pk__in=ours).count() == len(ours)


def test_every_org_scoped_model_has_rows_in_the_sweep(riverside):
    # Otherwise the leak sweep below would be looking for records that were never there.
    # A new model is added to ``riverside`` along with it.
    orgs = riverside.organisations
    empty = [_label(m) for m in SCOPED_MODELS if not m.unscoped.filter(organisation__in=orgs)]
    assert not empty, f"Give the riverside fixture some {empty} rows"


# --- 3. Another organisation sees nothing of ours -----------------------------------------

PERSON_IDS = (7301, 7302)
# An MIS export: one pupil the check accepts, one it rejects for a broken UPN.
CENSUS = (
    b"UPN,Legal Surname,Legal Forename,DOB\n"
    b"L801260000001,Gallowglass,Ptolemy,14/03/2017\n"
    b"NOT-A-UPN,Rejectington,Cordelia,01/02/2018\n"
)
GUIDANCE = "Ring Mrs Honeysuckle-Tarrant on extension 4417"
USER_AGENT = "Riverside-Kiosk-Browser/7.1"


@dataclass
class Riverside:
    """``org`` with a little of everything, and the strings that only ``org`` uses."""

    org: Organisation
    secrets: set[str] = field(default_factory=set)
    # Pages where people of ``org`` see the secrets (the sweep's own check).
    our_pages: list[str] = field(default_factory=list)
    # Pages only the safeguarding lead sees (engagements are need-to-know, not for admins).
    lead_pages: list[str] = field(default_factory=list)
    # The front door ``org`` refers to, with a row of every front-door kind.
    front_door: FrontDoorRows | None = None

    @property
    def organisations(self) -> list[Organisation]:
        return [self.org] + ([self.front_door.organisation] if self.front_door else [])

    def rows(self) -> dict:
        return {org.pk: tenant_rows(org) for org in self.organisations}

    def ids(self, organisation: Organisation | None = None) -> list[int]:
        """Every id of every record of ours (of ``organisation``: the school unless named)
        that a URL could name, and the person numbers in its audit trail."""
        organisation = organisation or self.org
        found = {organisation.pk, *PERSON_IDS}
        for model in haven_models():
            if carries_organisation(model) and _label(model) not in NOT_NAMED_BY_URLS:
                rows = model._base_manager.filter(organisation=organisation)
                found |= set(rows.values_list("pk", flat=True))
        events = AuditEvent.objects.filter(organisation=organisation, person_id__isnull=False)
        found |= set(events.values_list("person_id", flat=True))
        return sorted(found)


# Tables whose ids no page takes, left out of the ids the sweep tries so that it stays
# quick. A page that starts naming one of these rows by id must come off this list.
NOT_NAMED_BY_URLS = {
    "audit.AuditEvent": "pages filter the trail; none names one event",
    "accounts.UserRole": "roles are edited through the member of staff",
    "people.SearchToken": "an index of name pieces, written by the people services",
    "thresholds.FrameworkVersion": "pages name the framework; a version is shown through it",
    "thresholds.Level": "levels are chosen in a form, never named in a URL",
    "thresholds.Domain": "domains are shown in the decision form, never named in a URL",
    "thresholds.Indicator": "indicators are ticked in a form, never named in a URL",
    "thresholds.TickedIndicator": "shown with their decision",
    "thresholds.ThresholdDecision": "shown on the concern and in the chronology",
}


@pytest.fixture
def stranger_admin(other_org):
    return UserFactory(
        organisation=other_org,
        full_name="Olive Otherside",
        email="olive.otherside@example.net",
        roles=["administrator"],
        authenticator=True,
    )


@pytest.fixture
def riverside(org, admin, dsl, deputy_dsl, manager, key_person, staff_member, leader):
    """Rows of every kind in ``org``, made the way the application makes them."""
    create = account_services.user_create
    zebedee = create(
        organisation=org,
        email="zebedee.quillfeather@riverside.example",
        full_name="Zebedee Quillfeather",
        job_title="Forest school lead",
        role_codes=["staff"],
        password=None,
        actor=admin,
    )
    marigold = create(
        organisation=org,
        email="marigold.featherstone@riverside.example",
        full_name="Marigold Featherstone",
        role_codes=["practitioner"],
        password=None,
        line_manager=manager,
        actor=admin,
    )
    barnaby = create(
        organisation=org,
        email="barnaby.oldacre@riverside.example",
        full_name="Barnaby Oldacre",
        role_codes=["staff"],
        password=None,
        actor=admin,
    )
    account_services.user_deactivate(user=barnaby, actor=admin)
    kestrel = account_services.team_save(
        actor=admin,
        organisation=org,
        name="Kestrel Nurture Group",
        description="Thursday drop-in at the Riverside pavilion",
        members=[zebedee, marigold, dsl],
    )
    heron = account_services.team_save(
        actor=admin, organisation=org, name="Heron Attendance Panel", members=[key_person]
    )
    account_services.user_update(
        user=zebedee,
        actor=admin,
        full_name=zebedee.full_name,
        job_title=zebedee.job_title,
        role_codes=["staff", "practitioner"],
        teams=[kestrel],
        line_manager=manager,
    )
    account_services.organisation_update(
        organisation=org, actor=admin, safeguarding_guidance=GUIDANCE, dsl_team=kestrel
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        account_services.invitation_create(
            actor=admin,
            email="ottoline.marchbanks@riverside.example",
            full_name="Ottoline Marchbanks",
            role_codes=["practitioner"],
            teams=[heron],
            line_manager=manager,
        )
        withdrawn = account_services.invitation_create(
            actor=admin,
            email="percival.withdrawn@riverside.example",
            full_name="Percival Withdrawn",
            role_codes=["staff"],
        )
    account_services.invitation_revoke(invitation=withdrawn, actor=admin)
    notify(
        recipients=[dsl, key_person, admin],
        kind=Kind.SECURITY,
        title="Riverside check-in for Zebedee Quillfeather",
        url="/account/",
    )
    draft_save(
        author=dsl,
        form_key="organisation-settings",
        label="Riverside unfinished guidance",
        url="/administration/organisation/",
        data={"safeguarding_guidance": "Draft naming Honeysuckle-Tarrant"},
    )
    draft_save(
        author=admin,
        form_key="organisation-settings",
        label="Riverside unfinished guidance",
        url="/administration/organisation/",
        data={"safeguarding_guidance": "Draft naming Honeysuckle-Tarrant"},
    )
    for person_id, actor in zip(PERSON_IDS, (dsl, key_person), strict=True):
        record_event(
            action=Action.VIEW,
            actor=actor,
            person_id=person_id,
            detail={"what": "Riverside child record"},
        )
    # A real sign-in, so that there is a signed-in session (with its user agent) of ours.
    Client(HTTP_USER_AGENT=USER_AGENT).post(
        reverse("accounts:sign_in"), {"email": staff_member.email, "password": TEST_PASSWORD}
    )
    # And a used second factor with recovery codes, for the person who has them.
    from haven.accounts import two_factor

    two_factor.issue_recovery_codes(user=dsl, request=None)
    option = configuration_services.option_add(
        actor=admin, list_key="gender", label="Riverside-only gender option"
    )
    child = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Wilhelmina",
            "last_name": "Tiddlesworth",
            "date_of_birth": date(2017, 3, 14),
            "school": "Riverside Test Primary",
            "medical_details": "Carries an adrenaline pen for a walnut allergy",
            "gender": option,
        },
        address={"address_line_1": "14 Kingfisher Lane", "town": "Otterbridge"},
        identifiers=[("other", "Riverside admission number", "RIV-77412")],
        duplicate_reason="test data",
    )
    mother = people_services.person_create(
        actor=dsl,
        data={"kind": "adult", "first_name": "Araminta", "last_name": "Tiddlesworth"},
        household=child.household,
        duplicate_reason="test data",
    )
    # A photo in the child's header, so that its access-checked address is swept too.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.documents.demo import tiny_png
    from haven.people.photos import person_photo_set

    person_photo_set(
        person=child, actor=dsl, upload=SimpleUploadedFile("wilhelmina.png", tiny_png())
    )
    people_services.relationship_add(
        person=child,
        related=mother,
        actor=dsl,
        type="mother",
        explanation="Araminta collects on Tuesdays",
        parental_responsibility=True,
    )
    census = people_imports.import_upload(actor=dsl, name="riverside-autumn-census.csv", raw=CENSUS)
    people_imports.import_check(actor=dsl, upload=census, mapping=census.mapping)
    run_all_jobs()
    people_services.flag_start(
        person=child,
        actor=dsl,
        flag="social_care",
        start_date=clock.today(),
        allocated_worker="Priya Okonkwo-Bell",
    )
    # A move leaves a HouseholdMove and a chronology entry naming both households.
    lodger = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Barnaby",
            "last_name": "Quillfeather",
            "date_of_birth": date(2016, 5, 5),
        },
        household=child.household,
        duplicate_reason="test data",
    )
    people_services.person_move(
        person=lodger, actor=dsl, address={"address_line_1": "3 Heronsgate Mews"}
    )
    programme_rows = _programme_rows(admin, dsl, key_person, child, mother)
    case_rows = _case_rows(
        admin, dsl, key_person, manager, child, programme_rows["engagement"]["pk"]
    )
    concern = _concern_rows(admin, dsl, key_person, child, lodger)
    _threshold_rows(admin, dsl, concern)

    # Workforce: a volunteer without a sign-in, with a certificate, a DBS check, induction,
    # a training session, the organisation's own level wording, a learning-needs analysis,
    # and the reminders sent when it all expires.
    from datetime import timedelta

    from haven.notifications.reminders import send_reminders
    from haven.workforce import services as workforce_services
    from haven.workforce.tests.records import workforce_records

    workforce = workforce_records(
        admin,
        manager,
        name="Philippa Pettigrew-Quince",
        course_name="Riverside kite-flying safeguarding",
        dbs_number="004417008812",
    )
    workforce_services.training_session_record(
        actor=admin,
        course=workforce.course,
        held_on=clock.today() - timedelta(days=1),
        token="riverside-session",
        attendees=[(0, workforce_services.Attendee(workforce.staff, "Sat by the pavilion door"))],
    )
    workforce_services.workforce_settings_update(
        actor=admin, level_2_description="Riverside level two wording"
    )
    send_reminders(today=clock.today() + timedelta(days=3 * 366))

    # Documents: a photo in the child's vault, and a letter marked entered in error.
    from haven.documents.tests.records import document_records

    document_records(
        dsl,
        child,
        title="Riverside kite-club photograph",
        description="Taken by the Otterbridge kite-club gate",
    )

    # A chronology export waiting for its single download.
    from haven.chronology.services import chronology_export_create

    chronology_export_create(
        actor=dsl, child=child, filters={"text": "Riverside"}, fmt="csv", redact=True
    )

    # The child's safeguarding file, sent to their new school and awaiting receipt.
    from haven.chronology.tests.transfer_records import send, start_transfer

    transfer, _, _ = start_transfer(dsl, child, destination="Otterbridge Kite Academy")
    send(dsl, transfer, sent_to="Mrs Honeysuckle-Tarrant")

    secrets = {
        org.name,
        GUIDANCE,
        "Riverside-only gender option",
        "Wilhelmina Tiddlesworth",
        "Araminta Tiddlesworth",
        "Tiddlesworth Household",
        "14 Kingfisher Lane",
        "Otterbridge",
        "walnut allergy",
        "RIV-77412",
        "Riverside admission number",
        "Araminta collects on Tuesdays",
        "Priya Okonkwo-Bell",
        "riverside-autumn-census.csv",
        "Barnaby Quillfeather",
        "Ptolemy Gallowglass",
        "Cordelia Rejectington",
        "Honeysuckle-Tarrant",
        USER_AGENT,
        "Riverside unfinished guidance",
        "Riverside check-in",
        "Forest school lead",
        "Philippa Pettigrew-Quince",
        "Riverside kite-flying safeguarding",
        "004417008812",
        "Sat by the pavilion door",
        "Riverside level two wording",
        "Riverside kite-club photograph",
        "Taken by the Otterbridge kite-club gate",
        *PROGRAMME_SECRETS,
        *CASE_SECRETS,
        *CONCERN_SECRETS,
    }
    for user in User.objects.for_org(org):
        secrets |= {user.full_name, user.email}
    for team in (kestrel, heron):
        secrets |= {team.name, team.description} - {""}
    secrets |= {
        "ottoline.marchbanks@riverside.example",
        "Ottoline Marchbanks",
        "percival.withdrawn@riverside.example",
    }
    person_page = reverse("people:detail", kwargs={"pk": child.pk})
    our_pages = [
        reverse("administration:staff"),
        reverse("administration:staff") + "?show=inactive",
        reverse("administration:teams"),
        reverse("administration:picklist", kwargs={"key": "gender"}),
        reverse("audit:log"),
        # The log pages by fifty; the revoked invitation is found by its action, however
        # many events later rows add.
        reverse("audit:log") + "?action=invitation_revoked",
        reverse("core:home"),
        reverse("notifications:inbox"),
        reverse("people:household", kwargs={"pk": child.household_id}),
        reverse("people:import"),
        reverse("people:import_detail", kwargs={"pk": census.pk}),
        reverse("people:import_rejected", kwargs={"pk": census.pk}),
        *(
            f"{person_page}?tab={tab}"
            for tab in ("details", "relationships", "identifiers", "documents")
        ),
        reverse("workforce:compliance"),
        reverse("workforce:staff_detail", kwargs={"pk": workforce.staff.pk}),
        reverse("workforce:settings"),
        reverse("workforce:analysis_detail", kwargs={"pk": workforce.analysis.pk}),
    ]
    our_pages += [
        reverse("programmes:admin_programmes"),
        reverse("programmes:admin_agencies"),
    ]
    our_pages += [
        reverse("chronology:household", kwargs={"pk": child.household_id}),
        reverse("chronology:export", kwargs={"pk": child.pk}),
    ]
    engagement_page = reverse("programmes:engagement", kwargs=programme_rows["engagement"])
    lead_pages = [engagement_page, f"{person_page}?tab=engagements"]
    lead_pages += [
        reverse("cases:case", kwargs={"pk": case_rows.case.pk}),
        f"{person_page}?tab=cases",
        reverse("tasks:list"),
    ]
    our_pages.append(reverse("cases:thresholds"))
    lead_pages.append(reverse("safeguarding:concern", kwargs={"pk": concern.pk}))
    front_door = front_door_rows(school=org, school_dsl=dsl, child=child, concern=concern)
    secrets |= front_door.secrets
    secrets |= THRESHOLD_SECRETS
    our_pages.append(reverse("thresholds:frameworks"))
    return Riverside(
        org=org,
        secrets=secrets,
        our_pages=our_pages,
        lead_pages=lead_pages,
        front_door=front_door,
    )


CONCERN_SECRETS = {
    "Riverside otter-bruise category",
    "Riverside otter-bruise detail",
    "Wilhelmina said the otter pushed her by the kite shed",
    "Under the Riverside willow",
}


THRESHOLD_SECRETS = {
    "Riverside heron-kite matrix",
    "Riverside heron-kite threshold note",
    "Riverside heron-kite threshold rationale",
}


def _threshold_rows(admin, dsl, concern):
    """The example threshold frameworks, a copy of one, and a decision on the concern."""
    from haven.thresholds import services as threshold_services

    threshold_services.seed_frameworks(concern.organisation)
    framework = threshold_services.current_framework(concern.organisation)
    threshold_services.framework_copy(
        actor=admin, framework=framework, name="Riverside heron-kite matrix"
    )
    version = framework.current_version
    first = version.indicators.first()
    threshold_services.decision_record(
        actor=dsl,
        version=version,
        ticked={first.pk: "Riverside heron-kite threshold note"},
        chosen_level=version.levels.last(),
        rationale="Riverside heron-kite threshold rationale",
        concern=concern,
    )


def _concern_rows(admin, dsl, key_person, child, linked):
    """One concern about two children, made the way staff make them: a category of our own
    with a sub-category and a team permission, our safeguarding settings (alerting on any
    concern, so a cumulative alert is raised), the DSL alerted, an action and a decision."""
    from datetime import timedelta

    from haven.accounts.models import Team
    from haven.safeguarding import services as concern_services
    from haven.safeguarding.alerts import concern_action_add
    from haven.safeguarding.triage import triage_decide

    team = Team.objects.for_org(admin.organisation).get(name="Kestrel Nurture Group")
    concern_services.safeguarding_settings_update(
        actor=admin, dsl_team=team, cumulative_concerns=1, cumulative_recorders=1
    )
    top = concern_services.category_save(actor=admin, name="Riverside otter-bruise category")
    sub = concern_services.category_save(
        actor=admin, name="Riverside otter-bruise detail", parent=top
    )
    concern_services.category_permission_set(
        actor=admin, team=team, category=top, can_add=False, can_view=True
    )
    concern = concern_services.concern_record(
        actor=dsl,
        data=concern_services.ConcernData(
            child=child,
            linked_children=[linked],
            category=top,
            subcategory=sub,
            occurred_at=clock.now() - timedelta(hours=3),
            location="Under the Riverside willow",
            account="Wilhelmina said the otter pushed her by the kite shed",
            body_map=[{"side": "front", "x": 40, "y": 30, "kind": "bruise"}],
        ),
        alert_people=[key_person],
    )
    concern_action_add(concern=concern, children=[child], text="Spoke to mum", actor=dsl)
    triage_decide(concern=concern, actor=dsl, outcome="monitor", rationale="Watch for a week")
    return concern


CASE_SECRETS = {
    "Otterbridge pancake breakfast club",
    "Riverside heron-amber threshold",
    "Heron-amber guidance for otters",
    "Ring Araminta about the otter kite",
    "Araminta walked Wilhelmina to the pancake club",
}


def _case_rows(admin, dsl, key_person, manager, child, engagement_pk):
    """Safeguarding cases in the engagement (open with a monitoring action, waiting for the
    manager's approval, closed), a threshold of our own and a task the DSL set."""
    from haven.cases import services as case_services
    from haven.cases.tests.records import case_records
    from haven.programmes.models import Engagement

    case_services.thresholds_seed(admin.organisation)
    case_services.threshold_save(
        actor=admin,
        data={
            "name": "Riverside heron-amber threshold",
            "review_days": 14,
            "guidance": "Heron-amber guidance for otters",
            "position": 5,
        },
    )
    rows = case_records(
        dsl,
        key_person,
        manager,
        child,
        Engagement.objects.for_org(child.organisation).get(pk=engagement_pk),
        words="Otterbridge pancake breakfast club",
        task_title="Ring Araminta about the otter kite",
    )
    case_services.case_add_monitoring(
        case=rows.case,
        actor=key_person,
        data={
            "given_by_name": key_person.full_name,
            "given_by_role": "Key person",
            "actions_taken": "Araminta walked Wilhelmina to the pancake club",
            "by_parents": True,
            "rationale": "Agreed when the case opened",
        },
    )
    return rows


PROGRAMME_SECRETS = {
    "Riverside Otter Counselling",
    "Otter sand-tray session",
    "Otterbridge Speech Team",
    "Wilhelmina chose the blue kite",
    "Ring Araminta about the kite club",
}


def _programme_rows(admin, dsl, key_person, child, mother) -> dict:
    """A programme with a service, an agency, and an engagement with sessions (one entered
    in bulk, one corrected), an open-access count, a consultation with an action, and a
    closure."""
    from datetime import timedelta

    from haven.programmes import services as programme_services
    from haven.programmes.services import DeliveryRow

    # One closure reason, rather than every default list: each id of ours is tried on
    # every page, so the sweep stays quick.
    reason = configuration_services.option_add(
        actor=admin, list_key="engagement_closure_reason", label="Riverside otters moved on"
    )
    today = clock.today()
    programme = programme_services.programme_save(
        actor=admin, data={"name": "Riverside Otter Counselling", "code": "ROC"}
    )
    service = programme_services.service_save(
        actor=admin, programme=programme, data={"name": "Otter sand-tray session"}
    )
    agency = programme_services.agency_save(actor=admin, data={"name": "Otterbridge Speech Team"})
    engagement = programme_services.engagement_create(
        actor=key_person,
        child=child,
        programme=programme,
        data={
            "referral_date": today - timedelta(days=20),
            "key_person": key_person,
            "agencies": [agency],
            "consent_given_by": mother,
        },
    )
    delivery = programme_services.delivery_record(
        actor=key_person,
        row=DeliveryRow(
            engagement=engagement,
            service=service,
            delivered_on=today - timedelta(days=10),
            summary="Wilhelmina chose the blue kite",
        ),
    )
    # A correction, so the history of corrections is swept too.
    programme_services.delivery_update(
        delivery=delivery, actor=key_person, data={"delivered_on": today - timedelta(days=9)}
    )
    programme_services.deliveries_record_bulk(
        actor=key_person,
        rows=[DeliveryRow(engagement=engagement, service=service, delivered_on=today)],
        token="riverside-register",
    )
    programme_services.open_access_record(
        actor=key_person, service=service, held_on=today, attendees=14
    )
    programme_services.consultation_record(
        engagement=engagement,
        actor=key_person,
        held_on=today,
        method="phone",
        summary="Spoke with mum",
        people=[mother],
        agencies=[agency],
        actions=[("Ring Araminta about the kite club", today + timedelta(days=7))],
    )
    closed = programme_services.engagement_create(
        actor=dsl,
        child=child,
        programme=programme_services.programme_save(
            actor=admin, data={"name": "Riverside Otter Nurture", "code": "RON"}
        ),
        data={"referral_date": today, "key_person": key_person},
    )
    programme_services.engagement_close(
        engagement=closed,
        actor=dsl,
        closed_on=today,
        reason=reason,
    )
    return {"programme": programme, "engagement": {"pk": engagement.pk}}


def tenant_rows(org) -> dict[str, list]:
    """Everything of ``org``'s that a request could change, as plain values."""
    rows = {"organisation": list(Organisation.objects.filter(pk=org.pk).values())}
    for model in haven_models(include_auto_created=True):
        if model._meta.auto_created:
            # A many-to-many table: reach the organisation through its first end.
            first = next(f for f in model._meta.get_fields() if f.many_to_one)
            query = model._base_manager.filter(**{f"{first.name}__organisation": org})
        elif carries_organisation(model):
            query = model._base_manager.filter(organisation=org)
        else:
            continue
        rows[_label(model)] = list(query.order_by("pk").values())
    for device in (TOTPDevice, StaticDevice):
        rows[_label(device)] = list(
            device.objects.filter(user__organisation=org).order_by("pk").values()
        )
    return rows


INTRUDERS = ("stranger", "stranger_admin")
# Another front door's staff and partner member try the front-door pages as well.
FRONT_DOOR_INTRUDERS = ("stranger_front_door", "stranger_partner")


def _is_front_door_page(url_name: str) -> bool:
    # The referring school's own list of its referrals is a school page.
    return url_name.startswith("frontdoor:") and url_name != "frontdoor:my_referrals"


def _intruders_for(url_name: str) -> tuple[str, ...]:
    """Front-door pages are tried by another front door's staff and partner member: the
    school intruders are refused them by role before anything is looked up (the access
    matrix shows it), so trying every id as them would add time and no strength."""
    return FRONT_DOOR_INTRUDERS if _is_front_door_page(url_name) else INTRUDERS


@pytest.fixture
def stranger_front_door(db):
    """Another front door's MASH manager (also a screening officer and senior practitioner)."""
    from haven.access import roles
    from haven.frontdoor.testing import make_front_door, team

    elsewhere = make_front_door("Elsewhere Front Door")
    user = UserFactory(
        organisation=elsewhere,
        full_name="Osric Elsewhere",
        email="osric.elsewhere@example.net",
        roles=[roles.MASH_MANAGER, roles.SCREENING_OFFICER, roles.SENIOR_PRACTITIONER],
        authenticator=True,
    )
    team(elsewhere, "MASH").members.add(user)
    return user


@pytest.fixture
def stranger_partner(stranger_front_door):
    from haven.access import roles
    from haven.frontdoor.models import AgencyKind
    from haven.frontdoor.testing import agency, make_staff

    elsewhere = stranger_front_door.organisation
    return make_staff(
        elsewhere,
        roles.PARTNER_AGENCY_MEMBER,
        "Perpetua Elsewhere",
        agencies=[agency(elsewhere, AgencyKind.POLICE)],
    )


# What any page may answer an intruder: it works (about their own organisation), it sends
# them elsewhere, it refuses, it does not know the record, or the invitation link is no good.
ALLOWED = {200, 302, 403, 404, 410}
NOT_A_TOKEN = "not-an-invitation-token"


def _values_to_try(kind: str, riverside: Riverside, url_name: str) -> list:
    if kind == "int":
        # Front-door pages name the front door's records; every other page the school's.
        if _is_front_door_page(url_name):
            return riverside.ids(riverside.front_door.organisation)
        return riverside.ids()
    if kind in ("str", "slug", "path"):
        # Secrets such as invitation tokens are not ours to hand out: try a made-up one, and
        # the names every organisation shares (the picklists).
        return [NOT_A_TOKEN, *PICKLISTS]
    if kind == "uuid":
        return [uuid.uuid4()]
    raise AssertionError(f"Teach the tenancy sweep what to try for a <{kind}:…> parameter")


def _kwargs_to_try(url_name: str, riverside: Riverside):
    parameters = by_name()[url_name].parameters
    names = list(parameters)
    choices = [_values_to_try(parameters[name], riverside, url_name) for name in names]
    for values in itertools.product(*choices):
        yield dict(zip(names, values, strict=True))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode(errors="replace") + "\n" + response.headers.get("Location", "")


def _leaks(text: str, riverside: Riverside) -> list[str]:
    return sorted(s for s in riverside.secrets if s in text)


# Fields a POST-only page may read; our own draft's key included, to try to discard it.
POST_DATA = {"_draft_key": "organisation-settings", "_draft_label": "x", "next": "/"}


# Asked of every page: pages that search look for our child by surname. The surname alone
# is not one of our secrets, since a page may fairly repeat what was typed into it.
QUERY = {"q": "Tiddlesworth"}


def _writes_so_far() -> int:
    """Rows this database connection has inserted, updated or deleted so far.

    A try that wrote nothing at all cannot have changed our records, so only tries that wrote
    something pay for comparing every table (most tries are refused and write nothing)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
        return cursor.fetchone()[0]


def test_the_sweep_notices_a_write(riverside):
    with transaction.atomic():
        before = _writes_so_far()
        Organisation.objects.filter(pk=riverside.org.pk).update(name="Changed")
        assert _writes_so_far() > before
        transaction.set_rollback(True)


def _probe(client, url: str):
    response = client.get(url, QUERY)
    if response.status_code == 405:
        response = client.post(url, POST_DATA)
    return response


@pytest.mark.parametrize(
    ("url_name", "intruder"),
    [(name, intruder) for name in url_names() for intruder in _intruders_for(name)],
)
def test_another_organisation_sees_and_changes_nothing_of_ours(
    url_name, intruder, riverside, sign_in, request
):
    user = request.getfixturevalue(intruder)
    before = riverside.rows()
    client = sign_in(user)
    client.raise_request_exception = False
    signed_in = copy.deepcopy(client.cookies)
    problems = []
    for kwargs in _kwargs_to_try(url_name, riverside):
        url = reverse(url_name, kwargs=kwargs)
        # Each try runs in a savepoint that is then undone, so what one try changes in the
        # intruder's own organisation (signing them out, say) cannot spoil the next.
        with transaction.atomic():
            writes_before = _writes_so_far()
            response = _probe(client, url)
            status = response.status_code
            if status not in ALLOWED:
                problems.append(f"{url}: {status}")
            else:
                leaked = _leaks(_body(response), riverside)
                if leaked:
                    problems.append(f"{url}: answered {status} showing {leaked}")
                if _writes_so_far() != writes_before and riverside.rows() != before:
                    problems.append(f"{url}: changed our records")
            transaction.set_rollback(True)
        client.cookies = copy.deepcopy(signed_in)
    assert not problems, f"as {intruder}:\n" + "\n".join(problems)


def test_the_sweep_looks_for_strings_our_own_pages_do_show(
    riverside, admin, dsl, staff_member, sign_in
):
    # If our own pages did not show these strings to us, their absence from the intruders'
    # pages would prove nothing.
    client = sign_in(admin)
    shown = "".join(_body(client.get(page)) for page in riverside.our_pages)
    lead = sign_in(dsl)
    shown += "".join(_body(lead.get(page)) for page in riverside.lead_pages)
    shown += _body(sign_in(staff_member).get(reverse("accounts:my_account")))
    front_door = sign_in(riverside.front_door.reader)
    shown += "".join(_body(front_door.get(page)) for page in riverside.front_door.pages)
    missing = sorted(s for s in riverside.secrets if s not in shown)
    assert not missing, f"never shown, even to us: {missing}"


def test_filtering_the_audit_log_by_our_people_shows_nothing_of_ours(
    riverside, stranger_admin, sign_in
):
    client = sign_in(stranger_admin)
    our_users = list(User.objects.for_org(riverside.org).values_list("pk", flat=True))
    for user_id in our_users:
        for name in ("audit:log", "audit:export"):
            response = client.get(reverse(name), {"user": user_id})
            # Our staff are not choices in their form: it says so, and shows nothing of ours.
            assert response.status_code == 400, (name, user_id)
            assert not _leaks(_body(response), riverside), (name, user_id)
    for person_id in PERSON_IDS:
        response = client.get(reverse("audit:log"), {"person": person_id})
        assert response.status_code == 200
        assert response.context["events"] == []
        assert not _leaks(_body(response), riverside)
        export = client.get(reverse("audit:export"), {"person": person_id})
        assert export.status_code == 200
        lines = _body(export).strip().splitlines()
        assert lines[0].startswith("when,who,action") and len(lines) == 1, lines


def test_a_stranger_asking_who_viewed_one_of_our_people_is_told_they_do_not_exist(
    riverside, stranger, stranger_admin, sign_in
):
    for intruder in (stranger, stranger_admin):
        client = sign_in(intruder)
        for person_id in PERSON_IDS:
            response = client.get(reverse("audit:person_access", kwargs={"person_id": person_id}))
            assert response.status_code == 404
            assert not _leaks(_body(response), riverside)
    # Nothing is recorded about our people in anyone's trail.
    assert not AuditEvent.objects.filter(
        actor__in=[stranger, stranger_admin], person_id__in=PERSON_IDS
    ).exists()
