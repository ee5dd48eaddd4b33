from __future__ import annotations

import secrets

from django import forms

from haven.configuration.queries import options
from haven.core.widgets import QuickSelect
from haven.workforce import files
from haven.workforce.models import (
    LEVEL_CHOICES,
    RESPONSIBILITIES,
    TOPICS,
    Course,
    DbsCheck,
    LearningNeedsAnalysis,
    StaffMember,
    WorkforceSettings,
)

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
DATE_HINT = "For example 23/11/2026."


def _date(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if getattr(obj, "email", "") else obj.full_name


class StaffForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    post_title = forms.CharField(
        label="Post or role", max_length=150, help_text="For example “Play worker” or “Trustee”."
    )
    kind = forms.ChoiceField(
        label="Paid or volunteer",
        choices=StaffMember.Kind.choices,
        widget=forms.RadioSelect,
    )
    level = forms.TypedChoiceField(
        label="Level of responsibility", choices=LEVEL_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    started_on = _date("Started with the organisation")
    started_in_post_on = _date("Started in this post", required=False)
    hours_per_week = forms.DecimalField(
        label="Hours per week", required=False, min_value=0, max_value=168, decimal_places=1
    )
    line_manager = PersonChoiceField(
        label="Line manager",
        queryset=None,
        required=False,
        empty_label="No line manager",
        widget=QuickSelect,
        help_text="They are reminded when this person's training or DBS check is due.",
    )
    team = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No team", widget=QuickSelect
    )
    user = PersonChoiceField(
        label="Haven sign-in",
        queryset=None,
        required=False,
        empty_label="Does not sign in to Haven",
        widget=QuickSelect,
        help_text="Volunteers often do not sign in. Linking lets them see their own training.",
    )
    responsibilities = forms.ModelMultipleChoiceField(
        label="Safeguarding responsibilities",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Some courses are required for these, whatever the level.",
    )
    dbs_required = forms.BooleanField(label="Needs a DBS check", required=False, initial=True)
    last_appraisal_on = _date("Last appraisal", required=False)
    next_appraisal_on = _date("Next appraisal due", required=False)
    left_on = _date(
        "Left the organisation",
        required=False,
        help_text="Leave empty while they are with you. Leavers' records are kept.",
    )

    def __init__(self, *args, organisation, level_descriptions=None, linked_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from haven.accounts.models import User
        from haven.workforce.services import linkable_users, teams

        people = linkable_users(organisation).order_by("full_name")
        self.fields["line_manager"].queryset = people
        # A leaver's sign-in may be deactivated; their record keeps its link.
        self.fields["user"].queryset = (
            User.objects.for_org(organisation)
            .filter(Q(is_active=True) | Q(pk=getattr(linked_user, "pk", None)))
            .order_by("full_name")
        )
        self.fields["team"].queryset = teams(organisation)
        self.fields["responsibilities"].queryset = options(organisation, RESPONSIBILITIES)
        if level_descriptions:
            self.fields["level"].choices = [
                (n, f"Level {n}: {text}") for n, text in level_descriptions
            ]

    def clean(self):
        data = super().clean()
        started, in_post, left = (
            data.get("started_on"),
            data.get("started_in_post_on"),
            data.get("left_on"),
        )
        if started and in_post and in_post < started:
            self.add_error("started_in_post_on", "This cannot be before they joined.")
        if started and left and left < started:
            self.add_error("left_on", "This cannot be before they started.")
        manager, user = data.get("line_manager"), data.get("user")
        if manager and user and manager.pk == user.pk:
            self.add_error("line_manager", "Nobody can be their own line manager.")
        return data


def staff_initial(staff: StaffMember) -> dict:
    initial = {name: getattr(staff, name) for name in StaffForm.base_fields}
    initial["responsibilities"] = list(staff.responsibilities.all())
    return initial


class DbsCheckForm(forms.Form):
    check_type = forms.ChoiceField(
        label="Type of check", choices=DbsCheck.Type.choices, widget=forms.RadioSelect
    )
    certificate_number = forms.CharField(
        label="Certificate number",
        max_length=20,
        help_text="12 digits, at the top right of the certificate. It is stored encrypted.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    issued_on = _date("Date of issue")
    update_service = forms.BooleanField(
        label="Subscribed to the DBS update service", required=False
    )
    checked_on = _date(
        "Date you saw the certificate", required=False, help_text="Leave empty for today."
    )
    notes = forms.CharField(max_length=300, required=False)


class CourseForm(forms.Form):
    name = forms.CharField(max_length=150)
    provider = forms.CharField(max_length=150, required=False)
    levels = forms.TypedMultipleChoiceField(
        label="Levels it covers",
        choices=LEVEL_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="It counts as safeguarding training for anyone at these levels.",
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics covered", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    validity_months = forms.IntegerField(
        label="Valid for (months)",
        min_value=1,
        max_value=120,
        initial=36,
        help_text="Refresher training is due at least every three years (36 months).",
    )
    required_for_levels = forms.TypedMultipleChoiceField(
        label="Required for everyone at these levels",
        choices=LEVEL_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_for_responsibilities = forms.ModelMultipleChoiceField(
        label="Required for anyone with these responsibilities",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label="Offered now", required=False, initial=True, help_text="Untick to retire it."
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = options(organisation, TOPICS)
        self.fields["required_for_responsibilities"].queryset = options(
            organisation, RESPONSIBILITIES
        )


def course_initial(course: Course) -> dict:
    return {
        "name": course.name,
        "provider": course.provider,
        "levels": course.levels,
        "topics": list(course.topics.all()),
        "validity_months": course.validity_months,
        "required_for_levels": course.required_for_levels,
        "required_for_responsibilities": list(course.required_for_responsibilities.all()),
        "is_active": course.is_active,
    }


class CertificateField(forms.FileField):
    """Checked by content (not by name) in the service; the size is checked here as well."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > files.MAX_BYTES:
            raise forms.ValidationError("The certificate is larger than 25 MB.")
        return upload


class TrainingRecordForm(forms.Form):
    course = forms.ModelChoiceField(queryset=None, widget=QuickSelect)
    completed_on = _date("Date completed")
    certificate = CertificateField(
        required=False,
        help_text="A PDF, PNG or JPEG of at most 25 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.for_org(organisation).filter(is_active=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(queryset=None, widget=QuickSelect)
    held_on = _date("Date of the session")
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.for_org(organisation).filter(is_active=True)


class AttendeeForm(forms.Form):
    """One row of the bulk entry: a person on the list, ticked if they attended."""

    staff = forms.IntegerField(widget=forms.HiddenInput)
    attended = forms.BooleanField(required=False)
    notes = forms.CharField(max_length=300, required=False)


AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=0, max_num=2000, absolute_max=2000)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = WorkforceSettings
        fields = [
            "level_1_description",
            "level_2_description",
            "level_3_description",
            "level_4_description",
            "induction_months",
            "dbs_renewal_years",
            "remind_at_sign_in",
        ]
        labels = {f"level_{n}_description": f"Level {n}" for n in range(1, 5)}
        widgets = {f"level_{n}_description": forms.Textarea(attrs={"rows": 2}) for n in range(1, 5)}


class AnalysisForm(forms.ModelForm):
    class Meta:
        model = LearningNeedsAnalysis
        fields = [
            "title",
            "whose_needs",
            "purpose",
            "methods",
            "findings",
            "practical_considerations",
            "how_needs_met",
            "involving_children_and_families",
            "people_responsible",
            "recording_completion",
            "courses",
        ]
        labels = {
            "whose_needs": "1. Whose learning needs",
            "purpose": "2. Purpose of the analysis",
            "methods": "3. Methods used",
            "findings": "4. Findings",
            "practical_considerations": "5. Practical considerations",
            "how_needs_met": "6. How the needs will be met",
            "involving_children_and_families": "7. Including children's and families' views",
            "people_responsible": "8. People responsible",
            "recording_completion": "9. How completion is recorded",
            "courses": "Courses planned",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "whose_needs",
                "purpose",
                "methods",
                "findings",
                "practical_considerations",
                "how_needs_met",
                "involving_children_and_families",
                "people_responsible",
                "recording_completion",
            )
        } | {"courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = Course.objects.for_org(organisation)
        self.fields["courses"].required = False


class ActivityForm(forms.Form):
    planned_for = _date("Planned for")
    description = forms.CharField(label="Activity", max_length=300)
    course = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Not a course", widget=QuickSelect
    )
    done_on = _date("Done on", required=False, help_text="Leave empty until it has happened.")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.for_org(organisation)


class MatrixFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All teams", widget=QuickSelect
    )
    level = forms.TypedChoiceField(
        choices=[("", "All levels"), *LEVEL_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    show = forms.ChoiceField(
        label="Who",
        choices=[("current", "Current staff and volunteers"), ("left", "Leavers")],
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from haven.workforce.services import teams

        self.fields["team"].queryset = teams(organisation)
