"""Reads of the workforce for pages, scoped to what the reader may see.

The compliance matrix is computed in a fixed number of queries however many staff there
are: the staff, the courses, the latest expiry per (person, course), every DBS check and
the induction sign-off counts are each one query, and the rest is arithmetic in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404

from haven.access import rules
from haven.configuration.models import Option
from haven.core import clock
from haven.workforce.models import (
    INDUCTION_ITEMS,
    LEVELS,
    Course,
    DbsCheck,
    InductionSignOff,
    LearningNeedsAnalysis,
    StaffMember,
    TrainingRecord,
    WorkforceSettings,
)

DUE_SOON_DAYS = 60
LEVEL_KEY = "level"


def course_key(course_id: int) -> str:
    """The requirement key of a course made required for a level or a responsibility."""
    return f"course:{course_id}"


class Status:
    """Where one requirement stands for one person. Order is urgency, worst first."""

    OVERDUE = "overdue"
    MISSING = "missing"
    DUE = "due"
    DONE = "done"
    NOT_NEEDED = "not_needed"

    LABELS = {
        OVERDUE: "Overdue",
        MISSING: "Missing",
        DUE: "Due soon",
        DONE: "Done",
        NOT_NEEDED: "Not needed",
    }
    URGENCY = [OVERDUE, MISSING, DUE, DONE, NOT_NEEDED]


def status_for(expires_on: date | None, today: date) -> str:
    """Expired on the day itself; "due soon" within 60 days of it."""
    if expires_on is None:
        return Status.MISSING
    if expires_on <= today:
        return Status.OVERDUE
    if expires_on <= today + timedelta(days=DUE_SOON_DAYS):
        return Status.DUE
    return Status.DONE


# --- Settings ---------------------------------------------------------------------------


def settings_for(organisation) -> WorkforceSettings:
    """The organisation's workforce settings (the defaults, unsaved, if never changed)."""
    found = WorkforceSettings.objects.for_org(organisation).first()
    return found or WorkforceSettings(organisation=organisation)


# --- Who may see whom -------------------------------------------------------------------


def staff_visible_to(user):
    """Staff records the user may open: administrators all, line managers their reports."""
    if not rules.can_view_compliance(user):
        return StaffMember.unscoped.none()
    staff = StaffMember.objects.for_org(user.organisation)
    if not rules.can_manage_workforce(user):
        staff = staff.filter(line_manager=user)
    return staff


def get_staff_for_user(user, pk: int, *, for_write: bool = False) -> StaffMember:
    """The staff record, or 404 if the reader may not know it exists; 403 if read-only."""
    staff = (
        StaffMember.objects.for_org(user.organisation)
        .select_related("user", "line_manager", "team")
        .filter(pk=pk)
        .first()
    )
    if staff is None or not rules.can_view_staff_record(user, staff):
        raise Http404
    if for_write and not rules.can_manage_workforce(user):
        raise PermissionDenied
    return staff


def own_staff_record(user) -> StaffMember | None:
    return (
        StaffMember.objects.for_org(user.organisation)
        .select_related("line_manager", "team")
        .filter(user=user)
        .first()
    )


def get_course_for_admin(user, pk: int) -> Course:
    course = Course.objects.for_org(user.organisation).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def get_analysis_for_user(user, pk: int) -> LearningNeedsAnalysis:
    analysis = LearningNeedsAnalysis.objects.for_org(user.organisation).filter(pk=pk).first()
    if analysis is None or not rules.can_plan_training(user):
        raise Http404
    return analysis


def get_training_record_for_user(user, pk: int) -> TrainingRecord:
    """A training record the user may see: their own, or one of a person they may see."""
    record = (
        TrainingRecord.objects.for_org(user.organisation)
        .select_related("staff", "course")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    staff = record.staff
    if not (rules.can_view_own_training(user, staff) or rules.can_view_staff_record(user, staff)):
        raise Http404
    return record


# --- The compliance matrix ----------------------------------------------------------------


@dataclass
class Cell:
    status: str
    expires_on: date | None = None
    completed_on: date | None = None

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]


@dataclass
class Requirement:
    key: str
    title: str
    course: Course | None = None


@dataclass
class InductionState:
    status: str
    signed: int
    total: int
    due_on: date

    @property
    def label(self) -> str:
        if self.status == Status.DONE:
            return "Complete"
        if self.status == Status.NOT_NEEDED:
            return "No checklist"
        return f"{self.signed} of {self.total} signed off"


@dataclass
class DbsState:
    status: str
    check: DbsCheck | None = None

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]


