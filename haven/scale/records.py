"""The domain records of generated data: concerns, safeguarding cases, programme engagements,
front-door contacts, and every child's chronology.

Each record is written as its service would leave it — the running numbers, the status
history through the transition tables, the stored deadlines — and each chronology entry as
its projector would write it (the same kinds, summaries, categories, scopes and routine
marks), so ``haven rebuild_chronology`` on generated data changes nothing.

Records come in bulk, a chunk of households at a time, as short tuples laid out by
``bulk.Layout``; no model instance is built per row. The spread is skewed as real caseloads
are: most children have a handful of entries, a few have thousands (years of daily sessions,
a long-running case with hundreds of monitoring actions, dozens of concerns).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from time import perf_counter
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from haven.access import roles
from haven.accounts.models import Organisation, User
from haven.accounts.services import user_create
from haven.cases.models import (
    CaseStatusChange,
    CaseThreshold,
    ClosureRequest,
    MonitoringAction,
    SafeguardingCase,
    Status,
)
from haven.cases.services import NEW_CASE_TASK, thresholds_seed
from haven.chronology.models import Entry, Kind
from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.frontdoor import models as fd
from haven.frontdoor import workflow
from haven.frontdoor.services.decision import STATUTORY_OUTCOMES
from haven.frontdoor.services.setup import front_door_settings
from haven.people.models import Flag, Person, Relationship, RelationshipType, StatusFlag
from haven.programmes import tally
from haven.programmes.models import (
    Attendance,
    Engagement,
    Programme,
    Service,
    ServiceDelivery,
    Stage,
    StageChange,
)
from haven.safeguarding.chronology import concern_summary
from haven.safeguarding.models import (
    Alert,
    Concern,
    ConcernAction,
    ConcernCategory,
    ConcernChild,
    ConcernVersion,
    TriageDecision,
    when_in_the_week,
)
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.scale import bulk
from haven.tasks.models import Task

STAFF = 10
YEARS_BACK = 3
LONDON = timezone.get_default_timezone()

ACCOUNTS = [
    "At lunch the child said an older pupil took their food again and pushed them over.",
    "Arrived without a coat for the third day running; said there was no heating at home.",
    "Bruise on the left forearm seen during PE; the child said they fell off a bike.",
    "Said they were scared to go home because mum and her partner had been shouting.",
    "Very tired and hungry at breakfast club; ate three bowls of cereal.",
    "Disclosed that an adult they met online asked them to keep a secret.",
    "Mother smelled strongly of alcohol at collection and was unsteady on her feet.",
    "Has missed eight sessions this half term; no reason given by the family.",
    "Drew a picture of a person hitting another and said it was at home.",
    "Self-harm marks seen on the wrist when sleeves were rolled up in art.",
    "Collected late again by an older sibling who did not know the password.",
    "Said dad's friend stays over and sleeps in their room.",
]
LOCATIONS = [
    "Playground",
    "Classroom",
    "Dining hall",
    "Main entrance",
    "Nursery room",
    "Home visit",
]
CHILD_WORDS = [
    "",
    "",
    "I don't want to go home today.",
    "It was an accident, I fell.",
    "Mummy was crying again.",
    "He said not to tell anyone.",
]
ACTIONS = [
    "Spoke to the child with the class teacher present; child settled afterwards.",
    "Phoned mum to discuss; she said things are difficult at the moment.",
    "Checked attendance records and shared with the DSL.",
    "Key person to check in each morning this week.",
    "Referred to the school nurse for a follow-up.",
    "Logged the marks on a body map and informed the DSL.",
]
RATIONALES = [
    "Single low-level concern; the family are engaging and there is no pattern.",
    "Pattern of neglect indicators over the last half term; needs closer monitoring.",
    "Disclosure meets the threshold for a safeguarding case; opened today.",
    "Family would benefit from early help; consent obtained from mum.",
    "Police informed of the online contact as advised by the LADO.",
]
MONITORING = [
    "Met with mum; she has registered with the GP and is attending appointments.",
    "Child attending well; no new marks seen this week.",
    "Attended the core group meeting; plan reviewed and actions agreed.",
    "Home visit completed; the home was warm and there was food in the cupboards.",
    "Spoke to the child's social worker about the recent missed sessions.",
    "Child said things are better at home since the partner moved out.",
]
PROGRAMMES = {
    Organisation.Kind.EARLY_YEARS: [
        ("Stay and Play", "SP", ["Session", "Outreach visit"]),
        ("Nursery", "NU", ["Morning session", "Afternoon session"]),
        ("Parenting Support", "PS", ["Group session", "Home visit"]),
    ],
    Organisation.Kind.SCHOOL: [
        ("Breakfast Club", "BC", ["Breakfast", "Early drop-off"]),
        ("Pastoral Support", "PA", ["Mentoring", "Check-in"]),
        ("Nurture Group", "NG", ["Group session", "Family session"]),
    ],
    Organisation.Kind.FRONT_DOOR: [
        ("Early Help Family Support", "EH", ["Family session", "Home visit"]),
        ("Young Carers", "YC", ["Group session", "One-to-one"]),
        ("Youth Outreach", "YO", ["Detached session", "Mentoring"]),
    ],
}
SUMMARIES = ["", "", "Settled well and joined in.", "Quiet today; played alone.", ""]
ATTENDANCE_LABEL = {a.value: a.label.lower() for a in Attendance}
REL_LABEL = {t.value: t.label.lower() for t in RelationshipType}
FLAG_LABEL = {f.value: f.label for f in Flag}
MONITORING_NOTE = "First monitoring action"


@lru_cache(maxsize=8192)
def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in London, as the projectors date day-only records."""
    return datetime.combine(day, time.min, LONDON)


def _model_label(model) -> str:
    return model._meta.label_lower


