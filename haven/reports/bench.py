"""The report operation of ``haven bench``: "concerns by category and month" over the last
12 months, as the DSL opens it.

A large organisation records many concerns a year; 200,000 spread over the last twelve
months (with a few entered in error, and some from earlier years) are bulk-inserted once
into the generated organisation, as ``concern_record`` (and the actions and decisions after
it) would leave them for the reports to read, and found again on later runs. Alerts,
versions, audit events and chronology entries are not made: the reports read none of them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Max

from haven.accounts.models import User
from haven.core import clock
from haven.core.db.maintenance import analyse_after_bulk_load
from haven.people.models import Person
from haven.safeguarding.models import Concern, ConcernCategory, ConcernChild, when_in_the_week
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.scale import bulk

CONCERNS = 200_000
# One in ten is from the two years before the period, so the date filter has work to do.
OLDER_SHARE = 0.1
IN_ERROR_EVERY = 200
MARK = "Bench report concern."
CHUNK = 20_000


class ReportBench:
    def __init__(self, bench):
        self.bench = bench
        self.org, self.client = bench.org, bench.client
        self._prepare()

    def _prepare(self) -> None:
        seed_safeguarding(self.org)
        made = Concern.objects.for_org(self.org).filter(account=MARK).count()
        if made < CONCERNS:
            self._make(CONCERNS - made)

    def _make(self, count: int) -> None:
        rng = random.Random(7)
        org = self.org
        categories = list(
            ConcernCategory.objects.for_org(org)
            .filter(parent__isnull=True)
            .values_list("pk", flat=True)
        )
        children = list(
            Person.objects.for_org(org)
            .filter(kind="child", merged_into__isnull=True)
            .values_list("pk", "year_group")[:50_000]
        )
        recorders = list(User.objects.for_org(org).values_list("pk", flat=True)[:200])
        now = clock.now()
        start = Concern.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0
        for first in range(0, count, CHUNK):
            size = min(CHUNK, count - first)
            ids = bulk.next_ids(Concern, size)
            concerns, links = [], []
            for n, pk in enumerate(ids):
                back = (
                    rng.uniform(365, 3 * 365) if rng.random() < OLDER_SHARE else rng.uniform(0, 365)
                )
                occurred = now - timedelta(days=back, minutes=rng.randint(0, 600))
                weekday, hour = when_in_the_week(occurred)
                child, year_group = rng.choice(children)
                concerns.append(
                    {
                        "id": pk,
                        "organisation_id": org.pk,
                        "number": start + first + n + 1,
                        "child_id": child,
                        "category_id": rng.choice(categories),
                        "occurred_at": occurred,
                        "account": MARK,
                        "created_by_id": rng.choice(recorders),
                        "created_at": occurred + timedelta(hours=2),
                        "modified_at": occurred + timedelta(hours=2),
                        "entered_in_error": (first + n) % IN_ERROR_EVERY == 0,
                        "body_map": [],
                        "year_group": year_group,
                        "occurred_weekday": weekday,
                        "occurred_hour": hour,
                        # Most are acted on within a day or two; every one is decided.
                        "seconds_to_first_action": (
                            rng.randint(300, 2 * 86400) if rng.random() < 0.7 else None
                        ),
                        "seconds_to_decision": rng.randint(600, 3 * 86400),
                    }
                )
                links.append(
                    {
                        "organisation_id": org.pk,
                        "concern_id": pk,
                        "person_id": child,
                        "is_primary": True,
                        "created_at": occurred + timedelta(hours=2),
                        "modified_at": occurred + timedelta(hours=2),
                    }
                )
            with transaction.atomic():
                bulk.insert(Concern, concerns)
                bulk.insert(ConcernChild, links)
        bulk.reset_sequences(Concern)
        analyse_after_bulk_load((Concern, ConcernChild))

    def report_page(self, slug: str):
        return self.client.get(f"/reports/{slug}/")
