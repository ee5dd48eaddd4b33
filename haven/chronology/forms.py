from django import forms

from haven.chronology.models import Export
from haven.chronology.queries import ChronologyFilterForm


class ExportForm(ChronologyFilterForm):
    """The chronology's filters, plus the format and whether to hide other children."""

    format = forms.ChoiceField(
        label="Format", choices=Export.Format.choices, initial=Export.Format.PDF
    )
    redact = forms.BooleanField(
        label="Replace other children's names with “Child A”, “Child B”…", required=False
    )