@dataclass
class StaffRow:
    staff: StaffMember
    cells: dict[str, Cell]
    dbs: DbsState
    induction: InductionState
    courses_done: dict[int, Cell] = field(default_factory=dict)
    # The cells in the order of the matrix's columns (None where not required).
    ordered: list[Cell | None] = field(default_factory=list)

    def cell(self, key: str) -> Cell:
        return self.cells.get(key) or Cell(Status.NOT_NEEDED)

    @property
    def statuses(self) -> list[str]:
        found = [c.status for c in self.cells.values()]
        return [*found, self.dbs.status, self.induction.status]

    @property
    def worst(self) -> str:
        present = set(self.statuses)
        return next(s for s in Status.URGENCY if s in present)

    @property
    def is_compliant(self) -> bool:
        return self.worst in (Status.DONE, Status.NOT_NEEDED)

    @property
    def expired(self) -> list[tuple[str, Cell]]:
        return expired_cells(self.cells)


def expired_cells(cells: dict[str, Cell]) -> list[tuple[str, Cell]]:
    """The (requirement key, cell) pairs whose training has run out."""
    return [(key, cell) for key, cell in cells.items() if cell.status == Status.OVERDUE]


@dataclass
class Matrix:
    requirements: list[Requirement]
    rows: list[StaffRow]
    today: date

    def title(self, key: str) -> str:
        return next((r.title for r in self.requirements if r.key == key), key)

    @property
    def counts(self) -> dict[str, Counter]:
        """For each requirement (and DBS and induction), how many people stand where."""
        out: dict[str, Counter] = {r.key: Counter() for r in self.requirements}
        out["dbs"], out["induction"] = Counter(), Counter()
        for row in self.rows:
            for r in self.requirements:
                status = row.cell(r.key).status
                if status != Status.NOT_NEEDED:
                    out[r.key][status] += 1
            for key, state in (("dbs", row.dbs), ("induction", row.induction)):
                if state.status != Status.NOT_NEEDED:
                    out[key][state.status] += 1
        return out

    @property
    def compliant_count(self) -> int:
        return sum(1 for row in self.rows if row.is_compliant)


def level_requirement_title(level: int) -> str:
    return f"Safeguarding training at level {level}"


LEVEL_TITLE = "Safeguarding training at their level"


class TrainingRules:
    """What training each person needs, from the organisation's courses (read once).

    Two kinds of requirement: safeguarding training at a person's own level, met by any
    course that covers that level (the newest such record counts); and courses the
    organisation has made required for their level or for a responsibility they hold.
    """

    def __init__(self, organisation):
        courses = list(
            Course.objects.for_org(organisation).prefetch_related(
                Prefetch("required_for_responsibilities", queryset=Option.unscoped.only("pk"))
            )
        )
        self.active = [c for c in courses if c.is_active]
        self.for_level = {n: [c.pk for c in courses if n in (c.levels or [])] for n in LEVELS}
        # Each course's requiring responsibilities, read once rather than once a person.
        self.required = [
            (c, {o.pk for o in c.required_for_responsibilities.all()}) for c in self.active
        ]

    def responsibilities_held(self, staff_ids) -> dict[int, set[int]]:
        """Per person in ``staff_ids`` (ids, or a query of them), the responsibilities they
        hold that some course requires: the only ones ``cells`` looks at. Nothing is read
        when no course is required for a responsibility."""
        held: dict[int, set[int]] = defaultdict(set)
        wanted = set().union(*(options for _, options in self.required))
        if wanted:
            pairs = StaffMember.responsibilities.through.objects.filter(
                staffmember_id__in=staff_ids, option_id__in=wanted
            ).values_list("staffmember_id", "option_id")
            for staff_id, option_id in pairs:
                held[staff_id].add(option_id)
        return held

    def title(self, key: str) -> str:
        if key == LEVEL_KEY:
            return LEVEL_TITLE
        return next((c.name for c in self.active if course_key(c.pk) == key), key)

    def cells(
        self, person: StaffMember | NamedStaff, held: set, theirs: dict, today: date
    ) -> dict[str, Cell]:
        """Where each of ``person``'s requirements stands, given the responsibilities they
        hold (option ids) and ``theirs``: course id → (latest expiry, latest completion) of
        their records."""
        best = None
        for course_id in self.for_level.get(person.level, []):
            found = theirs.get(course_id)
            if found and (best is None or found[0] > best[0]):
                best = found
        cells = {
            LEVEL_KEY: Cell(
                status_for(best[0] if best else None, today), *(best if best else (None, None))
            )
        }
        for course, for_responsibilities in self.required:
            if person.level in (course.required_for_levels or []) or held & for_responsibilities:
                found = theirs.get(course.pk)
                cells[course_key(course.pk)] = Cell(
                    status_for(found[0] if found else None, today), *(found or (None, None))
                )
        return cells


