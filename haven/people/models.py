"""Who the records are about: children and adults, their households, identifiers, status
flags and relationships."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from haven.core import clock
from haven.core.models import OrgScopedModel


class Household(OrgScopedModel):
    """Everyone who lives at one address. Its name is derived from its members' surnames."""

    name = models.CharField(max_length=200, default="New Household")
    address_line_1 = models.CharField("address line 1", max_length=120, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=120, blank=True)
    town = models.CharField("town or city", max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # False when the postcode did not match the Royal Mail pattern: shown as a warning.
    postcode_looks_valid = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "postcode"], name="household_postcode")]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return [p for p in parts if p]


class YearGroup(models.TextChoices):
    NURSERY = "N", "Nursery"
    RECEPTION = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"


def name_fields(relation: str) -> tuple[str, str]:
    """What ``Person.full_name`` reads, through ``relation``, for ``.only()``: a list that
    shows a child's name need not load the child's whole record."""
    return (f"{relation}__first_name", f"{relation}__last_name")


class Person(OrgScopedModel):
    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"

    class AdultRole(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        FAMILY = "family", "Other family member"
        PROFESSIONAL = "professional", "Professional contact"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    adult_role = models.CharField(max_length=20, choices=AdultRole.choices, blank=True)
    first_name = models.CharField(max_length=80)
    middle_names = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=80)
    known_as = models.CharField("preferred name / known as", max_length=80, blank=True)
    previous_names = models.CharField(
        max_length=200, blank=True, help_text="Earlier surnames or names, separated by commas."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    is_unborn = models.BooleanField("unborn child", default=False)
    expected_date = models.DateField("expected date of birth", null=True, blank=True)
    gender = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ethnicity = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_language = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(max_length=20, blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    do_not_contact = models.BooleanField(default=False)
    school = models.CharField("school or setting attending", max_length=150, blank=True)
    year_group = models.CharField(max_length=2, choices=YearGroup.choices, blank=True)
    class_group = models.CharField("class / tutor group", max_length=40, blank=True)
    medical_details = models.TextField(blank=True)
    allergies = models.TextField(blank=True)
    dietary_needs = models.TextField(blank=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    household_joined_at = models.DateTimeField()
    # A merged record points at the one that survived; it is kept, never deleted.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The optional photo in the header (haven.people.photos): the random name of a re-encoded
    # JPEG in the private file storage, never a URL. On the row itself so that showing it
    # costs the person page no query.
    photo_name = models.CharField(max_length=255, blank=True)
    photo_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="person_name"),
            models.Index(fields=["organisation", "date_of_birth"], name="person_dob"),
            # Partial: only unborn children have one, so the planner knows it is selective.
            models.Index(
                fields=["organisation", "expected_date"],
                name="person_expected",
                condition=Q(expected_date__isnull=False),
            ),
            models.Index(fields=["household", "household_joined_at"], name="person_household"),
            models.Index(fields=["organisation", "year_group", "class_group"], name="person_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adult")
                | Q(is_unborn=True, expected_date__isnull=False)
                | Q(is_unborn=False, date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="person_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        """Name as staff say it, with the known-as name where there is one."""
        if self.known_as and self.known_as != self.first_name:
            return f"{self.first_name} ({self.known_as}) {self.last_name}"
        return self.full_name

    @property
    def is_child(self) -> bool:
        return self.kind == self.Kind.CHILD

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        today = clock.today()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def age_label(self) -> str:
        if self.is_unborn:
            return "Unborn"
        age = self.age
        if age is None:
            return ""
        if age < 2 and self.date_of_birth:
            months = (clock.today() - self.date_of_birth).days // 30
            return f"{months} month{'s' if months != 1 else ''}"
        return f"{age}"


class Identifier(OrgScopedModel):
    class Kind(models.TextChoices):
        NHS = "nhs", "NHS number"
        UPN = "upn", "Unique Pupil Number"
        LA_CASE = "la_case", "Local authority case number"
        OTHER = "other", "Other identifier"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # For organisation-defined identifiers, the name of the scheme (e.g. "MIS admission no.").
    label = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=60)
    # Identifiers are never deleted: one entered in error is withdrawn with a reason.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "label", "value"],
                condition=Q(withdrawn_at__isnull=True),
                name="identifier_unique_in_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "value"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.display_value}"

    @property
    def kind_label(self) -> str:
        return self.label if self.kind == self.Kind.OTHER else self.get_kind_display()

    @property
    def is_temporary_upn(self) -> bool:
        from haven.people.validation import is_temporary_upn

        return self.kind == self.Kind.UPN and is_temporary_upn(self.value)

    @property
    def display_value(self) -> str:
        from haven.people.validation import format_nhs_number

        return format_nhs_number(self.value) if self.kind == self.Kind.NHS else self.value


class Flag(models.TextChoices):
    CHILD_PROTECTION_PLAN = "cp_plan", "Child protection plan"
    CHILD_IN_NEED_PLAN = "cin_plan", "Child in need plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    PREVIOUSLY_LOOKED_AFTER = "previously_looked_after", "Previously looked after"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "EHC plan"
    YOUNG_CARER = "young_carer", "Young carer"
    PRIVATE_FOSTERING = "private_fostering", "Private fostering"
    PUPIL_PREMIUM = "pupil_premium", "Pupil premium"
    OPEN_TO_EARLY_HELP = "early_help", "Open to early help"
    OPEN_TO_SOCIAL_CARE = "social_care", "Open to children's social care"


# Flags that later rules treat as raising the level of concern.
STATUTORY_FLAGS = frozenset(
    {Flag.CHILD_PROTECTION_PLAN, Flag.CHILD_IN_NEED_PLAN, Flag.LOOKED_AFTER}
)


class StatusFlag(OrgScopedModel):
    """A status a child holds for a period. Ending it keeps the row, so history stays."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    flag = models.CharField(max_length=30, choices=Flag.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    allocated_worker = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["person", "flag", "end_date"], name="flag_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="flag_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.get_flag_display()

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(clock.today())


class RelationshipType(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of parent"
    CARER = "carer", "Carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


# How a relationship reads from the other side: "X is Y's mother" ↔ "Y is X's child".
RECIPROCAL_LABEL = {
    RelationshipType.MOTHER: "Child",
    RelationshipType.FATHER: "Child",
    RelationshipType.STEP_PARENT: "Step-child",
    RelationshipType.PARTNER_OF_PARENT: "Child of partner",
    RelationshipType.CARER: "Cared for",
    RelationshipType.FOSTER_CARER: "Foster child",
    RelationshipType.GRANDPARENT: "Grandchild",
    RelationshipType.SIBLING: "Sibling",
    RelationshipType.HALF_SIBLING: "Half-sibling",
    RelationshipType.AUNT_UNCLE: "Niece or nephew",
    RelationshipType.SOCIAL_WORKER: "Allocated to this social worker",
    RelationshipType.OTHER: "Other",
}
PARENTAL_TYPES = frozenset(
    {
        RelationshipType.MOTHER,
        RelationshipType.FATHER,
        RelationshipType.STEP_PARENT,
        RelationshipType.CARER,
        RelationshipType.FOSTER_CARER,
    }
)


class Relationship(OrgScopedModel):
    """``related`` is ``person``'s <type>: e.g. person = the child, related = their mother."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    related = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_in")
    type = models.CharField(max_length=20, choices=RelationshipType.choices)
    explanation = models.CharField(max_length=300, blank=True)
    parental_responsibility = models.BooleanField(default=False)
    emergency_contact = models.BooleanField(default=False)
    lives_with = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["type", "pk"]
        indexes = [
            models.Index(fields=["person", "ended_on"], name="relationship_person"),
            models.Index(fields=["related", "ended_on"], name="relationship_related"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=models.F("related")), name="relationship_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["person", "related", "type"],
                condition=Q(ended_on__isnull=True),
                name="relationship_unique_while_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.related} is {self.person}'s {self.get_type_display().lower()}"

    def label_for(self, viewer: Person) -> tuple[Person, str]:
        """The other person, and what they are to ``viewer``."""
        if viewer.pk == self.person_id:
            return self.related, self.get_type_display()
        return self.person, RECIPROCAL_LABEL[self.type]


class HouseholdMove(OrgScopedModel):
    """A person moving from one household to another: kept so their history can be told."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    from_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    to_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["-moved_at"]
        indexes = [models.Index(fields=["person", "moved_at"], name="move_person")]

    def __str__(self) -> str:
        return f"{self.person} moved to {self.to_household}"


class SearchToken(models.Model):
    """Normalised name pieces and their sound-alike codes, for fast indexed search.

    Written by the people services whenever a name changes; one row per token. A plain
    B-tree index on (organisation, token) serves exact, prefix and sound-alike matches on
    SQLite and PostgreSQL alike; PostgreSQL adds a trigram index for typos.
    """

    class Kind(models.TextChoices):
        NAME = "n", "Name"
        SOUND = "s", "Sounds like"
        PAIR = "p", "Name pair"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    token = models.CharField(max_length=80)

    class Meta:
        indexes = [
            # The person is part of the key so lookups are answered from the index alone.
            models.Index(fields=["organisation", "kind", "token", "person"], name="search_token"),
        ]

    def __str__(self) -> str:
        return self.token


class ImportMapping(OrgScopedModel):
    """Which CSV column holds which field, remembered per organisation for next time."""

    mapping = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_import_mapping_per_org")
        ]

    def __str__(self) -> str:
        return f"Import mapping for {self.organisation_id}"


class ImportFile(OrgScopedModel):
    """An uploaded MIS export, kept with the checks and the import run against it."""

    name = models.CharField(max_length=200)
    content = models.TextField()
    row_count = models.PositiveIntegerField()
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    check_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    apply_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
