"""Forms for actions on a concern, re-alerts and the DSL's triage decision."""

from __future__ import annotations

from django import forms

from haven.core.widgets import QuickSelect
from haven.safeguarding.alerts import ACTION_MAX_LENGTH, MESSAGE_MAX_LENGTH
from haven.safeguarding.models import TriageDecision

# What a referral to the local authority's front door carries besides the decision. The
# choices belong to the front door's contact record, which these fields fill in.
FRONT_DOOR_FIELDS = (
    "fd_summary",
    "fd_parents_informed",
    "fd_not_informed_reason",
    "fd_not_informed_explanation",
    "fd_consent",
    "fd_consent_not_sought_reason",
)


class ActionForm(forms.Form):
    """What was done about a concern, for one or more of its children."""

    children = forms.MultipleChoiceField(
        label="Which children is this action about?",
        widget=forms.CheckboxSelectMultiple,
        help_text="An action is kept on the record of each child you tick.",
        error_messages={"required": "Tick the child (or children) this action is about."},
    )
    text = forms.CharField(
        label="Action",
        max_length=ACTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you did and what happened, e.g. who you spoke to and what they said.",
        error_messages={"required": "Write what was done."},
    )

    def __init__(self, *args, children: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        field.choices = [(str(child.pk), child.full_name) for child in children]
        if len(children) == 1:
            # One child: nothing to choose, so no question to answer.
            field.widget = forms.MultipleHiddenInput()
            field.initial = [str(children[0].pk)]

    def chosen_children(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["children"]]


class RealertForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label="Who should add an action?",
        queryset=None,
        widget=QuickSelect,
        empty_label="Choose a member of staff",
        error_messages={"required": "Choose who to ask."},
    )
    message = forms.CharField(
        label="What are you asking them to do?",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They see this with the concern. Their email says only that there is an alert.",
        error_messages={"required": "Say what you are asking them to do."},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = candidates
        self.fields["recipient"].label_from_instance = lambda user: (
            f"{user.full_name}, {user.job_title}" if user.job_title else user.full_name
        )


Outcome = TriageDecision.Outcome


class TriageForm(forms.Form):
    """The DSL's decision on a concern, with the reasons for it."""

    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    child = forms.ChoiceField(
        label="Open the safeguarding case for",
        required=False,
        help_text="Only for “Open a safeguarding case”.",
    )
    case = forms.ChoiceField(
        label="Add to this open case",
        required=False,
        help_text="Only for “Add to the child's open case”.",
    )
    refer_to = forms.ChoiceField(
        label="Refer to",
        required=False,
        choices=[("", "Choose where")] + list(TriageDecision.ReferTo.choices),
        help_text="Only for “Refer on”.",
    )
    refer_detail = forms.CharField(
        label="Referred to (details)",
        required=False,
        max_length=200,
        help_text="Needed for “Another agency”: the agency or team, and any reference.",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why you decided this: what you considered and who you spoke to.",
        error_messages={"required": "Give the rationale for the decision."},
    )
    # For a referral to the front door (shown in their own fieldset).
    fd_summary = forms.CharField(
        label="What to share with the front door",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Started from what the concern says: edit it to what the front door needs to "
            "know. Only this, the child's identity and your contact details are sent; your "
            "rationale and the rest of the concern stay here."
        ),
    )
    fd_parents_informed = forms.ChoiceField(
        label="Do the parents or carers know about the referral?",
        required=False,
        choices=[("", "Choose"), ("yes", "Yes"), ("no", "No")],
    )
    fd_not_informed_reason = forms.ChoiceField(
        label="Why they have not been told",
        required=False,
        help_text="Only when the parents or carers have not been told.",
    )
    fd_not_informed_explanation = forms.CharField(
        label="Why telling them would have that effect",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when the parents or carers have not been told.",
    )
    fd_consent = forms.ChoiceField(
        label="Consent to the referral",
        required=False,
        help_text="A referral may be made without consent; say whether it was sought.",
    )
    fd_consent_not_sought_reason = forms.CharField(
        label="Why consent was not sought",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when consent was not sought.",
    )

    def __init__(self, *args, children: list, open_cases: list, concern=None, user=None, **kwargs):
        from haven.frontdoor.models import Consent, NotInformedReason

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["fd_not_informed_reason"].choices = [("", "Choose a reason")] + list(
            NotInformedReason.choices
        )
        self.fields["fd_consent"].choices = [("", "Choose")] + list(Consent.choices)
        for name in ("fd_summary", "fd_parents_informed", "fd_consent"):
            self.fields[name].conditionally_required = True
        if concern is not None:
            self.fields["fd_summary"].initial = concern.account
        for name in ("child", "case", "refer_to", "refer_detail"):
            # Needed for some decisions only: not labelled "(optional)"; the hint says when.
            self.fields[name].conditionally_required = True
        self.fields["child"].choices = [(str(c.pk), c.full_name) for c in children]
        if len(children) == 1:
            self.fields["child"].widget = forms.HiddenInput()
            self.fields["child"].initial = str(children[0].pk)
        self.fields["case"].choices = [("", "Choose a case")] + [
            (str(case.pk), label) for case, label in open_cases
        ]
        if not open_cases:
            self.fields["case"].help_text = "None of the children has an open case."

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.REFER:
            if not data.get("refer_to"):
                self.add_error("refer_to", "Choose where the concern is referred.")
            elif (
                data["refer_to"] == TriageDecision.ReferTo.OTHER_AGENCY
                and not (data.get("refer_detail") or "").strip()
            ):
                self.add_error("refer_detail", "Name the agency the concern is referred to.")
            elif data["refer_to"] == TriageDecision.ReferTo.FRONT_DOOR:
                self._clean_front_door(data)
        else:
            data["refer_to"], data["refer_detail"] = "", ""
        if outcome == Outcome.ADD_TO_CASE and not data.get("case"):
            self.add_error("case", "Choose the open case to add the concern to.")
        if outcome == Outcome.OPEN_CASE and not data.get("child"):
            self.add_error("child", "Choose the child the case is about.")
        return data

    @property
    def front_door_fields(self) -> list:
        return [self[name] for name in FRONT_DOOR_FIELDS]

    @property
    def other_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name not in FRONT_DOOR_FIELDS]

    def _clean_front_door(self, data) -> None:
        from haven.access import rules
        from haven.frontdoor.services.referrals import NO_FRONT_DOOR, front_door_of

        if self.user is not None and (
            not rules.can_refer_to_front_door(self.user)
            or front_door_of(self.user.organisation) is None
        ):
            self.add_error("refer_to", NO_FRONT_DOOR)
            return
        if not (data.get("fd_summary") or "").strip():
            self.add_error("fd_summary", "Write what to share with the front door.")
        informed = data.get("fd_parents_informed")
        if not informed:
            self.add_error(
                "fd_parents_informed", "Say whether the parents or carers know about the referral."
            )
        elif informed == "no":
            if not data.get("fd_not_informed_reason"):
                self.add_error(
                    "fd_not_informed_reason",
                    "Choose why the parents or carers have not been told.",
                )
            if not (data.get("fd_not_informed_explanation") or "").strip():
                self.add_error(
                    "fd_not_informed_explanation",
                    "Explain why telling the parents or carers would have that effect.",
                )
        consent = data.get("fd_consent")
        if not consent:
            self.add_error("fd_consent", "Say whether the family consented to the referral.")
        elif consent == "not_sought" and not data.get("fd_consent_not_sought_reason", "").strip():
            self.add_error("fd_consent_not_sought_reason", "Say why consent was not sought.")

    def front_door_details(self):
        """The referral's details for the front door, or None for any other decision."""
        data = self.cleaned_data
        if data.get("outcome") != Outcome.REFER:
            return None
        if data.get("refer_to") != TriageDecision.ReferTo.FRONT_DOOR:
            return None
        from haven.frontdoor.services.referrals import ReferralDetails

        informed = data.get("fd_parents_informed")
        return ReferralDetails(
            summary=data.get("fd_summary") or "",
            parents_informed=None if not informed else informed == "yes",
            not_informed_reason=data.get("fd_not_informed_reason") or "",
            not_informed_explanation=data.get("fd_not_informed_explanation") or "",
            consent=data.get("fd_consent") or "",
            consent_not_sought_reason=data.get("fd_consent_not_sought_reason") or "",
        )
