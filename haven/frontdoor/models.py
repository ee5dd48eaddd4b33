"""The local authority's children's front door: contacts, screening, RAG ratings, the MASH.

A *contact* is one referral or enquiry about one or more children. A screening officer logs
it and checks whether the family is known; a senior practitioner gives it an initial RAG
rating, which routes it (MASH manager, a social work team, or the early help duty manager)
and starts its *clock*; in the MASH a social worker sends *information requests* to partner
agencies, writes the MASH record from their answers, and the MASH manager sets the final
rating and the outcome. Every status change goes through ``TRANSITIONS`` and leaves a
``ContactStatusChange``; every rating is kept as a ``RagRating`` row; the contact's current
clock deadline is stored on it (``due_at``) so worklists sort by time left with an index.

Who may see what is decided in ``access.rules``: front-door staff see contacts; only members
of the MASH team see the MASH workflow; a partner agency member sees only requests addressed
to their own agency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haven.core.models import OrgScopedModel


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse service"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    CAMHS = "camhs", "Child and adolescent mental health service (CAMHS)"
    YOUTH_EARLY_HELP = "youth_early_help", "Youth early help"
    ADULT_SERVICES = "adult_services", "Adult social care"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class PartnerAgency(OrgScopedModel):
    """An agency the front door works with. Its members answer the MASH's information
    requests addressed to it; an agency may also be where contacts are passed on to (the
    domestic abuse service, adult social care)."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    # Agencies asked for information in the MASH (adult social care, say, is not).
    answers_information_requests = models.BooleanField(default=True)
    secure_email = models.EmailField("secure mailbox", blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="partner_agencies"
    )
    position = models.PositiveSmallIntegerField("order", default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "partner agencies"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_agency_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FrontDoorSettings(OrgScopedModel):
    """One row per front-door organisation: its teams, where things are routed, its periods."""

    mash_team = models.ForeignKey(
        "accounts.Team",
        verbose_name="MASH team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Only members of this team see the MASH workflow.",
    )
    early_help_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    domestic_abuse_service = models.ForeignKey(
        PartnerAgency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Police reports about domestic abuse are routed here as well.",
    )
    adult_services = models.ForeignKey(
        PartnerAgency,
        verbose_name="adult social care",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Police reports about adults only are passed here.",
    )
    written_referral_hours = models.PositiveSmallIntegerField(
        "written referral expected within (hours)",
        default=2,
        help_text="After a no-names consultation that agreed a written referral.",
    )
    statutory_retention_years = models.PositiveSmallIntegerField(
        "child in need and child protection records kept for (years)", default=25
    )
    early_help_retention_years = models.PositiveSmallIntegerField(
        "early help and other records kept for (years)", default=5
    )

    class Meta:
        verbose_name_plural = "front door settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="front_door_settings_one"),
        ]

    def __str__(self) -> str:
        return f"Front door settings for {self.organisation}"


class Source(models.TextChoices):
    POLICE = "police", "Police report"
    INTER_AGENCY = "inter_agency", "Inter-agency referral form"
    INFORMATION_REQUEST = "information_request", "Request for information (court or authority)"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours report"
    TELEPHONE = "telephone", "Telephone"
    PUBLIC = "public", "Member of the public"
    ANONYMOUS = "anonymous", "Anonymous"
    HAVEN = "haven", "Referral from a Haven organisation"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER_CP = "amber_cp", "Amber (child protection)"
    AMBER_CIN = "amber_cin", "Amber (child in need)"
    GREEN = "green", "Green"


class PoliceRag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class NotInformedReason(models.TextChoices):
    RISK_OF_HARM = "risk_of_harm", "It would place the child at risk of further harm"
    PREJUDICE_INVESTIGATION = "prejudice", "It would prejudice a criminal investigation"
    UNDUE_DELAY = "undue_delay", "It would cause undue delay to enquiries"


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class Known(models.TextChoices):
    OPEN = "open", "Open to an allocated worker"
    KNOWN = "known", "Known"
    PREVIOUSLY_KNOWN = "previously_known", "Previously known"
    NOT_KNOWN = "not_known", "Not known"


