"""The front door's reports: what came in, how fast it was decided, what happened, and how
quickly partners answered the MASH.

The house style of ``haven.reports``: each report is one or two GROUP BY queries over the
front door's contacts, reached through the index on (organisation, received_at) and the
foreign-key indexes from there, so its cost depends on the contacts in the period, never on
Python walking rows. Python only lays out the grouped results (a few dozen).

The MASH manager, senior practitioners and the early help manager see full figures and, in
"repeat contacts", the children. Leaders see counts only, with small numbers hidden
(``haven.reports.suppression``), and no child is named to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Window
from django.db.models.functions import Ceil, RowNumber

from haven.access import rules
from haven.core import clock
from haven.frontdoor.models import (
    MASH_STATUSES,
    OPEN_STATUSES,
    Contact,
    ContactClock,
    ContactPerson,
    InformationRequest,
    Outcome,
    Rag,
    Source,
    Status,
)
from haven.reports.figures import CELLS, COLUMN_TOTALS, Figures
from haven.reports.queries import Filters

NOT_RATED = "Not rated"
REPEAT_LIST_LIMIT = 500
# Open contacts by how long ago they arrived: (label, at least this old).
AGES = [
    ("Under 24 hours", timedelta(0)),
    ("1 to 3 days", timedelta(days=1)),
    ("3 to 10 days", timedelta(days=3)),
    ("10 to 30 days", timedelta(days=10)),
    ("Over 30 days", timedelta(days=30)),
]
# Where an open contact is waiting, in the words of the front door's own staff.
WAITING = [
    ("Screening and rating", (Status.SCREENING, Status.RATING)),
    ("The MASH", MASH_STATUSES),
    ("Social work allocation", (Status.ALLOCATION,)),
    ("Early help decision", (Status.EARLY_HELP,)),
]


def sees_full_figures(user) -> bool:
    """Front-door staff who may read reports see every figure; leaders see counts only."""
    return rules.can_view_front_door_reports(user) and rules.is_front_door_staff(user)


def contacts(organisation, filters: Filters):
    """Contacts received in the period (the index on organisation and received date)."""
    return Contact.objects.for_org(organisation).filter(
        received_at__gte=filters.since, received_at__lt=filters.before
    )


# --- What came in --------------------------------------------------------------------------


def contacts_by_source(user, organisation, filters: Filters) -> Figures:
    grouped = contacts(organisation, filters).values("source").annotate(n=Count("id")).order_by()
    counts = {row["source"]: row["n"] for row in grouped}
    return Figures(
        row_heading="Source",
        columns=["Contacts"],
        rows=[(label, [counts[value]]) for value, label in Source.choices if value in counts],
        chart_unit="contacts",
        note="Contacts received in the period, by where they came from.",
    )


def contacts_by_rating(user, organisation, filters: Filters) -> Figures:
    """The initial and the final RAG rating of the contacts received in the period."""
    period = contacts(organisation, filters)
    initial = {
        r["initial_rag"]: r["n"]
        for r in period.values("initial_rag").annotate(n=Count("id")).order_by()
    }
    final = {
        r["final_rag"]: r["n"]
        for r in period.values("final_rag").annotate(n=Count("id")).order_by()
    }
    ratings = [*Rag.choices, ("", NOT_RATED)]
    return Figures(
        row_heading="RAG rating",
        columns=["Initial rating", "Final rating"],
        rows=[
            (label, [initial.get(value, 0), final.get(value, 0)])
            for value, label in ratings
            if initial.get(value) or final.get(value)
        ],
        with_totals=False,
        chart=CELLS,
        chart_unit="contacts",
        note=(
            "Contacts received in the period. A contact with no final rating yet is still "
            "being worked, or was decided without the MASH."
        ),
    )


# --- How fast ------------------------------------------------------------------------------


def decisions_within_timescale(user, organisation, filters: Filters) -> Figures:
    """Each timescale a contact ran against (red 4 hours, amber 24 hours, borderline and
    green 3 working days, early help 10 working days), by the rating that started it: met
    when stopped by its deadline."""
    now = clock.now()
    clocks = ContactClock.objects.for_org(organisation).filter(
        contact__in=contacts(organisation, filters).values("id")
    )
    grouped = (
        clocks.values("rating")
        .annotate(
            met=Count("id", filter=Q(stopped_at__isnull=False, stopped_at__lte=F("due_at"))),
            late=Count("id", filter=Q(stopped_at__isnull=False, stopped_at__gt=F("due_at"))),
            overdue=Count("id", filter=Q(stopped_at__isnull=True, due_at__lt=now)),
        )
        .order_by()
    )
    found = {r["rating"]: (r["met"], r["late"], r["overdue"]) for r in grouped}
    rows, measures = [], []
    for value, label in [*Rag.choices, ("", NOT_RATED)]:
        if value not in found:
            continue
        met, late, overdue = found[value]
        rows.append((label, [met, late, overdue]))
        measures.append([100 * met / (met + late) if met + late else None])
    return Figures(
        row_heading="Rating that started the clock",
        columns=["Within timescale", "Late", "Still running, past its deadline"],
        rows=rows,
        measures=["% within timescale"],
        measure_values=measures,
        chart=CELLS,
        chart_unit="timescales",
        note=(
            "Timescales of contacts received in the period. The percentage is of those "
            "finished; one still running is not counted in it."
        ),
    )


def _hours(duration) -> float | None:
    return None if duration is None else duration.total_seconds() / 3600


def partner_response_times(user, organisation, filters: Filters) -> Figures:
    """How long each agency took to answer the MASH's requests: the median and the 90th
    percentile (nearest rank), read in one query with window functions, and how many
    answers came after their deadline."""
    now = clock.now()
    requests = InformationRequest.objects.for_org(organisation).filter(
        contact__in=contacts(organisation, filters).values("id")
    )
    counts = {
        r["agency__name"]: r
        for r in requests.values("agency__name", "agency__position")
        .annotate(
            answered=Count("id", filter=Q(status=InformationRequest.Status.ANSWERED)),
            late=Count(
                "id",
                filter=Q(status=InformationRequest.Status.ANSWERED, answered_at__gt=F("due_at")),
            ),
            waiting=Count("id", filter=Q(status=InformationRequest.Status.OPEN, due_at__lt=now)),
        )
        .order_by("agency__position", "agency__name")
    }
    wait = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    ranked = (
        requests.filter(status=InformationRequest.Status.ANSWERED, answered_at__isnull=False)
        .annotate(wait=wait)
        .annotate(
            n=Window(Count("id"), partition_by=[F("agency_id")]),
            rank=Window(RowNumber(), partition_by=[F("agency_id")], order_by=[F("wait").asc()]),
        )
        .annotate(median_rank=Ceil(F("n") * 0.5), p90_rank=Ceil(F("n") * 0.9))
        .filter(Q(rank=F("median_rank")) | Q(rank=F("p90_rank")))
        .values("agency__name", "rank", "median_rank", "p90_rank", "wait")
    )
    median, p90 = {}, {}
    for row in ranked:
        if row["rank"] == row["median_rank"]:
            median[row["agency__name"]] = row["wait"]
        if row["rank"] == row["p90_rank"]:
            p90[row["agency__name"]] = row["wait"]
    rows, measures = [], []
    for name, r in counts.items():
        rows.append((name, [r["answered"], r["late"], r["waiting"]]))
        measures.append(
            [
                _hours(median.get(name)),
                _hours(p90.get(name)),
                100 * r["late"] / r["answered"] if r["answered"] else None,
            ]
        )
    return Figures(
        row_heading="Agency",
        columns=["Answered", "Answered late", "Waiting, past the deadline"],
        rows=rows,
        measures=["Median (hours)", "90th percentile (hours)", "% answered late"],
        measure_values=measures,
        chart=CELLS,
        chart_unit="information requests",
        note="Requests about contacts received in the period; times from asking to answer.",
    )


# --- What happened -------------------------------------------------------------------------


def outcomes(user, organisation, filters: Filters) -> Figures:
    decided = contacts(organisation, filters).exclude(outcome="")
    grouped = decided.values("outcome").annotate(n=Count("id")).order_by()
    counts = {r["outcome"]: r["n"] for r in grouped}
    return Figures(
        row_heading="Outcome",
        columns=["Contacts"],
        rows=[(label, [counts[value]]) for value, label in Outcome.choices if value in counts],
        chart_unit="contacts",
        note="Contacts received in the period that have an outcome, by that outcome.",
    )


def repeat_contacts(user, organisation, filters: Filters) -> Figures:
    """Children with two or more contacts in the 12 months up to the end of the period:
    the children themselves for front-door staff, how many for leaders."""
    end = filters.end
    window = Filters(start=end - timedelta(days=364), end=end)  # 365 days, the end included
    links = ContactPerson.objects.for_org(organisation).filter(
        role=ContactPerson.Role.CHILD,
        contact__in=contacts(organisation, window).values("id"),
    )
    repeated = (
        links.values("person_id")
        .annotate(n=Count("contact_id", distinct=True), latest=Max("contact__received_at"))
        .filter(n__gte=2)
        .order_by()
    )
    note = f"Contacts received from {window.start:%d/%m/%Y} to {end:%d/%m/%Y}."
    if not sees_full_figures(user):
        bands = repeated.aggregate(
            two=Count("person_id", filter=Q(n=2)),
            three=Count("person_id", filter=Q(n=3)),
            more=Count("person_id", filter=Q(n__gte=4)),
        )
        return Figures(
            row_heading="Contacts in 12 months",
            columns=["Children"],
            rows=[
                ("Two contacts", [bands["two"] or 0]),
                ("Three contacts", [bands["three"] or 0]),
                ("Four or more", [bands["more"] or 0]),
            ],
            chart_unit="children",
            note=note,
        )
    found = list(
        repeated.values(
            "person_id", "person__first_name", "person__last_name", "n", "latest"
        ).order_by("-n", "-latest", "person_id")[:REPEAT_LIST_LIMIT]
    )
    return Figures(
        row_heading="Child",
        columns=["Contacts in 12 months"],
        rows=[(f"{r['person__first_name']} {r['person__last_name']}", [r["n"]]) for r in found],
        with_totals=False,
        chart_unit="contacts",
        note=note + f" At most {REPEAT_LIST_LIMIT} children are listed, most contacts first.",
    )


def awaiting_decision_by_age(user, organisation, filters: Filters) -> Figures:
    """Open contacts today, by how long ago they arrived and where they wait: one query of
    conditional counts over the open contacts (the status index)."""
    now = clock.now()
    bounds = [now - since for _, since in AGES]
    counts = {}
    for i in range(len(AGES)):
        newest = bounds[i]
        oldest = bounds[i + 1] if i + 1 < len(AGES) else None
        age = Q(received_at__lte=newest)
        if oldest is not None:
            age &= Q(received_at__gt=oldest)
        for j, (_, statuses) in enumerate(WAITING):
            counts[f"c{i}_{j}"] = Count("id", filter=age & Q(status__in=list(statuses)))
    found = (
        Contact.objects.for_org(organisation)
        .filter(status__in=list(OPEN_STATUSES))
        .aggregate(**counts)
    )
    return Figures(
        row_heading="Received",
        columns=[label for label, _ in WAITING],
        rows=[
            (label, [found[f"c{i}_{j}"] or 0 for j in range(len(WAITING))])
            for i, (label, _) in enumerate(AGES)
        ],
        chart=COLUMN_TOTALS,
        chart_unit="contacts",
        note="Contacts still awaiting a decision today; the period does not apply.",
    )


# --- The list of reports -------------------------------------------------------------------


@dataclass(frozen=True)
class FrontDoorReport:
    slug: str
    title: str
    summary: str
    build: object
    uses_period: bool = True


REPORTS: dict[str, FrontDoorReport] = {
    report.slug: report
    for report in [
        FrontDoorReport(
            "contacts-by-source",
            "Contacts by source",
            "Where contacts came from: police reports, schools and other agencies, the public.",
            contacts_by_source,
        ),
        FrontDoorReport(
            "contacts-by-rating",
            "Contacts by RAG rating",
            "The initial and final RAG ratings of the contacts received.",
            contacts_by_rating,
        ),
        FrontDoorReport(
            "decisions-within-timescale",
            "Decisions within timescale",
            "How often each timescale was met, by the rating that started it.",
            decisions_within_timescale,
        ),
        FrontDoorReport(
            "outcomes",
            "Outcomes",
            "What happened to the contacts: strategy discussion, social work, early help…",
            outcomes,
        ),
        FrontDoorReport(
            "repeat-contacts",
            "Repeat contacts about the same child",
            "Children the front door heard about two or more times in 12 months.",
            repeat_contacts,
        ),
        FrontDoorReport(
            "partner-response-times",
            "Partner agencies' response times",
            "How quickly each agency answered the MASH's information requests.",
            partner_response_times,
        ),
        FrontDoorReport(
            "awaiting-decision",
            "Contacts awaiting a decision, by age",
            "Open contacts today, by how long they have waited and where.",
            awaiting_decision_by_age,
            uses_period=False,
        ),
    ]
}
