from django import forms

from haven.configuration.fields import OptionField
from haven.core import clock
from haven.core.widgets import QuickSelect
from haven.people.models import Flag, Identifier, Person, RelationshipType, YearGroup

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})


class PersonForm(forms.Form):
    """A child's or an adult's details. Which fields apply depends on ``kind``."""

    first_name = forms.CharField(max_length=80)
    middle_names = forms.CharField(max_length=120, required=False)
    last_name = forms.CharField(max_length=80)
    known_as = forms.CharField(label="Preferred name / known as", max_length=80, required=False)
    previous_names = forms.CharField(
        max_length=200, required=False, help_text="Earlier surnames or names, separated by commas."
    )
    adult_role = forms.ChoiceField(
        label="Who they are", choices=Person.AdultRole.choices, required=False, widget=QuickSelect
    )
    is_unborn = forms.BooleanField(label="This child is not yet born", required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=DATE_WIDGET,
        help_text="For example 25/06/2021.",
    )
    expected_date = forms.DateField(
        label="Expected date of birth (unborn child)", required=False, widget=DATE_WIDGET
    )
    gender = OptionField("gender")
    ethnicity = OptionField("ethnicity")
    first_language = OptionField("first_language")
    phone = forms.CharField(
        max_length=30, required=False, help_text="A UK number, e.g. 020 7946 0000."
    )
    mobile = forms.CharField(max_length=30, required=False, help_text="e.g. 07700 900123.")
    email = forms.EmailField(required=False)
    do_not_contact = forms.BooleanField(label="Do not contact", required=False)
    school = forms.CharField(label="School or setting attending", max_length=150, required=False)
    year_group = forms.ChoiceField(
        choices=[("", "Not known"), *YearGroup.choices], required=False, widget=QuickSelect
    )
    class_group = forms.CharField(label="Class / tutor group", max_length=40, required=False)
    medical_details = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    allergies = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    dietary_needs = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    CHILD_ONLY = ("is_unborn", "expected_date", "school", "year_group", "class_group")
    ADULT_ONLY = ("adult_role",)

    def __init__(self, *args, organisation, kind, instance=None, **kwargs):
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in ("gender", "ethnicity", "first_language"):
            current = getattr(instance, f"{name}_id", None) if instance else None
            self.fields[name].limit_to(organisation, current)
        hidden = self.ADULT_ONLY if kind == Person.Kind.CHILD else self.CHILD_ONLY
        for name in hidden:
            del self.fields[name]
        if kind == Person.Kind.ADULT:
            self.fields["date_of_birth"].help_text = "Optional for adults."
        else:
            # Needed unless the child is unborn; checked in clean(), so not "(optional)".
            self.fields["date_of_birth"].conditionally_required = True
            self.fields[
                "date_of_birth"
            ].help_text = (
                "For example 25/06/2021. For an unborn child, give the expected date instead."
            )

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > clock.today():
            raise forms.ValidationError("A date of birth cannot be in the future.")
        return born

    def clean(self):
        data = super().clean()
        if self.kind == Person.Kind.CHILD:
            if data.get("is_unborn"):
                if not data.get("expected_date"):
                    self.add_error("expected_date", "Enter the expected date of birth.")
            elif not data.get("date_of_birth") and "date_of_birth" not in self.errors:
                self.add_error("date_of_birth", "Enter the child's date of birth.")
        from django.core.exceptions import ValidationError

        from haven.people.validation import clean_phone

        for name in ("phone", "mobile"):
            if data.get(name):
                try:
                    data[name] = clean_phone(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class AddressForm(forms.Form):
    address_line_1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(max_length=10, required=False)


class DuplicateReasonForm(forms.Form):
    duplicate_reason = forms.CharField(
        label="Why is this a different person?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to continue when Haven has found possible matches. It is recorded.",
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label="Identifier", choices=Identifier.Kind.choices)
    label = forms.CharField(
        label="Name of the identifier",
        max_length=60,
        required=False,
        help_text="Only for “Other identifier”, e.g. “MIS admission number”.",
    )
    value = forms.CharField(label="Number or reference", max_length=60)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200)


class FlagForm(forms.Form):
    flag = forms.ChoiceField(label="Status", choices=Flag.choices)
    start_date = forms.DateField(label="Started on", widget=DATE_WIDGET)
    allocated_worker = forms.CharField(
        label="Allocated worker",
        max_length=150,
        required=False,
        help_text="For “Open to children's social care”: the social worker's name.",
    )
    note = forms.CharField(max_length=300, required=False)


class EndFlagForm(forms.Form):
    end_date = forms.DateField(label="Ended on", widget=DATE_WIDGET)


class RelationshipForm(forms.Form):
    related = forms.TypedChoiceField(label="Related person", coerce=int, choices=[])
    type = forms.ChoiceField(label="They are this person's", choices=RelationshipType.choices)
    explanation = forms.CharField(max_length=300, required=False)
    parental_responsibility = forms.BooleanField(required=False)
    emergency_contact = forms.BooleanField(required=False)
    lives_with = forms.BooleanField(label="Lives with this person", required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related"].choices = [
            (
                p.pk,
                f"{p.display_name}"
                + (f", born {p.date_of_birth:%d/%m/%Y}" if p.date_of_birth else "")
                + f" — {p.household.name}",
            )
            for p in candidates
        ]
        self.fields["related"].widget = forms.RadioSelect(choices=self.fields["related"].choices)


class MergeForm(forms.Form):
    reason = forms.CharField(
        label="Why are these the same person?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="I have checked both records and they are the same person. This cannot be undone."
    )
