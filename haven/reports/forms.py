from __future__ import annotations

from django import forms

from haven.accounts.models import Team
from haven.people.models import YearGroup
from haven.programmes.forms import DATE_HINT, DATE_WIDGET


class ReportFilterForm(forms.Form):
    """The period and the part of the organisation a report covers."""

    # Left empty, the period is the last 12 months (or ends today).
    date_from = forms.DateField(
        label="From", required=False, widget=DATE_WIDGET, help_text=DATE_HINT
    )
    date_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET, help_text=DATE_HINT)
    year_group = forms.ChoiceField(
        label="Year group",
        required=False,
        choices=[("", "All year groups"), *YearGroup.choices, ("none", "No year group")],
    )
    team = forms.ModelChoiceField(
        label="Team", required=False, queryset=Team.unscoped.none(), empty_label="All teams"
    )

    def __init__(self, *args, organisation, units: tuple[str, ...], uses_period: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_org(organisation).order_by("name")
        for unit in ("year_group", "team"):
            if unit not in units:
                del self.fields[unit]
        if not uses_period:
            del self.fields["date_from"]
            del self.fields["date_to"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period is before its start.")
        return data
