"""Concerns about children and what the safeguarding team does with them.

Any member of staff records a *concern*: what happened to a child (and any linked children),
in the child's own words where possible, with a body map where there is an injury. The people
it alerts read it and add *actions*; a DSL *triages* it (no further action, monitor, open or
join a safeguarding case, refer on). A submitted concern is never deleted or rewritten: an
edit is a new *version*, a mistake is marked "entered in error" with a reason.

Who may see a concern is decided in ``access.rules`` (recorder, people alerted, DSLs; the
team category permissions; "restricted — lead DSL only").
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from haven.core.models import OrgScopedModel

BODY_MAP_SIDES = ("front", "back")
BODY_MAP_MARK_KINDS = ("bruise", "cut", "burn", "mark", "other")


class ConcernCategory(OrgScopedModel):
    """One entry of the organisation's concern taxonomy: a category, or a sub-category of one.

    Administrators edit the taxonomy; every organisation starts from the default set."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subcategories"
    )
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "concern categories"
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="concern_category_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(parent__isnull=True),
                name="concern_top_category_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name


class CategoryPermission(OrgScopedModel):
    """Which team's members may add, and may view, concerns in one (top-level) category.

    A category nobody has named here is open to all staff. Once any team is named for a
    category, only members of the named teams (and DSLs) may use it: so "SEND" can be made
    visible to the SENCo team, and "allegation about a member of staff" to the head and the
    lead DSL only.

    Adding and seeing are limited separately: naming a team with ``can_add`` limits who may
    record in the category, naming one with ``can_view`` limits who may see its concerns (even
    someone alerted to one, or its recorder). So anyone may still record an allegation that
    only the safeguarding team may read. The DSL and deputies are never limited."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        ConcernCategory, on_delete=models.CASCADE, related_name="permissions"
    )
    can_add = models.BooleanField(default=True)
    can_view = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "category"], name="category_permission_unique")
        ]


class SafeguardingSettings(OrgScopedModel):
    """An organisation's safeguarding choices (one row per organisation)."""

    dsl_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The safeguarding team, alerted about every concern if the box below is ticked.",
    )
    always_alert_dsl_team = models.BooleanField(default=True)
    # The cumulative concern pattern: this many concerns from this many different members of
    # staff within this many days, or any concern about a child on a child protection plan.
    cumulative_concerns = models.PositiveSmallIntegerField(default=3)
    cumulative_recorders = models.PositiveSmallIntegerField(default=2)
    cumulative_days = models.PositiveSmallIntegerField(default=14)
    cumulative_on_protection_plan = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "safeguarding settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="safeguarding_settings_unique")
        ]


def when_in_the_week(moment: datetime) -> tuple[int, int]:
    """The UK ISO weekday (1 is Monday) and hour of ``moment``: what a concern keeps as
    ``occurred_weekday`` and ``occurred_hour``."""
    local = timezone.localtime(moment)
    return local.isoweekday(), local.hour


# The concern fields the reports group or measure by, carried in their period index.
REPORTED = [
    "category",
    "created_by",
    "year_group",
    "occurred_weekday",
    "occurred_hour",
    "seconds_to_first_action",
    "seconds_to_decision",
]


class Concern(OrgScopedModel):
    """A concern about a child, as it stands now; every submitted state is a ConcernVersion."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NO_FURTHER_ACTION = "nfa", "No further action"

    number = models.PositiveIntegerField(help_text="The organisation's own running number.")
    # The child the concern is mainly about; every child it is about (this one included) has a
    # ConcernChild row, which is what puts it on their record and chronology.
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    subcategory = models.ForeignKey(
        ConcernCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField("when it happened")
    location = models.CharField("where", max_length=200, blank=True)
    account = models.TextField("what happened")
    child_words = models.TextField("what the child said, in their words", blank=True)
    others_present = models.TextField("who else was present", blank=True)
    agencies = models.ManyToManyField("programmes.Agency", blank=True, related_name="+")
    # Attachments (photos, scanned notes, letters) kept in the child's document vault, scoped to
    # this concern so only those who may open the concern may open them.
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    # A list of marks: {"side": "front"|"back", "x": 0–100, "y": 0–100 (percent of the outline),
    # "kind": one of BODY_MAP_MARK_KINDS, "size": free text, "note": free text}.
    body_map = models.JSONField(default=list, blank=True)
    action_taken = models.TextField("action already taken", blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    restricted = models.BooleanField(
        "restricted — lead DSL only",
        default=False,
        help_text="Only the lead DSL (and the person who recorded it) can see it.",
    )
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Triage: set when a DSL records a decision, so "awaiting triage" is an indexed query.
    decided_at = models.DateTimeField(null=True, blank=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.TextField(blank=True)
    error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error_at = models.DateTimeField(null=True, blank=True)
    # What the reports group by, fixed on the row as the concern is recorded (and as its time
    # or child is corrected), so a year of concerns is counted from one index: no join to
    # every child, no time-zone sum for every row, no search for every first action.
    # The main child's year group when the concern was recorded: a concern from last year
    # counts under the year the child was in then, not the year they have since moved up to.
    year_group = models.CharField(max_length=2, blank=True)
    # When it happened in UK time: ISO weekday (1 is Monday) and hour (0–23).
    occurred_weekday = models.PositiveSmallIntegerField(default=1)
    occurred_hour = models.PositiveSmallIntegerField(default=0)
    # From being recorded to the first action on it and to the DSL's first decision.
    seconds_to_first_action = models.PositiveIntegerField(null=True, blank=True)
    seconds_to_decision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="concern_number_unique")
        ]
        indexes = [
            # The triage queue: oldest first among those awaiting a decision.
            models.Index(
                fields=["organisation", "created_at"],
                condition=Q(decided_at__isnull=True, entered_in_error=False),
                name="concern_awaiting_triage",
            ),
            models.Index(fields=["organisation", "created_by", "-created_at"]),
            # Reports: concerns in a period (entered-in-error ones never count); carrying what
            # they group by (and the id, to reach their children) lets every concern report
            # read the index alone on PostgreSQL.
            models.Index(
                fields=["organisation", "occurred_at"],
                include=["id", *REPORTED],
                condition=Q(entered_in_error=False),
                name="concern_reports_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.number}"

    def seconds_since_recorded(self, moment: datetime) -> int:
        """Whole seconds from the concern being recorded to ``moment``: how long someone
        took to act on it or decide it."""
        return max(0, int((moment - self.created_at).total_seconds()))


class ConcernChild(OrgScopedModel):
    """One child a concern is about."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "person"], name="concern_child_unique")
        ]
        indexes = [models.Index(fields=["organisation", "person", "concern"])]


