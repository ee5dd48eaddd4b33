"""Importing children and their contacts from a school MIS export (CSV).

The UPN is the key. A dry run says, row by row, what would be created, updated, left alone
or rejected and why; applying does exactly that through the people services (so every change
is checked and audited), and applying the same file again changes nothing. Children with a
UPN who are missing from the file are listed as possible leavers, never deleted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from haven.audit.models import Action
from haven.audit.services import record_event
from haven.configuration.models import Option
from haven.core.errors import DomainError
from haven.jobs.services import handler
from haven.people import services, validation
from haven.people.models import Identifier, Person, Relationship, RelationshipType

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    required: bool = False
    # Column headings commonly used by MIS exports, lower-case, for the first guess.
    aliases: tuple[str, ...] = ()


CONTACT_PARTS = [
    ("first_name", "first name", ("forename", "first name")),
    ("last_name", "last name", ("surname", "last name")),
    ("relationship", "relationship", ("relationship", "relation")),
    ("phone", "phone", ("phone", "telephone", "mobile")),
    ("email", "email", ("email", "e-mail")),
    (
        "parental_responsibility",
        "has parental responsibility (Y/N)",
        ("parental responsibility", "pr"),
    ),
]

FIELDS: list[ImportField] = [
    ImportField("upn", "UPN", True, ("upn", "unique pupil number")),
    ImportField(
        "first_name", "First name", True, ("legal forename", "forename", "first name", "firstname")
    ),
    ImportField(
        "last_name", "Last name", True, ("legal surname", "surname", "last name", "lastname")
    ),
    ImportField(
        "middle_names", "Middle names", False, ("middle name", "middle names", "middle name(s)")
    ),
    ImportField(
        "known_as", "Preferred name", False, ("preferred forename", "preferred name", "known as")
    ),
    ImportField("date_of_birth", "Date of birth", True, ("dob", "date of birth", "birth date")),
    ImportField("gender", "Gender", False, ("gender", "sex")),
    ImportField("year_group", "Year group", False, ("year", "year group", "ncy", "nc year")),
    ImportField(
        "class_group",
        "Class or tutor group",
        False,
        ("reg", "reg group", "class", "form", "tutor group"),
    ),
    ImportField(
        "address_line_1", "Address line 1", False, ("address line 1", "address 1", "street")
    ),
    ImportField(
        "address_line_2", "Address line 2", False, ("address line 2", "address 2", "locality")
    ),
    ImportField("town", "Town", False, ("town", "city", "post town")),
    ImportField("postcode", "Postcode", False, ("postcode", "post code")),
] + [
    ImportField(
        f"contact_{n}_{part}",
        f"Contact {n}: {label}",
        False,
        tuple(f"contact {n} {a}" for a in aliases) + tuple(f"contact{n} {a}" for a in aliases),
    )
    for n in (1, 2)
    for part, label, aliases in CONTACT_PARTS
]
FIELD_KEYS = [f.key for f in FIELDS]

RELATIONSHIP_WORDS = {
    "mother": RelationshipType.MOTHER,
    "mum": RelationshipType.MOTHER,
    "father": RelationshipType.FATHER,
    "dad": RelationshipType.FATHER,
    "step-mother": RelationshipType.STEP_PARENT,
    "stepmother": RelationshipType.STEP_PARENT,
    "step-father": RelationshipType.STEP_PARENT,
    "stepfather": RelationshipType.STEP_PARENT,
    "step parent": RelationshipType.STEP_PARENT,
    "step-parent": RelationshipType.STEP_PARENT,
    "carer": RelationshipType.CARER,
    "guardian": RelationshipType.CARER,
    "foster carer": RelationshipType.FOSTER_CARER,
    "foster mother": RelationshipType.FOSTER_CARER,
    "foster father": RelationshipType.FOSTER_CARER,
    "grandmother": RelationshipType.GRANDPARENT,
    "grandfather": RelationshipType.GRANDPARENT,
    "grandparent": RelationshipType.GRANDPARENT,
    "aunt": RelationshipType.AUNT_UNCLE,
    "uncle": RelationshipType.AUNT_UNCLE,
    "brother": RelationshipType.SIBLING,
    "sister": RelationshipType.SIBLING,
    "social worker": RelationshipType.SOCIAL_WORKER,
}
YEAR_WORDS = {
    "n": "N",
    "n1": "N",
    "n2": "N",
    "nursery": "N",
    "r": "R",
    "rec": "R",
    "reception": "R",
    **{str(n): str(n) for n in range(1, 14)},
    **{f"y{n}": str(n) for n in range(1, 14)},
    **{f"year {n}": str(n) for n in range(1, 14)},
}


class ImportProblem(DomainError):
    """The file itself cannot be imported (as opposed to one bad row)."""


def read_csv(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of an uploaded CSV, or an ImportProblem saying what is wrong."""
    if len(raw) > MAX_BYTES:
        raise ImportProblem("The file is larger than 5 MB. Export fewer columns and try again.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportProblem("The file is not text. Export it from your MIS as CSV.")
    if "\x00" in text:
        raise ImportProblem("The file is not text. Export it from your MIS as CSV.")
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or []) if h and h.strip()]
        rows = []
        for index, row in enumerate(reader):
            if index >= MAX_ROWS:
                raise ImportProblem(f"The file has more than {MAX_ROWS:,} rows. Split it up.")
            rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items() if k})
    except csv.Error as error:
        raise ImportProblem(f"The file could not be read as CSV: {error}.") from None
    if not header:
        raise ImportProblem("The file has no heading row. The first line must name the columns.")
    if not rows:
        raise ImportProblem("The file has a heading row but no pupils.")
    return header, rows


