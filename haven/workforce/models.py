"""The workforce: staff and volunteers, their safeguarding training, induction and DBS checks.

Every member of staff or volunteer has a ``StaffMember`` record whether or not they sign in
to Haven. The dates that drive reminders and the compliance matrix (induction due, training
expiry, DBS renewal) are stored when the record is written, so "what is overdue" is an
indexed query rather than a calculation over everyone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from haven.core.models import OrgScopedModel

# The toolkit's four levels of responsibility. Each organisation words its own descriptions
# (WorkforceSettings); these are the defaults a new organisation starts with.
LEVELS = (1, 2, 3, 4)
LEVEL_CHOICES = [(n, f"Level {n}") for n in LEVELS]
DEFAULT_LEVEL_DESCRIPTIONS = {
    1: "Occasional contact with children, young people or parents and carers "
    "(for example reception, site or catering staff).",
    2: "Works mostly with children, young people or their parents and carers, face to face.",
    3: "Runs services or teams day to day, including named and designated safeguarding leads.",
    4: "Senior managers, directors, trustees and governors responsible for strategy.",
}

# Picklists (haven.configuration) this app declares; see haven/workforce/picklists.py.
TOPICS = "training_topics"
INDUCTION_ITEMS = "induction_items"
RESPONSIBILITIES = "safeguarding_responsibilities"


class WorkforceSettings(OrgScopedModel):
    """One row per organisation: its wording of the levels and its workforce policies."""

    level_1_description = models.TextField(default=DEFAULT_LEVEL_DESCRIPTIONS[1])
    level_2_description = models.TextField(default=DEFAULT_LEVEL_DESCRIPTIONS[2])
    level_3_description = models.TextField(default=DEFAULT_LEVEL_DESCRIPTIONS[3])
    level_4_description = models.TextField(default=DEFAULT_LEVEL_DESCRIPTIONS[4])
    dbs_renewal_years = models.PositiveSmallIntegerField(
        "renew DBS checks after this many years",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    induction_months = models.PositiveSmallIntegerField(
        "induction must be complete within this many months of starting",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    remind_at_sign_in = models.BooleanField(
        "remind people at sign-in when their safeguarding training has expired",
        default=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="workforce_settings_one_per_org"),
            models.CheckConstraint(
                condition=Q(dbs_renewal_years__gte=1, dbs_renewal_years__lte=10),
                name="workforce_settings_dbs_years_range",
            ),
            models.CheckConstraint(
                condition=Q(induction_months__gte=1, induction_months__lte=12),
                name="workforce_settings_induction_months_range",
            ),
        ]

    def __str__(self) -> str:
        return "Workforce settings"

    def level_description(self, level: int) -> str:
        return getattr(self, f"level_{level}_description", "")

    @property
    def level_descriptions(self) -> list[tuple[int, str]]:
        return [(n, self.level_description(n)) for n in LEVELS]


class StaffMember(OrgScopedModel):
    """A member of staff or a volunteer, signed in to Haven or not."""

    class Kind(models.TextChoices):
        PAID = "paid", "Paid staff"
        VOLUNTEER = "volunteer", "Volunteer"

    full_name = models.CharField(max_length=150)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="Haven sign-in",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_record",
    )
    post_title = models.CharField("post or role", max_length=150)
    kind = models.CharField("paid or volunteer", max_length=10, choices=Kind.choices)
    started_on = models.DateField("started with the organisation")
    started_in_post_on = models.DateField("started in this post", null=True, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_staff_records",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        "level of responsibility",
        choices=LEVEL_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    responsibilities = models.ManyToManyField("configuration.Option", blank=True, related_name="+")
    dbs_required = models.BooleanField("needs a DBS check", default=True)
    last_appraisal_on = models.DateField("last appraisal", null=True, blank=True)
    next_appraisal_on = models.DateField("next appraisal due", null=True, blank=True)
    left_on = models.DateField("left the organisation", null=True, blank=True)
    # Stored when started_on is written: started_on plus the organisation's induction period.
    induction_due_on = models.DateField()

    class Meta:
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "full_name"], name="staff_name"),
            models.Index(fields=["organisation", "line_manager"], name="staff_line_manager"),
            models.Index(fields=["organisation", "left_on"], name="staff_left"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="staff_level_1_4"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("started_on")),
                name="staff_leaves_after_starting",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_volunteer(self) -> bool:
        return self.kind == self.Kind.VOLUNTEER

    def has_left(self, on) -> bool:
        return self.left_on is not None and self.left_on <= on


class DbsCheck(OrgScopedModel):
    """A Disclosure and Barring Service certificate seen by the organisation."""

    class Type(models.TextChoices):
        BASIC = "basic", "Basic"
        STANDARD = "standard", "Standard"
        ENHANCED = "enhanced", "Enhanced"
        ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred list"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="dbs_checks")
    check_type = models.CharField("type of check", max_length=20, choices=Type.choices)
    # A Fernet token (haven.core.crypto); only the last four characters are kept in clear,
    # to show the number masked.
    certificate_number_encrypted = models.TextField()
    certificate_number_hint = models.CharField(max_length=4)
    issued_on = models.DateField("issued")
    update_service = models.BooleanField("subscribed to the DBS update service", default=False)
    # Stored when written: issued_on plus the organisation's renewal period.
    renewal_due_on = models.DateField("renewal due")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField("checked on")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "renewal_due_on"], name="dbs_renewal"),
            models.Index(fields=["staff", "-issued_on"], name="dbs_staff_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_check_type_display()} DBS check"

    @property
    def masked_number(self) -> str:
        return "•" * 8 + self.certificate_number_hint


class Course(OrgScopedModel):
    """A course the organisation recognises, and who must do it."""

    name = models.CharField(max_length=150)
    provider = models.CharField(max_length=150, blank=True)
    # The levels of responsibility this course covers (a level 3 course usually covers 1–3).
    levels = models.JSONField("levels it covers", default=list, blank=True)
    topics = models.ManyToManyField("configuration.Option", blank=True, related_name="+")
    validity_months = models.PositiveSmallIntegerField(
        "valid for (months)",
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Who must hold it, besides everyone whose level it covers: by level, and by role.
    required_for_levels = models.JSONField(default=list, blank=True)
    required_for_responsibilities = models.ManyToManyField(
        "configuration.Option", blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="course_name_unique"),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1, validity_months__lte=120),
                name="course_validity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def levels_label(self) -> str:
        return ", ".join(str(n) for n in sorted(self.levels)) or "–"


class TrainingSession(OrgScopedModel):
    """One delivery of a course, entered for all its attendees at once."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    # The token of the form that created it: sending the same form twice creates nothing.
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "token"], name="training_session_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.held_on:%d/%m/%Y}"


