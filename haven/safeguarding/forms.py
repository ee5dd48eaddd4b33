"""Forms for recording and correcting concerns, and for the safeguarding configuration."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from haven.access import rules
from haven.accounts.models import Team, User
from haven.core import clock
from haven.core.widgets import QuickSelect
from haven.people.models import Person
from haven.programmes.queries import agencies_for
from haven.safeguarding.bodymap import BodyMapField
from haven.safeguarding.hints import RecordingHintsTextarea, hint_settings
from haven.safeguarding.models import Concern, ConcernCategory, SafeguardingSettings
from haven.safeguarding.services import ConcernData

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
TIME_WIDGET = forms.TimeInput(attrs={"inputmode": "numeric", "placeholder": "hh:mm"})


def _account_widget(organisation, rows: int):
    """A textarea that points out opinion words, capitals and initials as they are typed."""
    widget = RecordingHintsTextarea(attrs={"rows": rows})
    widget.configure(**hint_settings(organisation))
    return widget


def _body_map_field():
    return BodyMapField(
        label="Body map",
        required=False,
        help_text="Where there is an injury or mark, place it on the outline.",
    )


class GroupedSelect(forms.Select):
    """A select of sub-categories grouped under their categories, written directly (as
    QuickSelect does) so a long taxonomy renders quickly."""

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = "" if value in (None, "") else str(value)
        parts = [format_html('<option value="">{}</option>', "No sub-category")]
        for label, options in self.groups:
            body = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(pk), " selected" if str(pk) == chosen else "", text) for pk, text in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', label, body))
        return format_html(
            "<select{}>{}</select>",
            flatatt(final),
            format_html_join("", "{}", ((p,) for p in parts)),
        )


class PeopleSelect(forms.SelectMultiple):
    """A multiple select of staff, written directly: organisations have hundreds."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        final["multiple"] = True
        chosen = {str(v) for v in (value or [])}
        body = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(k), " selected" if str(k) in chosen else "", label) for k, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), body)


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.job_title})" if obj.job_title else obj.full_name


