"""Programmes and the work done in them: engagements, service deliveries, open-access
sessions and consultations.

A *programme* (a nursery, a stay-and-play, school counselling) offers *services*. A
*programme engagement* is one piece of work with one child on one programme; inside it staff
record *service deliveries* (one session for the child) and *consultations* (meetings, calls
and conversations about the child). Everything in an engagement is need-to-know: see
``access.rules.can_view_engagement``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haven.core.models import OrgScopedModel


class Agency(OrgScopedModel):
    """Another organisation involved in a child's care (a health visiting team, social care),
    kept in the organisation's directory by its administrators."""

    name = models.CharField(max_length=150)
    kind = models.CharField("type of agency", max_length=80, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Programme(OrgScopedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    name = models.CharField(max_length=150)
    code = models.CharField(
        "short code", max_length=10, help_text="Shown before each service, e.g. SF."
    )
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="programme_code_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day) -> bool:
        return (self.start_date is None or day >= self.start_date) and (
            self.end_date is None or day <= self.end_date
        )


class Service(OrgScopedModel):
    class Unit(models.TextChoices):
        SESSIONS = "sessions", "Sessions"
        HOURS = "hours", "Hours"
        UNITS = "units", "Units"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=120)
    unit = models.CharField(
        "counted in", max_length=10, choices=Unit.choices, default=Unit.SESSIONS
    )
    default_quantity = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["programme__code", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="service_name_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Named with the programme's code, as staff type it: "SF: Nursery"."""
        return f"{self.programme.code}: {self.name}"


class Stage(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    NOT_PROGRESSED = "not_progressed", "Not progressed"
    CLOSED = "closed", "Closed"


# Every move an engagement's stage may make. A closed or not-progressed engagement stays
# so: a new referral starts a new engagement (the true count of children depends on it).
TRANSITIONS: dict[str, set[str]] = {
    Stage.IN_PROGRESS: {Stage.CLOSED, Stage.NOT_PROGRESSED},
    Stage.NOT_PROGRESSED: set(),
    Stage.CLOSED: set(),
}
ENDED = (Stage.CLOSED, Stage.NOT_PROGRESSED)


class Engagement(OrgScopedModel):
    """One piece of work with one child on one programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="engagements")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="engagements")
    referral_date = models.DateField()
    referred_by = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presenting_issues = models.ManyToManyField("configuration.Option", blank=True, related_name="+")
    evidence_seen = models.ManyToManyField(
        "configuration.Option", blank=True, related_name="engagements_evidenced"
    )
    agencies = models.ManyToManyField(Agency, blank=True, related_name="engagements")
    pupil_premium = models.BooleanField(default=False)
    family_situation = models.TextField(blank=True)
    doctor = models.CharField("doctor (GP)", max_length=150, blank=True)
    emergency_contact = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_form_completed = models.BooleanField(default=False)
    consent_given_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_person_engagements",
    )
    service_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_engagements",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IN_PROGRESS)
    closed_on = models.DateField("date closed", null=True, blank=True)
    closed_reason = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_note = models.CharField(max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "programme", "stage"], name="engagement_stage"),
            models.Index(fields=["child", "stage"], name="engagement_child"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="closed") | Q(closed_on__isnull=False),
                name="closed_engagement_has_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("referral_date")),
                name="engagement_closed_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Derived as staff say it: "Bugs Bunny 25/06/2021: St Francis Family Centre"."""
        return f"{self.child.full_name} {self.referral_date:%d/%m/%Y}: {self.programme.name}"

    @property
    def is_open(self) -> bool:
        return self.stage == Stage.IN_PROGRESS

    @property
    def scope(self) -> str:
        return f"engagement:{self.pk}"

    def covers(self, day) -> bool:
        """Is ``day`` within the engagement (from referral to closing)?"""
        return day >= self.referral_date and (self.closed_on is None or day <= self.closed_on)


class StageChange(OrgScopedModel):
    """One row per stage change, so an engagement's history can be read back."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class Correctable(models.Model):
    """A record that is corrected, never deleted: each edit raises ``version`` and leaves a
    ``Correction`` row saying what changed; a mistake is marked "entered in error" with a
    reason, which takes it out of pages and counts but keeps it (and its history)."""

    version = models.PositiveIntegerField(default=1)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_in_error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def in_error(self) -> bool:
        return self.entered_in_error_at is not None


# Pages and counts show only records that were not entered in error.
CURRENT = Q(entered_in_error_at__isnull=True)


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT_AUTHORISED = "absent_authorised", "Absent — authorised"
    ABSENT_UNAUTHORISED = "absent_unauthorised", "Absent — unauthorised"


ABSENT = (Attendance.ABSENT_AUTHORISED, Attendance.ABSENT_UNAUTHORISED)


class ServiceDelivery(OrgScopedModel, Correctable):
    """One session of one service for one child, within an engagement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="deliveries")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField("delivery date")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.PRESENT
    )
    absence_reason = models.ForeignKey(
        "configuration.Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("session summary", blank=True)
    quantity = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The bulk entry or register this came from, so a double submit stores nothing twice.
    batch = models.ForeignKey(
        "Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    # The child's year group when the session was recorded: what the reports count it under.
    year_group = models.CharField(max_length=2, blank=True)

    class Meta:
        verbose_name_plural = "service deliveries"
        ordering = ["-delivered_on", "-pk"]
        indexes = [
            models.Index(fields=["engagement", "-id"], name="delivery_page"),
            models.Index(fields=["organisation", "service", "delivered_on"], name="delivery_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance="present", absence_reason__isnull=True)
                | ~Q(attendance="present"),
                name="present_has_no_absence_reason",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="delivery_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service.label} on {self.delivered_on:%d/%m/%Y}"

    @property
    def is_absence(self) -> bool:
        return self.attendance in ABSENT


class DeliveryTally(models.Model):
    """How many current service deliveries a programme had on one day, by attendance and by
    the children's year group: what the deliveries report adds up, so a year of a large
    organisation's sessions (millions) is read as a few hundred thousand counts.

    Kept by the services in the same transaction as the deliveries (``programmes.tally``);
    ``tally.rebuild`` works it out again from the deliveries and the tests prove the two
    agree. A count that falls to nought is kept at nought.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    year_group = models.CharField(max_length=2, blank=True)
    deliveries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # One count per day, programme, attendance and year group: what a change adds to,
            # and the index a report reads a period through.
            models.UniqueConstraint(
                fields=["organisation", "delivered_on", "programme", "attendance", "year_group"],
                name="delivery_tally_key",
            ),
            models.CheckConstraint(
                condition=Q(deliveries__gte=0), name="delivery_tally_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliveries} {self.attendance} on {self.delivered_on:%d/%m/%Y}"


class Batch(OrgScopedModel):
    """One bulk entry or register save, keyed by the token its form carried."""

    class Kind(models.TextChoices):
        GRID = "grid", "Bulk entry"
        REGISTER = "register", "Register"

    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    stored = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "batches"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "token"], name="batch_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.stored}"


class OpenAccessSession(OrgScopedModel, Correctable):
    """A universal (open-access) session: how many came, not who."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="open_access_sessions"
    )
    held_on = models.DateField()
    attendees = models.PositiveIntegerField("total attendees")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "held_on"], name="open_access_day"),
            models.Index(fields=["service", "-held_on", "-id"], name="open_access_page"),
        ]

    def __str__(self) -> str:
        return f"{self.service.label} on {self.held_on:%d/%m/%Y}: {self.attendees}"


class Consultation(OrgScopedModel, Correctable):
    """A meeting, call, email or conversation about the child, within an engagement."""

    class Method(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Telephone call"
        EMAIL = "email", "Email"
        CONVERSATION = "conversation", "Conversation"
        VIDEO = "video", "Video call"
        OTHER = "other", "Other"

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="consultations"
    )
    held_on = models.DateField("date")
    method = models.CharField(max_length=20, choices=Method.choices)
    people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="consultations")
    others = models.CharField(
        "others (name and role)",
        max_length=300,
        blank=True,
        help_text="Anyone else, with their role, e.g. “Sam Reid, speech therapist”.",
    )
    summary = models.TextField("summary of key information")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.held_on:%d/%m/%Y}"


