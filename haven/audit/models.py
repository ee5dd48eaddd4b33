"""The audit trail: append-only, one SHA-256 hash chain per organisation.

Rows are never updated or deleted (database triggers refuse it; see the migration). Each row
carries the hash of the row before it in its organisation's chain, so a row changed or
removed behind the triggers' back breaks the chain, and ``haven verify_audit`` says where.

References to people, users and objects are plain numbers without foreign-key constraints on
purpose: the audit trail must outlive what it describes and must never cascade.
"""

from __future__ import annotations

from django.db import models

# The link the first event of every chain points back to.
GENESIS = "0" * 64


class Action(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGN_OUT = "sign_out", "Signed out"
    SESSION_TIMED_OUT = "session_timed_out", "Session timed out"
    ELEVATED = "elevated", "Elevated with second factor"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor refused"
    SECOND_FACTOR_SET_UP = "second_factor_set_up", "Second factor set up"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Recovery codes issued"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    USER_UPDATED = "user_updated", "Staff member updated"
    USER_DEACTIVATED = "user_deactivated", "Staff member deactivated"
    USER_REACTIVATED = "user_reactivated", "Staff member reactivated"
    TEAM_CREATED = "team_created", "Team created"
    TEAM_UPDATED = "team_updated", "Team updated"
    ORGANISATION_CREATED = "organisation_created", "Organisation created"
    ORGANISATION_UPDATED = "organisation_updated", "Organisation settings changed"
    MERGE = "merge", "Records merged"
    IMPORT = "import", "Imported"
    SEARCH = "search", "Searched for people"
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"


class AuditEvent(models.Model):
    # Chain 0 holds events with no organisation (a failed sign-in for an unknown address).
    chain = models.BigIntegerField()
    seq = models.BigIntegerField()
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    # No database-level choices: new kinds of event must not need a migration of this table.
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    # The person (child or adult) whose data this is, when there is one.
    person_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")
        ]
        indexes = [
            models.Index(fields=["organisation", "-id"], name="audit_org_recent"),
            models.Index(fields=["organisation", "person_id", "-id"], name="audit_org_person"),
            models.Index(fields=["organisation", "actor", "-id"], name="audit_org_actor"),
            models.Index(fields=["organisation", "action", "-id"], name="audit_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return Action(self.action).label
        except ValueError:
            return self.action.replace("_", " ").capitalize()


class AuditChainHead(models.Model):
    """The newest link of each chain; locked while appending so appends are serial."""

    chain = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    # The hash before ``hash``: set in the same UPDATE that moves the head on, so the one
    # statement that appends on PostgreSQL can hand the new event its link to the last.
    prev_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"chain {self.chain} at {self.seq}"
