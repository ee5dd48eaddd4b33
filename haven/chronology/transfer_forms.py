from django import forms

from haven.cases.forms import DATE_WIDGET, TIME_WIDGET, DateTimeFields
from haven.chronology.models import ReceiptMethod, SendMethod
from haven.core import clock


class TransferStartForm(forms.Form):
    leaving_date = forms.DateField(
        label="Date the child leaves (or left)",
        widget=DATE_WIDGET,
        help_text="For example 23/11/2026. The file is due five school days after this.",
    )
    destination = forms.CharField(
        label="New school or setting",
        max_length=200,
        help_text="Its full name and town, as the receiving DSL would recognise it.",
    )


class _WhenForm(forms.Form):
    """A date and a 24-hour time that cannot be in the future."""

    when_date = forms.DateField(widget=DATE_WIDGET, help_text="For example 23/11/2026.")
    when_time = forms.TimeField(widget=TIME_WIDGET, help_text="24-hour clock, for example 14:30.")

    def clean(self):
        data = super().clean()
        if data.get("when_date") and data.get("when_time"):
            data["when"] = DateTimeFields.combine(data["when_date"], data["when_time"])
            if data["when"] > clock.now():
                self.add_error("when_date", "This cannot be in the future.")
        return data


class TransferSentForm(_WhenForm):
    method = forms.ChoiceField(
        label="How it was sent", choices=SendMethod.choices, widget=forms.RadioSelect
    )
    sent_to = forms.CharField(
        label="Sent to",
        max_length=200,
        help_text="The person or contact it went to, e.g. the receiving DSL's name and email.",
    )
    field_order = ["method", "sent_to", "when_date", "when_time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when_date"].label = "Date sent"
        self.fields["when_time"].label = "Time sent"


class TransferReceiptForm(_WhenForm):
    confirmed_by = forms.CharField(
        label="Receipt confirmed by",
        max_length=150,
        help_text="The name of the receiving DSL (or who confirmed it for them).",
    )
    method = forms.ChoiceField(
        label="How receipt was confirmed", choices=ReceiptMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", max_length=300, required=False)
    field_order = ["confirmed_by", "method", "when_date", "when_time", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when_date"].label = "Date receipt was confirmed"
        self.fields["when_time"].label = "Time receipt was confirmed"


class TransferCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the transfer cancelled?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