def guess_mapping(header: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """Column for each Haven field: the organisation's saved choice if the column is still
    there, else a heading that looks right."""
    lower = {h.lower(): h for h in header}
    mapping = {}
    for item in FIELDS:
        chosen = (saved or {}).get(item.key)
        if chosen in header:
            mapping[item.key] = chosen
            continue
        for alias in (item.label.lower(), item.key.replace("_", " "), *item.aliases):
            if alias in lower:
                mapping[item.key] = lower[alias]
                break
    return mapping


def check_mapping(mapping: dict[str, str], header: list[str]) -> list[str]:
    problems = [
        f"Choose the column for {f.label}." for f in FIELDS if f.required and not mapping.get(f.key)
    ]
    problems += [
        f"There is no column called “{c}”." for c in mapping.values() if c and c not in header
    ]
    return problems


@dataclass
class RowPlan:
    line: int
    upn: str
    name: str
    action: str  # create, update, unchanged, reject
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def _parse_date(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"“{text}” is not a date (use dd/mm/yyyy).")


class Importer:
    """Plans and applies an import for one organisation, as one member of staff."""

    def __init__(self, actor, mapping: dict[str, str]):
        self.actor = actor
        self.org = actor.organisation
        self.mapping = mapping
        options = Option.objects.for_org(self.org).filter(list_key="gender")
        self.genders = {o.label.lower(): o for o in options}
        self.genders.update(
            {label[0]: o for label, o in list(self.genders.items()) if label[:1] in "mf"}
        )
        upns = Identifier.objects.for_org(self.org).filter(
            kind=Identifier.Kind.UPN, withdrawn_at__isnull=True, person__merged_into__isnull=True
        )
        self.people_by_upn = {i.value: i.person_id for i in upns}

    def value(self, row, key) -> str:
        column = self.mapping.get(key)
        return row.get(column, "").strip() if column else ""

    def child_data(self, row) -> tuple[str, dict, dict]:
        """The row's UPN, person fields and address, checked; DomainError if unusable."""
        try:
            upn = validation.clean_upn(self.value(row, "upn"))
        except ValidationError as error:
            raise DomainError("UPN: " + " ".join(error.messages)) from None
        data = {"kind": Person.Kind.CHILD}
        for key in ("first_name", "last_name", "middle_names", "known_as", "class_group"):
            if self.mapping.get(key):
                data[key] = self.value(row, key)
        if not data.get("first_name") or not data.get("last_name"):
            raise DomainError("A first name and a last name are needed.")
        data["date_of_birth"] = _parse_date(self.value(row, "date_of_birth"))
        if self.mapping.get("year_group"):
            year = self.value(row, "year_group").lower()
            if year and year not in YEAR_WORDS:
                raise DomainError(f"“{year}” is not a year group we know.")
            data["year_group"] = YEAR_WORDS.get(year, "")
        if self.mapping.get("gender"):
            gender = self.value(row, "gender").lower()
            data["gender"] = self.genders.get(gender) if gender else None
        data["school"] = self.org.name
        address = {k: self.value(row, k) for k in services.ADDRESS_FIELDS if self.mapping.get(k)}
        return upn, data, address

    def plan(self, line: int, row) -> tuple[RowPlan, tuple | None]:
        name = f"{self.value(row, 'first_name')} {self.value(row, 'last_name')}".strip()
        try:
            upn, data, address = self.child_data(row)
        except DomainError as problem:
            return RowPlan(line, self.value(row, "upn"), name, "reject", [str(problem)]), None
        person_id = self.people_by_upn.get(upn)
        if person_id is None:
            return RowPlan(line, upn, name, "create"), (upn, data, address)
        person = Person.objects.for_org(self.org).select_related("household").get(pk=person_id)
        changes = [k for k, v in data.items() if k != "kind" and getattr(person, k) != v]
        tidy = dict(address)
        if "postcode" in tidy:
            tidy["postcode"] = validation.normalise_postcode(tidy["postcode"])[0]
        changes += [f"address ({k})" for k, v in tidy.items() if getattr(person.household, k) != v]
        changes += [f"contact {n}" for n in (1, 2) if self._missing_contact(person, row, n)]
        action = "update" if changes else "unchanged"
        return RowPlan(line, upn, name, action, changes=changes), (upn, data, address)

    def _contact(self, row, n) -> dict | None:
        first, last = (
            self.value(row, f"contact_{n}_first_name"),
            self.value(row, f"contact_{n}_last_name"),
        )
        if not first or not last:
            return None
        word = self.value(row, f"contact_{n}_relationship").lower()
        return {
            "first_name": first,
            "last_name": last,
            "type": RELATIONSHIP_WORDS.get(word, RelationshipType.OTHER),
            "explanation": "" if word in RELATIONSHIP_WORDS else word[:300],
            "phone": self.value(row, f"contact_{n}_phone"),
            "email": self.value(row, f"contact_{n}_email"),
            "parental_responsibility": self.value(
                row, f"contact_{n}_parental_responsibility"
            ).lower()
            in {"y", "yes", "true", "1"},
        }

    def _existing_contact(self, person, contact) -> Person | None:
        return (
            Person.objects.for_org(self.org)
            .filter(
                household=person.household,
                kind=Person.Kind.ADULT,
                first_name__iexact=contact["first_name"],
                last_name__iexact=contact["last_name"],
                merged_into__isnull=True,
            )
            .first()
        )

    def _missing_contact(self, person, row, n) -> bool:
        contact = self._contact(row, n)
        if contact is None:
            return False
        adult = self._existing_contact(person, contact)
        if adult is None:
            return True
        return (
            not Relationship.objects.for_org(self.org)
            .filter(person=person, related=adult, ended_on__isnull=True)
            .exists()
        )

    def apply(self, plan: RowPlan, prepared, row) -> RowPlan:
        upn, data, address = prepared
        try:
            with transaction.atomic():
                if plan.action == "create":
                    person = services.person_create(
                        actor=self.actor,
                        data=data,
                        address=address,
                        identifiers=[("upn", "", upn)],
                    )
                    self.people_by_upn[upn] = person.pk
                else:
                    person = (
                        Person.objects.for_org(self.org)
                        .select_related("household")
                        .get(pk=self.people_by_upn[upn])
                    )
                    changed = {
                        k: v for k, v in data.items() if k != "kind" and getattr(person, k) != v
                    }
                    if changed:
                        services.person_update(person=person, actor=self.actor, data=changed)
                    if any(c.startswith("address") for c in plan.changes):
                        services.household_update_address(
                            household=person.household, actor=self.actor, **address
                        )
                for n in (1, 2):
                    self._apply_contact(person, row, n)
        except services.PossibleDuplicates as found:
            names = ", ".join(m.person.full_name for m in found.matches)
            plan.action = "reject"
            plan.reasons = [
                f"Possibly already recorded without a UPN ({names}). Add the UPN to their "
                "record, or merge, then import again."
            ]
        except (DomainError, ValidationError) as problem:
            plan.action = "reject"
            plan.reasons = [" ".join(getattr(problem, "messages", [str(problem)]))]
        return plan

    def _apply_contact(self, person, row, n) -> None:
        contact = self._contact(row, n)
        if contact is None:
            return
        adult = self._existing_contact(person, contact)
        if adult is None:
            adult = services.person_create(
                actor=self.actor,
                data={
                    "kind": Person.Kind.ADULT,
                    "adult_role": Person.AdultRole.PARENT_CARER,
                    "first_name": contact["first_name"],
                    "last_name": contact["last_name"],
                    "phone": contact["phone"],
                    "email": contact["email"],
                },
                household=person.household,
                duplicate_reason="imported as a contact of a pupil",
            )
        linked = Relationship.objects.for_org(self.org).filter(
            person=person, related=adult, ended_on__isnull=True
        )
        if not linked.exists():
            services.relationship_add(
                person=person,
                related=adult,
                actor=self.actor,
                type=contact["type"],
                explanation=contact["explanation"],
                parental_responsibility=contact["parental_responsibility"],
                emergency_contact=True,
                lives_with=True,
            )

    def leavers(self, upns_in_file: set[str]) -> list[dict]:
        gone = {u: p for u, p in self.people_by_upn.items() if u not in upns_in_file}
        people = Person.objects.for_org(self.org).filter(pk__in=gone.values(), kind="child")
        return [
            {"id": p.pk, "name": p.full_name, "upn": u}
            for u, pid in sorted(gone.items())
            for p in people
            if p.pk == pid
        ]


def _run(job, progress, *, apply: bool) -> dict:
    from haven.people.models import ImportFile

    upload = ImportFile.objects.for_org(job.organisation).get(pk=job.payload["import_file"])
    header, rows = read_csv(upload.content.encode())
    importer = Importer(job.created_by, job.payload["mapping"])
    progress(0, len(rows))
    plans, seen = [], set()
    for index, row in enumerate(rows):
        plan, prepared = importer.plan(index + 2, row)
        if plan.upn and plan.action != "reject":
            if plan.upn in seen:
                plan.action, plan.reasons = "reject", ["This UPN appears earlier in the file."]
            seen.add(plan.upn)
        if apply and plan.action in ("create", "update"):
            plan = importer.apply(plan, prepared, row)
        plans.append(plan)
        if index % 25 == 0:
            progress(index + 1)
    progress(len(rows))
    counts = {
        a: sum(1 for p in plans if p.action == a)
        for a in ("create", "update", "unchanged", "reject")
    }
    result = {
        "applied": apply,
        "counts": counts,
        "rows": [asdict(p) for p in plans],
        "leavers": importer.leavers(seen),
    }
    if apply:
        record_event(
            action=Action.IMPORT,
            actor=job.created_by,
            obj=upload,
            detail={"what": "MIS import", "counts": counts},
        )
    return result


@handler("people_import_check")
def check_import(job, progress):
    return _run(job, progress, apply=False)


@handler("people_import_apply")
def apply_import(job, progress):
    return _run(job, progress, apply=True)


# --- Services used by the import pages --------------------------------------------------


def import_upload(*, actor, name: str, raw: bytes):
    """Keep an uploaded file for checking; ImportProblem if it cannot be read."""
    from haven.access import rules
    from haven.core.errors import NotAllowed
    from haven.people.models import ImportFile, ImportMapping

    if not rules.can_import_people(actor):
        raise NotAllowed("Only a DSL or an administrator can import.")
    header, rows = read_csv(raw)
    saved = ImportMapping.objects.for_org(actor.organisation).first()
    with transaction.atomic():
        upload = ImportFile.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            name=(name or "upload.csv")[:200],
            content=raw.decode("utf-8-sig", errors="replace")
            if _is_utf8(raw)
            else raw.decode("cp1252"),
            row_count=len(rows),
            header=header,
            mapping=guess_mapping(header, saved.mapping if saved else None),
        )
        record_event(
            action=Action.CREATE,
            actor=actor,
            obj=upload,
            detail={"what": "MIS import file", "rows": len(rows)},
        )
    return upload


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def import_check(*, actor, upload, mapping: dict[str, str]):
    """Save the column choices (for next time too) and queue the dry run."""
    from haven.access import rules
    from haven.core.errors import NotAllowed
    from haven.jobs.services import job_enqueue
    from haven.people.models import ImportMapping

    if not rules.can_import_people(actor) or upload.organisation_id != actor.organisation_id:
        raise NotAllowed("Only a DSL or an administrator can import.")
    mapping = {k: v for k, v in mapping.items() if k in FIELD_KEYS and v}
    problems = check_mapping(mapping, upload.header)
    if problems:
        raise DomainError(" ".join(problems))
    if upload.apply_job_id:
        raise DomainError("This file has already been imported. Upload it again to re-check.")
    with transaction.atomic():
        ImportMapping.unscoped.update_or_create(
            organisation=actor.organisation, defaults={"mapping": mapping, "created_by": actor}
        )
        job = job_enqueue(
            organisation=actor.organisation,
            actor=actor,
            kind="people_import_check",
            payload={"import_file": upload.pk, "mapping": mapping},
            total=upload.row_count,
        )
        upload.mapping, upload.check_job = mapping, job
        upload.save(update_fields=["mapping", "check_job", "modified_at"])
    return job