class TrainingRecord(OrgScopedModel):
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField("completed")
    # Stored when written: completed_on plus the course's validity.
    expires_on = models.DateField("expires")
    notes = models.CharField(max_length=300, blank=True)
    # The certificate, if one was uploaded: stored under a random name outside the web root.
    certificate_path = models.CharField(max_length=200, blank=True)
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=40, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "expires_on"], name="training_expiry"),
            models.Index(fields=["staff", "course", "-expires_on"], name="training_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "course", "completed_on"], name="training_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on:%d/%m/%Y})"

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_path)


class InductionSignOff(OrgScopedModel):
    """One item of the organisation's induction checklist, signed off for one person."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="induction")
    item = models.ForeignKey("configuration.Option", on_delete=models.PROTECT, related_name="+")
    signed_off_on = models.DateField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "item"], name="induction_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.signed_off_on:%d/%m/%Y})"


class LearningNeedsAnalysis(OrgScopedModel):
    """A structured learning-needs analysis, following the toolkit's nine steps."""

    title = models.CharField(max_length=150)
    whose_needs = models.TextField(
        "whose learning needs", help_text="The posts or roles this analysis covers."
    )
    purpose = models.TextField(
        help_text="Why the analysis is being done, including any event that prompted it."
    )
    methods = models.TextField(help_text="How the needs were identified.")
    findings = models.TextField(help_text="The key points the analysis found.")
    practical_considerations = models.TextField(
        blank=True, help_text="Budget, time, availability, childcare and the like."
    )
    how_needs_met = models.TextField(
        "how the needs will be met",
        blank=True,
        help_text="Training, briefings, reading, mentoring; the dated plan is below.",
    )
    involving_children_and_families = models.TextField(
        "how children's and families' views are included", blank=True
    )
    people_responsible = models.TextField(blank=True)
    recording_completion = models.TextField("how completion is recorded", blank=True)
    courses = models.ManyToManyField(Course, blank=True, related_name="analyses")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "learning needs analyses"

    def __str__(self) -> str:
        return self.title


class PlannedActivity(OrgScopedModel):
    """One dated activity in a learning-needs analysis's plan."""

    analysis = models.ForeignKey(
        LearningNeedsAnalysis, on_delete=models.CASCADE, related_name="activities"
    )
    planned_for = models.DateField()
    description = models.CharField(max_length=300)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["planned_for", "pk"]

    def __str__(self) -> str:
        return self.description
