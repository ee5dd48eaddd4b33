"""Fill a database with realistic fictional people, fast and deterministically.

Rows go in with bulk inserts, in chunks of households, but every invariant the services keep
still holds: household names follow the members' surnames, search tokens are written for
every name, identifiers are valid and unique, and each organisation's audit hash chain is
extended properly (``haven verify_audit`` passes afterwards).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone
from stdnum.gb import upn as upn_lib

from haven.access import roles
from haven.accounts.models import Organisation, User
from haven.accounts.services import organisation_create, user_create
from haven.audit.models import Action, AuditChainHead, AuditEvent
from haven.audit.services import compute_hash
from haven.core.db.maintenance import refresh_statistics
from haven.people import search
from haven.people.models import (
    Flag,
    Household,
    Identifier,
    Person,
    Relationship,
    RelationshipType,
    SearchToken,
    StatusFlag,
)
from haven.people.services import household_name
from haven.scale import bulk
from haven.scale.names import (
    FAMILY,
    GIVEN,
    GIVEN_ENDS,
    GIVEN_STARTS,
    STREETS,
    SURNAME_ENDS,
    SURNAME_MIDDLES,
    SURNAME_STARTS,
)
from haven.scale.records import Records
from haven.scale.workforce import make_workforce

BENCH_PASSWORD = "bench-password-not-for-production"  # noqa: S105  (bench databases only)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
CHUNK_HOUSEHOLDS = 4000
FLAGS_FOR_CHILDREN = [
    (Flag.PUPIL_PREMIUM, 0.20),
    (Flag.SEN_SUPPORT, 0.12),
    (Flag.OPEN_TO_EARLY_HELP, 0.04),
    (Flag.CHILD_IN_NEED_PLAN, 0.03),
    (Flag.CHILD_PROTECTION_PLAN, 0.01),
    (Flag.LOOKED_AFTER, 0.007),
    (Flag.EHC_PLAN, 0.03),
    (Flag.YOUNG_CARER, 0.01),
]


@dataclass
class Plan:
    name: str
    kind: str
    share: float
    upns: bool


PLANS = [
    Plan("Northbridge Children's Front Door", Organisation.Kind.FRONT_DOOR, 0.90, False),
    Plan("Northbridge Academy Trust", Organisation.Kind.SCHOOL, 0.08, True),
    Plan("Northbridge Family Centre", Organisation.Kind.EARLY_YEARS, 0.02, False),
]


class NumberSource:
    """Valid NHS numbers from the testing range, and UPNs, never repeated."""

    def __init__(self):
        self.nhs_next = 999_000_000
        self.upn_next = 1

    def nhs(self) -> str:
        while True:
            nine = str(self.nhs_next)
            self.nhs_next += 1
            if self.nhs_next > 999_999_999:
                raise RuntimeError("The NHS testing range is used up.")
            total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
            check = 11 - total % 11
            if check != 10:
                return nine + str(0 if check == 11 else check)

    def upn(self) -> str:
        body = f"8012{self.upn_next:08d}"
        self.upn_next += 1
        return upn_lib.calc_check_digit(body) + body


def _zipf(count: int, exponent: float = 0.9) -> list[float]:
    """Cumulative weights where the n-th most common name is 1/n^s as likely as the first."""
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


class Names:
    """Names with a realistic spread: a few very common, a long tail of rare ones."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.family_weights = _zipf(len(FAMILY))
        self.given_weights = _zipf(len(GIVEN))

    def surname(self) -> str:
        r = self.rng
        if r.random() < 0.55:
            return r.choices(FAMILY, cum_weights=self.family_weights)[0]
        middle = r.choice(SURNAME_MIDDLES)
        return r.choice(SURNAME_STARTS) + middle + r.choice(SURNAME_ENDS)

    def given(self) -> str:
        r = self.rng
        if r.random() < 0.85:
            return r.choices(GIVEN, cum_weights=self.given_weights)[0]
        return r.choice(GIVEN_STARTS) + r.choice(GIVEN_ENDS)


