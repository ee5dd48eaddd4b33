"""Forms for administering frameworks and for the guided threshold decision."""

from __future__ import annotations

import json

from django import forms

from haven.thresholds import definitions

MAX_IMPORT_BYTES = 512 * 1024


class CopyForm(forms.Form):
    name = forms.CharField(label="Name of the copy", max_length=120)


class DefinitionForm(forms.Form):
    """The whole framework as JSON: what an administrator edits and imports."""

    definition = forms.CharField(
        label="Framework (JSON)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text="Levels from lowest to highest, domains, and indicators that name a domain "
        "and a level by their keys. Saving publishes a new version; decisions already made "
        "keep the version they used.",
    )
    note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Shown in the list of versions.",
    )

    def clean_definition(self):
        try:
            return definitions.parse_json(self.cleaned_data["definition"])
        except definitions.DefinitionError as problem:
            raise forms.ValidationError(problem.problems) from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (JSON)",
        help_text="A file exported from Haven, or written in the same form.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 512 KB: is it a framework?")
        try:
            return definitions.parse_json(upload.read())
        except definitions.DefinitionError as problem:
            raise forms.ValidationError(problem.problems) from None


def pretty(definition: dict) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False)


class DecisionForm(forms.Form):
    """Ticked indicators (``indicator``), a note for each (``note-<id>``), the chosen level
    and the rationale. Built for one framework version."""

    chosen_level = forms.TypedChoiceField(
        label="The level you choose", coerce=int, widget=forms.RadioSelect, required=False
    )
    rationale = forms.CharField(
        label="Why (required if it differs from the suggestion)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, version, levels, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.levels = levels
        self.indicators = {i.pk: i for i in indicators}
        self.fields["chosen_level"].choices = [(level.pk, level.name) for level in levels]

    def ticked(self) -> dict[int, str]:
        """The ticked indicators of this version and their notes (unknown ids dropped)."""
        data = self.data
        chosen = {}
        for raw in data.getlist("indicator") if hasattr(data, "getlist") else []:
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                continue
            if pk in self.indicators:
                chosen[pk] = (data.get(f"note-{pk}") or "").strip()[:500]
        return chosen

    def clean_chosen_level(self):
        value = self.cleaned_data.get("chosen_level")
        if value in (None, ""):
            if self.data.get("action") == "save":
                raise forms.ValidationError("Choose a level.")
            return None
        return next(level for level in self.levels if level.pk == value)
