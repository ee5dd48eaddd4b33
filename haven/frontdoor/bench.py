"""The front-door operations of ``haven bench``: the worklist's first page when the front
door has 5,000 open contacts, and logging a contact whose child is typed in as new and found
by the duplicate check.

The data lives in its own front-door organisation, made once and found again on later runs.
Rating 5,000 contacts through the services one by one would take minutes, so the rows the
worklist reads are bulk-inserted as the services would leave them: contacts at every open
stage (most with a clock running, their deadline on ``due_at``; those awaiting screening or
rating without one), each about one or two children. Beside the open work there are 5,000
decided contacts, so the worklist's queries are timed against a table where what they look
for is not every row. Status changes, ratings and clock rows are not made: the worklist
reads none of them.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.db import transaction
from django.db.models import Max

from haven.access import roles
from haven.accounts import services as account_services
from haven.accounts.models import Organisation, User
from haven.core import clock
from haven.core.db.maintenance import analyse_after_bulk_load
from haven.frontdoor.models import Contact, ContactPerson, Outcome, Rag, Source, Status
from haven.people.models import Household, Person

NAME = "Bench Children's Front Door"
OPEN_CONTACTS = 5_000
DECIDED_CONTACTS = 5_000
BATCH = 2_000
FIRST = ["Amira", "Jonah", "Keira", "Lucas", "Nia", "Oscar", "Reuben", "Sofia", "Tomas", "Yara"]
LAST = ["Ashdown", "Blake", "Corrie", "Dunmore", "Everly", "Fenwick", "Garrow", "Hale"]
# The open stages, in proportion to a busy morning: most contacts have a clock running.
STAGES = [
    (Status.SCREENING, "", None),
    (Status.RATING, "", None),
    (Status.MASH_MANAGER, Rag.RED, timedelta(hours=4)),
    (Status.INFORMATION_GATHERING, Rag.AMBER_CP, timedelta(hours=24)),
    (Status.MASH_DECISION, Rag.AMBER_CP, timedelta(hours=24)),
    (Status.ALLOCATION, Rag.AMBER_CIN, timedelta(hours=24)),
    (Status.EARLY_HELP, Rag.GREEN, timedelta(days=5)),
    (Status.EARLY_HELP, Rag.GREEN, timedelta(days=14)),
]


class FrontDoorBench:
    def __init__(self, bench):
        from haven.scale.bench import signed_in_client

        self.bench = bench
        self.org = self._organisation()
        self.user = self._senior_practitioner()
        self.client = signed_in_client(self.user)
        self._prepare()

    # --- data, made once --------------------------------------------------------------

    @staticmethod
    def _organisation() -> Organisation:
        from haven.accounts.services import organisation_create

        found = Organisation.objects.filter(name=NAME).first()
        return found or organisation_create(name=NAME, kind=Organisation.Kind.FRONT_DOOR)

    def _senior_practitioner(self) -> User:
        email = f"senior.{self.org.pk}@bench.example"
        return User.objects.for_org(self.org).filter(email=email).first() or (
            account_services.user_create(
                organisation=self.org,
                email=email,
                full_name="Bench Senior Practitioner",
                role_codes=[roles.SENIOR_PRACTITIONER],
                password=None,
            )
        )

    def _prepare(self) -> None:
        open_now = (
            Contact.objects.for_org(self.org).filter(status__in=[s for s, _, _ in STAGES]).count()
        )
        if open_now < OPEN_CONTACTS:
            with transaction.atomic():
                self._make(OPEN_CONTACTS - open_now, decided=False)
        decided = Contact.objects.for_org(self.org).filter(status=Status.DECIDED).count()
        if decided < DECIDED_CONTACTS:
            with transaction.atomic():
                self._make(DECIDED_CONTACTS - decided, decided=True)
        analyse_after_bulk_load((Contact, ContactPerson, Person))

    def _children(self, count: int) -> list[Person]:
        org, now = self.org, clock.now()
        household = Household.unscoped.create(organisation=org, name="Bench households")
        today = clock.today()
        return Person.unscoped.bulk_create(
            [
                Person(
                    organisation=org,
                    kind=Person.Kind.CHILD,
                    first_name=FIRST[n % len(FIRST)],
                    last_name=LAST[(n // len(FIRST)) % len(LAST)],
                    date_of_birth=today - timedelta(days=400 + (n * 37) % 5000),
                    household=household,
                    household_joined_at=now,
                )
                for n in range(count)
            ],
            batch_size=BATCH,
        )

    def _make(self, count: int, *, decided: bool) -> None:
        org, user, now = self.org, self.user, clock.now()
        start = Contact.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0
        contacts = []
        for n in range(count):
            status, rating, span = STAGES[n % len(STAGES)]
            received = now - timedelta(minutes=7 * n % (60 * 24 * 10))
            due = None
            if decided:
                received -= timedelta(days=60)
                status, rating = Status.DECIDED, rating or Rag.GREEN
            elif span is not None:
                # Deadlines spread from a few hours overdue to the full timescale ahead.
                due = received + span - timedelta(minutes=(n * 13) % 600)
            contacts.append(
                Contact(
                    organisation=org,
                    created_by=user,
                    number=start + n + 1,
                    source=list(Source)[n % len(Source)],
                    received_at=received,
                    referrer_name="Bench Referrer",
                    concerns="Bruising seen at breakfast club; the child was quiet.",
                    parents_informed=True,
                    consent="given",
                    status=status,
                    known="not_known" if status != Status.SCREENING else "",
                    initial_rag=rating,
                    due_at=due,
                    outcome=Outcome.EARLY_HELP if decided else "",
                    decided_at=received + timedelta(days=2) if decided else None,
                )
            )
        Contact.unscoped.bulk_create(contacts, batch_size=BATCH)
        children = self._children(count + count // 3)
        links = [
            ContactPerson(organisation=org, contact=c, person=children[n], role="child")
            for n, c in enumerate(contacts)
        ]
        # A third of contacts are about two children.
        links += [
            ContactPerson(organisation=org, contact=c, person=children[count + n], role="child")
            for n, c in enumerate(contacts[: count // 3])
        ]
        ContactPerson.unscoped.bulk_create(links, batch_size=BATCH)

    # --- requests -----------------------------------------------------------------------

    def _children_held(self):
        return Person.objects.for_org(self.org).filter(kind=Person.Kind.CHILD)

    @cached_property
    def _child_ids(self) -> list[int]:
        return list(self._children_held().values_list("pk", flat=True))

    def contact_post(self) -> dict:
        """A telephone contact about a child the front door already holds, typed in as a new
        child (name and date of birth): choosing the child is not timed."""
        from django.utils import timezone

        child = self._children_held().get(pk=self.bench.rng.choice(self._child_ids))
        now = timezone.localtime(clock.now())
        return {
            "child": child,
            "form": {
                "source": Source.TELEPHONE,
                "received_date": now.strftime("%d/%m/%Y"),
                "received_time": now.strftime("%H:%M"),
                "referrer_name": "Bench Referrer",
                "referrer_role": "Class teacher",
                "referrer_agency": "Bench Primary",
                "referrer_phone": "01632 960123",
                "concerns": "Said at breakfast club that there is no food at home.",
                "parents_informed": "yes",
                "consent": "given",
                "new_child-first_name": child.first_name,
                "new_child-last_name": child.last_name,
                "new_child-date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
            },
        }

    def create_contact(self, prepared: dict):
        """Two requests, timed together: "add" the child, which the duplicate check answers
        with the child already held (409), then save the contact about that child."""
        url, child = "/front-door/contacts/new/", prepared["child"]
        asked = self.client.post(url, {**prepared["form"], "add_child": "1"})
        assert asked.status_code == 409, asked.status_code
        assert f'id="match-child-{child.pk}"'.encode() in asked.content
        saved = self.client.post(url, {**prepared["form"], "children": child.pk, "save": "1"})
        assert saved.status_code == 302, saved.status_code
        return saved

    def worklist_page(self):
        response = self.client.get("/front-door/")
        assert response.status_code == 200, response.status_code
        return response
