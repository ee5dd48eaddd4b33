"""The chronology export operation of ``haven bench``: a DSL exports a 200-entry chronology as
a redacted PDF (filters, entries, case summary, redaction, WeasyPrint, storing the file).

The child is made once in the generated organisation through the services (statuses started
and ended, and concerns with body maps naming a brother), and found again on later runs.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.chronology.models import Entry
from haven.core import clock
from haven.people import services as people_services
from haven.people.models import Person

ENTRIES = 200
CONCERNS = 10
FIRST_NAME, LAST_NAME = "Chronology", "Benchmark"
MARKS = [
    {"side": "front", "x": 38, "y": 42, "kind": "bruise", "size": "3cm", "note": "Left forearm"},
    {"side": "back", "x": 55, "y": 30, "kind": "cut", "size": "1cm", "note": "Said Rowan did it"},
]


class ChronologyBench:
    def __init__(self, bench):
        self.bench = bench
        self.org, self.user, self.client = bench.org, bench.user, bench.client
        self.child = self._child()

    def _child(self) -> Person:
        found = (
            Person.objects.for_org(self.org)
            .filter(first_name=FIRST_NAME, last_name=LAST_NAME, merged_into__isnull=True)
            .first()
        )
        child = found or self._make()
        self._top_up(child)
        return child

    def _count(self, child) -> int:
        return Entry.objects.for_org(self.org).filter(child=child, routine=False).count()

    def _make(self) -> Person:
        child = people_services.person_create(
            actor=self.user,
            data={
                "kind": "child",
                "first_name": FIRST_NAME,
                "last_name": LAST_NAME,
                "date_of_birth": date(2016, 5, 4),
            },
            address={"address_line_1": "1 Bench Row"},
            duplicate_reason="benchmark data",
        )
        people_services.person_create(
            actor=self.user,
            data={
                "kind": "child",
                "first_name": "Rowan",
                "last_name": LAST_NAME,
                "date_of_birth": date(2014, 1, 9),
            },
            household=child.household,
            duplicate_reason="benchmark data",
        )
        return child

    def _concerns(self, child) -> None:
        from haven.safeguarding.models import ConcernCategory
        from haven.safeguarding.services import ConcernData, concern_record
        from haven.safeguarding.taxonomy import seed_safeguarding

        seed_safeguarding(self.org)
        category = ConcernCategory.objects.for_org(self.org).filter(parent__isnull=True).first()
        for n in range(CONCERNS):
            concern_record(
                actor=self.user,
                data=ConcernData(
                    child=child,
                    category=category,
                    linked_children=[],
                    occurred_at=clock.now() - timedelta(days=CONCERNS - n),
                    account=f"Arrived upset; said Rowan Benchmark shouted at home ({n}).",
                    body_map=MARKS,
                ),
                alert_people=[],
                alert_teams=[],
            )

    def _top_up(self, child) -> None:
        """Concerns with body maps, then statuses started and ended until the chronology
        holds ENTRIES entries."""
        concerns = Entry.objects.for_org(self.org).filter(child=child, kind="concern")
        if not concerns.exists():
            self._concerns(child)
        day = clock.today() - timedelta(days=2 * ENTRIES)
        while self._count(child) < ENTRIES:
            status = people_services.flag_start(
                person=child, actor=self.user, flag="young_carer", start_date=day
            )
            if self._count(child) < ENTRIES:
                people_services.flag_end(status=status, actor=self.user, end_date=day)
            day += timedelta(days=1)

    def export_post(self) -> dict:
        return {"format": "pdf", "redact": "on"}

    def export_pdf(self, data: dict):
        response = self.client.post(f"/chronology/child/{self.child.pk}/export/", data)
        assert response.status_code == 200, response.content[:500]
        assert response.context is None or response.context["export"].entry_count >= ENTRIES
        return response