class Ids:
    """Primary keys handed out above the highest present (the generator runs alone)."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def take(self, model) -> int:
        if model not in self.next:
            self.next[model] = bulk.next_ids(model, 1).start
        value = self.next[model]
        self.next[model] = value + 1
        return value


class Setup:
    """One organisation's configuration and staff, made once before its people."""

    def __init__(self, org: Organisation, dsl: User):
        self.org, self.dsl = org, dsl
        seed_organisation(org)
        seed_safeguarding(org)
        thresholds_seed(org)
        self.staff = self._staff()
        self.manager = self.staff[0]
        self.categories = []
        tops = ConcernCategory.objects.for_org(org).filter(parent__isnull=True, is_active=True)
        for top in tops.order_by("position", "pk"):
            subs = [(s.pk, s.name) for s in top.subcategories.order_by("pk")]
            self.categories.append((top.pk, top.name, subs))
        self.thresholds = [
            (t.pk, t.name, t.review_days)
            for t in CaseThreshold.objects.for_org(org).filter(is_active=True)
        ]
        options = Option.objects.for_org(org).order_by("position", "pk")
        self.options = {}
        for option in options:
            self.options.setdefault(option.list_key, []).append((option.pk, option.label))
        self.programmes = self._programmes()
        self.agencies = self._agencies() if org.kind == Organisation.Kind.FRONT_DOOR else []
        self.retention = (25, 5)
        if org.kind == Organisation.Kind.FRONT_DOOR:
            rules = front_door_settings(org)
            self.retention = (rules.statutory_retention_years, rules.early_help_retention_years)
        self.numbers = {
            Concern: Concern.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0,
            SafeguardingCase: (
                SafeguardingCase.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0
            ),
            fd.Contact: fd.Contact.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0,
        }

    def number(self, model) -> int:
        self.numbers[model] += 1
        return self.numbers[model]

    def _staff(self) -> list[int]:
        """Key people who record concerns and own cases; the first also manages. The same
        addresses ``haven bench`` uses, so its home-page data finds them."""
        staff = []
        for n in range(STAFF):
            email = f"case.owner{n}.{self.org.pk}@bench.example"
            user = User.objects.for_org(self.org).filter(email=email).first()
            if user is None:
                user = user_create(
                    organisation=self.org,
                    email=email,
                    full_name=f"Bench Key Person {n:02d}",
                    role_codes=[roles.PRACTITIONER] + ([roles.LINE_MANAGER] if n == 0 else []),
                    password=None,
                )
            staff.append(user.pk)
        return staff

    def _programmes(self) -> list[tuple[int, str, list[tuple[int, str]]]]:
        made = []
        for name, code, services in PROGRAMMES[self.org.kind]:
            programme = Programme.objects.for_org(self.org).filter(code=code).first()
            if programme is None:
                programme = Programme.objects.create(
                    organisation=self.org, created_by=self.dsl, name=name, code=code
                )
            rows = []
            for service_name in services:
                service = Service.objects.for_org(self.org).filter(
                    programme=programme, name=service_name
                ).first() or Service.objects.create(
                    organisation=self.org,
                    created_by=self.dsl,
                    programme=programme,
                    name=service_name,
                )
                rows.append((service.pk, f"{code}: {service_name}"))
            made.append((programme.pk, programme.name, rows))
        return made

    def _agencies(self) -> list[int]:
        made = []
        for position, (name, kind) in enumerate(
            [
                ("Northbridge Police Safeguarding Hub", fd.AgencyKind.POLICE),
                ("Northbridge Community Health", fd.AgencyKind.HEALTH),
                ("Northbridge Schools Safeguarding", fd.AgencyKind.EDUCATION),
                ("Northbridge CAMHS", fd.AgencyKind.CAMHS),
                ("Northbridge Probation", fd.AgencyKind.PROBATION),
            ]
        ):
            agency = fd.PartnerAgency.objects.for_org(self.org).filter(name=name).first()
            if agency is None:
                agency = fd.PartnerAgency.objects.create(
                    organisation=self.org,
                    created_by=self.dsl,
                    name=name,
                    kind=kind,
                    position=position,
                )
            made.append(agency.pk)
        return made


