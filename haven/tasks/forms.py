from __future__ import annotations

from django import forms

from haven.accounts.models import User
from haven.core import clock
from haven.core.widgets import QuickSelect


class AssigneeField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(queryset=User.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return obj.full_name


class TaskForm(forms.Form):
    title = forms.CharField(label="Task", max_length=200)
    due_on = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}),
        help_text="Optional. For example 23/11/2026.",
    )
    assignee = AssigneeField(label="For", empty_label=None)

    def __init__(self, *args, user, may_assign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_assign:
            self.fields["assignee"].queryset = (
                User.objects.for_org(user.organisation).filter(is_active=True).order_by("full_name")
            )
        else:
            del self.fields["assignee"]

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due is not None and due < clock.today():
            raise forms.ValidationError("The due date has already passed.")
        return due
