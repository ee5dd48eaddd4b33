from __future__ import annotations

import secrets

from django import forms

from haven.accounts.models import User
from haven.configuration.fields import OptionField
from haven.configuration.queries import options
from haven.core.widgets import QuickSelect
from haven.people.models import Person
from haven.programmes import queries
from haven.programmes.models import Attendance, Consultation, Programme, Service, Stage

DATE_HINT = "For example 23/11/2026."
DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})


def _date(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


def new_token() -> str:
    return secrets.token_urlsafe(24)


QUICKFIND = {"data-quickfind": ""}


class ServiceField(forms.ModelChoiceField):
    """A service, listed as "SF: Nursery". In the browser the list becomes a combobox that
    finds a service by its code or any part of its name ("SF: Nur", "nursery"); without
    scripts it stays a plain list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect(attrs=QUICKFIND))
        kwargs.setdefault("empty_label", "Choose a service")
        super().__init__(queryset=Service.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return obj.label


class StaffField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Nobody yet")
        super().__init__(queryset=User.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return obj.full_name


class PersonField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Not recorded")
        super().__init__(queryset=Person.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return obj.full_name


class OptionsField(forms.ModelMultipleChoiceField):
    def __init__(self, list_key: str, **kwargs):
        self.list_key = list_key
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        from haven.configuration.models import Option

        super().__init__(queryset=Option.unscoped.none(), **kwargs)


def staff_queryset(organisation):
    return User.objects.for_org(organisation).filter(is_active=True).order_by("full_name")


def related_adults(child):
    """Adults related to the child (for emergency contact and consent)."""
    from django.db.models import Q

    from haven.people.models import Relationship

    links = Relationship.objects.for_org(child.organisation).filter(
        Q(person=child) | Q(related=child), ended_on__isnull=True
    )
    ids = set()
    parental = set()
    for a, b, pr in links.values_list("person_id", "related_id", "parental_responsibility"):
        other = b if a == child.pk else a
        ids.add(other)
        if pr:
            parental.add(other)
    adults = Person.objects.for_org(child.organisation).filter(kind="adult")
    return adults.filter(pk__in=ids), adults.filter(pk__in=parental)


class EngagementForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.unscoped.none(), widget=QuickSelect)
    referral_date = _date("Referral date")
    referred_by = OptionField("referral_source", label="Who made the referral")
    presenting_issues = OptionsField(
        "presenting_issue", label="Presenting issues / reasons for referral"
    )
    evidence_seen = OptionsField("evidence_seen", label="Evidence seen")
    agencies = forms.ModelMultipleChoiceField(
        label="Other agencies involved in care",
        queryset=Programme.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    medical_details = forms.CharField(
        label="Child's medical details",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Kept on the child's record: a change here changes it there.",
    )
    allergies = forms.CharField(
        label="Allergies", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    pupil_premium = forms.BooleanField(label="Pupil premium", required=False)
    family_situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    doctor = forms.CharField(label="Doctor (GP)", max_length=150, required=False)
    emergency_contact = PersonField(label="Emergency contact person")
    consent_form_completed = forms.BooleanField(
        label="Parent/carer consent form completed", required=False
    )
    consent_given_by = PersonField(
        label="Consent given by", help_text="A related adult with parental responsibility."
    )
    key_person = StaffField(label="Key person")
    service_manager = StaffField(label="Service manager")

    def __init__(self, *args, child, organisation, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from haven.programmes.models import Agency

        if editing:
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = Programme.objects.for_org(organisation).filter(
                status__in=[Programme.Status.ACTIVE, Programme.Status.PLANNED]
            )
        self.fields["referred_by"].limit_to(organisation)
        for name in ("presenting_issues", "evidence_seen"):
            self.fields[name].queryset = options(organisation, self.fields[name].list_key)
        self.fields["agencies"].queryset = Agency.objects.for_org(organisation).filter(
            is_active=True
        )
        adults, parental = related_adults(child)
        self.fields["emergency_contact"].queryset = adults
        self.fields["consent_given_by"].queryset = parental
        for name in ("key_person", "service_manager"):
            self.fields[name].queryset = staff_queryset(organisation)


class CloseForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=[(Stage.CLOSED, "Closed"), (Stage.NOT_PROGRESSED, "Not progressed")],
        widget=forms.RadioSelect,
        initial=Stage.CLOSED,
    )
    closed_on = _date("Date closed")
    reason = OptionField("engagement_closure_reason", label="Reason", required=True)
    note = forms.CharField(max_length=300, required=False, label="Note")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].limit_to(organisation)
        self.fields["reason"].empty_label = "Choose a reason"


class DeliveryForm(forms.Form):
    service = ServiceField()
    delivered_on = _date("Delivery date")
    attendance = forms.ChoiceField(
        choices=Attendance.choices, widget=forms.RadioSelect, initial=Attendance.PRESENT
    )
    absence_reason = OptionField("absence_reason", label="Reason for absence")
    summary = forms.CharField(
        label="Session summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Only key information; leave blank if there is none.",
    )
    quantity = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="Hours or units, as the service counts them. Blank: the service's usual amount.",
    )
    delivered_by = StaffField(label="Delivered by", empty_label="Me")

    def __init__(self, *args, organisation, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = queries.services_for(organisation, programme=programme)
        self.fields["absence_reason"].limit_to(organisation)
        self.fields["delivered_by"].queryset = staff_queryset(organisation)


class OpenAccessForm(forms.Form):
    service = ServiceField()
    held_on = _date("Date of the session")
    attendees = forms.IntegerField(label="Total attendees", min_value=0, max_value=100000)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, organisation, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = queries.services_for(organisation, programme=programme)


class ConsultationForm(forms.Form):
    held_on = _date("Date")
    method = forms.ChoiceField(choices=Consultation.Method.choices, widget=QuickSelect)
    people = forms.ModelMultipleChoiceField(
        label="Held with (related people)",
        queryset=Person.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Held with (agencies)",
        queryset=Person.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label="Held with (anyone else, with their role)",
        max_length=300,
        required=False,
        help_text="For example “Sam Reid, speech therapist”.",
    )
    summary = forms.CharField(
        label="Summary of key information", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        from haven.programmes.models import Agency

        adults, _ = related_adults(engagement.child)
        self.fields["people"].queryset = adults
        self.fields["people"].label_from_instance = lambda p: p.full_name
        self.fields["agencies"].queryset = Agency.objects.for_org(engagement.organisation).filter(
            is_active=True
        )


class FollowUpForm(forms.Form):
    """One follow-up action. A row left empty is skipped."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="Follow-up action", max_length=300, required=False)
    due_on = _date("Due date", required=False)
    assignee = StaffField(label="Who will do it", empty_label="Me")
    done = forms.BooleanField(label="Done", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_queryset(organisation)

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", "Give a due date for the action.")
        if data.get("due_on") and not data.get("description"):
            self.add_error("description", "Describe the action, or clear its due date.")
        return data


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=0, max_num=50, absolute_max=50)
ACTIONS_PREFIX = "actions"


def follow_up_formset(data, *, organisation, initial=None):
    return FollowUpFormSet(
        data,
        prefix=ACTIONS_PREFIX,
        initial=initial,
        form_kwargs={"organisation": organisation},
    )


def action_entries(formset, actor) -> list:
    """The filled rows of a valid formset, as the service takes them."""
    from haven.programmes.services import ActionEntry

    return [
        ActionEntry(
            description=row["description"],
            due_on=row["due_on"],
            assignee=row.get("assignee") or actor,
            done=bool(row.get("done")),
            pk=row.get("id"),
        )
        for row in formset.cleaned_data
        if row and row.get("description")
    ]


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        label="Why was this entered in error?",
        max_length=300,
        help_text="For example “recorded on the wrong child”. It stays on record, marked.",
    )


class RegisterChoiceForm(forms.Form):
    service = ServiceField()
    delivered_on = _date("Date of the session")

    def __init__(self, *args, organisation, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = queries.services_for(organisation, programme=programme)


class ReportPeriodForm(forms.Form):
    date_from = _date("From")
    date_to = _date("To")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the period is before its start.")
        return data


class ProgrammeForm(forms.ModelForm):
    start_date = _date("Start date", required=False)
    end_date = _date("End date", required=False)

    class Meta:
        model = Programme
        fields = ["name", "code", "description", "status", "start_date", "end_date"]
        widgets = {
            "status": QuickSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "unit", "default_quantity", "is_active"]
        labels = {"default_quantity": "Usual quantity per session", "is_active": "Offered"}
        widgets = {"unit": QuickSelect}


class AgencyForm(forms.ModelForm):
    class Meta:
        from haven.programmes.models import Agency

        model = Agency
        fields = ["name", "kind", "phone", "email", "is_active"]
        labels = {"is_active": "In use"}