class Records:
    """Writes every chunk's domain records and chronology (see the module's docstring)."""

    def __init__(self, *, seed: int, generator):
        self.seed = seed
        self.generator = generator
        self.ids = Ids()
        self.setups: dict[int, Setup] = {}
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.chunks = 0

    def _setup(self, org) -> Setup:
        if org.pk not in self.setups:
            dsl = User.objects.for_org(org).filter(email__startswith="dsl@").order_by("pk").first()
            self.setups[org.pk] = Setup(org, dsl)
        return self.setups[org.pk]

    # --- the chunk ---------------------------------------------------------------------

    def chunk(self, org, plan, people, relationships, flags) -> int:
        self.chunks += 1
        # A stream per chunk and section: the same seed gives the same records however the
        # sections change around it.
        base = (self.seed * 1_000_003 + self.chunks) * 16
        setup = self._setup(org)
        now = self.generator.now
        self.now, self.today = now, timezone.localdate(now)
        self.org, self.setup = org, setup
        self.entries: list[tuple] = []
        self.rows: dict[type, list[tuple]] = {}
        children = [p for p in people if p["kind"] == Person.Kind.CHILD]
        by_home: dict[int, list[dict]] = {}
        for child in children:
            by_home.setdefault(child["household_id"], []).append(child)
        self.people_entries(people, relationships, flags)
        plans = self.plan_children(random.Random(base + 1), org, children)
        self.concerns(random.Random(base + 2), plans, by_home)
        self.engagements(random.Random(base + 3), plans)
        self.cases(random.Random(base + 4), plans)
        if org.kind == Organisation.Kind.FRONT_DOOR:
            self.contacts(random.Random(base + 5), plans, by_home)
        return self.flush()

    def add(self, model, row: tuple) -> None:
        self.rows.setdefault(model, []).append(row)

    def entry(
        self, child, occurred, recorded_by, kind, category, summary, source, sid, scope, routine
    ):
        self.entries.append(
            (
                child,
                occurred,
                recorded_by,
                recorded_by,
                kind,
                category[:120],
                summary[:300],
                source,
                sid,
                scope,
                routine,
            )
        )

    def flush(self) -> int:
        written = 0
        self.rows[Entry] = self.entries
        for model, rows in self.rows.items():
            started = perf_counter()
            written += bulk.insert_rows(self.layout(model), rows)
            name = model._meta.db_table
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            self.seconds[name] = self.seconds.get(name, 0.0) + perf_counter() - started
        return written

    def tables(self) -> dict:
        """Rows written per table, and how fast each table's inserts went."""
        return {
            name: {
                "rows": rows,
                "rows_per_second": round(rows / max(self.seconds.get(name, 0.0), 0.001)),
            }
            for name, rows in sorted(self.counts.items(), key=lambda item: -item[1])
        }

    def layout(self, model) -> bulk.Layout:
        fixed = {"organisation_id": self.org.pk, "modified_at": self.now, "created_at": self.now}
        names = {f.attname for f in model._meta.concrete_fields}
        return bulk.Layout(model, COLUMNS[model], {k: v for k, v in fixed.items() if k in names})

    # --- who gets what -------------------------------------------------------------------

    def plan_children(self, r: random.Random, org, children) -> list[SimpleNamespace]:
        """How much each child has on record: most little, a few a great deal."""
        engagement_chance = {
            Organisation.Kind.EARLY_YEARS: 0.55,
            Organisation.Kind.SCHOOL: 0.15,
        }.get(org.kind, 0.10)
        plans = []
        for child in children:
            roll = r.random()
            if roll < 0.0025:
                tier = "heavy"
                concerns = r.randint(20, 120)
                engagements = [r.randint(600, 1800) for _ in range(r.randint(1, 2))]
                case = r.randint(50, 400) if r.random() < 0.9 else None
            elif roll < 0.05:
                tier = "busy"
                concerns = r.randint(2, 15)
                engagements = [int(r.lognormvariate(4.2, 0.8))] if r.random() < 0.6 else []
                case = r.randint(2, 30) if r.random() < 0.3 else None
            else:
                tier = "usual"
                concerns = 0 if r.random() < 0.6 else 1 + int(r.expovariate(1.0))
                engagements = (
                    [int(r.lognormvariate(3.15, 0.9))] if r.random() < engagement_chance else []
                )
                case = int(r.expovariate(0.25)) if r.random() < 0.02 else None
            plans.append(
                SimpleNamespace(
                    child=child,
                    tier=tier,
                    concerns=concerns,
                    engagements=engagements,
                    case=case,
                    engagement_ids=[],
                    concern_ids=[],
                )
            )
        return plans

    def when(self, r: random.Random, days: int = YEARS_BACK * 365) -> datetime:
        """A moment in the last ``days`` days, in working hours."""
        day = self.today - timedelta(days=r.randint(1, days))
        return start_of(day) + timedelta(hours=8, seconds=r.randint(0, 10 * 3600))

    # --- chronology of the people rows ----------------------------------------------------

    def people_entries(self, people, relationships, flags) -> None:
        """Entries the people services write: relationships added, statuses started and
        ended (only a child's side of a relationship has a chronology)."""
        kinds = {p["id"]: p for p in people}
        rel_type, flag_type = _model_label(Relationship), _model_label(StatusFlag)
        for rel in relationships:
            for child, other, label in (
                (kinds[rel["person_id"]], kinds[rel["related_id"]], REL_LABEL[rel["type"]]),
            ):
                if child["kind"] != Person.Kind.CHILD:
                    continue
                self.entry(
                    child["id"],
                    rel["created_at"],
                    rel["created_by_id"],
                    Kind.RELATIONSHIP_ADDED,
                    "",
                    f"{other['first_name']} {other['last_name']} recorded as {label}",
                    rel_type,
                    rel["id"],
                    "",
                    False,
                )
        for flag in flags:
            label = FLAG_LABEL[flag["flag"]]
            self.entry(
                flag["person_id"],
                start_of(flag["start_date"]),
                flag["created_by_id"],
                Kind.STATUS_STARTED,
                label,
                f"{label} started",
                flag_type,
                flag["id"],
                "",
                False,
            )
            if flag["end_date"] is not None:
                self.entry(
                    flag["person_id"],
                    start_of(flag["end_date"]),
                    flag["ended_by_id"],
                    Kind.STATUS_ENDED,
                    label,
                    f"{label} ended",
                    flag_type,
                    flag["id"],
                    "",
                    False,
                )

    # --- concerns ---------------------------------------------------------------------------

    def concerns(self, r: random.Random, plans, by_home) -> None:
        s, dsl = self.setup, self.setup.dsl.pk
        concern_type = _model_label(Concern)
        action_type = _model_label(ConcernAction)
        decision_type = _model_label(TriageDecision)
        outcomes = [
            (TriageDecision.Outcome.NO_FURTHER_ACTION, ""),
            (TriageDecision.Outcome.MONITOR, ""),
            (TriageDecision.Outcome.OPEN_CASE, ""),
            (TriageDecision.Outcome.REFER, TriageDecision.ReferTo.EARLY_HELP),
            (TriageDecision.Outcome.REFER, TriageDecision.ReferTo.POLICE),
        ]
        outcome_label = dict(TriageDecision.Outcome.choices)
        refer_label = dict(TriageDecision.ReferTo.choices)
        for plan in plans:
            child = plan.child
            siblings = [c for c in by_home[child["household_id"]] if c["id"] != child["id"]]
            for _ in range(plan.concerns):
                cid = self.ids.take(Concern)
                number = s.number(Concern)
                occurred = self.when(r)
                created = occurred + timedelta(minutes=r.randint(10, 240))
                recorder = r.choice(s.staff)
                top_id, top_name, subs = r.choice(s.categories)
                sub = r.choice(subs) if subs and r.random() < 0.6 else None
                category = f"{top_name}: {sub[1]}" if sub else top_name
                about = [child]
                if siblings and r.random() < 0.15:
                    about.append(r.choice(siblings))
                account = r.choice(ACCOUNTS)
                location, words = r.choice(LOCATIONS), r.choice(CHILD_WORDS)
                body_map = []
                if r.random() < 0.08:
                    body_map = [
                        {
                            "side": r.choice(("front", "back")),
                            "x": r.randint(20, 80),
                            "y": r.randint(5, 95),
                            "kind": r.choice(("bruise", "cut", "burn", "mark", "other")),
                            "size": f"{r.randint(1, 6)} cm",
                            "note": "Seen when changing for PE.",
                        }
                        for _ in range(r.randint(1, 3))
                    ]
                in_error = r.random() < 0.003
                # A DSL triages within three days, so only the last few days' concerns
                # still wait for a decision (and keep their alert unread).
                decided_at = created + timedelta(seconds=r.randint(600, 3 * 86400))
                decided = not in_error and decided_at <= self.now
                outcome, refer_to = r.choice(outcomes) if decided else ("", "")
                status = (
                    Concern.Status.NO_FURTHER_ACTION
                    if outcome == TriageDecision.Outcome.NO_FURTHER_ACTION
                    else Concern.Status.OPEN
                )
                error_at = created + timedelta(hours=1) if in_error else None
                actions = []
                for person in about:
                    for _ in range(r.choice((0, 1, 1, 2))):
                        text = r.choice(ACTIONS)
                        at = created + timedelta(seconds=r.randint(300, 5 * 86400))
                        actions.append((person, text, min(at, self.now), r.choice((dsl, recorder))))
                first_action = min((a[2] for a in actions), default=None)
                self.add(
                    Concern,
                    (
                        cid,
                        created,
                        recorder,
                        number,
                        child["id"],
                        top_id,
                        sub[0] if sub else None,
                        occurred,
                        location,
                        account,
                        words,
                        "",
                        body_map,
                        "",
                        status,
                        decided_at if decided else None,
                        in_error,
                        "Recorded against the wrong child." if in_error else "",
                        dsl if in_error else None,
                        error_at,
                        child["year_group"],
                        *when_in_the_week(occurred),
                        _seconds(created, first_action),
                        _seconds(created, decided_at if decided else None),
                    ),
                )
                for person in about:
                    self.add(ConcernChild, (cid, person["id"], person is child, recorder, created))
                self.add(
                    ConcernVersion,
                    (
                        cid,
                        1,
                        recorder,
                        created,
                        {
                            "child": {"id": child["id"], "name": _name(child)},
                            "linked_children": [
                                {"id": p["id"], "name": _name(p)} for p in about[1:]
                            ],
                            "category": {"id": top_id, "name": top_name},
                            "subcategory": {"id": sub[0], "name": sub[1]} if sub else None,
                            "occurred_at": occurred.isoformat(),
                            "occurred": f"{occurred.astimezone(LONDON):%d/%m/%Y %H:%M}",
                            "location": location,
                            "account": account,
                            "child_words": words,
                            "others_present": "",
                            "action_taken": "",
                            "agencies": [],
                            "body_map": body_map,
                            "status": Concern.Status.OPEN,
                            "restricted": False,
                        },
                    ),
                )
                self.add(Alert, (cid, dsl, recorder, created, decided_at if decided else None))
                summary = concern_summary(
                    SimpleNamespace(
                        account=account,
                        number=number,
                        entered_in_error=in_error,
                        version=1,
                        edited_at=None,
                    )
                )
                scope = f"concern:{cid}"
                for person in about:
                    self.entry(
                        person["id"],
                        occurred,
                        recorder,
                        Kind.CONCERN,
                        category,
                        summary,
                        concern_type,
                        cid,
                        scope,
                        in_error,
                    )
                for person, text, at, by in actions:
                    aid = self.ids.take(ConcernAction)
                    self.add(ConcernAction, (aid, cid, person["id"], text, by, at))
                    self.entry(
                        person["id"],
                        at,
                        by,
                        Kind.CONCERN_ACTION,
                        category,
                        f"Action on concern {number}: {text}",
                        action_type,
                        aid,
                        scope,
                        in_error,
                    )
                if decided:
                    did = self.ids.take(TriageDecision)
                    rationale = r.choice(RATIONALES)
                    self.add(
                        TriageDecision,
                        (
                            did,
                            cid,
                            outcome,
                            refer_to,
                            "",
                            rationale,
                            _seconds(created, decided_at),
                            True,
                            dsl,
                            decided_at,
                        ),
                    )
                    said = outcome_label[outcome]
                    if refer_to:
                        said = f"{said}: {refer_label[refer_to]}"
                    for person in about:
                        self.entry(
                            person["id"],
                            decided_at,
                            dsl,
                            Kind.TRIAGE_DECISION,
                            category,
                            f"Decision on concern {number}: {said}. {rationale}",
                            decision_type,
                            did,
                            scope,
                            in_error,
                        )
                    if outcome == TriageDecision.Outcome.OPEN_CASE:
                        plan.concern_ids.append((cid, decided_at))

    # --- programme engagements --------------------------------------------------------------

    def engagements(self, r: random.Random, plans) -> None:
        s = self.setup
        engagement_type = _model_label(Engagement)
        delivery_type = _model_label(ServiceDelivery)
        reasons = s.options.get("engagement_closure_reason", [])
        absences = [pk for pk, _ in s.options.get("absence_reason", [])]
        referrers = [pk for pk, _ in s.options.get("referral_source", [])]
        used: set[tuple[int, int]] = set()
        for plan in plans:
            child = plan.child["id"]
            for count in plan.engagements:
                programme_id, programme, services = r.choice(s.programmes)
                if (child, programme_id) in used:
                    continue  # one engagement at a time on a programme
                used.add((child, programme_id))
                eid = self.ids.take(Engagement)
                plan.engagement_ids.append(eid)
                per_service = -(-count // len(services))
                span = r.randint(per_service + 14, max(per_service + 14, YEARS_BACK * 365))
                referral = self.today - timedelta(days=span)
                key_person = r.choice(s.staff)
                scope = f"engagement:{eid}"
                last = referral
                for service_id, label in services:
                    share = min(per_service, count)
                    count -= share
                    for offset in sorted(r.sample(range(span), share)):
                        day = referral + timedelta(days=offset)
                        last = max(last, day)
                        roll = r.random()
                        if roll < 0.88:
                            attendance, reason = Attendance.PRESENT, None
                        elif roll < 0.95:
                            attendance = Attendance.ABSENT_AUTHORISED
                            reason = r.choice(absences) if absences else None
                        else:
                            attendance, reason = Attendance.ABSENT_UNAUTHORISED, None
                        did = self.ids.take(ServiceDelivery)
                        at = start_of(day)
                        self.add(
                            ServiceDelivery,
                            (
                                did,
                                eid,
                                service_id,
                                day,
                                attendance,
                                reason,
                                r.choice(SUMMARIES),
                                key_person,
                                key_person,
                                at + timedelta(hours=17),
                                plan.child["year_group"],
                            ),
                        )
                        self.entry(
                            child,
                            at,
                            key_person,
                            Kind.SERVICE_DELIVERY,
                            programme,
                            f"{label}: {ATTENDANCE_LABEL[attendance]}",
                            delivery_type,
                            did,
                            scope,
                            True,
                        )
                stage, closed_on, reason, note = Stage.IN_PROGRESS, None, None, ""
                roll = r.random()
                if plan.tier == "usual" and roll < 0.45 and reasons:
                    stage = Stage.CLOSED
                elif plan.tier == "usual" and roll < 0.50 and reasons and last == referral:
                    stage = Stage.NOT_PROGRESSED
                if stage != Stage.IN_PROGRESS:
                    closed_on = min(self.today, last + timedelta(days=r.randint(0, 30)))
                    reason = r.choice(reasons)
                    note = "Family moved out of the area." if reason[1] == "Moved away" else ""
                created = start_of(referral) + timedelta(hours=9)
                self.add(
                    Engagement,
                    (
                        eid,
                        created,
                        key_person,
                        programme_id,
                        child,
                        referral,
                        r.choice(referrers) if referrers else None,
                        key_person,
                        stage,
                        closed_on,
                        reason[0] if reason else None,
                        note,
                        key_person if reason else None,
                    ),
                )
                self.entry(
                    child,
                    start_of(referral),
                    key_person,
                    Kind.ENGAGEMENT_OPENED,
                    programme,
                    f"Referred to {programme}",
                    engagement_type,
                    eid,
                    scope,
                    False,
                )
                if reason:
                    self.add(
                        StageChange,
                        (
                            eid,
                            Stage.IN_PROGRESS,
                            stage,
                            note,
                            key_person,
                            start_of(closed_on) + timedelta(hours=16),
                        ),
                    )
                    self.entry(
                        child,
                        start_of(closed_on),
                        key_person,
                        Kind.ENGAGEMENT_CLOSED,
                        programme,
                        f"{programme} engagement {Stage(stage).label.lower()}: {reason[1]}",
                        engagement_type,
                        eid,
                        scope,
                        False,
                    )

    # --- safeguarding cases -------------------------------------------------------------------

    def cases(self, r: random.Random, plans) -> None:
        s, dsl = self.setup, self.setup.dsl.pk
        change_type = _model_label(CaseStatusChange)
        action_type = _model_label(MonitoringAction)
        closure_type = _model_label(ClosureRequest)
        case_link = ContentType.objects.get_for_model(SafeguardingCase).pk
        types = s.options.get("case_type", [])
        categories = s.options.get("case_category", [])
        for plan in plans:
            if plan.case is None or not types or not categories or not s.thresholds:
                continue
            child, actions = plan.child["id"], plan.case
            case_id = self.ids.take(SafeguardingCase)
            number = s.number(SafeguardingCase)
            reference = f"{number:08d}"
            label, scope = f"Safeguarding case {reference}", f"case:{case_id}"
            threshold_id, threshold, review_days = r.choice(s.thresholds)
            category_id, category_label = r.choice(categories)
            owner = r.choice(s.staff[1:])
            opened = self.when(r)
            linked = plan.concern_ids[0] if plan.concern_ids else None
            if linked is not None:
                opened = min(linked[1] + timedelta(minutes=30), self.now - timedelta(hours=1))
            if actions == 0:
                status = r.choices(
                    (Status.OPEN, Status.CLOSURE_REQUESTED, Status.CLOSED), (60, 10, 30)
                )[0]
            else:
                status = r.choices(
                    (Status.MONITORING, Status.CLOSURE_REQUESTED, Status.CLOSED), (55, 10, 35)
                )[0]
            span = (self.now - opened).total_seconds()
            times = sorted(
                opened + timedelta(seconds=r.random() * span * 0.9) for _ in range(actions)
            )
            changes = [(self.ids.take(CaseStatusChange), "", Status.OPEN, "", dsl, opened)]
            self.entry(
                child,
                opened,
                dsl,
                Kind.CASE_OPENED,
                label,
                f"Safeguarding case {reference} opened ({threshold}): {category_label}",
                change_type,
                changes[0][0],
                scope,
                False,
            )
            current, last_update = Status.OPEN, opened
            rejected_at = (
                r.randrange(1, actions)
                if status == Status.MONITORING and actions > 2 and r.random() < 0.1
                else None
            )
            for n, at in enumerate(times):
                if n == rejected_at:
                    current = self._closure(
                        r,
                        case_id,
                        reference,
                        scope,
                        label,
                        child,
                        owner,
                        dsl,
                        current,
                        times[n - 1] + (at - times[n - 1]) / 3,
                        at - (at - times[n - 1]) / 3,
                        approve=False,
                        changes=changes,
                        closure_type=closure_type,
                        change_type=change_type,
                    )
                aid = self.ids.take(MonitoringAction)
                name, role = r.choice(GIVERS)
                text = r.choice(MONITORING)
                self.add(
                    MonitoringAction,
                    (
                        aid,
                        case_id,
                        name,
                        role,
                        text,
                        True,
                        r.random() < 0.5,
                        r.random() < 0.3,
                        "Agreed at the last review.",
                        owner,
                        at,
                    ),
                )
                self.entry(
                    child,
                    at,
                    owner,
                    Kind.CASE_MONITORING,
                    label,
                    f"Monitoring action ({name}, {role}): {text}",
                    action_type,
                    aid,
                    scope,
                    False,
                )
                if current == Status.OPEN:
                    changes.append(
                        (
                            self.ids.take(CaseStatusChange),
                            Status.OPEN,
                            Status.MONITORING,
                            MONITORING_NOTE,
                            owner,
                            at,
                        )
                    )
                    current = Status.MONITORING
                last_update = at
            closed_at = None
            if status in (Status.CLOSURE_REQUESTED, Status.CLOSED):
                asked = last_update + (self.now - last_update) * (0.3 + 0.3 * r.random())
                decided = asked + (self.now - asked) * (0.2 + 0.6 * r.random())
                current = self._closure(
                    r,
                    case_id,
                    reference,
                    scope,
                    label,
                    child,
                    owner,
                    dsl,
                    current,
                    asked,
                    decided if status == Status.CLOSED else None,
                    approve=True,
                    changes=changes,
                    closure_type=closure_type,
                    change_type=change_type,
                )
                if status == Status.CLOSED:
                    closed_at = decided
            due = (
                None
                if status == Status.CLOSED
                else last_update.astimezone(LONDON).date() + timedelta(days=review_days)
            )
            first_due = opened.astimezone(LONDON).date() + timedelta(days=review_days)
            self.add(
                SafeguardingCase,
                (
                    case_id,
                    opened,
                    dsl,
                    number,
                    child,
                    plan.engagement_ids[0] if plan.engagement_ids and r.random() < 0.5 else None,
                    r.choice(types)[0],
                    category_id,
                    opened - timedelta(hours=r.randint(1, 48)),
                    threshold_id,
                    r.choice(CASE_DESCRIPTIONS),
                    "Sam Patel",
                    "Family support worker",
                    "Key person to monitor and record; DSL to speak to the parent at collection.",
                    owner,
                    s.manager if r.random() < 0.5 else None,
                    status,
                    due,
                    last_update,
                    closed_at,
                ),
            )
            for change in changes:
                self.add(CaseStatusChange, (*change[:1], case_id, *change[1:]))
            if linked is not None:
                self.add(SafeguardingCase.concerns.through, (case_id, linked[0]))
            done = opened + timedelta(days=1)
            self.add(
                Task,
                (
                    owner,
                    NEW_CASE_TASK,
                    first_due,
                    done if done < self.now else None,
                    owner if done < self.now else None,
                    case_link,
                    case_id,
                    dsl,
                    opened,
                ),
            )

    def _closure(
        self,
        r,
        case_id,
        reference,
        scope,
        label,
        child,
        owner,
        dsl,
        current,
        asked,
        decided,
        *,
        approve,
        changes,
        closure_type,
        change_type,
    ) -> str:
        """A closure request (and its decision, if ``decided``), with the moves it makes."""
        rid = self.ids.take(ClosureRequest)
        comments = r.choice(CLOSURE_COMMENTS)
        changes.append(
            (
                self.ids.take(CaseStatusChange),
                current,
                Status.CLOSURE_REQUESTED,
                comments,
                owner,
                asked,
            )
        )
        self.entry(
            child,
            asked,
            owner,
            Kind.CASE_CLOSURE_REQUESTED,
            label,
            f"Closure of safeguarding case {reference} requested: {comments}",
            closure_type,
            rid,
            scope,
            False,
        )
        if decided is None:
            self.add(
                ClosureRequest,
                (rid, case_id, comments, dsl, "pending", "", None, None, owner, asked),
            )
            return Status.CLOSURE_REQUESTED
        decision = ClosureRequest.Decision.APPROVED if approve else ClosureRequest.Decision.REJECTED
        comment = (
            "Agreed: no further concerns and the family are supported."
            if approve
            else "Not yet: wait for the outcome of the health review."
        )
        self.add(
            ClosureRequest,
            (rid, case_id, comments, dsl, decision, comment, decided, dsl, owner, asked),
        )
        self.entry(
            child,
            decided,
            dsl,
            Kind.CASE_CLOSURE_DECIDED,
            label,
            f"Closure of safeguarding case {reference} {decision.label.lower()}: {comment}",
            closure_type,
            rid,
            scope,
            False,
        )
        after = Status.CLOSED if approve else Status.MONITORING
        change_id = self.ids.take(CaseStatusChange)
        changes.append((change_id, Status.CLOSURE_REQUESTED, after, comment, dsl, decided))
        if approve:
            self.entry(
                child,
                decided,
                dsl,
                Kind.CASE_CLOSED,
                label,
                f"Safeguarding case {reference} closed",
                change_type,
                change_id,
                scope,
                False,
            )
        return after

    # --- the front door ------------------------------------------------------------------

    def contacts(self, r: random.Random, plans, by_home) -> None:
        """Contacts to the front door about some of its children (and their siblings), at
        every stage: each with its status history, ratings and clocks as the services leave
        them, and information requests to partner agencies for those the MASH took."""
        s, dsl = self.setup, self.setup.dsl.pk
        staff = s.staff
        for plan in plans:
            if r.random() >= (0.5 if plan.tier != "usual" else 0.05):
                continue
            child = plan.child
            for _ in range(1 if plan.tier == "usual" else r.randint(1, 4)):
                siblings = [c for c in by_home[child["household_id"]] if c["id"] != child["id"]]
                about = [child] + ([r.choice(siblings)] if siblings and r.random() < 0.3 else [])
                self._contact(r, s, dsl, staff, about)

    def _contact(self, r, s, dsl, staff, about) -> None:
        cid = self.ids.take(fd.Contact)
        received = (
            self.when(r, 2 * 365)
            if r.random() < 0.9
            else self.now - timedelta(minutes=r.randint(30, 60 * 30))
        )
        recent = self.now - received < timedelta(days=3)
        path = r.choices(PATHS, weights=[w for _, w in PATHS])[0][0] if not recent else None
        if path is None:
            path = r.choice(OPEN_PATHS)
        worker = r.choice(staff)
        changes = []
        clocks = []
        ratings = []
        fields = {
            "screened_at": None,
            "screened_by_id": None,
            "known": "",
            "initial_rag": "",
            "final_rag": "",
            "due_at": None,
            "outcome": "",
            "early_help_offer": "",
            "decided_at": None,
            "decided_by_id": None,
            "retention_class": "",
            "disposal_review_date": None,
            "status": fd.Status.SCREENING,
        }
        at = received

        def move(to, note, by):
            changes.append((fields["status"], to, note, by, at))
            fields["status"] = to

        def later(hours):
            nonlocal at
            at = min(at + timedelta(minutes=r.randint(10, int(hours * 60))), self.now)
            return at

        changes.append(("", fd.Status.SCREENING, "", worker, received))
        if path == "screening":
            pass
        elif path == "passed":
            later(4)
            fields.update(screened_at=at, screened_by_id=worker, known=fd.Known.OPEN)
            move(fd.Status.PASSED_TO_WORKER, fd.Known.OPEN.label, worker)
        else:
            later(3)
            known = r.choice([fd.Known.NOT_KNOWN, fd.Known.KNOWN, fd.Known.PREVIOUSLY_KNOWN])
            fields.update(screened_at=at, screened_by_id=worker, known=known)
            move(fd.Status.RATING, known.label, worker)
            if path != "rating":
                rag = (
                    fd.Rag.GREEN
                    if path.startswith("early_help")
                    else r.choice([fd.Rag.RED, fd.Rag.AMBER_CP])
                )
                later(3)
                fields["initial_rag"] = rag
                ratings.append(
                    (fd.RagRating.Stage.INITIAL, rag, r.choice(RAG_RATIONALES), worker, at)
                )
                kind = workflow.clock_kind_for(rag)
                clock = [kind, rag, at, workflow.due_after(kind, at), None]
                clocks.append(clock)
                fields["due_at"] = clock[3]
                if rag == fd.Rag.GREEN:
                    move(fd.Status.EARLY_HELP, rag.label, worker)
                else:
                    move(fd.Status.MASH_MANAGER, rag.label, worker)
                if path == "early_help_decided":
                    later(48)
                    self._finish(r, fields, clocks, move, at, fd.Outcome.EARLY_HELP, dsl)
                    fields["early_help_offer"] = r.choice(list(fd.EarlyHelpOffer))
                elif path in ("gathering", "mash_decision", "mash_decided"):
                    later(2)
                    move(fd.Status.INFORMATION_GATHERING, "", dsl)
                    sent = at
                    agencies = r.sample(s.agencies, r.randint(2, len(s.agencies)))
                    due = fields["due_at"] if fields["due_at"] > sent else sent + timedelta(hours=1)
                    answered_all = path != "gathering"
                    for agency in agencies:
                        answered = answered_all or r.random() < 0.5
                        when = min(sent + timedelta(minutes=r.randint(20, 300)), self.now)
                        self.add(
                            fd.InformationRequest,
                            (
                                cid,
                                agency,
                                r.choice(QUESTIONS),
                                due,
                                "answered" if answered else "open",
                                r.choice(ANSWERS) if answered else "",
                                True if answered else None,
                                (r.random() < 0.7) if answered else None,
                                when if answered else None,
                                dsl if answered else None,
                                sent,
                            ),
                        )
                    if answered_all:
                        at = max(at, sent + timedelta(minutes=300))
                        at = min(at, self.now)
                        move(fd.Status.MASH_DECISION, "", dsl)
                    if path == "mash_decided":
                        later(6)
                        final = fields["initial_rag"]
                        ratings.append(
                            (fd.RagRating.Stage.FINAL, final, r.choice(RAG_RATIONALES), dsl, at)
                        )
                        fields["final_rag"] = final
                        outcome = r.choice(
                            [fd.Outcome.STRATEGY_DISCUSSION, fd.Outcome.SOCIAL_WORK_TEAM]
                        )
                        self._finish(r, fields, clocks, move, at, outcome, dsl)
        self.add(
            fd.Contact,
            (
                cid,
                received,
                worker,
                s.number(fd.Contact),
                r.choice(list(fd.Source)),
                received,
                r.choice(REFERRERS),
                "Class teacher",
                "Northbridge Primary",
                r.choice(ACCOUNTS),
                True,
                fd.Consent.GIVEN,
                fields["status"],
                fields["known"],
                fields["screened_at"],
                fields["screened_by_id"],
                fields["initial_rag"],
                fields["final_rag"],
                fields["due_at"],
                fields["outcome"],
                fields["early_help_offer"],
                fields["decided_at"],
                fields["decided_by_id"],
                fields["retention_class"],
                fields["disposal_review_date"],
            ),
        )
        for person in about:
            self.add(
                fd.ContactPerson, (cid, person["id"], fd.ContactPerson.Role.CHILD, worker, received)
            )
        for change in changes:
            self.add(fd.ContactStatusChange, (cid, *change))
        for rating in ratings:
            self.add(fd.RagRating, (cid, *rating))
        for kind, rag, started, due, stopped in clocks:
            self.add(fd.ContactClock, (cid, kind, rag, started, due, stopped, started))

    def _finish(self, r, fields, clocks, move, at, outcome, by) -> None:
        """As ``contact_finish``: the outcome, the clock stopped, the retention class."""
        move(fd.Status.DECIDED, fd.Outcome(outcome).label, by)
        if clocks and clocks[-1][4] is None:
            clocks[-1][4] = at
        statutory = outcome in STATUTORY_OUTCOMES
        years = self.setup.retention[0 if statutory else 1]
        fields.update(
            outcome=outcome,
            decided_at=at,
            decided_by_id=by,
            due_at=None,
            retention_class=(
                fd.RetentionClass.STATUTORY if statutory else fd.RetentionClass.EARLY_HELP
            ),
            disposal_review_date=_years_after(at.date(), years),
        )

    # --- the end -----------------------------------------------------------------------------

    @property
    def models(self) -> list:
        return [*COLUMNS]

    def finish(self) -> None:
        bulk.reset_sequences(*[m for m in COLUMNS if "id" in COLUMNS[m]])
        tally.rebuild()  # the daily delivery counts, from every delivery written


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def _seconds(start: datetime, end: datetime | None) -> int | None:
    """Seconds elapsed, in UTC: times in the same UK zone subtract as clock times, an hour
    out across a change of the clocks."""
    if end is None:
        return None
    return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())


