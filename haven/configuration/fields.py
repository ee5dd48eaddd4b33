from django import forms

from haven.configuration.queries import options
from haven.core.widgets import QuickSelect


class OptionField(forms.ModelChoiceField):
    """A choice from one of the organisation's picklists."""

    def __init__(self, list_key: str, **kwargs):
        self.list_key = list_key
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Not recorded")
        kwargs.setdefault("widget", QuickSelect)
        from haven.configuration.models import Option

        super().__init__(queryset=Option.unscoped.none(), **kwargs)

    def limit_to(self, organisation, current=None):
        self.queryset = options(organisation, self.list_key, include=[current] if current else None)