class Status(models.TextChoices):
    SCREENING = "screening", "Awaiting screening"
    RATING = "rating", "Awaiting RAG rating"
    MASH_MANAGER = "mash_manager", "With the MASH manager"
    INFORMATION_GATHERING = "gathering", "MASH information gathering"
    MASH_DECISION = "mash_decision", "Awaiting MASH decision"
    ALLOCATION = "allocation", "Awaiting social work allocation"
    EARLY_HELP = "early_help", "Awaiting early help decision"
    DECIDED = "decided", "Decided"
    PASSED_TO_WORKER = "passed_to_worker", "Passed to the allocated worker"
    PASSED_TO_ADULT_SERVICES = "adult_services", "Passed to adult social care"


# Every move a contact's status may make (DESIGN.md, rule 2).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SCREENING: frozenset(
        {Status.RATING, Status.PASSED_TO_WORKER, Status.PASSED_TO_ADULT_SERVICES}
    ),
    Status.RATING: frozenset({Status.MASH_MANAGER, Status.ALLOCATION, Status.EARLY_HELP}),
    Status.MASH_MANAGER: frozenset(
        {Status.INFORMATION_GATHERING, Status.ALLOCATION, Status.EARLY_HELP, Status.DECIDED}
    ),
    Status.INFORMATION_GATHERING: frozenset({Status.MASH_DECISION}),
    Status.MASH_DECISION: frozenset({Status.DECIDED, Status.INFORMATION_GATHERING}),
    Status.ALLOCATION: frozenset({Status.DECIDED, Status.MASH_MANAGER}),
    Status.EARLY_HELP: frozenset({Status.DECIDED, Status.MASH_MANAGER}),
    Status.DECIDED: frozenset(),
    Status.PASSED_TO_WORKER: frozenset(),
    Status.PASSED_TO_ADULT_SERVICES: frozenset(),
}
# Statuses in which the front door still owes the contact something.
OPEN_STATUSES = tuple(s for s, moves in TRANSITIONS.items() if moves)
# Statuses that belong to the MASH workflow (seen only by the MASH team).
MASH_STATUSES = (Status.MASH_MANAGER, Status.INFORMATION_GATHERING, Status.MASH_DECISION)