def _name(person: dict) -> str:
    return f"{person['first_name']} {person['last_name']}"


PATHS = [
    ("passed", 5),
    ("early_help_decided", 45),
    ("mash_decided", 35),
    ("screening", 2),
    ("rating", 2),
    ("early_help", 3),
    ("mash_manager", 2),
    ("gathering", 4),
    ("mash_decision", 2),
]
OPEN_PATHS = ["screening", "rating", "early_help", "mash_manager", "gathering", "mash_decision"]
REFERRERS = ["Jo Okafor", "Priya Shah", "PC Dan Hughes", "Dr Amy Clarke", "Lou Mensah"]
RAG_RATIONALES = [
    "Single incident, family engaging; needs met by early help.",
    "Disclosure of physical harm; child protection enquiries likely.",
    "Cumulative neglect over several months; partner checks needed today.",
]
QUESTIONS = [
    "Please share any recent incidents involving the household.",
    "Is the child known to your service, and is there any current involvement?",
]
ANSWERS = [
    "Two call-outs to the address in the last six months for verbal arguments.",
    "Child registered with the practice; immunisations up to date; missed two appointments.",
    "No involvement with the family held.",
]
GIVERS = [
    ("Sam Patel", "Family support worker"),
    ("Jo Okafor", "Class teacher"),
    ("Priya Shah", "School nurse"),
    ("Tom Evans", "Social worker"),
    ("Ruth Adeyemi", "Key person"),
]
CASE_DESCRIPTIONS = [
    "Bruising to the upper arm seen at drop-off; the child was quiet and withdrawn all morning.",
    "Repeated concerns about hygiene and hunger over the half term.",
    "Disclosure of shouting and fighting at home; police called last weekend.",
    "Concerns about online contact with an unknown adult.",
]
CLOSURE_COMMENTS = [
    "No further marks; the family are working with early help.",
    "Attendance back to normal and mum engaging well with the GP.",
    "Child protection plan ended; the social worker agrees the case can close.",
]

