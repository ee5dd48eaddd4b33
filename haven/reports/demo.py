"""A year of concerns at Riverside Primary, so the demo's reports have something to show.

Recorded through ``concern_record`` like any other concern, each dated back (when it
happened) across the last twelve months, more in term time than in the summer holiday. They
are history: each happened before the cumulative-concern window (so the demo's one
cumulative alert stays the only one), the DSL has decided on each ("no further action") and
everyone alerted has read it, so the inboxes and triage queue show only the demo's live work.
Fictional; times are relative to now so the demo always looks current.
"""

from __future__ import annotations

from datetime import timedelta

from haven.core import clock
from haven.people.models import Person
from haven.safeguarding import alerts, triage
from haven.safeguarding.cumulative import settings_for
from haven.safeguarding.models import ConcernCategory, TriageDecision
from haven.safeguarding.services import ConcernData, concern_record

# (category, what happened) pairs, written as staff write them.
ACCOUNTS = [
    ("Wellbeing", "Seemed withdrawn at registration and would not join the circle."),
    ("Attendance", "Late for the third time this week; said the alarm did not go off."),
    ("Behaviour", "Pushed another pupil at lunch and then hid in the toilets."),
    ("Bullying", "Said two older pupils took his snack at break again."),
    ("Wellbeing", "Came in without a coat in the rain and was very hungry at snack time."),
]
# Concerns per month, oldest first: quieter in August.
MONTHLY = [6, 7, 5, 8, 7, 6, 9, 7, 2, 8, 9, 10]
RECORDERS = ("teacher@riverside.example", "deputy@riverside.example", "dsl@riverside.example")


def load_riverside_report_history(*, staff: dict) -> int:
    """Record 84 concerns over the last year at Riverside; returns how many."""
    dsl = staff["dsl@riverside.example"]
    org = dsl.organisation
    categories = {
        c.name: c for c in ConcernCategory.objects.for_org(org).filter(parent__isnull=True)
    }
    children = list(
        Person.objects.for_org(org).filter(kind="child", merged_into__isnull=True).order_by("pk")
    )
    recorders = [staff[email] for email in RECORDERS]
    # History starts just before the window the cumulative-concern pattern looks at.
    latest = clock.now() - timedelta(days=settings_for(org).cumulative_days + 1)
    made = 0
    for month_back, count in enumerate(reversed(MONTHLY)):
        for n in range(count):
            category, account = ACCOUNTS[(month_back + n) % len(ACCOUNTS)]
            child = children[(month_back * 3 + n) % len(children)]
            # Spread over the month and the school day.
            occurred = latest - timedelta(days=month_back * 30 + (n * 4) % 28, hours=(n * 5) % 9)
            concern = concern_record(
                actor=recorders[(month_back + n) % len(recorders)],
                data=ConcernData(
                    child=child,
                    category=categories[category],
                    occurred_at=occurred,
                    location="School",
                    account=f"{child.first_name}: {account}",
                ),
                alert_teams=[],
                alert_people=[],
            )
            _settle(concern, dsl)
            made += 1
    return made


def _settle(concern, dsl) -> None:
    """The DSL's decision, and every alert read by the person it went to."""
    triage.triage_decide(
        concern=concern,
        actor=dsl,
        outcome=TriageDecision.Outcome.NO_FURTHER_ACTION,
        rationale="Dealt with at the time by the class teacher; kept for the record.",
    )
    for alert in concern.alerts.select_related("recipient").filter(read_at__isnull=True):
        alerts.alert_mark_read(alert=alert, actor=alert.recipient)