class Outcome(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy", "Strategy discussion (urgent)"
    SOCIAL_WORK_TEAM = "social_work", "Social work team"
    EARLY_HELP = "early_help", "Early help"
    NO_FURTHER_ACTION = "nfa", "No further action"
    SIGNPOST = "signpost", "Signpost to another service"
    ALLOCATED_WORKER = "allocated_worker", "Passed to the allocated worker"
    ADULT_SERVICES = "adult_services", "Passed to adult social care"


class EarlyHelpOffer(models.TextChoices):
    ADVICE = "advice", "Information, advice and guidance"
    ASSESSMENT = "assessment", "Early help assessment"
    PANEL = "panel", "Early help panel"
    TARGETED = "targeted", "Targeted family support"


class RetentionClass(models.TextChoices):
    STATUTORY = "statutory", "Child in need / child protection"
    EARLY_HELP = "early_help", "Early help and other"


class Contact(OrgScopedModel):
    number = models.PositiveIntegerField(help_text="Numbered in order within the organisation.")
    source = models.CharField(max_length=20, choices=Source.choices)
    received_at = models.DateTimeField("received")
    police_rag = models.CharField(
        "police RAG rating", max_length=5, choices=PoliceRag.choices, blank=True
    )
    is_domestic_abuse = models.BooleanField("about domestic abuse", default=False)
    about_adults_only = models.BooleanField("about adults only", default=False)

    # Who told us. Required unless the referrer is anonymous.
    referrer_anonymous = models.BooleanField("anonymous referrer", default=False)
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=150, blank=True)
    referrer_agency = models.CharField(max_length=150, blank=True)
    referrer_phone = models.CharField(max_length=20, blank=True)
    referrer_email = models.EmailField(blank=True)
    keep_referrer_from_family = models.BooleanField(
        "keep the referrer's identity from the family", default=False
    )
    # Set when the contact came from a DSL in another Haven organisation.
    referring_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referring_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    concerns = models.TextField("what the concerns are")
    parents_informed = models.BooleanField("parents or carers told of the referral", null=True)
    not_informed_reason = models.CharField(
        max_length=12, choices=NotInformedReason.choices, blank=True
    )
    not_informed_explanation = models.TextField(blank=True)
    consent = models.CharField(
        "consent to the referral", max_length=10, choices=Consent.choices, blank=True
    )
    consent_not_sought_reason = models.TextField(blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCREENING)
    # Screening.
    known = models.CharField(
        "known to children's services", max_length=16, choices=Known.choices, blank=True
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screening_note = models.TextField(blank=True)
    # The ratings: the current ones, kept here for lists; every rating is a RagRating row.
    initial_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    final_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    threshold_uncertain = models.BooleanField(
        "threshold uncertain (daily allocation meeting)", default=False
    )
    # The MASH: the family told that checks will be made?
    family_told_of_checks = models.BooleanField(null=True)
    family_not_told_reason = models.TextField(blank=True)
    # The clock now running (a ContactClock row), denormalised so worklists sort by it.
    due_at = models.DateTimeField(null=True, blank=True)
    # The outcome.
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    early_help_offer = models.CharField(max_length=12, choices=EarlyHelpOffer.choices, blank=True)
    outcome_detail = models.TextField(blank=True)
    # Written for the referrer: the outcome and what may be shared with them, nothing else.
    feedback_to_referrer = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retention_class = models.CharField(max_length=12, choices=RetentionClass.choices, blank=True)
    disposal_review_date = models.DateField(null=True, blank=True)
    # Feedback to the referrer.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="contact_number"),
            models.CheckConstraint(
                condition=Q(referrer_anonymous=True) | ~Q(referrer_name=""),
                name="contact_referrer_named",
            ),
            models.CheckConstraint(
                condition=~Q(parents_informed=False) | ~Q(not_informed_reason=""),
                name="contact_not_informed_reason",
            ),
        ]
        indexes = [
            # The worklist: open contacts by time left.
            models.Index(
                fields=["organisation", "due_at", "id"],
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="contact_worklist",
            ),
            # ... then those waiting for their first clock, oldest first: without this the
            # worklist would walk every decided contact the front door ever received.
            models.Index(
                fields=["organisation", "received_at", "id"],
                condition=Q(status__in=list(OPEN_STATUSES), due_at__isnull=True),
                name="contact_awaiting_clock",
            ),
            # The counts by stage: open contacts by status and deadline, counted from the
            # index alone.
            models.Index(
                fields=["organisation", "status", "due_at"],
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="contact_open_by_stage",
            ),
            models.Index(fields=["organisation", "status", "received_at"], name="contact_status"),
            models.Index(fields=["organisation", "received_at"], name="contact_received"),
        ]

    def __str__(self) -> str:
        return f"Contact {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.number:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def document_scope(self) -> str:
        """The scope of documents kept for this contact (in a person's vault)."""
        return f"contact:{self.pk}"


class ContactPerson(OrgScopedModel):
    """A child or adult a contact is about, in the front door's own people records."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult in the household"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=5, choices=Role.choices)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_once"),
        ]
        # "Repeat contacts about this child" and the person's own list of contacts.
        indexes = [models.Index(fields=["person", "contact"], name="contact_person_by_person")]


class ContactStatusChange(OrgScopedModel):
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class RagRating(OrgScopedModel):
    """One rating given to a contact, with its rationale (append-only)."""

    class Stage(models.TextChoices):
        INITIAL = "initial", "Initial rating"
        REVIEW = "review", "MASH manager's review"
        FINAL = "final", "Final rating"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="ratings")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    rating = models.CharField(max_length=10, choices=Rag.choices)
    rationale = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]


class ClockKind(models.TextChoices):
    RED = "red", "Partner information within 4 hours"
    AMBER = "amber", "Decision within 24 hours"
    BORDERLINE = "borderline", "Borderline child in need: 3 working days"
    GREEN = "green", "Passed to early help within 3 working days"
    EARLY_HELP_DECISION = "early_help", "Early help decision within 10 working days"


class ContactClock(OrgScopedModel):
    """One timescale a contact ran against: started by a rating, stopped by the work it
    measures. Reports read "within timescale" from these rows."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=12, choices=ClockKind.choices)
    rating = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            # One running clock per contact.
            models.UniqueConstraint(
                fields=["contact"], condition=Q(stopped_at__isnull=True), name="contact_one_clock"
            ),
        ]
        indexes = [
            # Breaches still to tell the MASH manager about.
            models.Index(
                fields=["due_at"],
                condition=Q(stopped_at__isnull=True, breach_notified_at__isnull=True),
                name="contact_clock_unnotified",
            ),
        ]

    @property
    def met(self) -> bool | None:
        """True if stopped in time, False if stopped late, None while running."""
        if self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at


