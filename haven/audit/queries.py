"""Reading the audit trail, always within the reader's organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django import forms
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.models import Action, AuditEvent


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Member of staff",
        queryset=User.unscoped.none(),
        required=False,
        empty_label="Anyone",
    )
    person = forms.IntegerField(label="Person record number", required=False, min_value=1)
    action = forms.ChoiceField(label="Action", required=False)
    date_from = forms.DateField(label="From (dd/mm/yyyy)", required=False)
    date_to = forms.DateField(label="To (dd/mm/yyyy)", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.for_org(organisation)
        self.fields["action"].choices = [("", "Any action"), *Action.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


@dataclass
class Filters:
    user: User | None = None
    person: int | None = None
    action: str = ""
    date_from: object = None
    date_to: object = None

    def as_detail(self) -> dict:
        return {
            "user": self.user.pk if self.user else None,
            "person": self.person,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def events_visible_to(reader, filters: Filters):
    events = AuditEvent.objects.filter(organisation=reader.organisation)
    if filters.user:
        events = events.filter(actor=filters.user)
    if filters.person:
        events = events.filter(person_id=filters.person)
    if filters.action:
        events = events.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to:
        events = events.filter(occurred_at__lte=datetime.combine(filters.date_to, time.max, zone))
    return events.order_by("-id")


def record_access(reader, person_id: int):
    """Everything done with one person's record, newest first: "who has viewed this"."""
    return AuditEvent.objects.filter(
        organisation=reader.organisation, person_id=person_id
    ).order_by("-id")
