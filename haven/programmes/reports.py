"""Programme reports for a period, aggregated in the database (no query per row).

Every report counts only engagements the reader may see (``access.rules``): the safeguarding
leads see the whole programme, a key person their own work, a line manager their team's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from haven.access import rules
from haven.core import clock
from haven.programmes.models import (
    ABSENT,
    CURRENT,
    Attendance,
    Engagement,
    OpenAccessSession,
    ServiceDelivery,
    Stage,
)

QUIET_WEEKS = 8
ABSENCE_RUN = 3


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple]


def _engagements(user, programme):
    return Engagement.objects.for_org(programme.organisation).filter(
        rules.engagement_access_q(user), programme=programme
    )


def _deliveries(user, programme, start: date, end: date):
    return ServiceDelivery.objects.for_org(programme.organisation).filter(
        CURRENT,
        rules.engagement_access_q(user, "engagement__"),
        engagement__programme=programme,
        delivered_on__range=(start, end),
    )


def children_engaged(user, programme, start: date, end: date) -> Report:
    """Distinct children, so a child with two engagements in the period counts once.

    "Using the service" means an engagement in progress at some point in the period that
    was not marked "not progressed": that is why closing engagements matters.
    """
    rows = _engagements(user, programme)
    overlapping = Q(referral_date__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    counts = rows.aggregate(
        new=Count("child", distinct=True, filter=Q(referral_date__range=(start, end))),
        active=Count("child", distinct=True, filter=overlapping & ~Q(stage=Stage.NOT_PROGRESSED)),
        closed=Count(
            "child", distinct=True, filter=Q(stage=Stage.CLOSED, closed_on__range=(start, end))
        ),
        not_progressed=Count(
            "child",
            distinct=True,
            filter=Q(stage=Stage.NOT_PROGRESSED, closed_on__range=(start, end)),
        ),
        open_now=Count("child", distinct=True, filter=Q(stage=Stage.IN_PROGRESS)),
    )
    return Report(
        "children",
        "Children engaged",
        ("Measure", "Children"),
        [
            ("New referrals in the period", counts["new"]),
            ("Using the service in the period", counts["active"]),
            ("Closed in the period", counts["closed"]),
            ("Not progressed in the period", counts["not_progressed"]),
            ("In progress today", counts["open_now"]),
        ],
    )


def deliveries_by_service(user, programme, start, end) -> Report:
    rows = (
        _deliveries(user, programme, start, end)
        .values("service__name", "service__unit")
        .annotate(
            sessions=Count("id"),
            present=Count("id", filter=Q(attendance=Attendance.PRESENT)),
            children=Count("engagement__child", distinct=True),
            quantity=Coalesce(
                Sum("quantity", filter=Q(attendance=Attendance.PRESENT)),
                Value(Decimal(0)),
                output_field=DecimalField(),
            ),
        )
        .order_by("service__name")
    )
    return Report(
        "deliveries",
        "Service deliveries by service",
        ("Service", "Deliveries", "Attended", "Children", "Quantity delivered", "Counted in"),
        [
            (
                f"{programme.code}: {r['service__name']}",
                r["sessions"],
                r["present"],
                r["children"],
                r["quantity"],
                r["service__unit"],
            )
            for r in rows
        ],
    )


def _rate(present: int, total: int) -> str:
    return f"{round(100 * present / total)}%" if total else "–"


def attendance_by_child(user, programme, start, end) -> Report:
    rows = (
        _deliveries(user, programme, start, end)
        .values(
            "engagement__child_id", "engagement__child__first_name", "engagement__child__last_name"
        )
        .annotate(total=Count("id"), present=Count("id", filter=Q(attendance="present")))
        .order_by("engagement__child__last_name", "engagement__child__first_name")
    )
    return Report(
        "attendance_child",
        "Attendance by child",
        ("Child", "Sessions", "Attended", "Absent", "Attendance rate"),
        [
            (
                f"{r['engagement__child__first_name']} {r['engagement__child__last_name']}",
                r["total"],
                r["present"],
                r["total"] - r["present"],
                _rate(r["present"], r["total"]),
            )
            for r in rows
        ],
    )


def attendance_by_service(user, programme, start, end) -> Report:
    rows = (
        _deliveries(user, programme, start, end)
        .values("service__name")
        .annotate(
            total=Count("id"),
            present=Count("id", filter=Q(attendance="present")),
            authorised=Count("id", filter=Q(attendance=Attendance.ABSENT_AUTHORISED)),
            unauthorised=Count("id", filter=Q(attendance=Attendance.ABSENT_UNAUTHORISED)),
        )
        .order_by("service__name")
    )
    return Report(
        "attendance_service",
        "Attendance by service",
        ("Service", "Sessions", "Attended", "Authorised absence", "Unauthorised absence", "Rate"),
        [
            (
                f"{programme.code}: {r['service__name']}",
                r["total"],
                r["present"],
                r["authorised"],
                r["unauthorised"],
                _rate(r["present"], r["total"]),
            )
            for r in rows
        ],
    )


def absence_reasons(user, programme, start, end) -> Report:
    rows = (
        _deliveries(user, programme, start, end)
        .filter(attendance__in=ABSENT)
        .values("absence_reason__label")
        .annotate(absences=Count("id"), children=Count("engagement__child", distinct=True))
        .order_by("-absences", "absence_reason__label")
    )
    return Report(
        "absence_reasons",
        "Reasons for absence",
        ("Reason", "Absences", "Children"),
        [
            (r["absence_reason__label"] or "No reason given", r["absences"], r["children"])
            for r in rows
        ],
    )


def consecutive_absences(user, programme, start, end) -> Report:
    """Children whose sessions in the period include a run of three or more absences.

    A running count of attended sessions (a window function) stays the same across a run of
    absences, so grouping absences by it measures each run, all in one query.
    """
    table = ServiceDelivery._meta.db_table
    visible_sql, visible_params = (
        _deliveries(user, programme, start, end).values("id").query.sql_with_params()
    )
    person = Engagement._meta.get_field("child").related_model._meta.db_table
    engagement = Engagement._meta.db_table
    sql = f"""
        WITH marked AS (
            SELECT d.engagement_id, d.attendance,
                   SUM(CASE WHEN d.attendance = 'present' THEN 1 ELSE 0 END) OVER (
                       PARTITION BY d.engagement_id ORDER BY d.delivered_on, d.id
                       ROWS UNBOUNDED PRECEDING
                   ) AS attended_so_far
            FROM {table} d
            WHERE d.id IN ({visible_sql})
        ), runs AS (
            SELECT engagement_id, attended_so_far, COUNT(*) AS run_length
            FROM marked WHERE attendance <> 'present'
            GROUP BY engagement_id, attended_so_far
        )
        SELECT p.first_name, p.last_name, MAX(r.run_length) AS longest
        FROM runs r
        JOIN {engagement} e ON e.id = r.engagement_id
        JOIN {person} p ON p.id = e.child_id
        GROUP BY r.engagement_id, p.first_name, p.last_name
        HAVING MAX(r.run_length) >= %s
        ORDER BY p.last_name, p.first_name
    """  # noqa: S608 - table names come from our models; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*visible_params, ABSENCE_RUN])
        found = cursor.fetchall()
    return Report(
        "consecutive_absences",
        f"Children with {ABSENCE_RUN} or more absences in a row",
        ("Child", "Longest run of absences"),
        [(f"{first} {last}", longest) for first, last, longest in found],
    )


def quiet_engagements(user, programme, start, end, *, today=None) -> Report:
    """Engagements in progress with no session for eight weeks: possibly finished."""
    today = today or clock.today()
    cutoff = today - timedelta(weeks=QUIET_WEEKS)
    rows = (
        _engagements(user, programme)
        .filter(stage=Stage.IN_PROGRESS, referral_date__lt=cutoff)
        .annotate(
            last=Max(
                "deliveries__delivered_on",
                filter=Q(deliveries__entered_in_error_at__isnull=True),
            )
        )
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .values("pk", "child__first_name", "child__last_name", "referral_date", "last")
        .order_by("last", "referral_date")
    )
    return Report(
        "quiet",
        f"No session for {QUIET_WEEKS} weeks — possibly finished: close it?",
        ("Child", "Referred", "Last session", "Engagement"),
        [
            (
                f"{r['child__first_name']} {r['child__last_name']}",
                f"{r['referral_date']:%d/%m/%Y}",
                f"{r['last']:%d/%m/%Y}" if r["last"] else "None",
                r["pk"],
            )
            for r in rows
        ],
    )


def open_access_totals(user, programme, start, end) -> Report:
    rows = (
        OpenAccessSession.objects.for_org(programme.organisation)
        .filter(CURRENT, service__programme=programme, held_on__range=(start, end))
        .values("service__name")
        .annotate(sessions=Count("id"), attendees=Sum("attendees"))
        .order_by("service__name")
    )
    return Report(
        "open_access",
        "Open-access sessions: total attendees",
        ("Service", "Sessions", "Total attendees"),
        [(f"{programme.code}: {r['service__name']}", r["sessions"], r["attendees"]) for r in rows],
    )


REPORTS = {
    "children": children_engaged,
    "deliveries": deliveries_by_service,
    "attendance_child": attendance_by_child,
    "attendance_service": attendance_by_service,
    "absence_reasons": absence_reasons,
    "consecutive_absences": consecutive_absences,
    "quiet": quiet_engagements,
    "open_access": open_access_totals,
}


def all_reports(user, programme, start, end) -> list[Report]:
    return [fn(user, programme, start, end) for fn in REPORTS.values()]


DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas: make them text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(DANGEROUS_STARTS) else text


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in report.header])
    for row in report.rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