def latest_training(organisation, staff_ids) -> dict[int, dict[int, tuple[date, date]]]:
    """Per person, per course: the latest expiry and the latest completion."""
    latest: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for row in (
        TrainingRecord.objects.for_org(organisation)
        .filter(staff__in=staff_ids)
        .values("staff_id", "course_id")
        .annotate(expires=Max("expires_on"), completed=Max("completed_on"))
    ):
        latest[row["staff_id"]][row["course_id"]] = (row["expires"], row["completed"])
    return latest


def compliance(organisation, staff_qs, *, today: date | None = None) -> Matrix:
    """Where everyone in ``staff_qs`` stands (``TrainingRules``; DBS checks; induction). A
    fixed number of queries, whatever its size."""
    today = today or clock.today()
    staff = list(
        staff_qs.select_related("team", "line_manager", "user").prefetch_related(
            Prefetch("responsibilities", queryset=Option.unscoped.only("pk", "label"))
        )
    )
    rules = TrainingRules(organisation)
    staff_ids = staff_qs.values("pk")
    latest = latest_training(organisation, staff_ids)
    checks: dict[int, DbsCheck] = {}
    for check in (
        DbsCheck.objects.for_org(organisation)
        .filter(staff__in=staff_ids)
        .order_by("staff_id", "issued_on", "pk")
    ):
        checks[check.staff_id] = check  # the newest wins
    items = Option.objects.for_org(organisation).filter(list_key=INDUCTION_ITEMS, is_active=True)
    total_items = items.count()
    signed = dict(
        InductionSignOff.objects.for_org(organisation)
        .filter(staff__in=staff_ids, item__in=items)
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )

    rows, required_keys = [], set()
    for person in staff:
        theirs = latest.get(person.pk, {})
        held = {o.pk for o in person.responsibilities.all()}
        cells = rules.cells(person, held, theirs, today)
        required_keys.update(key for key in cells if key != LEVEL_KEY)
        check = checks.get(person.pk)
        if not person.dbs_required:
            dbs = DbsState(Status.NOT_NEEDED, check)
        else:
            dbs = DbsState(status_for(check.renewal_due_on if check else None, today), check)
        done_items = signed.get(person.pk, 0)
        if total_items == 0:
            induction_status = Status.NOT_NEEDED
        elif done_items >= total_items:
            induction_status = Status.DONE
        elif person.induction_due_on < today:
            induction_status = Status.OVERDUE
        else:
            induction_status = Status.DUE
        courses_done = {
            course_id: Cell(status_for(expires, today), expires, completed)
            for course_id, (expires, completed) in theirs.items()
        }
        rows.append(
            StaffRow(
                staff=person,
                cells=cells,
                dbs=dbs,
                induction=InductionState(
                    induction_status, done_items, total_items, person.induction_due_on
                ),
                courses_done=courses_done,
            )
        )
    requirements = [Requirement(LEVEL_KEY, LEVEL_TITLE)] + [
        Requirement(course_key(c.pk), c.name, c)
        for c in rules.active
        if course_key(c.pk) in required_keys
    ]
    for row in rows:
        row.ordered = [row.cells.get(r.key) for r in requirements]
    return Matrix(requirements=requirements, rows=rows, today=today)


def matrix_staff(user, *, team_id=None, level=None, show: str = "current"):
    """The staff the matrix shows the user, filtered, current or leavers."""
    staff = staff_visible_to(user)
    today = clock.today()
    staff = staff.filter(Q(left_on__lte=today) if show == "left" else in_post(today))
    if team_id:
        staff = staff.filter(team_id=team_id)
    if level:
        staff = staff.filter(level=level)
    return staff.order_by("full_name", "pk")


def in_post(today: date, via: str = "") -> Q:
    """Staff who have not left by ``today`` (``via`` is the path to them, "staff__", say)."""
    return Q(**{f"{via}left_on__isnull": True}) | Q(**{f"{via}left_on__gt": today})


def current_staff(organisation):
    return StaffMember.objects.for_org(organisation).filter(in_post(clock.today()))


class NamedStaff(NamedTuple):
    """A member of staff as the expired-training panel needs them: hundreds are read on
    each visit, and a whole model instance for each cost more than the query."""

    pk: int
    full_name: str
    level: int