class ConcernForm(forms.Form):
    """Record (or correct) a concern. The children are chosen with the finder on the page;
    the fields here check what was chosen against the organisation's records."""

    child = ChildChoiceField(
        label="The child",
        queryset=Person.unscoped.none(),
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the child the concern is about."},
    )
    linked_children = forms.ModelMultipleChoiceField(
        label="Linked children",
        queryset=Person.unscoped.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    category = forms.ModelChoiceField(
        queryset=ConcernCategory.unscoped.none(),
        widget=QuickSelect,
        empty_label="Choose a category",
        error_messages={"required": "Choose a category."},
    )
    subcategory = forms.ModelChoiceField(
        label="Sub-category", queryset=ConcernCategory.unscoped.none(), required=False
    )
    occurred_date = forms.DateField(
        label="Date it happened", widget=DATE_WIDGET, help_text="For example 23/11/2026."
    )
    occurred_time = forms.TimeField(
        label="Time it happened", widget=TIME_WIDGET, help_text="24-hour clock, for example 14:30."
    )
    location = forms.CharField(label="Where", max_length=200, required=False)
    account = forms.CharField(
        label="What happened",
        help_text="Facts, in the order they happened. Use people's full names and their own words.",
    )
    child_words = forms.CharField(label="What the child said, in their words", required=False)
    others_present = forms.CharField(
        label="Who else was present",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies involved",
        queryset=ConcernCategory.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    alert_teams = forms.ModelMultipleChoiceField(
        label="Teams to alert",
        queryset=Team.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    alert_people = StaffChoiceField(
        label="People to alert",
        queryset=User.unscoped.none(),
        required=False,
        widget=PeopleSelect(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    action_taken = forms.CharField(
        label="Action already taken",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        choices=[
            (Concern.Status.OPEN, "Open"),
            (Concern.Status.NO_FURTHER_ACTION, "No further action (closes it)"),
        ],
        widget=forms.RadioSelect,
        initial=Concern.Status.OPEN,
    )
    restricted = forms.BooleanField(
        label="Restricted — lead DSL only",
        required=False,
        help_text=(
            "Only the lead DSL (and you) will see it, and only the lead DSL is alerted. Use it "
            "for an allegation about a member of staff, or when the lead DSL has asked."
        ),
    )

    def __init__(self, *args, user, categories, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organisation
        children = Person.objects.for_org(org).filter(
            kind=Person.Kind.CHILD, merged_into__isnull=True
        )
        self.fields["child"].queryset = children
        self.fields["linked_children"].queryset = children
        self.fields["category"].queryset = ConcernCategory.objects.for_org(org).filter(
            pk__in=[c.pk for c in categories]
        )
        self.fields["category"].choices = [("", "Choose a category")] + [
            (c.pk, c.name) for c in categories
        ]
        subs = [s for c in categories for s in c.active_subs]
        self.fields["subcategory"].queryset = ConcernCategory.objects.for_org(org).filter(
            pk__in=[s.pk for s in subs]
        )
        self.fields["subcategory"].widget = GroupedSelect(
            groups=[(c.name, [(s.pk, s.name) for s in c.active_subs]) for c in categories]
        )
        self.fields["account"].widget = _account_widget(org, 8)
        self.fields["child_words"].widget = _account_widget(org, 3)
        self.fields["agencies"].queryset = agencies_for(org).order_by("name")
        self.fields["body_map"] = _body_map_field()
        if rules.can_add_concern_attachments(user):
            from haven.documents.forms import DocumentUploadsField

            self.fields["attachments"] = DocumentUploadsField(
                label="Attachments",
                help_text="Photos, scanned notes or letters, kept in the child's document vault "
                "and seen only by those who may open this concern.",
            )
        if editing:
            for name in ("alert_teams", "alert_people"):
                del self.fields[name]
            self.fields["reason"] = forms.CharField(
                label="Why are you editing it?",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Kept with this version in the concern's history.",
                max_length=2000,
            )
        else:
            self.fields["alert_teams"].queryset = Team.objects.for_org(org).order_by("name")
            # Listed only when the form is drawn; a posted form just checks the chosen ids.
            self.fields["alert_people"].queryset = (
                User.objects.for_org(org)
                .filter(is_active=True)
                .exclude(pk=user.pk)
                .order_by("full_name")
                # What the list shows, and what recording reads of each person chosen
                # (their organisation, whether active, their email): one query for them all.
                .only("id", "full_name", "job_title", "organisation_id", "is_active", "email")
            )

    def _index(self, name: str) -> int:
        return list(self.fields).index(name)

    def clean(self):
        data = super().clean()
        category, sub = data.get("category"), data.get("subcategory")
        if category is not None and sub is not None and sub.parent_id != category.pk:
            self.add_error("subcategory", f"Choose a sub-category of “{category.name}”.")
        day, time = data.get("occurred_date"), data.get("occurred_time")
        if day is not None and time is not None:
            when = timezone.make_aware(datetime.combine(day, time))
            if when > clock.now():
                self.add_error("occurred_time", "When it happened cannot be in the future.")
            data["occurred_at"] = when
        child = data.get("child")
        if child is not None:
            data["linked_children"] = [
                p for p in data.get("linked_children") or [] if p.pk != child.pk
            ]
        return data

    def concern_data(self) -> ConcernData:
        data = self.cleaned_data
        return ConcernData(
            child=data["child"],
            linked_children=list(data.get("linked_children") or []),
            category=data["category"],
            subcategory=data.get("subcategory"),
            occurred_at=data["occurred_at"],
            location=data.get("location", ""),
            account=data["account"],
            child_words=data.get("child_words", ""),
            others_present=data.get("others_present", ""),
            agencies=list(data.get("agencies") or []),
            body_map=list(data.get("body_map") or []),
            action_taken=data.get("action_taken", ""),
            status=data["status"],
            restricted=data.get("restricted", False),
        )


def initial_from(concern: Concern, children: list, agencies: list) -> dict:
    """The edit form's starting values: the concern as it stands."""
    when = timezone.localtime(concern.occurred_at)
    return {
        "child": concern.child_id,
        "linked_children": [c.person_id for c in children if c.person_id != concern.child_id],
        "category": concern.category_id,
        "subcategory": concern.subcategory_id,
        "occurred_date": when.date(),
        "occurred_time": when.time().replace(second=0, microsecond=0),
        "location": concern.location,
        "account": concern.account,
        "child_words": concern.child_words,
        "others_present": concern.others_present,
        "agencies": [a.pk for a in agencies],
        "body_map": concern.body_map,
        "action_taken": concern.action_taken,
        "status": concern.status,
        "restricted": concern.restricted,
    }


class ErrorForm(forms.Form):
    reason = forms.CharField(
        label="Why was it entered in error?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    parent = forms.ModelChoiceField(
        label="Part of",
        queryset=ConcernCategory.unscoped.none(),
        required=False,
        empty_label="Nothing (a top-level category)",
        widget=QuickSelect,
    )
    position = forms.IntegerField(label="Order", min_value=0, max_value=10_000, required=False)
    is_active = forms.BooleanField(
        label="In use", required=False, initial=True, help_text="Untick to retire it."
    )

    def __init__(self, *args, organisation, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        tops = ConcernCategory.objects.for_org(organisation).filter(parent__isnull=True)
        if exclude is not None:
            tops = tops.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = tops


class PermissionForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.unscoped.none(), widget=QuickSelect)
    category = forms.ModelChoiceField(queryset=ConcernCategory.unscoped.none(), widget=QuickSelect)
    can_add = forms.BooleanField(label="May record concerns in it", required=False)
    can_view = forms.BooleanField(label="May see concerns in it", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_org(organisation)
        self.fields["category"].queryset = ConcernCategory.objects.for_org(organisation).filter(
            parent__isnull=True
        )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SafeguardingSettings
        fields = [
            "dsl_team",
            "always_alert_dsl_team",
            "cumulative_concerns",
            "cumulative_recorders",
            "cumulative_days",
            "cumulative_on_protection_plan",
        ]
        labels = {
            "dsl_team": "Safeguarding team",
            "always_alert_dsl_team": "Always alert the safeguarding team about every concern",
            "cumulative_concerns": "Cumulative alert: this many concerns",
            "cumulative_recorders": "…from this many different members of staff",
            "cumulative_days": "…within this many days",
            "cumulative_on_protection_plan": (
                "Alert the safeguarding team about any concern for a child on a child "
                "protection plan"
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsl_team"].queryset = Team.objects.for_org(organisation)
        self.fields["dsl_team"].widget = QuickSelect(choices=self.fields["dsl_team"].choices)
        for name in ("cumulative_concerns", "cumulative_recorders", "cumulative_days"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 365})
