"""Forms of the MASH: the manager's review, the family-told question, information requests
and their answers, the MASH record and the manager's decision. The forms check shape and
completeness; the services in ``services.mash`` check the rules."""

from __future__ import annotations

from django import forms

from haven.accounts.models import Team
from haven.documents.forms import DocumentUploadField
from haven.frontdoor.models import AnswerMethod, EarlyHelpOffer, Outcome, PartnerAgency, Rag
from haven.frontdoor.services.mash import MASH_OUTCOMES, answering_agencies

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _text(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(
        label="Reviewed RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        help_text="Green passes the contact to early help; amber (child in need) to social "
        "work allocation; red and amber (child protection) go on to MASH information "
        "gathering.",
    )
    rationale = forms.CharField(
        label="Why",
        widget=_text(5),
        help_text="What the family's history and the contact tell you. For green, say clearly "
        "why the threshold for a statutory social work service is not met.",
    )
    threshold_uncertain = forms.BooleanField(
        label="Threshold uncertain: take it to the daily allocation meeting",
        required=False,
        help_text="Amber (child in need) only.",
    )


class FamilyToldForm(forms.Form):
    told = forms.ChoiceField(
        label="Was the family told that checks will be made with partner agencies?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Tell them what will be asked, of whom, and why.",
    )
    reason = forms.CharField(
        label="If not, why not",
        required=False,
        widget=_text(3),
        help_text="Only if telling them would put the child at risk of further harm, "
        "prejudice a criminal investigation or unjustifiably delay enquiries.",
    )
    reason.conditionally_required = True

    def clean(self):
        data = super().clean()
        data["told"] = _yes_no(data.get("told"))
        if data["told"] is False and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the family was not told.")
        return data


class AgencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RequestForm(forms.Form):
    agencies = AgencyChoiceField(
        label="Agencies to ask",
        queryset=PartnerAgency.unscoped.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to ask."},
    )
    question = forms.CharField(
        label="What the MASH needs to know",
        widget=_text(5),
        help_text="Each agency chosen is asked this. Be specific: the agency searches its "
        "own records from the names, dates of birth and addresses on the contact.",
    )

    def __init__(self, *args, organisation, asked_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = answering_agencies(organisation).exclude(
            pk__in=list(asked_ids)
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why withdraw this request", widget=_text(2), max_length=500)


class _AgencyChoices(forms.Form):
    """An answer's two yes/no choices, turned into booleans."""

    def clean(self):
        data = super().clean()
        for name in ("may_pass_on", "may_share_with_family"):
            if name in data:
                data[name] = _yes_no(data[name])
        return data


class AnswerForm(_AgencyChoices):
    summary = forms.CharField(
        label="What your agency holds",
        widget=_text(8),
        help_text="A written summary of what your records show about these people and how "
        "it bears on the concerns. If your agency holds nothing, say so.",
    )
    attachment = DocumentUploadField(label="Attach a document", required=False)
    may_pass_on = forms.ChoiceField(
        label="May this be passed on to the service the case goes to?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="If not, it stays in the MASH: it informs the decision but is never sent onward.",
    )
    may_share_with_family = forms.ChoiceField(
        label="May this be shared with the family?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class AnswerForAgencyForm(_AgencyChoices):
    """An agency's answer given outside Haven, recorded by the MASH on its behalf."""

    method = forms.ChoiceField(
        label="How the agency answered", choices=AnswerMethod.choices, widget=forms.RadioSelect
    )
    given_by = forms.CharField(
        label="Who at the agency gave the answer",
        max_length=200,
        help_text="Their name and role, e.g. “PC Jo Hart, public protection unit”.",
    )
    summary = forms.CharField(
        label="What the agency holds",
        widget=_text(8),
        help_text="What they told you their records show, as they gave it. If they hold "
        "nothing, say so.",
    )
    may_pass_on = forms.ChoiceField(
        label="Did the agency agree that this may be passed on to the service the case goes to?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="If not, it stays in the MASH: it informs the decision but is never sent onward.",
    )
    may_share_with_family = forms.ChoiceField(
        label="Did the agency agree that this may be shared with the family?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class MashRecordForm(forms.Form):
    agency_summary = forms.CharField(
        label="Summary of each agency's information",
        widget=_text(10),
        required=False,
        help_text="This summary stays in the MASH and is never sent onward.",
    )
    analysis = forms.CharField(
        label="Analysis",
        widget=_text(8),
        help_text="This is sent to the service the case goes to: do not repeat information an "
        "agency asked not to be passed on.",
    )
    recommended_rag = forms.ChoiceField(
        label="Recommended level of need", choices=Rag.choices, widget=forms.RadioSelect
    )
    recommended_action = forms.CharField(label="Recommended action", widget=_text(3))


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DecisionForm(forms.Form):
    final_rag = forms.ChoiceField(
        label="Final RAG rating", choices=Rag.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(label="Why", widget=_text(4))
    outcome = forms.ChoiceField(
        label="What happens next",
        choices=[(o.value, o.label) for o in MASH_OUTCOMES],
        widget=forms.RadioSelect,
    )
    team = TeamChoiceField(
        label="Social work team",
        queryset=Team.unscoped.none(),
        required=False,
        help_text="For a strategy discussion or a social work team.",
    )
    team.conditionally_required = True
    early_help_offer = forms.ChoiceField(
        label="Early help offer",
        choices=[("", "Choose an offer"), *EarlyHelpOffer.choices],
        required=False,
        help_text="For early help.",
    )
    early_help_offer.conditionally_required = True
    detail = forms.CharField(
        label="Details of the outcome",
        widget=_text(3),
        required=False,
        help_text="For a signpost, the service the family is signposted to (this names the "
        "onward record's recipient).",
    )
    feedback_to_referrer = forms.CharField(
        label="Feedback to the referrer",
        widget=_text(4),
        required=False,
        help_text="Sent to the referrer with the outcome. Only what may be shared: never what "
        "an agency asked not to be passed on or not to be shared with the family.",
    )

    def __init__(self, *args, organisation, **kwargs):
        from haven.frontdoor.services.screening import social_work_teams

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = social_work_teams(organisation)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in (Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM) and not data.get(
            "team"
        ):
            self.add_error("team", "Choose the social work team the contact goes to.")
        if outcome == Outcome.EARLY_HELP and not data.get("early_help_offer"):
            self.add_error("early_help_offer", "Choose the early help offer.")
        if outcome == Outcome.SIGNPOST and not (data.get("detail") or "").strip():
            self.add_error("detail", "Say which service the family is signposted to.")
        return data


class SendBackForm(forms.Form):
    reason = forms.CharField(label="What more information is needed", widget=_text(3))