class Generator:
    def __init__(self, *, seed: int, report: Callable[[str], None] = print, records: bool = True):
        self.seed = seed
        self.rng = random.Random(seed)
        # The domain records (concerns, cases, engagements, contacts and the chronology) draw
        # from their own random streams, so adding them leaves the people as they were.
        self.records = Records(seed=seed, generator=self) if records else None
        self.names = Names(self.rng)
        self.numbers = NumberSource()
        self.report = report
        self.today = timezone.localdate()
        self.rows_written = 0
        self.now = timezone.now()
        self.checks_deferred = False

    # --- organisations and staff ----------------------------------------------------------

    def organisation(self, plan: Plan) -> tuple[Organisation, User]:
        org = Organisation.objects.filter(name=plan.name).first()
        if org is None:
            org = organisation_create(name=plan.name, kind=plan.kind)
        slug = plan.kind.replace("_", "")
        dsl = User.unscoped.filter(email=f"dsl@{slug}.bench.example").first()
        if dsl is None:
            dsl = user_create(
                organisation=org,
                email=f"dsl@{slug}.bench.example",
                full_name=f"Bench DSL ({plan.name})",
                role_codes=[roles.DSL],
                password=BENCH_PASSWORD,
            )
        return org, dsl

    # --- people -----------------------------------------------------------------------------

    def postcode(self) -> str:
        r = self.rng
        unit = r.choice(INWARD_LETTERS) + r.choice(INWARD_LETTERS)
        return f"NB{r.randint(1, 29)} {r.randint(1, 9)}{unit}"

    def birth_date(self, child: bool) -> date:
        days = self.rng.randint(0, 18 * 365) if child else self.rng.randint(19 * 365, 70 * 365)
        return self.today - timedelta(days=days)

    def household(self, org, plan: Plan, actor, ids) -> tuple[dict, list[dict]]:
        """One household's row and its members' rows (ids taken from ``ids``)."""
        r, now = self.rng, self.now
        surname = self.names.surname()
        home = {
            "id": next(ids["household"]),
            "organisation_id": org.pk,
            "created_by_id": actor.pk,
            "created_at": now,
            "modified_at": now,
            "address_line_1": f"{r.randint(1, 240)} {r.choice(STREETS)}",
            "town": "Northbridge",
            "postcode": self.postcode(),
            "postcode_looks_valid": True,
        }
        members = []
        adults = r.choices([1, 2, 3], weights=[45, 50, 5])[0]
        children = r.choices([1, 2, 3, 4, 5], weights=[38, 36, 16, 7, 3])[0]
        for i in range(adults + children):
            child = i >= adults
            keeps_surname = i == 0 or r.random() < (0.85 if child else 0.5)
            last = surname if keeps_surname else self.names.surname()
            born = self.birth_date(child) if child or r.random() < 0.6 else None
            person = {
                "id": next(ids["person"]),
                "organisation_id": org.pk,
                "created_by_id": actor.pk,
                "created_at": now,
                "modified_at": now,
                "kind": Person.Kind.CHILD if child else Person.Kind.ADULT,
                "adult_role": "" if child else Person.AdultRole.PARENT_CARER,
                "first_name": self.names.given(),
                "middle_names": self.names.given() if child and r.random() < 0.4 else "",
                "last_name": last,
                "date_of_birth": born,
                "is_unborn": False,
                "mobile": "" if child else f"+447700900{r.randint(0, 999):03d}",
                "household_id": home["id"],
                # Members joined in id order; the household name follows that order.
                "household_joined_at": now,
                "do_not_contact": False,
            }
            # Every row has the same keys, so the insert can take its fast path.
            person["year_group"] = ""
            if child:
                age = (self.today - born).days // 365
                person["year_group"] = ("R" if age == 4 else str(age - 4)) if 4 <= age <= 17 else ""
            members.append(person)
        home["name"] = household_name([m["last_name"] for m in members])
        return home, members

    def chunk(self, org, plan: Plan, actor, households: int) -> int:
        self.now = timezone.now()
        ids = {
            "household": iter(bulk.next_ids(Household, households)),
            "person": iter(bulk.next_ids(Person, households * 8)),
        }
        homes, people = [], []
        for _ in range(households):
            home, members = self.household(org, plan, actor, ids)
            homes.append(home)
            people.extend(members)
        tokens = [
            {"organisation_id": org.pk, "person_id": p["id"], "kind": kind, "token": token}
            for p in people
            for kind, token in search.index_rows(p["first_name"], p["middle_names"], p["last_name"])
        ]
        identifiers, relationships, flags = self._attachments(org, plan, actor, people)
        relationship_ids = iter(bulk.next_ids(Relationship, len(relationships)))
        for relationship in relationships:
            relationship["id"] = next(relationship_ids)
        flag_ids = iter(bulk.next_ids(StatusFlag, len(flags)))
        for flag in flags:
            flag["id"] = next(flag_ids)
        with transaction.atomic():
            self.checks_deferred |= bulk.defer_foreign_key_checks()
            written = bulk.insert(Household, homes)
            written += bulk.insert(Person, people)
            written += bulk.insert(SearchToken, tokens)
            written += bulk.insert(Identifier, identifiers)
            written += bulk.insert(Relationship, relationships)
            written += bulk.insert(StatusFlag, flags)
            written += self._audit(org, actor, people)
            if self.records is not None:
                written += self.records.chunk(org, plan, people, relationships, flags)
        self.rows_written += written
        return len(people)

    def _attachments(self, org, plan, actor, people):
        r, now = self.rng, self.now
        base = {
            "organisation_id": org.pk,
            "created_by_id": actor.pk,
            "created_at": now,
            "modified_at": now,
        }
        identifiers, relationships, flags = [], [], []
        by_home: dict[int, list[dict]] = {}
        for p in people:
            by_home.setdefault(p["household_id"], []).append(p)
        for members in by_home.values():
            adults = [m for m in members if m["kind"] == Person.Kind.ADULT]
            for child in (m for m in members if m["kind"] == Person.Kind.CHILD):
                identifiers.append(
                    {
                        **base,
                        "person_id": child["id"],
                        "kind": "nhs",
                        "label": "",
                        "value": self.numbers.nhs(),
                    }
                )
                if plan.upns:
                    identifiers.append(
                        {
                            **base,
                            "person_id": child["id"],
                            "kind": "upn",
                            "label": "",
                            "value": self.numbers.upn(),
                        }
                    )
                for n, adult in enumerate(adults[:2]):
                    relationships.append(
                        {
                            **base,
                            "person_id": child["id"],
                            "related_id": adult["id"],
                            "type": RelationshipType.MOTHER if n == 0 else RelationshipType.FATHER,
                            "parental_responsibility": True,
                            "lives_with": True,
                            "emergency_contact": n == 0,
                            "explanation": "",
                            "ended_reason": "",
                        }
                    )
                for flag, chance in FLAGS_FOR_CHILDREN:
                    if r.random() < chance:
                        start = self.today - timedelta(days=r.randint(1, 900))
                        end = None
                        if r.random() < 0.4:
                            end = start + timedelta(days=r.randint(0, (self.today - start).days))
                        flags.append(
                            {
                                **base,
                                "person_id": child["id"],
                                "flag": flag,
                                "start_date": start,
                                "end_date": end,
                                "ended_by_id": actor.pk if end is not None else None,
                                "allocated_worker": "",
                                "note": "",
                            }
                        )
        return identifiers, relationships, flags

    def _audit(self, org, actor, people) -> int:
        """One "created" event per person, extending the organisation's hash chain."""
        head = AuditChainHead.objects.select_for_update().filter(chain=org.pk).first()
        if head is None:
            head = AuditChainHead.objects.create(chain=org.pk)
        rows, prev, seq = [], head.hash, head.seq
        for person in people:
            seq += 1
            event = SimpleNamespace(
                chain=org.pk,
                seq=seq,
                organisation_id=org.pk,
                occurred_at=self.now,
                actor_id=actor.pk,
                actor_label=actor.email,
                action=Action.CREATE,
                object_type="people.person",
                object_id=str(person["id"]),
                object_label=f"{person['first_name']} {person['last_name']}"[:200],
                person_id=person["id"],
                ip_address=None,
                user_agent="",
                detail={"generated": True},
                prev_hash=prev,
            )
            event.hash = prev = compute_hash(event)
            rows.append({k: v for k, v in vars(event).items()})
        written = bulk.insert(AuditEvent, rows)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
        return written

    def run(self, total_people: int) -> dict:
        started = time.monotonic()
        made = {}
        loaded = [Household, Person, SearchToken, Identifier, Relationship, StatusFlag]
        loaded.append(AuditEvent)
        if self.records is not None:
            loaded += self.records.models
        with bulk.indexes_built_after(loaded, self.report):
            for plan in PLANS:
                org, actor = self.organisation(plan)
                target = int(total_people * plan.share)
                done = 0
                while done < target:
                    households = max(1, min(CHUNK_HOUSEHOLDS, (target - done) // 3 or 1))
                    done += self.chunk(org, plan, actor, households)
                    elapsed = time.monotonic() - started
                    self.report(
                        f"{plan.name}: {done:,}/{target:,} people · {self.rows_written:,} rows · "
                        f"{self.rows_written / max(elapsed, 0.001):,.0f} rows/s"
                    )
                made[plan.name] = done
                if self.records is not None:
                    self.rows_written += make_workforce(
                        org, actor, people=done, seed=self.seed, today=self.today
                    )
        bulk.reset_sequences(
            Household, Person, SearchToken, Identifier, Relationship, StatusFlag, AuditEvent
        )
        if self.records is not None:
            self.records.finish()
        if self.checks_deferred:
            self.report("Checking every foreign key of the rows written…")
            bulk.check_foreign_keys(loaded)
        refresh_statistics(thorough=True)
        elapsed = time.monotonic() - started
        return {
            "people": made,
            "tables": self.records.tables() if self.records is not None else {},
            "rows": self.rows_written,
            "seconds": round(elapsed, 1),
            "rows_per_second": round(self.rows_written / max(elapsed, 0.001)),
        }
