"""Safeguarding cases: the monitoring of one child's safeguarding concern until a manager
approves its closure.

A case is about one child. In a family centre it sits within the child's programme
engagement; in a school it sits directly on the child. Its *threshold* (High, Low, or the
organisation's own) sets how often the case owner must add a *monitoring action*; the date
the next one is due is stored on the case whenever it changes, so "overdue" is an indexed
query. Every change of status goes through ``TRANSITIONS`` and leaves a ``CaseStatusChange``;
closing needs a ``ClosureRequest`` approved by a manager or DSL other than the requester.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haven.core.models import OrgScopedModel


class CaseThreshold(OrgScopedModel):
    """A level of concern with its review interval, kept by the organisation's
    administrators. The first in order is the highest."""

    name = models.CharField(max_length=60)
    review_days = models.PositiveSmallIntegerField(
        "update required within (days)",
        help_text="How many days after opening, and after each monitoring action, the next "
        "update is due.",
    )
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        "order", default=0, help_text="The first in order is the highest threshold."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="case_threshold_name"),
            models.CheckConstraint(
                condition=Q(review_days__gte=1, review_days__lte=365),
                name="case_threshold_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Monitoring"
    CLOSURE_REQUESTED = "closure_requested", "Closure requested"
    CLOSED = "closed", "Closed"


# Every move a case's status may make (DESIGN.md, rule 2). A monitoring action moves an open
# case to monitoring; a closure request is decided one way or the other; only a DSL's
# reopening takes a closed case back to monitoring.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.MONITORING, Status.CLOSURE_REQUESTED}),
    Status.MONITORING: frozenset({Status.CLOSURE_REQUESTED}),
    Status.CLOSURE_REQUESTED: frozenset({Status.MONITORING, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.MONITORING}),
}
# Statuses in which the owner owes updates (and so the case can be overdue).
UPDATES_OWED = (Status.OPEN, Status.MONITORING)
NOT_CLOSED = (Status.OPEN, Status.MONITORING, Status.CLOSURE_REQUESTED)


class SafeguardingCase(OrgScopedModel):
    number = models.PositiveIntegerField(
        "case number", help_text="Numbered in order within the organisation."
    )
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="safeguarding_cases"
    )
    engagement = models.ForeignKey(
        "programmes.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safeguarding_cases",
    )
    case_type = models.ForeignKey(
        "configuration.Option",
        verbose_name="type",
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey("configuration.Option", on_delete=models.PROTECT, related_name="+")
    incident_at = models.DateTimeField("incident date and time")
    threshold = models.ForeignKey(CaseThreshold, on_delete=models.PROTECT, related_name="cases")
    # Why the threshold was proposed (e.g. an active child protection plan), as shown then.
    threshold_reason = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    # Summary of initial actions taken.
    raised_with_name = models.CharField("raised with: name", max_length=150)
    raised_with_job_title = models.CharField("raised with: job title", max_length=150)
    raised_with_role = models.CharField(
        "raised with: safeguarding role", max_length=150, blank=True
    )
    new_information = models.TextField("new information from other professionals", blank=True)
    decision_basis = models.TextField("what informed the decision", blank=True)
    actions_agreed = models.TextField("actions agreed")
    # The local authority is notified through the DSL or a deputy, who records it here.
    la_notified_at = models.DateTimeField("local authority notified at", null=True, blank=True)
    la_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    la_reference = models.CharField("local authority reference", max_length=100, blank=True)
    other_notifications = models.TextField(
        "other notifications",
        blank=True,
        help_text="Anyone else told, e.g. the child's school.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="case owner (key person)",
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_cases",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    concerns = models.ManyToManyField("safeguarding.Concern", related_name="cases", blank=True)
    # Stored whenever it changes (DESIGN.md, rule 5): from the threshold and the last
    # monitoring action (or the opening). Empty once the case is closed.
    next_update_due = models.DateField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        indexes = [
            # The overdue query and the DSL's open cases: status, then the due date.
            models.Index(fields=["organisation", "status", "next_update_due"], name="case_overdue"),
            models.Index(fields=["owner", "status", "next_update_due"], name="case_owner"),
            # The DSL's open cases counted by owner (the home page, All open cases): every
            # column the count reads is in the index, so it never visits the table.
            models.Index(
                fields=["organisation", "status", "owner", "next_update_due", "id"],
                name="case_open_by_owner",
            ),
            models.Index(fields=["manager", "status"], name="case_manager"),
            models.Index(fields=["child", "status"], name="case_child"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(next_update_due__isnull=False),
                name="case_open_has_next_update",
            ),
            models.CheckConstraint(
                condition=Q(la_notified_at__isnull=True) | Q(la_notified_by__isnull=False),
                name="case_la_notified_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Safeguarding case {self.reference}"

    @property
    def reference(self) -> str:
        """The case number as staff quote it: 00001022."""
        return f"{self.number:08d}"

    @property
    def task_label(self) -> str:
        return str(self)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:case", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def owes_updates(self) -> bool:
        return self.status in UPDATES_OWED

    def is_overdue_on(self, day) -> bool:
        return self.owes_updates and self.next_update_due is not None and self.next_update_due < day

    @property
    def scope(self) -> str:
        return f"case:{self.pk}"


class CaseStatusChange(OrgScopedModel):
    """One row per change of a case's status (and one for its opening)."""

    case = models.ForeignKey(
        SafeguardingCase, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "id"], name="case_status_history")]

    def __str__(self) -> str:
        before = self.get_from_status_display() or "New"
        return f"{before} → {self.get_to_status_display()}"


