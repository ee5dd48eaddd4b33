"""Threshold frameworks (continua of need) and the decisions made with them.

A *framework* is an organisation's named set of guidance. What it says lives in its
*versions*: each ``FrameworkVersion`` holds its own ordered levels, domains and indicators as
rows, and is never changed once published. Editing a framework publishes the next version, so
a ``ThresholdDecision`` always points at exactly the levels and indicators its author saw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.models import OrgScopedModel
from haven.frontdoor.models import Rag


class Framework(OrgScopedModel):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # The one framework the organisation's staff use when they decide a level.
    in_use = models.BooleanField(default=False)
    # The version published most recently; decisions are made against it.
    current_version = models.ForeignKey(
        "FrameworkVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="threshold_framework_name"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(in_use=True),
                name="threshold_framework_one_in_use",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(OrgScopedModel):
    """One published, unchangeable state of a framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # Raise the suggestion one level when the ticked indicators at a level span this many
    # domains or more ("a cluster of lower-tier indicators may indicate the next tier").
    # 0 switches the rule off.
    cluster_domains = models.PositiveSmallIntegerField(default=3)
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="threshold_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.number})"


# The front door's RAG ratings, which a level may map to.
RagRating = Rag


class ConcernOutcome(models.TextChoices):
    """The triage decision on a concern that a level leads to: what the DSL's decision form
    starts at once a threshold decision has been made on the concern."""

    MONITOR = "monitor", "Monitor"
    OPEN_CASE = "open_case", "Open a safeguarding case"
    EARLY_HELP = "early_help", "Refer on to early help"
    FRONT_DOOR = "front_door", "Refer on to the children's front door"


class Level(OrgScopedModel):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="levels")
    # 0 is the lowest level of need; the highest position is the top of the framework.
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#555555")
    response = models.TextField("what it leads to", blank=True)
    case_threshold = models.CharField("safeguarding case threshold", max_length=60, blank=True)
    rag_rating = models.CharField(
        "front door RAG rating", max_length=10, choices=RagRating.choices, blank=True
    )
    early_help = models.BooleanField("an early help level", default=False)
    concern_outcome = models.CharField(
        "triage decision on a concern", max_length=12, choices=ConcernOutcome.choices, blank=True
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="threshold_level_pos"),
            models.UniqueConstraint(fields=["version", "key"], name="threshold_level_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Domain(OrgScopedModel):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="domains")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="threshold_domain_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(OrgScopedModel):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="indicators"
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="indicators")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    # So serious on its own that it calls for the top level (a disclosure of sexual harm, a
    # young child missing).
    always_escalate = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "domain__position", "level__position", "position"]
        indexes = [models.Index(fields=["version", "domain", "level"])]

    def __str__(self) -> str:
        return self.text


class ThresholdDecision(OrgScopedModel):
    """A recorded decision on the level of need, with the indicators that led to it.

    Append-only: a later view of the child's needs is a new decision. The subject is a
    concern (at triage), a safeguarding case or a front-door contact; ``child`` is the child
    the decision is about, for the chronology.
    """

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        "safeguarding.Concern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threshold_decisions",
    )
    case = models.ForeignKey(
        "cases.SafeguardingCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threshold_decisions",
    )
    contact = models.ForeignKey(
        "frontdoor.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threshold_decisions",
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    suggested_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    chosen_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    # Required when the chosen level is not the suggested one.
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chosen_level=F("suggested_level")) | ~Q(rationale=""),
                name="threshold_decision_rationale_when_differs",
            ),
            models.CheckConstraint(
                condition=Q(concern__isnull=False)
                | Q(case__isnull=False)
                | Q(contact__isnull=False),
                name="threshold_decision_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="threshold_decisions_when"),
        ]

    def __str__(self) -> str:
        return f"Threshold decision: {self.chosen_level.name}"

    @property
    def differs(self) -> bool:
        return self.chosen_level_id != self.suggested_level_id


class TickedIndicator(OrgScopedModel):
    decision = models.ForeignKey(ThresholdDecision, on_delete=models.PROTECT, related_name="ticked")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["decision", "indicator__domain__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "indicator"], name="threshold_ticked_once"),
        ]
