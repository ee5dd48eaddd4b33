from django import forms
from django.contrib.auth import password_validation

from haven.access import roles
from haven.accounts.models import Organisation, Team, User
from haven.people.models import YearGroup


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class NewPasswordForm(forms.Form):
    """Choose a password: at least 12 characters, not a common one. Paste is welcome."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        help_text="At least 12 characters. A few unrelated words make a strong, memorable one.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ChangePasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password1", "password2"]

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise forms.ValidationError("That is not your current password.")
        return current


class StaffForm(forms.Form):
    """The fields an administrator sets for a member of staff (or an invitation)."""

    full_name = forms.CharField(label="Full name", max_length=150)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    role_codes = forms.MultipleChoiceField(
        label="Roles",
        choices=roles.ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="A person may hold several roles.",
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    line_manager = forms.ModelChoiceField(
        label="Line manager",
        queryset=User.unscoped.none(),
        required=False,
        empty_label="No line manager",
    )

    def __init__(self, *args, organisation, exclude_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.for_org(organisation)
        managers = User.objects.for_org(organisation).filter(is_active=True)
        if exclude_user is not None:
            managers = managers.exclude(pk=exclude_user.pk)
        self.fields["line_manager"].queryset = managers


class InviteForm(StaffForm):
    email = forms.EmailField(label="Email address", max_length=254)
    field_order = ["full_name", "email", "job_title", "role_codes", "teams", "line_manager"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.unscoped.filter(email__iexact=email).exists():
            raise forms.ValidationError("There is already an account with that email address.")
        return email


class TeamForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(label="Description", max_length=300, required=False)
    year_groups = forms.MultipleChoiceField(
        label="Year groups this team covers",
        choices=YearGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Used when the organisation limits staff to their teams' children.",
    )
    class_groups = forms.CharField(
        label="Classes or tutor groups this team covers",
        max_length=500,
        required=False,
        help_text="Separate them with commas, e.g. Otters, Badgers.",
    )
    members = forms.ModelMultipleChoiceField(
        label="Members",
        queryset=User.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.for_org(organisation).filter(is_active=True)

    def clean_class_groups(self):
        raw = self.cleaned_data.get("class_groups", "")
        return list(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "two_factor_policy",
            "idle_timeout_minutes",
            "always_alert_dsl_team",
            "dsl_team",
            "safeguarding_guidance",
            "limit_staff_to_team_groups",
            "front_door",
        ]
        widgets = {
            "two_factor_policy": forms.RadioSelect,
            "safeguarding_guidance": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "idle_timeout_minutes": (
                "Between 5 and 240 minutes. Staff are warned two minutes before."
            ),
            "dsl_team": "The team alerted about every concern when the box above is ticked.",
            "front_door": (
                "The local authority children's front door in Haven that your DSLs refer "
                "concerns to. Leave empty if your local authority is not on Haven: referrals "
                "are then made by its own route and recorded as “Another agency”."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsl_team"].queryset = Team.objects.for_org(self.instance)
        self.fields["name"].disabled = True
        self.fields["name"].help_text = "Ask the Haven operator to rename an organisation."
        if self.instance.kind == Organisation.Kind.FRONT_DOOR:
            del self.fields["front_door"]  # a front door does not refer to one
        else:
            self.fields["front_door"].queryset = Organisation.objects.filter(
                kind=Organisation.Kind.FRONT_DOOR, is_active=True
            ).order_by("name")
            self.fields["front_door"].empty_label = "None: refer by the local authority's route"
