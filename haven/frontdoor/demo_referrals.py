"""Demo referrals from Riverside Primary School, and six months of front-door history.

Riverside's DSL refers two concerns through the triage decision, as a DSL would: one about
Ayesha Begum that the front door has already decided (the DSL has its
feedback), and one about Tyler Okoro, just received. Both show on the concern pages
under "Referral to the front door" and in the DSL's list of referrals.

The history is what the reports count: some forty contacts received over the last six
months, rated, timed and decided, with the MASH's requests to partners and their answers.
It is history, so it is written as the rows the services would have left at the time
(status rows, clocks, ratings and outcomes dated then) rather than by replaying the work,
which would stamp everything with today's date and tell today's staff about it. Every name
is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from haven.accounts.models import Organisation, User
from haven.core import clock
from haven.frontdoor import workflow
from haven.frontdoor.models import (
    AgencyKind,
    ClockKind,
    Contact,
    ContactClock,
    ContactPerson,
    ContactStatusChange,
    EarlyHelpOffer,
    InformationRequest,
    Known,
    Outcome,
    PartnerAgency,
    Rag,
    RagRating,
    Source,
    Status,
)
from haven.frontdoor.services.decision import retention_for
from haven.frontdoor.services.referrals import ReferralDetails
from haven.people import services as people_services
from haven.people.models import Person

RIVERSIDE = "Riverside Primary School"
SCREENING = "screening@frontdoor.example"
SENIOR = "senior@frontdoor.example"
MASH_MANAGER = "mash.manager@frontdoor.example"
EARLY_HELP = "early.help@frontdoor.example"


def load(world: dict) -> dict:
    history = load_history(world)
    referrals = load_riverside_referrals(world)
    return {"history": history, **referrals}


# --- Riverside's referrals -------------------------------------------------------------------


def _riverside():
    school = Organisation.objects.filter(name=RIVERSIDE).first()
    if school is None:
        return None, {}
    staff = {u.email: u for u in User.objects.for_org(school)}
    return school, staff


def _child(school, first: str, last: str) -> Person | None:
    return Person.objects.for_org(school).filter(first_name=first, last_name=last).first()


def _concern(teacher, child, *, hours_ago: int, account: str, child_words: str = ""):
    from haven.safeguarding.models import ConcernCategory
    from haven.safeguarding.services import ConcernData, concern_record

    category = ConcernCategory.objects.for_org(teacher.organisation).get(
        name="Wellbeing", parent__isnull=True
    )
    return concern_record(
        actor=teacher,
        data=ConcernData(
            child=child,
            category=category,
            occurred_at=clock.now() - timedelta(hours=hours_ago),
            location="Classroom",
            account=account,
            child_words=child_words,
        ),
        alert_teams=[],
        alert_people=[],
    )


def _refer(concern, dsl, *, rationale: str, details: ReferralDetails):
    from haven.safeguarding import triage

    triage.triage_decide(
        concern=concern,
        actor=dsl,
        outcome="refer",
        refer_to="front_door",
        rationale=rationale,
        front_door=details,
    )
    return Contact.objects.for_org(dsl.organisation.front_door).get(haven_referral__concern=concern)


def load_riverside_referrals(world: dict) -> dict:
    school, staff = _riverside()
    dsl = staff.get("dsl@riverside.example")
    teacher = staff.get("teacher@riverside.example")
    if school is None or dsl is None or teacher is None or school.front_door_id is None:
        return {}
    found = {}
    ayesha = _child(school, "Ayesha", "Begum")
    if ayesha is not None:
        concern = _concern(
            teacher,
            ayesha,
            hours_ago=26,
            account=(
                "Ayesha was asleep at her desk at 10:00 and said she had been up in the night "
                "looking after her mum, who was unwell again. She has missed breakfast club "
                "all week and her PE kit has not come in for three weeks."
            ),
            child_words="“Mum can't get up so I do Danny's breakfast and take him to nursery.”",
        )
        contact = _refer(
            concern,
            dsl,
            rationale=(
                "Young carer with growing responsibilities; mum agrees she needs help at home. "
                "Early help rather than social work, but the front door should decide."
            ),
            details=ReferralDetails(
                summary=(
                    "Ayesha (11) is caring for her mother, who has a long-term illness, and "
                    "her younger brother. She is tired in class, missing breakfast club and "
                    "her attendance has dropped to 89%. Mum agrees the family needs support."
                ),
                parents_informed=True,
                consent="given",
            ),
        )
        _decide_as_early_help(world, contact)
        found["decided_referral"] = contact
    tyler = _child(school, "Tyler", "Okoro")
    if tyler is not None:
        concern = _concern(
            teacher,
            tyler,
            hours_ago=2,
            account=(
                "At 09:05 Tyler said Marcus had thrown a plate at his mum last night and that "
                "the police came. He had a small cut on the back of his right hand, which he "
                "said was from the broken plate when he picked it up."
            ),
            child_words="“Marcus threw the plate at Mum. I picked it up so she wouldn't cry.”",
        )
        found["new_referral"] = _refer(
            concern,
            dsl,
            rationale=(
                "Second disclosure of violence at home this term; Tyler is on a child in need "
                "plan. Threshold met for a referral today."
            ),
            details=ReferralDetails(
                summary=(
                    "Tyler (8) told his teacher this morning that his mother's partner, Marcus "
                    "Reid, threw a plate at his mother last night and that the police came. "
                    "Tyler has a small cut on his right hand from picking up the pieces."
                ),
                parents_informed=False,
                not_informed_reason="risk_of_harm",
                not_informed_explanation=(
                    "Tyler fears Marcus will be angry that he told; telling the family today "
                    "could put him and his mother at risk."
                ),
                consent="not_sought",
                consent_not_sought_reason="Seeking consent would tell Marcus of the referral.",
            ),
        )
    return found


def _decide_as_early_help(world: dict, contact: Contact) -> None:
    """The front door's work on Ayesha's referral, through the shared moves and the
    decision service: screened, rated green, passed to early help and decided."""
    from haven.frontdoor.services.decision import contact_finish

    staff = world["staff"]
    senior, early_help = staff[SENIOR], staff[EARLY_HELP]
    contact.known, contact.screened_at, contact.screened_by = (
        Known.NOT_KNOWN,
        clock.now(),
        staff[SCREENING],
    )
    workflow.move(
        contact, Status.RATING, staff[SCREENING], note="Not known to children's services."
    )
    RagRating.objects.create(
        organisation=contact.organisation,
        created_by=senior,
        contact=contact,
        stage=RagRating.Stage.INITIAL,
        rating=Rag.GREEN,
        rationale="A young carer's needs, met by early help with the family's agreement.",
    )
    contact.initial_rag = Rag.GREEN
    workflow.move(contact, Status.EARLY_HELP, senior, note="Green: to the early help duty manager.")
    contact.save()
    contact_finish(
        contact=contact,
        actor=early_help,
        outcome=Outcome.EARLY_HELP,
        team=None,
        early_help_offer=EarlyHelpOffer.ASSESSMENT,
        detail="Young carers' assessment and family support worker allocated.",
        feedback_to_referrer=(
            "Thank you for the referral. An early help assessment will be offered to the "
            "family, with a young carers' assessment; the family support worker will contact "
            "the school to arrange a Team Around the Family meeting."
        ),
    )


# --- Six months of history -------------------------------------------------------------------

FIRST_NAMES = [
    "Amira", "Jonah", "Keira", "Lucas", "Nia", "Oscar", "Priya", "Reuben", "Sofia", "Tomas",
    "Uma", "Wes", "Yara", "Zach", "Bea", "Caleb", "Dina", "Eli", "Faye", "Gus", "Hattie",
    "Ivo", "Juno", "Kai",
]  # fmt: skip
LAST_NAMES = ["Ashdown", "Blake", "Corrie", "Dunmore", "Everly", "Fenwick"]
SOURCES = [
    Source.POLICE,
    Source.INTER_AGENCY,
    Source.TELEPHONE,
    Source.INTER_AGENCY,
    Source.OUT_OF_HOURS,
    Source.PUBLIC,
    Source.TELEPHONE,
]
RATINGS = [Rag.GREEN, Rag.AMBER_CIN, Rag.GREEN, Rag.AMBER_CP, Rag.RED, Rag.GREEN, Rag.AMBER_CIN]
AGENCY_HOURS = {AgencyKind.POLICE: 2, AgencyKind.HEALTH: 5, AgencyKind.EDUCATION: 3}


@dataclass(frozen=True)
class Past:
    days_ago: int
    child: int
    # How long the work took against its timescale: under 1 is in time.
    pace: float = 0.6
    open_as: str = ""


def _plan() -> list[Past]:
    plan = []
    for n in range(36):
        days = 4 + n * 5  # every five days or so, back to six months ago
        child = n if n < 24 else (n - 24) % 6  # the first six children come back
        pace = 1.4 if n % 5 == 3 else 0.3 + (n % 4) * 0.15
        plan.append(Past(days_ago=days, child=child, pace=pace))
    # Still open: waiting for a rating, early help, allocation.
    plan += [
        Past(days_ago=2, child=1, open_as=Status.RATING),
        Past(days_ago=6, child=7, open_as=Status.EARLY_HELP),
        Past(days_ago=16, child=9, open_as=Status.ALLOCATION),
    ]
    return plan


def _born(n: int) -> date:
    today = clock.today()
    return date(today.year - 3 - n % 13, 1 + n % 12, 1 + (n * 7) % 27)


def _people(actor) -> list[Person]:
    made = []
    for n, first in enumerate(FIRST_NAMES):
        made.append(
            people_services.person_create(
                actor=actor,
                data={
                    "kind": "child",
                    "first_name": first,
                    "last_name": LAST_NAMES[n % len(LAST_NAMES)],
                    "date_of_birth": _born(n),
                },
                address={"address_line_1": f"{10 + n} Harbour Road", "postcode": "NB5 2PL"},
                duplicate_reason="Demo data",
            )
        )
    return made


def _dated(model, pk: int, at: datetime) -> None:
    model.unscoped.filter(pk=pk).update(created_at=at, modified_at=at)


class _History:
    def __init__(self, world: dict):
        self.org = world["organisation"]
        self.staff = world["staff"]
        self.agencies = {
            a.kind: a
            for a in PartnerAgency.objects.for_org(self.org).filter(kind__in=list(AGENCY_HOURS))
        }
        top = Contact.objects.for_org(self.org).order_by("-number").first()
        self.number = top.number if top else 0

    def status(self, contact, before, after, actor, at, note=""):
        row = ContactStatusChange.objects.create(
            organisation=self.org,
            created_by=actor,
            contact=contact,
            from_status=before,
            to_status=after,
            note=note,
        )
        _dated(ContactStatusChange, row.pk, at)
        contact.status = after

    def clock(self, contact, kind, rating, start, pace, *, running=False):
        due = workflow.due_after(kind, start)
        stopped = None if running else start + (due - start) * pace
        row = ContactClock.objects.create(
            organisation=self.org,
            contact=contact,
            kind=kind,
            rating=rating,
            started_at=start,
            due_at=due,
            stopped_at=stopped,
            breach_notified_at=stopped if stopped and stopped > due else None,
        )
        contact.due_at = due if running else None
        return row.stopped_at or due

    def rate(self, contact, stage, rating, actor, at, why):
        row = RagRating.objects.create(
            organisation=self.org,
            created_by=actor,
            contact=contact,
            stage=stage,
            rating=rating,
            rationale=why,
        )
        _dated(RagRating, row.pk, at)

    def ask_partners(self, contact, start, pace):
        for kind, hours in AGENCY_HOURS.items():
            agency = self.agencies.get(kind)
            if agency is None:
                continue
            took = timedelta(hours=hours * pace * 1.5)
            row = InformationRequest.objects.create(
                organisation=self.org,
                created_by=self.staff[MASH_MANAGER],
                contact=contact,
                agency=agency,
                question="What do you know of the child and the adults in the household?",
                due_at=start + timedelta(hours=4),
                status=InformationRequest.Status.ANSWERED,
                summary="Known to us; nothing further of concern in the last year.",
                may_pass_on=True,
                may_share_with_family=kind != AgencyKind.POLICE,
                answered_at=start + took,
            )
            _dated(InformationRequest, row.pk, start)

    def contact(self, past: Past, child: Person, n: int) -> Contact:
        self.number += 1
        received = clock.now() - timedelta(days=past.days_ago, hours=n % 7)
        source = SOURCES[n % len(SOURCES)]
        screening, senior = self.staff[SCREENING], self.staff[SENIOR]
        contact = Contact.objects.create(
            organisation=self.org,
            created_by=screening,
            number=self.number,
            source=source,
            received_at=received,
            police_rag="amber" if source == Source.POLICE else "",
            referrer_name="Duty officer" if source == Source.OUT_OF_HOURS else "A professional",
            referrer_role="Referrer",
            referrer_agency="Northborough partner",
            concerns=f"Concerns about {child.first_name}'s care at home (demo history).",
            parents_informed=True,
            consent="given",
            acknowledged_at=received + timedelta(minutes=5),
        )
        _dated(Contact, contact.pk, received)
        ContactPerson.objects.create(
            organisation=self.org, contact=contact, person=child, role=ContactPerson.Role.CHILD
        )
        self.status(contact, "", Status.SCREENING, screening, received, "Logged.")
        screened = received + timedelta(hours=1)
        contact.known, contact.screened_at, contact.screened_by = (
            Known.NOT_KNOWN,
            screened,
            screening,
        )
        self.status(contact, Status.SCREENING, Status.RATING, screening, screened)
        if past.open_as == Status.RATING:
            contact.save()
            return contact
        rating = {Status.EARLY_HELP: Rag.GREEN, Status.ALLOCATION: Rag.AMBER_CIN}.get(
            past.open_as, RATINGS[n % len(RATINGS)]
        )
        rated = screened + timedelta(hours=1)
        self.rate(contact, RagRating.Stage.INITIAL, rating, senior, rated, "Demo history.")
        contact.initial_rag = rating
        if rating in (Rag.RED, Rag.AMBER_CP):
            self._through_mash(contact, rating, rated, past)
        elif rating == Rag.AMBER_CIN:
            self._to_allocation(contact, rating, rated, past)
        else:
            self._to_early_help(contact, rating, rated, past)
        contact.save()
        return contact

    def _finish(self, contact, outcome, actor, at, to=Status.DECIDED, **extra):
        self.status(contact, contact.status, to, actor, at, Outcome(outcome).label)
        contact.outcome, contact.decided_at, contact.decided_by = outcome, at, actor
        contact.outcome_sent_at = at
        for name, value in extra.items():
            setattr(contact, name, value)
        contact.retention_class, contact.disposal_review_date = retention_for(contact)

    def _through_mash(self, contact, rating, rated, past):
        manager = self.staff[MASH_MANAGER]
        self.status(contact, Status.RATING, Status.MASH_MANAGER, self.staff[SENIOR], rated)
        kind = workflow.clock_kind_for(rating)
        self.status(contact, Status.MASH_MANAGER, Status.INFORMATION_GATHERING, manager, rated)
        self.ask_partners(contact, rated, past.pace)
        ended = self.clock(contact, kind, rating, rated, past.pace)
        self.status(contact, Status.INFORMATION_GATHERING, Status.MASH_DECISION, manager, ended)
        self.rate(contact, RagRating.Stage.FINAL, rating, manager, ended, "Demo history.")
        contact.final_rag = rating
        outcome = Outcome.STRATEGY_DISCUSSION if rating == Rag.RED else Outcome.SOCIAL_WORK_TEAM
        self._finish(contact, outcome, manager, ended)

    def _to_allocation(self, contact, rating, rated, past):
        senior = self.staff[SENIOR]
        self.status(contact, Status.RATING, Status.ALLOCATION, senior, rated)
        running = past.open_as == Status.ALLOCATION
        ended = self.clock(contact, ClockKind.BORDERLINE, rating, rated, past.pace, running=running)
        if not running:
            self._finish(contact, Outcome.SOCIAL_WORK_TEAM, senior, ended)

    def _to_early_help(self, contact, rating, rated, past):
        senior, manager = self.staff[SENIOR], self.staff[EARLY_HELP]
        passed = self.clock(contact, ClockKind.GREEN, rating, rated, min(past.pace, 0.5))
        self.status(contact, Status.RATING, Status.EARLY_HELP, senior, passed)
        running = past.open_as == Status.EARLY_HELP
        ended = self.clock(
            contact, ClockKind.EARLY_HELP_DECISION, rating, passed, past.pace, running=running
        )
        if running:
            return
        if past.child % 3 == 0:
            self._finish(contact, Outcome.NO_FURTHER_ACTION, manager, ended)
        elif past.child % 3 == 1:
            self._finish(contact, Outcome.SIGNPOST, manager, ended, outcome_detail="Young carers")
        else:
            self._finish(
                contact,
                Outcome.EARLY_HELP,
                manager,
                ended,
                early_help_offer=EarlyHelpOffer.TARGETED,
            )


def load_history(world: dict) -> list[Contact]:
    history = _History(world)
    children = _people(world["staff"][SCREENING])
    plan = sorted(_plan(), key=lambda p: -p.days_ago)  # numbered in the order they came
    return [history.contact(past, children[past.child], n) for n, past in enumerate(plan)]
