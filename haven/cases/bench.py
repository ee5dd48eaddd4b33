"""The DSL home page operation of ``haven bench``: the page the DSL lands on when the
organisation has 10,000 open safeguarding cases, concerns awaiting triage and unread alerts.

The data is made once in the generated organisation and found again on later runs. Opening
10,000 cases through ``case_open`` one by one would take minutes, so the rows the home page
reads are bulk-inserted as the service would leave them: each case with its opening status
change and the later ones its status implies, the owner's "new safeguarding case" task,
closure requests addressed to the DSL (pending, or approved for closed cases), and concerns
with their primary child, the DSL's alerts and cumulative concern alerts. Beside the open work
there is history (closed cases, triaged concerns, read alerts, acknowledged cumulative
alerts), so each query is timed against tables where what it looks for is not every row.
Audit events and chronology entries are not made: the home page reads neither.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import cycle

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max

from haven.access import roles
from haven.accounts import services as account_services
from haven.accounts.models import User
from haven.cases import services
from haven.cases.models import (
    NOT_CLOSED,
    CaseStatusChange,
    CaseThreshold,
    ClosureRequest,
    SafeguardingCase,
    Status,
)
from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.core.db.maintenance import analyse_after_bulk_load
from haven.people.models import Person
from haven.safeguarding import triage
from haven.safeguarding.models import (
    Alert,
    Concern,
    ConcernCategory,
    ConcernChild,
    CumulativeAlert,
)
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.tasks.models import Task

OPEN_CASES = 10_000
# The history an organisation builds up beside its open work, so that the home page's queries
# are timed against tables where what they look for is not every row.
CLOSED_CASES = 10_000
TRIAGED_CONCERNS = 5_000
# Cumulative concern alerts: one in twenty-five of the triaged concerns raised one, since
# acknowledged; a few of those awaiting triage raised one still open.
CUMULATIVE_EVERY = 25
OWNERS = 12
AWAITING_TRIAGE = 300
UNREAD_ALERTS = 150
BATCH = 2_000


class HomeBench:
    def __init__(self, bench):
        self.bench = bench
        self.org, self.user, self.client = bench.org, bench.user, bench.client
        self._prepare()

    # --- data, made once --------------------------------------------------------------

    def _owners(self) -> list[User]:
        """Key people who own cases (one also manages some), and the DSL."""
        owners = [self.user]
        for n in range(OWNERS - 1):
            email = f"case.owner{n}.{self.org.pk}@bench.example"
            owner = User.objects.for_org(self.org).filter(email=email).first()
            owners.append(
                owner
                or account_services.user_create(
                    organisation=self.org,
                    email=email,
                    full_name=f"Bench Key Person {n:02d}",
                    role_codes=[roles.PRACTITIONER] + ([roles.LINE_MANAGER] if n == 0 else []),
                    password=None,
                )
            )
        return owners

    def _prepare(self) -> None:
        seed_organisation(self.org)
        services.thresholds_seed(self.org)
        owners = self._owners()
        missing = (
            OPEN_CASES
            - SafeguardingCase.objects.for_org(self.org).filter(status__in=NOT_CLOSED).count()
        )
        if missing > 0:
            with transaction.atomic():
                self._make_cases(missing, owners)
        closed = SafeguardingCase.objects.for_org(self.org).filter(status=Status.CLOSED).count()
        if closed < CLOSED_CASES:
            with transaction.atomic():
                self._make_cases(CLOSED_CASES - closed, owners, closed=True)
        waiting = triage.awaiting_triage(self.user).count()
        if waiting < AWAITING_TRIAGE:
            with transaction.atomic():
                self._make_concerns(AWAITING_TRIAGE - waiting, owners)
        triaged = Concern.objects.for_org(self.org).filter(decided_at__isnull=False).count()
        if triaged < TRIAGED_CONCERNS:
            with transaction.atomic():
                self._make_concerns(TRIAGED_CONCERNS - triaged, owners, triaged=True)
        self._analyse()

    @staticmethod
    def _analyse() -> None:
        analyse_after_bulk_load(
            (
                SafeguardingCase,
                CaseStatusChange,
                ClosureRequest,
                Task,
                Concern,
                Alert,
                CumulativeAlert,
            )
        )

    def _make_cases(self, count: int, owners: list[User], *, closed: bool = False) -> None:
        org, dsl = self.org, self.user
        now, today = clock.now(), clock.today()
        thresholds = list(CaseThreshold.objects.for_org(org).filter(is_active=True))
        types = list(Option.objects.for_org(org).filter(list_key="case_type"))
        categories = list(Option.objects.for_org(org).filter(list_key="case_category"))
        children = list(
            Person.objects.for_org(org)
            .filter(kind="child", merged_into__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )
        start = SafeguardingCase.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0
        manager = owners[1]
        cases = []
        for n, child in zip(range(count), cycle(children), strict=False):
            threshold = thresholds[n % len(thresholds)]
            opened = now - timedelta(days=n % 400, hours=n % 24)
            # Every tenth case is overdue, by up to a month; every twentieth waits on a
            # closure decision; a third are in monitoring.
            if closed:
                # Closed a few months after opening, a year or two ago.
                opened -= timedelta(days=400)
                status, due = Status.CLOSED, None
            elif n % 20 == 7:
                status, due = Status.CLOSURE_REQUESTED, today + timedelta(days=n % 30)
            elif n % 10 == 3:
                status, due = Status.MONITORING, today - timedelta(days=1 + n % 30)
            else:
                status = Status.MONITORING if n % 3 == 0 else Status.OPEN
                due = today + timedelta(days=n % threshold.review_days)
            cases.append(
                SafeguardingCase(
                    organisation=org,
                    created_by=dsl,
                    number=start + n + 1,
                    child_id=child,
                    case_type=types[n % len(types)],
                    category=categories[n % len(categories)],
                    incident_at=opened - timedelta(hours=2),
                    threshold=threshold,
                    description="Bruising to the upper arm seen at drop-off; the child was "
                    "quiet and withdrawn all morning.",
                    raised_with_name="Sam Patel",
                    raised_with_job_title="Family support worker",
                    actions_agreed="Speak to the parent at collection; key person to keep "
                    "a close eye and record any further marks.",
                    owner=owners[n % len(owners)],
                    manager=manager if n % 4 == 0 else None,
                    status=status,
                    next_update_due=due,
                    last_update_at=opened,
                    closed_at=opened + timedelta(days=90) if closed else None,
                )
            )
        for at in range(0, len(cases), BATCH):
            SafeguardingCase.unscoped.bulk_create(cases[at : at + BATCH])
        # bulk_create gives back keys on PostgreSQL and SQLite alike.
        self._make_history(cases, owners)

    def _make_history(self, cases: list[SafeguardingCase], owners: list[User]) -> None:
        org, dsl = self.org, self.user
        case_type = ContentType.objects.get_for_model(SafeguardingCase)
        changes, tasks, closures = [], [], []
        for n, case in enumerate(cases):
            requester = case.owner if case.owner_id != dsl.pk else owners[1]
            changes.append(
                CaseStatusChange(organisation=org, created_by=dsl, case=case, to_status=Status.OPEN)
            )
            if case.status != Status.OPEN:
                changes.append(
                    CaseStatusChange(
                        organisation=org,
                        created_by=case.owner,
                        case=case,
                        from_status=Status.OPEN,
                        to_status=Status.MONITORING,
                    )
                )
            open_task = n % 5 == 0 and case.status != Status.CLOSED
            tasks.append(
                Task(
                    organisation=org,
                    created_by=dsl,
                    assignee=case.owner,
                    title=services.NEW_CASE_TASK,
                    link_type=case_type,
                    link_id=case.pk,
                    due_on=case.next_update_due,
                    # Most owners have long since acted on the task.
                    done_at=None if open_task else case.last_update_at,
                    done_by=None if open_task else case.owner,
                )
            )
            if case.status in (Status.CLOSURE_REQUESTED, Status.CLOSED):
                changes.append(
                    CaseStatusChange(
                        organisation=org,
                        created_by=case.owner,
                        case=case,
                        from_status=Status.MONITORING,
                        to_status=Status.CLOSURE_REQUESTED,
                    )
                )
                closures.append(
                    ClosureRequest(
                        organisation=org,
                        created_by=requester,
                        case=case,
                        comments="No further marks; the family are working with early help.",
                        approver=dsl,
                    )
                )
            if case.status == Status.CLOSED:
                changes.append(
                    CaseStatusChange(
                        organisation=org,
                        created_by=dsl,
                        case=case,
                        from_status=Status.CLOSURE_REQUESTED,
                        to_status=Status.CLOSED,
                    )
                )
                closure = closures[-1]
                closure.decision = ClosureRequest.Decision.APPROVED
                closure.decided_at, closure.decided_by = case.closed_at, dsl
        CaseStatusChange.unscoped.bulk_create(changes, batch_size=BATCH)
        Task.unscoped.bulk_create(tasks, batch_size=BATCH)
        ClosureRequest.unscoped.bulk_create(closures, batch_size=BATCH)

    def _make_concerns(self, count: int, recorders: list[User], *, triaged: bool = False) -> None:
        """Concerns recorded by key people, each with its primary child. Those awaiting triage:
        the DSL alerted to the newest ``UNREAD_ALERTS`` of them and not yet reading them.
        Triaged ones (weeks old): decided, and the DSL's alert to each read."""
        org, dsl, now = self.org, self.user, clock.now()
        seed_safeguarding(org)
        category = ConcernCategory.objects.for_org(org).get(name="Wellbeing", parent__isnull=True)
        children = list(
            Person.objects.for_org(org)
            .filter(kind="child", merged_into__isnull=True)
            .order_by("-pk")
            .values_list("pk", flat=True)[:count]
        )
        start = Concern.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0
        concerns = Concern.unscoped.bulk_create(
            [
                Concern(
                    organisation=org,
                    created_by=recorders[1 + n % (len(recorders) - 1)],
                    number=start + n + 1,
                    child_id=child,
                    category=category,
                    occurred_at=now - timedelta(hours=count - n + 1, days=60 if triaged else 0),
                    decided_at=now - timedelta(days=30) if triaged else None,
                    location="Playground",
                    account="At lunch the child said an older pupil took their food again.",
                )
                for n, child in zip(range(count), cycle(children), strict=False)
            ],
            batch_size=BATCH,
        )
        ConcernChild.unscoped.bulk_create(
            [
                ConcernChild(organisation=org, concern=c, person_id=c.child_id, is_primary=True)
                for c in concerns
            ],
            batch_size=BATCH,
        )
        Alert.unscoped.bulk_create(
            [
                Alert(
                    organisation=org,
                    created_by=c.created_by,
                    concern=c,
                    recipient=dsl,
                    read_at=c.decided_at,
                )
                for c in (concerns if triaged else concerns[-UNREAD_ALERTS:])
            ],
            batch_size=BATCH,
        )
        CumulativeAlert.unscoped.bulk_create(
            [
                CumulativeAlert(
                    organisation=org,
                    child_id=c.child_id,
                    concern=c,
                    reason="3 concerns from 2 members of staff in 14 days.",
                    acknowledged_at=c.decided_at,
                    acknowledged_by=dsl if triaged else None,
                )
                # Open ones for distinct children: one open alert of a kind per child.
                for c in {c.child_id: c for c in concerns[::CUMULATIVE_EVERY]}.values()
            ],
            batch_size=BATCH,
        )

    # --- requests -----------------------------------------------------------------------

    def home_page(self):
        response = self.client.get("/")
        assert response.status_code == 200, response.status_code
        return response