class ConcernVersion(OrgScopedModel):
    """Every submitted state of a concern, kept for ever (append-only)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # What the concern said at this version: its fields, the children and agencies by id and
    # name, so the history reads the same after a rename.
    snapshot = models.JSONField()
    reason = models.TextField("why it was edited", blank=True)

    class Meta:
        ordering = ["concern", "number"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "number"], name="concern_version_unique")
        ]


class Alert(OrgScopedModel):
    """Someone asked to read a concern (and act on it). ``created_by`` alerted them."""

    class Reason(models.TextChoices):
        RECORDED = "recorded", "Alerted when the concern was recorded"
        REALERT = "realert", "Asked again for an action"
        CUMULATIVE = "cumulative", "Cumulative concern alert"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team through which they were alerted, if any.",
    )
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.RECORDED)
    message = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # In the order the inbox and home page read them (newest id first), so the
            # newest few are the first few index entries however many are unread.
            models.Index(
                fields=["organisation", "recipient", "-id"],
                condition=Q(read_at__isnull=True),
                name="alert_unread",
            ),
            models.Index(fields=["concern", "recipient"]),
        ]


class ConcernAction(OrgScopedModel):
    """An action taken on a concern for one child: appended, never edited (append-only)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("action")

    class Meta:
        ordering = ["created_at", "pk"]


class TriageDecision(OrgScopedModel):
    """A DSL's decision on a concern, with their rationale (append-only)."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        MONITOR = "monitor", "Monitor"
        OPEN_CASE = "open_case", "Open a safeguarding case"
        ADD_TO_CASE = "add_to_case", "Add to the child's open case"
        REFER = "refer", "Refer on"

    class ReferTo(models.TextChoices):
        FRONT_DOOR = "front_door", "Local authority children's front door"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early help"
        OTHER_AGENCY = "other", "Another agency"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    refer_to = models.CharField(max_length=12, choices=ReferTo.choices, blank=True)
    refer_detail = models.CharField("referred to (details)", max_length=200, blank=True)
    rationale = models.TextField()
    # Seconds from the concern being recorded to this decision: kept so reports need no maths.
    seconds_to_decision = models.PositiveIntegerField()
    # The decision that ended the concern's wait for triage (a concern's first): the one that
    # measures how long triage took.
    first_decision = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "created_at"],
                condition=Q(first_decision=True),
                name="triage_first_decisions",
            ),
            models.Index(
                fields=["created_by", "created_at"],
                condition=Q(first_decision=True),
                name="triage_first_decisions_by",
            ),
        ]


class CumulativeAlert(OrgScopedModel):
    """A child's concerns reached the organisation's cumulative pattern; the DSL team is told."""

    class Kind(models.TextChoices):
        PATTERN = "pattern", "Several concerns from several members of staff"
        PROTECTION_PLAN = "cp_plan", "A concern about a child on a child protection plan"

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="+")
    # Which rule fired: while an alert of a kind is unacknowledged for a child, the same rule
    # does not raise another (the database refuses a second one).
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PATTERN)
    reason = models.CharField(max_length=300)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "-created_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="cumulative_unacknowledged",
            ),
            models.Index(fields=["organisation", "child", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=Q(acknowledged_at__isnull=True),
                name="cumulative_one_open_per_child_kind",
            )
        ]
