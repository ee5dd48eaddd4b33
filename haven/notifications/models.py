from django.conf import settings
from django.db import models

from haven.core.models import OrgScopedModel


class Kind(models.TextChoices):
    """What a notification is about. Emails say only this and give a link."""

    ACCOUNT_CHANGED = "account_changed", "A change to your Haven account"
    ROLES_CHANGED = "roles_changed", "A change to your roles in Haven"
    SECURITY = "security", "A security event on your Haven account"
    TEAM_CHANGED = "team_changed", "A change to your teams in Haven"
    TRAINING_DUE = "training_due", "Safeguarding training or a check is due"
    CASE_ASSIGNED = "case_assigned", "A safeguarding case for you"
    CASE_OVERDUE = "case_overdue", "A safeguarding case update is overdue"
    CLOSURE_REQUESTED = "closure_requested", "A case closure request for you to decide"
    CLOSURE_DECIDED = "closure_decided", "A decision on your case closure request"
    TASK_ASSIGNED = "task_assigned", "A task for you"
    FOLLOW_UP_DUE = "follow_up_due", "A follow-up action is overdue"
    CONCERN_ALERT = "concern_alert", "You have been alerted to a concern"
    ACTION_REQUESTED = "action_requested", "An action is asked of you on a concern"
    CUMULATIVE_ALERT = "cumulative_alert", "A cumulative concern alert"
    CONTACT_FOR_YOU = "contact_for_you", "A front-door contact for you"
    CONTACT_CLOCK_BREACHED = "contact_clock_breached", "A front-door contact is past its timescale"
    WRITTEN_REFERRAL_OVERDUE = (
        "written_referral_overdue",
        "An agreed written referral has not arrived",
    )
    INFORMATION_REQUESTED = "information_requested", "A MASH information request for your agency"
    INFORMATION_REQUEST_CHASED = "information_request_chased", "A MASH information request is late"
    INFORMATION_ANSWERED = "information_answered", "A partner agency has answered a MASH request"
    REFERRAL_UPDATE = "referral_update", "News of your referral to the children's front door"
    TRANSFER_OVERDUE = "transfer_overdue", "A safeguarding file transfer is overdue"


class Notification(OrgScopedModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # Shown only inside Haven, behind sign-in. Never copied into an email.
    title = models.CharField(max_length=200)
    # Identifiers (NHS number, local authority case number, contact reference) that may go
    # into the email's subject so the reader knows which child it is about; never a name.
    reference = models.CharField(max_length=120, blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["id"],
                name="notification_email_queue",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderSent(OrgScopedModel):
    """A reminder that has gone, so that ``haven send_reminders`` never sends it twice.

    ``key`` names the thing and the threshold (``workforce.training:42:7d``, say); the unique
    constraint is what makes overlapping runs safe: the second insert of a key fails and
    that run skips the reminder.
    """

    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="reminder_sent_key_unique")]

    def __str__(self) -> str:
        return self.key
