"""The chronology tab operation of ``haven bench``: the first page of a child's chronology
when the child has 5,000 entries.

The entries are written straight into the projection with one bulk insert (the page reads
only the projection, and making 5,000 source records through the services would take
minutes); they mix the kinds a long history holds, a tenth of them routine service
deliveries, which the tab hides by default. The child is made once and found again.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.chronology.models import Entry, Kind
from haven.core import clock
from haven.people import services as people_services
from haven.people.models import Person

ENTRIES = 5_000
FIRST_NAME, LAST_NAME = "Timeline", "Benchmark"
SOURCE = "bench.synthetic"
KINDS = [
    Kind.STATUS_STARTED,
    Kind.CONSULTATION,
    Kind.DOCUMENT_ADDED,
    Kind.ENGAGEMENT_OPENED,
    Kind.RELATIONSHIP_ADDED,
    Kind.HOUSEHOLD_MOVE,
    Kind.STATUS_ENDED,
    Kind.ENGAGEMENT_CLOSED,
    Kind.CASE_EDITED,
    Kind.SERVICE_DELIVERY,
]


class TimelineBench:
    def __init__(self, bench):
        self.org, self.user, self.client = bench.org, bench.user, bench.client
        self.child = self._child()

    def _child(self) -> Person:
        child = (
            Person.objects.for_org(self.org)
            .filter(first_name=FIRST_NAME, last_name=LAST_NAME, merged_into__isnull=True)
            .first()
        ) or people_services.person_create(
            actor=self.user,
            data={
                "kind": "child",
                "first_name": FIRST_NAME,
                "last_name": LAST_NAME,
                "date_of_birth": date(2014, 2, 3),
            },
            address={"address_line_1": "2 Bench Row"},
            duplicate_reason="benchmark data",
        )
        have = Entry.objects.for_org(self.org).filter(child=child).count()
        if have < ENTRIES:
            self._fill(child, ENTRIES - have)
        return child

    def _fill(self, child: Person, count: int) -> None:
        """About ten years of entries, newest today, a few a day."""
        now = clock.now()
        start = Entry.objects.for_org(self.org).filter(source_type=SOURCE).count()
        Entry.unscoped.bulk_create(
            [
                Entry(
                    organisation=self.org,
                    child=child,
                    occurred_at=now - timedelta(hours=18 * n),
                    recorded_by=self.user,
                    kind=KINDS[n % len(KINDS)],
                    routine=KINDS[n % len(KINDS)] == Kind.SERVICE_DELIVERY,
                    summary=f"Entry {n} in a long history",
                    source_type=SOURCE,
                    source_id=start + n,
                )
                for n in range(count)
            ],
            batch_size=1_000,
        )

    def floor_query(self) -> tuple[str, list]:
        """The first page's entries and their recorders' names, as one hand-written query
        would read them: newest first by the timeline index, service deliveries left out."""
        sql = (
            "SELECT e.*, u.full_name FROM chronology_entry e "
            "LEFT JOIN accounts_user u ON u.id = e.recorded_by_id "
            "WHERE e.child_id = %s AND NOT e.routine "
            "ORDER BY e.occurred_at DESC, e.id DESC LIMIT 51"
        )
        return sql, [self.child.pk]

    def first_page(self):
        response = self.client.get(f"/people/{self.child.pk}/", {"tab": "chronology"})
        assert response.status_code == 200, response.status_code
        return response