def import_apply(*, actor, upload):
    from haven.access import rules
    from haven.core.errors import NotAllowed
    from haven.jobs.models import Job
    from haven.jobs.services import job_enqueue

    if not rules.can_import_people(actor) or upload.organisation_id != actor.organisation_id:
        raise NotAllowed("Only a DSL or an administrator can import.")
    with transaction.atomic():
        upload = type(upload).unscoped.select_for_update().get(pk=upload.pk)
        if upload.check_job is None or upload.check_job.status != Job.Status.DONE:
            raise DomainError("Check the file first, then apply it.")
        if upload.apply_job_id:
            raise DomainError("This file has already been imported.")
        job = job_enqueue(
            organisation=actor.organisation,
            actor=actor,
            kind="people_import_apply",
            payload={"import_file": upload.pk, "mapping": upload.mapping},
            total=upload.row_count,
        )
        upload.apply_job = job
        upload.save(update_fields=["apply_job", "modified_at"])
    return job


def rejected_rows_csv(upload) -> str:
    """The rejected rows as they were in the file, with the reason in a last column."""
    job = (
        upload.apply_job if upload.apply_job and upload.apply_job.is_finished else upload.check_job
    )
    rejected = {
        r["line"]: r["reasons"]
        for r in (job.result or {}).get("rows", [])
        if r["action"] == "reject"
    }
    header, rows = read_csv(upload.content.encode())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*header, "Why it was rejected"])
    for index, row in enumerate(rows):
        if index + 2 in rejected:
            writer.writerow([*(row.get(h, "") for h in header), "; ".join(rejected[index + 2])])
    return out.getvalue()
