from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User
from haven.cases.models import CaseThreshold
from haven.cases.queries import thresholds_for
from haven.configuration.fields import OptionField
from haven.core import clock
from haven.core.widgets import QuickSelect

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
TIME_WIDGET = forms.TimeInput(attrs={"inputmode": "numeric", "placeholder": "hh:mm"})


class StaffField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(queryset=User.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.full_name}{f' ({obj.job_title})' if obj.job_title else ''}"


class ThresholdField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset=CaseThreshold.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} — update within {obj.review_days} days"


def staff_queryset(organisation):
    return User.objects.for_org(organisation).filter(is_active=True).order_by("full_name")


class DateTimeFields:
    """A date and a 24-hour time as two inputs, combined in the organisation's time zone."""

    @staticmethod
    def combine(day, time):
        from datetime import datetime

        from django.utils import timezone

        return datetime.combine(day, time, timezone.get_current_timezone())


class CaseForm(forms.Form):
    case_type = OptionField("case_type", label="Type", required=True)
    category = OptionField("case_category", label="Category", required=True)
    incident_date = forms.DateField(
        label="Incident date", widget=DATE_WIDGET, help_text="For example 23/11/2026."
    )
    incident_time = forms.TimeField(
        label="Incident time", widget=TIME_WIDGET, help_text="24-hour clock, for example 14:30."
    )
    threshold = ThresholdField(label="Threshold")
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The details of the concern: facts, not opinion.",
    )
    raised_with_name = forms.CharField(label="Raised with: name", max_length=150)
    raised_with_job_title = forms.CharField(label="Raised with: job title", max_length=150)
    raised_with_role = forms.CharField(
        label="Raised with: safeguarding role",
        max_length=150,
        required=False,
        help_text="For example DSL or deputy DSL, if they have one.",
    )
    new_information = forms.CharField(
        label="New information from other professionals",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    decision_basis = forms.CharField(
        label="What informed the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example earlier or other existing concerns.",
    )
    actions_agreed = forms.CharField(
        label="Actions agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example speaking with the child, consulting parents, informing social "
        "care. Further investigation is best led by the DSL.",
    )
    other_notifications = forms.CharField(
        label="Other notifications",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Anyone else told, e.g. the child's school.",
    )
    owner = StaffField(label="Case owner (key person)", empty_label="Choose the case owner")
    manager = StaffField(label="Manager", required=False, empty_label="No manager")
    la_notified_date = forms.DateField(
        label="Local authority notified: date",
        widget=DATE_WIDGET,
        required=False,
        help_text="Only the DSL or a deputy records this.",
    )
    la_notified_time = forms.TimeField(
        label="Local authority notified: time", widget=TIME_WIDGET, required=False
    )
    la_reference = forms.CharField(
        label="Local authority reference", max_length=100, required=False
    )

    def __init__(self, *args, organisation, may_record_la: bool, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        if engagements:
            # Opened from the child or from triage: the case may still belong in one of the
            # child's open engagements (family-centre work), or sit on the child (school use).
            self.fields["within"] = forms.TypedChoiceField(
                label="Where the case sits",
                choices=[("", "Directly on the child")]
                + [(str(e.pk), f"Within the engagement {e.name}") for e in engagements],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text="Inside an engagement, the engagement's team can read the case too.",
            )
        self.fields["case_type"].limit_to(organisation)
        self.fields["category"].limit_to(organisation)
        self.fields["case_type"].empty_label = "Choose a type"
        self.fields["category"].empty_label = "Choose a category"
        self.fields["threshold"].queryset = thresholds_for(organisation)
        for name in ("owner", "manager"):
            self.fields[name].queryset = staff_queryset(organisation)
        if not may_record_la:
            for name in ("la_notified_date", "la_notified_time", "la_reference"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        day, time = data.get("incident_date"), data.get("incident_time")
        if day and time:
            data["incident_at"] = DateTimeFields.combine(day, time)
            if data["incident_at"] > clock.now():
                self.add_error("incident_date", "The incident cannot be in the future.")
        la_day, la_time = data.get("la_notified_date"), data.get("la_notified_time")
        data["la_notified_at"] = None
        if la_day and not la_time:
            self.add_error("la_notified_time", "Give the time the local authority was notified.")
        elif la_time and not la_day:
            self.add_error("la_notified_date", "Give the date the local authority was notified.")
        elif la_day and la_time:
            data["la_notified_at"] = DateTimeFields.combine(la_day, la_time)
            if data["la_notified_at"] > clock.now():
                self.add_error("la_notified_date", "This cannot be in the future.")
        return data


class LaNotifiedForm(forms.Form):
    notified_date = forms.DateField(label="Date notified", widget=DATE_WIDGET)
    notified_time = forms.TimeField(label="Time notified", widget=TIME_WIDGET)
    reference = forms.CharField(label="Local authority reference", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("notified_date") and data.get("notified_time"):
            data["notified_at"] = DateTimeFields.combine(
                data["notified_date"], data["notified_time"]
            )
            if data["notified_at"] > clock.now():
                self.add_error("notified_date", "This cannot be in the future.")
        return data


class MonitoringForm(forms.Form):
    given_by_name = forms.CharField(label="Update given by: name", max_length=150)
    given_by_role = forms.CharField(label="Their job title or role", max_length=150)
    actions_taken = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Brief and factual: the actions taken since the last update.",
    )
    by_centre_staff = forms.BooleanField(label="Our staff", required=False)
    by_parents = forms.BooleanField(label="Parents or carers", required=False)
    by_agencies = forms.BooleanField(label="External agencies", required=False)
    done_by_detail = forms.CharField(
        label="Who did it (names or agencies)", max_length=300, required=False
    )
    rationale = forms.CharField(
        label="Why these actions were taken", widget=forms.Textarea(attrs={"rows": 3})
    )
    not_done_reason = forms.CharField(
        label="Why any agreed actions were not done",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not (data.get("by_centre_staff") or data.get("by_parents") or data.get("by_agencies")):
            self.add_error(
                "by_centre_staff",
                "Tick who took the actions: our staff, parents or carers, or external agencies.",
            )
        return data


class ClosureRequestForm(forms.Form):
    comments = forms.CharField(
        label="Why the case can close",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say that the agreed actions have been done, or why not.",
    )
    approver = StaffField(label="Approver", empty_label="Choose who approves")

    def __init__(self, *args, approvers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = approvers


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve: close the case"), ("reject", "Reject: keep monitoring")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 4}), help_text="Why you decided so."
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Reason for reopening", widget=forms.Textarea(attrs={"rows": 4}))


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = CaseThreshold
        fields = ["name", "review_days", "guidance", "position", "is_active"]
        labels = {"is_active": "In use"}
        widgets = {"guidance": forms.Textarea(attrs={"rows": 5})}


class CaseEditForm(CaseForm):
    """The case's details after opening. The local authority notification has its own page,
    so the fields for it are left out; a threshold or person no longer in use stays
    choosable only where the case already has it."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, organisation=case.organisation, may_record_la=False, **kwargs)
        organisation = case.organisation
        self.fields["case_type"].limit_to(organisation, current=case.case_type_id)
        self.fields["category"].limit_to(organisation, current=case.category_id)
        self.fields["threshold"].queryset = CaseThreshold.objects.for_org(organisation).filter(
            Q(is_active=True) | Q(pk=case.threshold_id)
        )
        current = [pk for pk in (case.owner_id, case.manager_id) if pk is not None]
        for name in ("owner", "manager"):
            self.fields[name].queryset = (
                User.objects.for_org(organisation)
                .filter(Q(is_active=True) | Q(pk__in=current))
                .order_by("full_name")
            )

    @staticmethod
    def initial_for(case) -> dict:
        local = timezone.localtime(case.incident_at)
        initial = {key: getattr(case, key) for key in CASE_EDIT_TEXT}
        return initial | {
            "case_type": case.case_type_id,
            "category": case.category_id,
            "incident_date": local.date(),
            "incident_time": f"{local:%H:%M}",
            "threshold": case.threshold_id,
            "owner": case.owner_id,
            "manager": case.manager_id,
        }


CASE_EDIT_TEXT = (
    "description",
    "raised_with_name",
    "raised_with_job_title",
    "raised_with_role",
    "new_information",
    "decision_basis",
    "actions_agreed",
    "other_notifications",
)
