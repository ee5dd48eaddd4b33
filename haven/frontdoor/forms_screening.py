"""Forms for screening, the initial RAG rating, social work allocation and early help.

The forms check what a form can (a choice made, a reason written); the rules of the domain
(consent for a child-in-need route, who may do what, the contact's status) live in
``services.screening`` and come back to the page as one clear message.
"""

from __future__ import annotations

from django import forms

from haven.accounts.models import Team, User
from haven.core.widgets import QuickSelect
from haven.frontdoor.models import EarlyHelpOffer, Known, Rag
from haven.frontdoor.services.screening import EarlyHelpDecision

NOTE = forms.Textarea(attrs={"rows": 4})


class WorkerField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(queryset=User.unscoped.none(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.full_name}{f' ({obj.job_title})' if obj.job_title else ''}"


class ScreeningForm(forms.Form):
    known = forms.ChoiceField(
        label="Is the family known to children's services?",
        choices=Known.choices,
        widget=forms.RadioSelect,
    )
    allocated_worker = WorkerField(
        label="Allocated worker",
        required=False,
        help_text="Only if the family is open to a worker: the contact goes to them and leaves "
        "the front door.",
    )
    note = forms.CharField(
        label="What you checked and found",
        widget=NOTE,
        help_text="The records you checked, what they showed, and anything the senior "
        "practitioner should know.",
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocated_worker"].queryset = workers
        self.fields["allocated_worker"].conditionally_required = True

    def clean(self):
        data = super().clean()
        if data.get("known") == Known.OPEN:
            if not data.get("allocated_worker") and "allocated_worker" not in self.errors:
                self.add_error(
                    "allocated_worker",
                    "Choose the allocated worker the contact goes to.",
                )
        else:
            # The worker applies only to an open family; a choice left over is ignored.
            data["allocated_worker"] = None
        return data


class RatingForm(forms.Form):
    """The initial RAG rating. Later questions (a guided threshold decision) are added as
    fields of a subclass; ``rating_data`` is what the rating service is given."""

    rating = forms.ChoiceField(
        label="Initial RAG rating", choices=Rag.choices, widget=forms.RadioSelect
    )
    threshold_uncertain = forms.BooleanField(
        label="The threshold or trajectory is uncertain: take it to the daily allocation meeting",
        required=False,
        help_text="Amber (child in need) only. The meeting decides within 3 working days.",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why this rating: the needs and risks you weighed, and what you know of "
        "the family.",
    )

    def clean(self):
        data = super().clean()
        if data.get("threshold_uncertain") and data.get("rating") not in (None, Rag.AMBER_CIN):
            self.add_error(
                "threshold_uncertain",
                "Only an amber (child in need) contact goes to the daily allocation meeting.",
            )
        return data

    def rating_data(self) -> dict:
        data = self.cleaned_data
        return {
            "rating": data["rating"],
            "rationale": data["rationale"],
            "threshold_uncertain": data["threshold_uncertain"],
        }


class AllocationForm(forms.Form):
    ALLOCATE, MEETING, STEP_UP = "allocate", "meeting", "step_up"

    action = forms.ChoiceField(
        label="What happens next",
        choices=[
            (ALLOCATE, "Allocate to a social work team for an assessment"),
            (MEETING, "Take it to the daily allocation meeting: the threshold is uncertain"),
            (STEP_UP, "Pass it to the MASH manager: there are child protection concerns"),
        ],
        widget=forms.RadioSelect,
    )
    team = forms.ModelChoiceField(
        label="Social work team",
        queryset=Team.unscoped.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    note = forms.CharField(
        label="Note",
        widget=NOTE,
        required=False,
        help_text="For the team: what to start with. For the meeting or the MASH manager: why.",
    )
    feedback_to_referrer = forms.CharField(
        label="What to tell the referrer",
        widget=NOTE,
        required=False,
        help_text="Sent with the outcome when the contact is allocated. Nothing the family "
        "should not hear from the referrer.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].conditionally_required = True

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.ALLOCATE and not data.get("team") and "team" not in self.errors:
            self.add_error("team", "Choose the social work team.")
        if action in (self.MEETING, self.STEP_UP) and not data.get("note"):
            self.add_error("note", "Say why.")
        return data


class EarlyHelpDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Early help decision", choices=EarlyHelpDecision.CHOICES, widget=forms.RadioSelect
    )
    offer = forms.ChoiceField(
        label="Early help offered",
        choices=EarlyHelpOffer.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why this decision. For a signpost, the service and how the family reaches "
        "it. For a step up, what worries you.",
    )
    feedback_to_referrer = forms.CharField(
        label="What to tell the referrer",
        widget=NOTE,
        required=False,
        help_text="Sent with the outcome. Nothing the family should not hear from the referrer.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].conditionally_required = True

    def clean(self):
        data = super().clean()
        if data.get("decision") == EarlyHelpDecision.OFFER:
            if not data.get("offer") and "offer" not in self.errors:
                self.add_error("offer", "Choose the early help offered.")
        else:
            data["offer"] = ""
        return data