class MonitoringAction(OrgScopedModel):
    """An update on what has been done since the concern was raised. Appended, never edited."""

    case = models.ForeignKey(
        SafeguardingCase, on_delete=models.PROTECT, related_name="monitoring_actions"
    )
    given_by_name = models.CharField("update given by: name", max_length=150)
    given_by_role = models.CharField("update given by: job title or role", max_length=150)
    actions_taken = models.TextField("what was done")
    by_centre_staff = models.BooleanField("by our staff", default=False)
    by_parents = models.BooleanField("by parents or carers", default=False)
    by_agencies = models.BooleanField("by external agencies", default=False)
    done_by_detail = models.CharField("who did it", max_length=300, blank=True)
    rationale = models.TextField("why these actions were taken")
    not_done_reason = models.TextField("why any agreed actions were not done", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "-id"], name="case_monitoring")]

    def __str__(self) -> str:
        return f"Monitoring action by {self.given_by_name}"

    @property
    def done_by_labels(self) -> list[str]:
        labels = []
        if self.by_centre_staff:
            labels.append("our staff")
        if self.by_parents:
            labels.append("parents or carers")
        if self.by_agencies:
            labels.append("external agencies")
        return labels


class ClosureRequest(OrgScopedModel):
    """A case owner's request to close a case, and the approver's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    case = models.ForeignKey(
        SafeguardingCase, on_delete=models.PROTECT, related_name="closure_requests"
    )
    comments = models.TextField("why the case can close")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="closure_requests_to_me"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["approver", "decision"], name="closure_for_approver"),
            # "Closure requests to decide" on the home page: the oldest few, in index order.
            models.Index(
                fields=["approver", "created_at", "id"],
                condition=Q(decision="pending"),
                name="closure_pending_for",
            ),
            models.Index(fields=["case", "id"], name="closure_history"),
        ]
        constraints = [
            # One pending request per case at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision="pending"), name="closure_one_pending"
            ),
            models.CheckConstraint(
                condition=~Q(approver=models.F("created_by")), name="closure_not_own_approver"
            ),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_at__isnull=True)
                | (~Q(decision="pending") & Q(decided_at__isnull=False)),
                name="closure_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Closure request ({self.get_decision_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING


class CaseEdit(OrgScopedModel):
    """One edit of a case's details after it was opened: who (``created_by``), when
    (``created_at``) and, for each field changed, its label and its value before and after as
    text. Rows are only ever added, so the case page can show every version."""

    case = models.ForeignKey(SafeguardingCase, on_delete=models.PROTECT, related_name="edits")
    # [{"field": "threshold", "label": "Threshold", "before": "Low", "after": "High"}, ...]
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "-id"], name="case_edit_history")]

    def __str__(self) -> str:
        return f"Case details edited ({', '.join(self.field_labels)})"

    @property
    def field_labels(self) -> list[str]:
        return [change["label"] for change in self.changes]