COLUMNS: dict[type, tuple[str, ...]] = {
    Entry: (
        "child_id",
        "occurred_at",
        "recorded_by_id",
        "created_by_id",
        "kind",
        "category",
        "summary",
        "source_type",
        "source_id",
        "scope",
        "routine",
    ),
    Concern: (
        "id",
        "created_at",
        "created_by_id",
        "number",
        "child_id",
        "category_id",
        "subcategory_id",
        "occurred_at",
        "location",
        "account",
        "child_words",
        "others_present",
        "body_map",
        "action_taken",
        "status",
        "decided_at",
        "entered_in_error",
        "error_reason",
        "error_by_id",
        "error_at",
        "year_group",
        "occurred_weekday",
        "occurred_hour",
        "seconds_to_first_action",
        "seconds_to_decision",
    ),
    ConcernChild: ("concern_id", "person_id", "is_primary", "created_by_id", "created_at"),
    ConcernVersion: ("concern_id", "number", "created_by_id", "created_at", "snapshot"),
    Alert: ("concern_id", "recipient_id", "created_by_id", "created_at", "read_at"),
    ConcernAction: ("id", "concern_id", "child_id", "text", "created_by_id", "created_at"),
    TriageDecision: (
        "id",
        "concern_id",
        "outcome",
        "refer_to",
        "refer_detail",
        "rationale",
        "seconds_to_decision",
        "first_decision",
        "created_by_id",
        "created_at",
    ),
    Engagement: (
        "id",
        "created_at",
        "created_by_id",
        "programme_id",
        "child_id",
        "referral_date",
        "referred_by_id",
        "key_person_id",
        "stage",
        "closed_on",
        "closed_reason_id",
        "closed_note",
        "closed_by_id",
    ),
    ServiceDelivery: (
        "id",
        "engagement_id",
        "service_id",
        "delivered_on",
        "attendance",
        "absence_reason_id",
        "summary",
        "delivered_by_id",
        "created_by_id",
        "created_at",
        "year_group",
    ),
    StageChange: ("engagement_id", "from_stage", "to_stage", "note", "created_by_id", "created_at"),
    SafeguardingCase: (
        "id",
        "created_at",
        "created_by_id",
        "number",
        "child_id",
        "engagement_id",
        "case_type_id",
        "category_id",
        "incident_at",
        "threshold_id",
        "description",
        "raised_with_name",
        "raised_with_job_title",
        "actions_agreed",
        "owner_id",
        "manager_id",
        "status",
        "next_update_due",
        "last_update_at",
        "closed_at",
    ),
    CaseStatusChange: (
        "id",
        "case_id",
        "from_status",
        "to_status",
        "note",
        "created_by_id",
        "created_at",
    ),
    MonitoringAction: (
        "id",
        "case_id",
        "given_by_name",
        "given_by_role",
        "actions_taken",
        "by_centre_staff",
        "by_parents",
        "by_agencies",
        "rationale",
        "created_by_id",
        "created_at",
    ),
    ClosureRequest: (
        "id",
        "case_id",
        "comments",
        "approver_id",
        "decision",
        "decision_comment",
        "decided_at",
        "decided_by_id",
        "created_by_id",
        "created_at",
    ),
    SafeguardingCase.concerns.through: ("safeguardingcase_id", "concern_id"),
    fd.Contact: (
        "id",
        "created_at",
        "created_by_id",
        "number",
        "source",
        "received_at",
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "concerns",
        "parents_informed",
        "consent",
        "status",
        "known",
        "screened_at",
        "screened_by_id",
        "initial_rag",
        "final_rag",
        "due_at",
        "outcome",
        "early_help_offer",
        "decided_at",
        "decided_by_id",
        "retention_class",
        "disposal_review_date",
    ),
    fd.ContactPerson: ("contact_id", "person_id", "role", "created_by_id", "created_at"),
    fd.ContactStatusChange: (
        "contact_id",
        "from_status",
        "to_status",
        "note",
        "created_by_id",
        "created_at",
    ),
    fd.RagRating: ("contact_id", "stage", "rating", "rationale", "created_by_id", "created_at"),
    fd.ContactClock: (
        "contact_id",
        "kind",
        "rating",
        "started_at",
        "due_at",
        "stopped_at",
        "created_at",
    ),
    fd.InformationRequest: (
        "contact_id",
        "agency_id",
        "question",
        "due_at",
        "status",
        "summary",
        "may_pass_on",
        "may_share_with_family",
        "answered_at",
        "answered_by_id",
        "created_at",
    ),
    Task: (
        "assignee_id",
        "title",
        "due_on",
        "done_at",
        "done_by_id",
        "link_type_id",
        "link_id",
        "created_by_id",
        "created_at",
    ),
}
