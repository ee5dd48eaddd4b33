"""Organisations (tenants), their teams, staff, roles, invitations and signed-in sessions."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from haven.access import roles
from haven.core.models import OrgScopedModel, TenancyError, TimeStampedModel


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        EARLY_YEARS = "early_years", "Early years / family centre"
        VOLUNTARY = "voluntary", "Voluntary organisation"
        FRONT_DOOR = "front_door", "Local authority front door"
        PARTNER_AGENCY = "partner_agency", "Partner agency"

    class TwoFactorPolicy(models.TextChoices):
        ROLES = "roles", "Required for roles that read children's histories"
        EVERYONE = "everyone", "Required for everyone at sign-in"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    two_factor_policy = models.CharField(
        "two-factor authentication",
        max_length=10,
        choices=TwoFactorPolicy.choices,
        default=TwoFactorPolicy.ROLES,
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        "sign out after this many idle minutes",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    always_alert_dsl_team = models.BooleanField(
        "always alert the safeguarding team about every concern", default=True
    )
    dsl_team = models.ForeignKey(
        "Team",
        verbose_name="safeguarding team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    safeguarding_guidance = models.TextField(
        "who to contact with a safeguarding worry",
        blank=True,
        help_text="Shown to every member of staff on their home page.",
    )
    front_door = models.ForeignKey(
        "self",
        verbose_name="local authority front door",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referring_organisations",
        limit_choices_to={"kind": "front_door"},
        help_text="Where a DSL's referral to the children's front door is sent.",
    )
    limit_staff_to_team_groups = models.BooleanField(
        "limit members of staff to their teams' year and class groups",
        default=False,
        help_text=(
            "When ticked, staff who hold only the member-of-staff role see only children in "
            "the year groups and classes of their teams, and those children's households."
        ),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idle_timeout_minutes__gte=5, idle_timeout_minutes__lte=240),
                name="organisation_idle_timeout_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(OrgScopedModel):
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField("User", related_name="teams", blank=True)
    # The year groups and classes a team covers, for organisations that limit staff to them.
    year_groups = models.JSONField(default=list, blank=True)
    class_groups = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class ScopedUserManager(UserManager):
    """``User.objects`` insists on an organisation, as every org-scoped manager does."""

    def get_queryset(self):
        raise TenancyError("User.objects needs an organisation: use User.objects.for_org(org).")

    def for_org(self, organisation):
        if organisation is None:
            raise TenancyError("An organisation is required.")
        return super().get_queryset().filter(organisation=organisation)


class User(AbstractBaseUser):
    # Sign-in looks people up by email before any organisation is known, so the default
    # manager is unscoped; application code uses ``User.objects.for_org``.
    unscoped = UserManager()
    objects = ScopedUserManager()

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"
        indexes = [models.Index(fields=["organisation", "full_name"])]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")), name="user_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def role_labels(self) -> list[str]:
        return [roles.label(code) for code in roles.ROLES if code in self.role_codes]

    @property
    def needs_second_factor(self) -> bool:
        if self.organisation.two_factor_policy == Organisation.TwoFactorPolicy.EVERYONE:
            return True
        return any(roles.ROLES[c].needs_second_factor for c in self.role_codes if c in roles.ROLES)


class UserRole(OrgScopedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=roles.ROLE_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user}: {roles.label(self.role)}"


class Invitation(OrgScopedModel):
    """A one-time link that lets a new member of staff set their password.

    Only a SHA-256 of the token is stored, so a database reader cannot use an invitation.
    """

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    roles = models.JSONField(default=list)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    line_manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "accepted_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class SignedInSession(OrgScopedModel):
    """One row per live sign-in, so that deactivation can end every session at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]