class FollowUpAction(OrgScopedModel):
    """Something to do after a consultation, by a date, by someone. Overdue actions remind
    their assignee (``programmes.reminders``) and show on their home page."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=300)
    due_on = models.DateField("due date")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
    )
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "due_on"], name="follow_up_due"),
            # "My follow-ups still to do" and the overdue reminders read only open actions.
            models.Index(
                fields=["assignee", "due_on"],
                name="follow_up_open",
                condition=Q(done_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Correction(OrgScopedModel):
    """One edit of, or "entered in error" mark on, a correctable record: who (``created_by``),
    when (``created_at``), what changed (each field's value before and after, as text) and
    why. Rows are only ever added."""

    class Record(models.TextChoices):
        DELIVERY = "delivery", "Service delivery"
        CONSULTATION = "consultation", "Consultation"
        OPEN_ACCESS = "open_access", "Open-access session"

    class Kind(models.TextChoices):
        EDITED = "edited", "Edited"
        ENTERED_IN_ERROR = "entered_in_error", "Entered in error"

    record_type = models.CharField(max_length=20, choices=Record.choices)
    record_id = models.BigIntegerField()
    version = models.PositiveIntegerField(help_text="The record's version after this change.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["record_type", "record_id", "-id"], name="correction_of")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (version {self.version})"
