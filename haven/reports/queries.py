"""Every report's figures, aggregated in the database.

Each report is one or a few GROUP BY queries over an organisation and a period (indexed on
organisation and date), so its cost does not depend on how many rows it counts in Python:
Python only lays out the grouped results (at most a few hundred). Concerns and deliveries
entered in error are left out everywhere.

Counts include every concern in the organisation, restricted ones too: a count says nothing
about what a concern says. The one report that names children ("rising concerns") counts
only the concerns its reader may open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from haven.access import rules
from haven.cases.models import NOT_CLOSED, UPDATES_OWED, CaseStatusChange, SafeguardingCase
from haven.cases.models import Status as CaseStatus
from haven.core import clock
from haven.people.models import Person, YearGroup
from haven.programmes.models import (
    CURRENT,
    Attendance,
    DeliveryTally,
    Engagement,
    ServiceDelivery,
    Stage,
)
from haven.reports.figures import CELLS, COLUMN_TOTALS, Figures
from haven.safeguarding.models import Concern, ConcernCategory, ConcernChild

NO_YEAR_GROUP = "No year group"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Parts of the day, by the hour they start: the school day split where staff notice change.
DAY_PARTS = [
    (0, "Before 09:00"),
    (9, "Morning (09:00–11:59)"),
    (12, "Lunchtime (12:00–13:59)"),
    (14, "Afternoon (14:00–15:59)"),
    (16, "After school (16:00–23:59)"),
]
RISING_LIST_LIMIT = 500


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    year_group: str = ""
    team: object = None

    @property
    def since(self) -> datetime:
        return _local_midnight(self.start)

    @property
    def before(self) -> datetime:
        """The first moment after the period (the end date is included)."""
        return _local_midnight(self.end + timedelta(days=1))

    def as_detail(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "year_group": self.year_group,
            "team": self.team.pk if self.team else None,
        }


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in UK time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def default_filters() -> Filters:
    """The last 12 months, today included."""
    today = clock.today()
    return Filters(start=_months_before(today.replace(day=1), 11), end=today)


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = _months_before(current, -1)
    return months


def _month_label(month: date) -> str:
    return f"{month:%b %Y}"


def _year_group_filter(rows, filters: Filters, field: str):
    if not filters.year_group:
        return rows
    if filters.year_group == "none":
        return rows.filter(**{field: ""})
    return rows.filter(**{field: filters.year_group})


def concerns(organisation, filters: Filters):
    """Concerns that happened in the period (not entered in error), narrowed to a year group
    (the main child's when it was recorded) or a team (whoever recorded it)."""
    rows = Concern.objects.for_org(organisation).filter(
        entered_in_error=False, occurred_at__gte=filters.since, occurred_at__lt=filters.before
    )
    rows = _year_group_filter(rows, filters, "year_group")
    if filters.team is not None:
        rows = rows.filter(created_by__teams=filters.team)
    return rows


# --- Concerns ------------------------------------------------------------------------------


def counts_by_month(
    field: str, months: list[date], filters: Filters, *, prefix: str = "m", where: Q | None = None
) -> dict[str, Count]:
    """One count per month of the period ("m0", "m1", …; ``prefix`` names them) of the rows
    ``where`` keeps, each filtered to the moments that fall in its month: the database
    compares each row's ``field`` with the month boundaries (UK time) rather than truncating
    it to a month in the local time zone, which over a year of rows cost several times as
    much as reading them."""
    starts = [max(filters.since, _local_midnight(m)) for m in months]
    ends = [*starts[1:], filters.before]
    return {
        f"{prefix}{i}": Count(
            "pk", filter=Q(**{f"{field}__gte": a, f"{field}__lt": b}) & (where or Q())
        )
        for i, (a, b) in enumerate(zip(starts, ends, strict=True))
    }


def concerns_by_category_and_month(user, organisation, filters: Filters) -> Figures:
    months = months_between(filters.start, filters.end)
    grouped = list(
        concerns(organisation, filters)
        .values("category_id")
        .annotate(**counts_by_month("occurred_at", months, filters))
        .order_by()
    )
    names = dict(
        ConcernCategory.objects.for_org(organisation)
        .filter(pk__in=[row["category_id"] for row in grouped])
        .values_list("pk", "name")
    )
    counts: dict[str, list[int]] = {}
    for row in grouped:
        total = counts.setdefault(names[row["category_id"]], [0] * len(months))
        for i in range(len(months)):
            total[i] += row[f"m{i}"]
    return Figures(
        row_heading="Category",
        columns=[_month_label(m) for m in months],
        rows=[(name, counts[name]) for name in sorted(counts)],
        chart=COLUMN_TOTALS,
    )


def concerns_by_year_group(user, organisation, filters: Filters) -> Figures:
    grouped = (
        concerns(organisation, filters).values("year_group").annotate(n=Count("id")).order_by()
    )
    counts = {row["year_group"]: row["n"] for row in grouped}
    rows = [(label, [counts[value]]) for value, label in YearGroup.choices if value in counts]
    if "" in counts:
        rows.append((NO_YEAR_GROUP, [counts[""]]))
    return Figures(
        row_heading="Year group",
        columns=["Concerns"],
        rows=rows,
        note="The year group the child was in when the concern was recorded.",
    )


def concerns_by_recorder(user, organisation, filters: Filters) -> Figures:
    grouped = (
        concerns(organisation, filters)
        .values("created_by_id", "created_by__full_name")
        .annotate(n=Count("id"))
        .order_by("-n", "created_by__full_name")
    )
    return Figures(
        row_heading="Recorded by",
        columns=["Concerns"],
        rows=[(row["created_by__full_name"] or "Unknown", [row["n"]]) for row in grouped],
    )


def _day_part(hour: int) -> int:
    index = 0
    for n, (starts, _) in enumerate(DAY_PARTS):
        if hour >= starts:
            index = n
    return index


def concerns_by_day_and_time(user, organisation, filters: Filters) -> Figures:
    """Grouped by the UK weekday and hour each concern carries (at most 168 rows come back),
    then laid out by weekday and part of the day."""
    grouped = (
        concerns(organisation, filters)
        .values("occurred_weekday", "occurred_hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = [[0] * len(DAY_PARTS) for _ in WEEKDAYS]
    for row in grouped:
        table[row["occurred_weekday"] - 1][_day_part(row["occurred_hour"])] += row["n"]
    return Figures(
        row_heading="Day",
        columns=[label for _, label in DAY_PARTS],
        rows=list(zip(WEEKDAYS, table, strict=True)),
        note="When the concern happened, in UK time.",
    )


def _median(values_query, count: int):
    """The median of an ordered single-column query, read with OFFSET (one or two rows)."""
    if count == 0:
        return None
    middle = list(values_query[(count - 1) // 2 : count // 2 + 1])
    return sum(middle[1:], middle[0]) / len(middle)


def time_to_first_action_and_decision(user, organisation, filters: Filters) -> Figures:
    """Median hours from a concern being recorded to its first action and to the DSL's first
    decision (triage), over the concerns that happened in the period: each concern carries
    both waits in seconds, so each median is a count and a sorted read of one index."""
    period = concerns(organisation, filters)
    measured = []
    for field in ("seconds_to_first_action", "seconds_to_decision"):
        waits = period.filter(**{f"{field}__isnull": False})
        count = waits.count()
        median = _median(waits.order_by(field).values_list(field, flat=True), count)
        measured.append((count, median / 3600 if median is not None else None))
    (acted, action_hours), (decided, decision_hours) = measured
    return Figures(
        row_heading="Measure",
        columns=["Concerns measured"],
        rows=[
            ("Recorded to first action", [acted]),
            ("Recorded to DSL decision", [decided]),
        ],
        with_totals=False,
        measures=["Median (hours)"],
        measure_values=[[action_hours], [decision_hours]],
        note="Concerns with no action (or no decision) yet are not measured.",
    )


def rising_concerns(user, organisation, filters: Filters) -> Figures:
    """Children with more concerns this month than the average of the previous three.

    "This month" is the month the period ends in. The safeguarding leads see the children
    (counting only concerns they may open); everyone else sees how many children there are.
    """
    this_month = filters.end.replace(day=1)
    window_start = _months_before(this_month, 3)
    month_start = timezone.make_aware(datetime.combine(this_month, time.min))
    links = ConcernChild.objects.for_org(organisation).filter(
        concern__entered_in_error=False,
        concern__occurred_at__gte=timezone.make_aware(datetime.combine(window_start, time.min)),
        concern__occurred_at__lt=filters.before,
    )
    links = _year_group_filter(links, filters, "person__year_group")
    named = rules.sees_children_in_reports(user)
    if named:
        links = links.filter(rules.concern_access_q(user, "concern__"))
    rising = (
        links.values("person_id")
        .annotate(
            now=Count("concern_id", filter=Q(concern__occurred_at__gte=month_start)),
            earlier=Count("concern_id", filter=Q(concern__occurred_at__lt=month_start)),
        )
        # More this month than a third of the three months before: 3 × now > earlier.
        .annotate(rise=3 * F("now") - F("earlier"))
        .filter(rise__gt=0)
        .order_by()
    )
    if not named:
        return Figures(
            row_heading="Measure",
            columns=["Children"],
            rows=[("Children with rising concern counts", [rising.count()])],
            with_totals=False,
            chart_unit="children",
            note=f"This month is {this_month:%B %Y}.",
        )
    # Counted by child alone, then named: only the children who rise are read from people.
    child = Person.objects.for_org(organisation).filter(pk=OuterRef("person_id"))
    found = list(
        rising.annotate(
            last=Subquery(child.values("last_name")[:1]),
            first=Subquery(child.values("first_name")[:1]),
        )
        .values("first", "last", "now", "earlier")
        .order_by("-rise", "last", "first")[:RISING_LIST_LIMIT]
    )
    return Figures(
        row_heading="Child",
        columns=[f"{this_month:%B %Y}", "Previous three months"],
        rows=[(f"{r['first']} {r['last']}", [r["now"], r["earlier"]]) for r in found],
        with_totals=False,
        measures=["Previous monthly average"],
        measure_values=[[r["earlier"] / 3] for r in found],
        chart=CELLS,
        chart_unit="concerns",
        note=f"This month is {this_month:%B %Y}; the three months before it are compared.",
    )


# --- Cases ---------------------------------------------------------------------------------


def cases(organisation, filters: Filters):
    rows = SafeguardingCase.objects.for_org(organisation)
    rows = _year_group_filter(rows, filters, "child__year_group")
    if filters.team is not None:
        rows = rows.filter(owner__teams=filters.team)
    return rows


def open_cases_by_threshold_and_status(user, organisation, filters: Filters) -> Figures:
    statuses = [s for s in CaseStatus if s in NOT_CLOSED]
    grouped = (
        cases(organisation, filters)
        .filter(status__in=NOT_CLOSED)
        .values("threshold__name", "threshold__position", "status")
        .annotate(n=Count("id"))
        .order_by("threshold__position", "threshold__name")
    )
    table: dict[str, dict[str, int]] = {}
    for row in grouped:
        table.setdefault(row["threshold__name"], {})[row["status"]] = row["n"]
    return Figures(
        row_heading="Threshold",
        columns=[s.label for s in statuses],
        rows=[(name, [found.get(s, 0) for s in statuses]) for name, found in table.items()],
        chart_unit="cases",
        note="Cases not closed today; the period does not apply.",
    )


def overdue_reviews_by_owner(user, organisation, filters: Filters) -> Figures:
    """Cases whose next update is overdue today, by owner (by threshold for readers who see
    no names)."""
    overdue = cases(organisation, filters).filter(
        status__in=UPDATES_OWED, next_update_due__lt=clock.today()
    )
    if rules.sees_full_report_figures(user):
        grouped = overdue.values("owner_id", "owner__full_name").annotate(n=Count("id"))
        rows = [
            (r["owner__full_name"], [r["n"]]) for r in grouped.order_by("-n", "owner__full_name")
        ]
        heading = "Case owner"
    else:
        grouped = overdue.values("threshold__name", "threshold__position").annotate(n=Count("id"))
        rows = [
            (r["threshold__name"], [r["n"]])
            for r in grouped.order_by("threshold__position", "threshold__name")
        ]
        heading = "Threshold"
    return Figures(
        row_heading=heading,
        columns=["Overdue reviews"],
        rows=rows,
        chart_unit="cases",
        note="Overdue today; the period does not apply.",
    )


def cases_opened_and_closed(user, organisation, filters: Filters) -> Figures:
    months = months_between(filters.start, filters.end)
    changes = CaseStatusChange.objects.for_org(organisation).filter(
        Q(from_status="") | Q(to_status=CaseStatus.CLOSED),
        created_at__gte=filters.since,
        created_at__lt=filters.before,
    )
    changes = _year_group_filter(changes, filters, "case__child__year_group")
    if filters.team is not None:
        changes = changes.filter(case__owner__teams=filters.team)
    totals = changes.aggregate(
        **counts_by_month("created_at", months, filters, prefix="opened", where=Q(from_status="")),
        **counts_by_month(
            "created_at", months, filters, prefix="closed", where=Q(to_status=CaseStatus.CLOSED)
        ),
    )
    return Figures(
        row_heading="Month",
        columns=["Opened", "Closed"],
        rows=[
            (_month_label(m), [totals[f"opened{i}"], totals[f"closed{i}"]])
            for i, m in enumerate(months)
        ],
        chart=CELLS,
        chart_unit="cases",
    )


# --- Programmes ----------------------------------------------------------------------------


def engagements_by_programme_and_stage(user, organisation, filters: Filters) -> Figures:
    rows = Engagement.objects.for_org(organisation).filter(
        referral_date__range=(filters.start, filters.end)
    )
    rows = _year_group_filter(rows, filters, "child__year_group")
    if filters.team is not None:
        rows = rows.filter(key_person__teams=filters.team)
    grouped = (
        rows.values("programme__name", "stage").annotate(n=Count("id")).order_by("programme__name")
    )
    table: dict[str, dict[str, int]] = {}
    for row in grouped:
        table.setdefault(row["programme__name"], {})[row["stage"]] = row["n"]
    return Figures(
        row_heading="Programme",
        columns=[s.label for s in Stage],
        rows=[(name, [found.get(s, 0) for s in Stage]) for name, found in table.items()],
        chart_unit="engagements",
        note="Engagements referred in the period, by their stage today.",
    )


def deliveries_and_attendance(user, organisation, filters: Filters) -> Figures:
    """Added up from the daily delivery tally: a year of a large organisation's sessions is
    millions of rows but a few hundred thousand counts. Narrowed to a team (whoever is the
    key person today, which the tally does not hold), the deliveries themselves are counted."""
    period = (filters.start, filters.end)
    if filters.team is None:
        rows = DeliveryTally.objects.filter(
            organisation=organisation, delivered_on__range=period, deliveries__gt=0
        )
        rows, total = rows.annotate(programme_name=F("programme__name")), Sum("deliveries")
    else:
        rows = ServiceDelivery.objects.for_org(organisation).filter(
            CURRENT, delivered_on__range=period, engagement__key_person__teams=filters.team
        )
        rows, total = rows.annotate(programme_name=F("engagement__programme__name")), Count("id")
    rows = _year_group_filter(rows, filters, "year_group")
    grouped = (
        rows.values("programme_name", "attendance").annotate(total=total).order_by("programme_name")
    )
    table: dict[str, dict[str, int]] = {}
    for row in grouped:
        table.setdefault(row["programme_name"], {})[row["attendance"]] = row["total"]
    return Figures(
        row_heading="Programme",
        columns=[a.label for a in Attendance],
        rows=[(name, [found.get(a, 0) for a in Attendance]) for name, found in table.items()],
        chart_unit="service deliveries",
    )


# --- The list of reports ------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    slug: str
    title: str
    summary: str
    build: object
    # Which organisation units it can be narrowed to, and whether the period applies.
    units: tuple[str, ...] = ("year_group", "team")
    uses_period: bool = True
    # Leaders and governors: "counts" (suppressed) or "hidden" (names are the point of it).
    for_leaders: str = "counts"


REPORTS: dict[str, ReportKind] = {
    kind.slug: kind
    for kind in [
        ReportKind(
            "concerns-by-category",
            "Concerns by category and month",
            "How many concerns of each category were recorded each month.",
            concerns_by_category_and_month,
        ),
        ReportKind(
            "concerns-by-year-group",
            "Concerns by year group",
            "Concerns by the year group of the child they are mainly about.",
            concerns_by_year_group,
            units=("team",),
        ),
        ReportKind(
            "concerns-by-recorder",
            "Concerns by recorder",
            "Who records concerns: a quiet member of staff may need a reminder of training.",
            concerns_by_recorder,
            for_leaders="hidden",
        ),
        ReportKind(
            "concerns-by-day-and-time",
            "Concerns by day of the week and time of day",
            "When concerns happen, to see where supervision is thin.",
            concerns_by_day_and_time,
        ),
        ReportKind(
            "time-to-action",
            "Time from concern to first action and to DSL decision",
            "The median number of hours before someone acted and before the DSL decided.",
            time_to_first_action_and_decision,
        ),
        ReportKind(
            "rising-concerns",
            "Children with rising concern counts",
            "Children with more concerns this month than the average of the three before.",
            rising_concerns,
            units=("year_group",),
        ),
        ReportKind(
            "open-cases",
            "Open cases by threshold and status",
            "Safeguarding cases not closed, by threshold and status.",
            open_cases_by_threshold_and_status,
            uses_period=False,
        ),
        ReportKind(
            "overdue-reviews",
            "Overdue reviews by case owner",
            "Cases whose next monitoring update is overdue, by who owns them.",
            overdue_reviews_by_owner,
            uses_period=False,
        ),
        ReportKind(
            "cases-opened-and-closed",
            "Cases opened and closed",
            "Safeguarding cases opened and closed each month.",
            cases_opened_and_closed,
        ),
        ReportKind(
            "engagements",
            "Engagements by programme and stage",
            "Programme engagements referred in the period, by stage.",
            engagements_by_programme_and_stage,
        ),
        ReportKind(
            "deliveries",
            "Service deliveries and attendance",
            "Service deliveries in the period by programme and attendance.",
            deliveries_and_attendance,
        ),
    ]
}


def reports_for(user) -> list[ReportKind]:
    """The reports ``user`` may open (leaders: not the ones that name staff)."""
    full = rules.sees_full_report_figures(user)
    return [kind for kind in REPORTS.values() if full or kind.for_leaders != "hidden"]


def programmes_in(organisation, filters: Filters) -> list[tuple[int, str]]:
    """Programmes with engagements or deliveries, for links to their own detailed reports."""
    return list(
        Engagement.objects.for_org(organisation)
        .filter(referral_date__lte=filters.end)
        .values_list("programme_id", "programme__name")
        .distinct()
        .order_by("programme__name")
    )
