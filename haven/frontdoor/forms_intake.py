"""Forms for logging a contact, adding a person to it, and recording a no-names consultation.

The checks that make a contact complete live in ``services.intake.contact_problems``; the
contact form asks it and puts each message beside its field, so the page and the service
never disagree.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from haven.core import clock
from haven.core.widgets import QuickSelect
from haven.documents.forms import DocumentForm, DocumentUploadField
from haven.frontdoor.models import (
    Consent,
    NoNamesConsultation,
    NotInformedReason,
    PoliceRag,
)
from haven.frontdoor.services.consultations import ConsultationData, consultation_problems
from haven.frontdoor.services.intake import LOGGED_SOURCES, ContactData, contact_problems
from haven.people.models import Person

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
TIME_WIDGET = forms.TimeInput(attrs={"inputmode": "numeric", "placeholder": "hh:mm"})
YES_NO = [("yes", "Yes"), ("no", "No")]


def _when(day, time):
    if day is None or time is None:
        return None
    return timezone.make_aware(datetime.combine(day, time))


def now_initial() -> dict:
    now = timezone.localtime(clock.now())
    return {"date": now.date(), "time": now.strftime("%H:%M")}


class ConsultationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = timezone.localtime(obj.consulted_at)
        return f"{obj.professional_name}, {obj.professional_agency} ({when:%d/%m/%Y %H:%M})"


class ContactForm(forms.Form):
    """Log a contact. The children and adults are chosen with the finders on the page (or
    added there, after the duplicate check); these fields check what was chosen."""

    source = forms.ChoiceField(
        label="Where the contact came from",
        choices=LOGGED_SOURCES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the contact came from."},
    )
    received_date = forms.DateField(
        label="Date received", widget=DATE_WIDGET, help_text="For example 23/11/2026."
    )
    received_time = forms.TimeField(
        label="Time received", widget=TIME_WIDGET, help_text="24-hour clock, for example 14:30."
    )
    # Police reports.
    police_rag = forms.ChoiceField(
        label="The police's RAG rating",
        choices=PoliceRag.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="As given on the police report.",
    )
    is_domestic_abuse = forms.BooleanField(
        label="The report is about domestic abuse",
        required=False,
        help_text="The domestic abuse service is told as well.",
    )
    about_adults_only = forms.BooleanField(
        label="The report is about adults only",
        required=False,
        help_text="It is passed to adult social care and not processed further here.",
    )
    police_report = DocumentUploadField(
        label="The police report",
        required=False,
        help_text="Kept in the child's document vault, seen only by front-door staff. If "
        "this page is shown again after a search, choose the file again.",
    )
    # The referrer.
    referrer_anonymous = forms.BooleanField(
        label="Anonymous referrer",
        required=False,
        help_text="They would not give their name. Nothing else about them is needed.",
    )
    referrer_name = forms.CharField(label="Referrer's name", max_length=150, required=False)
    referrer_role = forms.CharField(label="Their role", max_length=150, required=False)
    referrer_agency = forms.CharField(
        label="Agency or setting",
        max_length=150,
        required=False,
        help_text="Or “member of the public”.",
    )
    referrer_phone = forms.CharField(label="Telephone", max_length=20, required=False)
    referrer_email = forms.EmailField(
        label="Email",
        required=False,
        help_text="The acknowledgement and, later, the outcome are sent here.",
    )
    keep_referrer_from_family = forms.BooleanField(
        label="Keep the referrer's identity from the family",
        required=False,
        help_text="Everyone who works on the contact will see this warning.",
    )
    # Who it is about.
    children = forms.ModelMultipleChoiceField(
        label="The children",
        queryset=Person.unscoped.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    adults = forms.ModelMultipleChoiceField(
        label="Adults in the household",
        queryset=Person.unscoped.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    concerns = forms.CharField(
        label="What the concerns are",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="Facts, as the referrer gave them: what happened, when, who said what.",
    )
    # What the family knows.
    parents_informed = forms.ChoiceField(
        label="Have the parents or carers been told of this referral?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    not_informed_reason = forms.ChoiceField(
        label="If not, why not",
        choices=NotInformedReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    not_informed_explanation = forms.CharField(
        label="Explain why",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Needed when they were not told.",
    )
    consent = forms.ChoiceField(
        label="Consent to the referral",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="A child in need route needs consent; a child protection route does not.",
    )
    consent_not_sought_reason = forms.CharField(
        label="Why consent was not sought",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    consultation = ConsultationChoiceField(
        label="The no-names consultation this referral follows",
        queryset=NoNamesConsultation.unscoped.none(),
        required=False,
        widget=QuickSelect,
        empty_label="None",
        help_text="Choosing it tells the front door the agreed written referral has arrived.",
    )

    # Fields whose "required" is decided in clean() by the answers to others: the label
    # does not say "(optional)".
    CONDITIONAL = (
        "referrer_name",
        "police_rag",
        "parents_informed",
        "not_informed_reason",
        "not_informed_explanation",
        "consent",
        "consent_not_sought_reason",
    )
    # Where a problem found by the service's check is shown.
    PROBLEM_FIELDS = {"received_at": "received_time"}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.for_org(organisation).filter(merged_into__isnull=True)
        self.fields["children"].queryset = people.filter(kind=Person.Kind.CHILD)
        self.fields["adults"].queryset = people.filter(kind=Person.Kind.ADULT)
        self.fields["consultation"].queryset = NoNamesConsultation.objects.for_org(
            organisation
        ).filter(written_referral_agreed=True, referral_contact__isnull=True)
        for name in self.CONDITIONAL:
            self.fields[name].conditionally_required = True
        self.fields["consent"].choices = Consent.choices

    def contact_data(self) -> ContactData:
        data = self.cleaned_data
        informed = {"yes": True, "no": False}.get(data.get("parents_informed") or "")
        return ContactData(
            source=data.get("source") or "",
            received_at=_when(data.get("received_date"), data.get("received_time")),
            concerns=data.get("concerns") or "",
            referrer_anonymous=bool(data.get("referrer_anonymous")),
            referrer_name=data.get("referrer_name") or "",
            referrer_role=data.get("referrer_role") or "",
            referrer_agency=data.get("referrer_agency") or "",
            referrer_phone=data.get("referrer_phone") or "",
            referrer_email=data.get("referrer_email") or "",
            keep_referrer_from_family=bool(data.get("keep_referrer_from_family")),
            police_rag=data.get("police_rag") or "",
            is_domestic_abuse=bool(data.get("is_domestic_abuse")),
            about_adults_only=bool(data.get("about_adults_only")),
            parents_informed=informed,
            not_informed_reason=data.get("not_informed_reason") or "",
            not_informed_explanation=data.get("not_informed_explanation") or "",
            consent=data.get("consent") or "",
            consent_not_sought_reason=data.get("consent_not_sought_reason") or "",
            children=list(data.get("children") or []),
            adults=list(data.get("adults") or []),
        ).tidy()

    def clean(self):
        data = super().clean()
        when_refused = "received_date" in self.errors or "received_time" in self.errors
        for name, message in contact_problems(self.contact_data()).items():
            if name == "received_at" and when_refused:
                continue  # the date or time itself is already marked
            target = self.PROBLEM_FIELDS.get(name, name)
            if target in self.fields and target not in self.errors:
                self.add_error(target, message)
        if data.get("police_report") and data.get("source") != "police":
            self.add_error("police_report", "Only a police report is attached here.")
        return data


class NewPersonForm(forms.Form):
    """A child or adult not yet in the front door's records, added from the contact form.
    The duplicate check runs before they are created; if it finds someone alike, the page
    lists them and asks for a reason before creating another record."""

    first_name = forms.CharField(label="First name", max_length=80, required=False)
    last_name = forms.CharField(label="Last name", max_length=80, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=DATE_WIDGET,
        required=False,
        help_text="For example 25/06/2021.",
    )
    is_unborn = forms.BooleanField(label="Not yet born", required=False)
    expected_date = forms.DateField(
        label="Expected date of birth", widget=DATE_WIDGET, required=False
    )
    duplicate_reason = forms.CharField(
        label="Why add a new record when these people are alike?",
        required=False,
        max_length=500,
        help_text="For example: a different child with the same name and birthday.",
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Person.Kind.ADULT:
            del self.fields["is_unborn"], self.fields["expected_date"]
            self.fields["date_of_birth"].help_text = "If known."

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or "").strip():
            self.add_error("first_name", "Give their first name.")
        if not (data.get("last_name") or "").strip():
            self.add_error("last_name", "Give their last name.")
        if self.kind == Person.Kind.CHILD:
            if data.get("is_unborn"):
                if data.get("expected_date") is None and "expected_date" not in self.errors:
                    self.add_error("expected_date", "Give the expected date of birth.")
            elif data.get("date_of_birth") is None and "date_of_birth" not in self.errors:
                self.add_error(
                    "date_of_birth",
                    "Give their date of birth, or tick “not yet born” and give the expected date.",
                )
        born = data.get("date_of_birth")
        if born and born > clock.today():
            self.add_error("date_of_birth", "A date of birth cannot be in the future.")
        return data

    def person_data(self) -> dict:
        data = self.cleaned_data
        values = {
            "kind": self.kind,
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data.get("date_of_birth"),
        }
        if self.kind == Person.Kind.CHILD:
            values["is_unborn"] = bool(data.get("is_unborn"))
            values["expected_date"] = data.get("expected_date")
        return values


class ConsultationForm(forms.Form):
    professional_name = forms.CharField(label="Professional's name", max_length=150)
    professional_role = forms.CharField(label="Their role", max_length=150, required=False)
    professional_agency = forms.CharField(label="Agency or setting", max_length=150)
    professional_phone = forms.CharField(label="Telephone", max_length=20, required=False)
    professional_email = forms.EmailField(label="Email", required=False)
    consulted_date = forms.DateField(label="Date", widget=DATE_WIDGET)
    consulted_time = forms.TimeField(
        label="Time", widget=TIME_WIDGET, help_text="24-hour clock, for example 14:30."
    )
    summary = forms.CharField(
        label="What the professional is worried about",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text="Do not record the child's name or anything else that identifies them.",
    )
    advice = forms.CharField(
        label="Advice given", widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )
    written_referral_agreed = forms.ChoiceField(
        label="Was a written referral agreed?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a written referral was agreed."},
    )

    PROBLEM_FIELDS = {"consulted_at": "consulted_time"}

    def consultation_data(self) -> ConsultationData:
        data = self.cleaned_data
        return ConsultationData(
            professional_name=data.get("professional_name") or "",
            professional_role=data.get("professional_role") or "",
            professional_agency=data.get("professional_agency") or "",
            professional_phone=data.get("professional_phone") or "",
            professional_email=data.get("professional_email") or "",
            consulted_at=_when(data.get("consulted_date"), data.get("consulted_time")),
            summary=data.get("summary") or "",
            advice=data.get("advice") or "",
            written_referral_agreed=data.get("written_referral_agreed") == "yes",
        )

    def clean(self):
        data = super().clean()
        when_refused = "consulted_date" in self.errors or "consulted_time" in self.errors
        for name, message in consultation_problems(self.consultation_data()).items():
            if name == "consulted_at" and when_refused:
                continue
            target = self.PROBLEM_FIELDS.get(name, name)
            if target in self.fields and target not in self.errors:
                self.add_error(target, message)
        return data


class ContactDocumentForm(DocumentForm):
    """A document attached to a contact already logged, kept in the vault of one of the
    people the contact is about (the first child unless another is chosen)."""

    field_order = ["person", "file", "kind", "title", "description"]

    def __init__(self, *args, organisation, people, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"] = forms.ChoiceField(
            label="Whose record it is kept in",
            choices=[(str(p.pk), p.full_name) for p in people],
            help_text="It shows on this contact whichever record keeps it.",
        )
        self.order_fields(self.field_order)

    def clean_person(self) -> Person:
        return self.people[self.cleaned_data["person"]]