class AnswerMethod(models.TextChoices):
    """How an agency that did not answer in Haven gave its answer to the MASH."""

    TELEPHONE = "telephone", "On the telephone"
    EMAIL = "email", "By email"
    MEETING = "meeting", "In a meeting"
    LETTER = "letter", "By letter"


class InformationRequest(OrgScopedModel):
    """The MASH asking one partner agency what it knows about a contact's family."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting answer"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="information_requests"
    )
    agency = models.ForeignKey(
        PartnerAgency, on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField("what the MASH needs to know")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    chased_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(default=0)
    # The answer.
    summary = models.TextField("summary of what the agency holds", blank=True)
    attachment = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    may_pass_on = models.BooleanField("may be passed on to the service the case goes to", null=True)
    may_share_with_family = models.BooleanField("may be shared with the family", null=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An answer the agency gave outside Haven (on the telephone, say), recorded on its behalf
    # by the MASH social worker (``answered_by``): how it came and who at the agency gave it.
    answer_method = models.CharField(max_length=10, choices=AnswerMethod.choices, blank=True)
    answer_given_by = models.CharField("who at the agency gave it", max_length=200, blank=True)

    @property
    def answered_on_behalf(self) -> bool:
        return bool(self.answer_method)

    class Meta:
        ordering = ["agency__position", "agency__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "agency"],
                condition=Q(status__in=["open", "answered"]),
                name="information_request_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered")
                | (
                    ~Q(summary="")
                    & Q(may_pass_on__isnull=False, may_share_with_family__isnull=False)
                ),
                name="information_request_answer_complete",
            ),
        ]
        indexes = [
            # A partner member's own queue, oldest first; and the chasing sweep.
            models.Index(fields=["agency", "status", "due_at"], name="info_request_queue"),
            models.Index(
                fields=["due_at"], condition=Q(status="open"), name="info_request_open_due"
            ),
        ]


class MashRecord(OrgScopedModel):
    """The social worker's summary and analysis of the partners' answers, and the MASH
    manager's review. With answers from fewer than three agencies it is a contact record."""

    class Kind(models.TextChoices):
        MASH_RECORD = "mash", "MASH record"
        CONTACT_RECORD = "contact", "Contact record"

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="mash_record")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    agency_summary = models.TextField("summary of each agency's information")
    analysis = models.TextField()
    recommended_rag = models.CharField(
        "recommended level of need", max_length=10, choices=Rag.choices
    )
    recommended_action = models.TextField()
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What the MASH manager passed on, written when the contact is decided.
    passed_on_note = models.TextField("what was passed on, and to whom", blank=True)


class OnwardRecord(OrgScopedModel):
    """What was sent to the service a decided contact goes to: built from the contact and the
    partners' answers, leaving out every answer marked "do not pass on"."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="onward")
    recipient = models.CharField(max_length=200)
    body = models.TextField()
    withheld_agencies = models.JSONField(default=list, blank=True)


class NoNamesConsultation(OrgScopedModel):
    """A professional talking a worry through with the front door without naming the child."""

    professional_name = models.CharField(max_length=150)
    professional_role = models.CharField(max_length=150, blank=True)
    professional_agency = models.CharField(max_length=150)
    professional_phone = models.CharField(max_length=20, blank=True)
    professional_email = models.EmailField(blank=True)
    consulted_at = models.DateTimeField()
    summary = models.TextField("what the professional is worried about")
    advice = models.TextField("advice given")
    written_referral_agreed = models.BooleanField(default=False)
    referral_due_at = models.DateTimeField(null=True, blank=True)
    referral_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-consulted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["referral_due_at"],
                condition=Q(
                    written_referral_agreed=True,
                    referral_contact__isnull=True,
                    reminder_sent_at__isnull=True,
                ),
                name="no_names_referral_awaited",
            ),
        ]


class FrontDoorReferral(OrgScopedModel):
    """A DSL's referral of a concern to the front door, kept in the *referring* organisation.

    The contact it created lives in the front door's organisation; this row is what the
    referring DSL sees of it (status and the outcome feedback), and nothing more crosses."""

    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.PROTECT, related_name="front_door_referrals"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    front_door = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="haven_referral")
    shared_summary = models.TextField("what was shared")
    # The feedback the front door chose to share, copied here when the contact is decided.
    outcome_feedback = models.TextField(blank=True)
    outcome_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