def expired_training(organisation, *, limit: int = 10) -> tuple[list[tuple], int]:
    """Current staff whose required safeguarding training has expired: the DSL's panel.

    Returns up to ``limit`` (person, what, expired on) lines, and how many people in all.
    A requirement has expired only where the newest record of some course ran out by today,
    so only the people with such a record are worked through, not every member of staff: the
    page costs what the lapsed training costs, however large the organisation.
    """
    today = clock.today()
    records = TrainingRecord.objects.for_org(organisation)
    lapsed = (
        records.values("staff_id", "course_id")
        .annotate(newest=Max("expires_on"))
        .filter(newest__lte=today)
        .values("staff_id")
    )
    # In one query: each lapsed person still in post (tested on the join that brings their
    # name), with their latest record of each course. Only their training is worked out,
    # not the whole matrix (DBS checks, induction), and when nothing has lapsed (the usual
    # answer) nothing more is read.
    latest = (
        records.filter(staff__in=lapsed)
        .filter(in_post(today, via="staff__"))
        .values_list("staff_id", "staff__full_name", "staff__level", "course_id")
        .annotate(expires=Max("expires_on"), completed=Max("completed_on"))
        .order_by("staff__full_name", "staff_id")
    )
    staff: dict[int, NamedStaff] = {}
    theirs: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for staff_id, full_name, level, course_id, expires, completed in latest:
        if staff_id not in staff:
            staff[staff_id] = NamedStaff(staff_id, full_name, level)
        theirs[staff_id][course_id] = (expires, completed)
    if not staff:
        return [], 0
    rules = TrainingRules(organisation)
    held = rules.responsibilities_held(staff_ids=lapsed)
    lines, people = [], 0
    for staff_id, person in staff.items():
        expired = expired_cells(rules.cells(person, held[staff_id], theirs[staff_id], today))
        if expired:
            people += 1
            for key, cell in expired:
                if len(lines) < limit:
                    lines.append((person, rules.title(key), cell.expires_on))
    return lines, people


def row_for(staff: StaffMember, *, today: date | None = None) -> StaffRow:
    matrix = compliance(
        staff.organisation,
        StaffMember.objects.for_org(staff.organisation).filter(pk=staff.pk),
        today=today,
    )
    row = matrix.rows[0]
    row.requirement_titles = {r.key: r.title for r in matrix.requirements}  # type: ignore[attr-defined]
    return row


def next_steps(row: StaffRow) -> list[dict]:
    """What a person must do next, most urgent first."""
    titles = getattr(row, "requirement_titles", {})
    steps = []
    for key, cell in row.cells.items():
        title = titles.get(key, key)
        if key == LEVEL_KEY:
            title = level_requirement_title(row.staff.level)
        if cell.status == Status.OVERDUE:
            steps.append((0, f"{title}: expired on {cell.expires_on:%d/%m/%Y}. Book it now."))
        elif cell.status == Status.MISSING:
            steps.append((1, f"{title}: not done yet."))
        elif cell.status == Status.DUE:
            steps.append((2, f"{title}: due for renewal by {cell.expires_on:%d/%m/%Y}."))
    induction = row.induction
    if induction.status == Status.OVERDUE:
        steps.append((0, f"Induction: was due by {induction.due_on:%d/%m/%Y}; {induction.label}."))
    elif induction.status == Status.DUE:
        steps.append((2, f"Induction: finish by {induction.due_on:%d/%m/%Y}; {induction.label}."))
    dbs = row.dbs
    if dbs.status == Status.OVERDUE:
        steps.append((0, f"DBS check: renewal was due on {dbs.check.renewal_due_on:%d/%m/%Y}."))
    elif dbs.status == Status.MISSING:
        steps.append((1, "DBS check: none recorded yet."))
    elif dbs.status == Status.DUE:
        steps.append((2, f"DBS check: renew by {dbs.check.renewal_due_on:%d/%m/%Y}."))
    return [{"urgent": rank == 0, "text": text} for rank, text in sorted(steps, key=lambda s: s[0])]


# --- Staff pages --------------------------------------------------------------------------


def staff_page(staff: StaffMember) -> dict:
    """Everything a staff record's page shows, in a fixed number of queries."""
    organisation = staff.organisation
    training = list(
        TrainingRecord.objects.for_org(organisation)
        .filter(staff=staff)
        .select_related("course")
        .order_by("-completed_on", "-pk")
    )
    checks = list(
        DbsCheck.objects.for_org(organisation)
        .filter(staff=staff)
        .select_related("checked_by")
        .order_by("-issued_on", "-pk")
    )
    items = list(
        Option.objects.for_org(organisation).filter(list_key=INDUCTION_ITEMS, is_active=True)
    )
    signoffs = {
        s.item_id: s
        for s in InductionSignOff.objects.for_org(organisation)
        .filter(staff=staff)
        .select_related("signed_off_by")
    }
    return {
        "training": training,
        "dbs_checks": checks,
        "induction_items": [(item, signoffs.get(item.pk)) for item in items],
        "responsibilities": list(staff.responsibilities.all()),
    }


def analyses_for(user):
    if not rules.can_plan_training(user):
        return LearningNeedsAnalysis.unscoped.none()
    return LearningNeedsAnalysis.objects.for_org(user.organisation).order_by("-created_at", "-pk")
