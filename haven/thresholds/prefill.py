"""What a threshold decision starts the forms that act on it at.

A guided decision chooses a level; the level maps to a front door RAG rating, a safeguarding
case threshold and a triage decision on a concern. The forms that record those (the initial
RAG rating, the DSL's triage decision, a case's details) start at the mapped value of the
latest decision on their subject. It is only a starting point: the practitioner can change
it, and what they save is recorded when they save it, like any other choice on the form.

Each function here costs one query (the latest decision with its level and author).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from haven.thresholds.models import ConcernOutcome, Rag, ThresholdDecision


@dataclass(frozen=True)
class Prefill:
    """Initial values for a form from a threshold decision, and the sentence that says so."""

    decision: ThresholdDecision
    initial: dict = field(default_factory=dict)
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.initial)


def latest_decision(organisation, *, since=None, **subject) -> ThresholdDecision | None:
    """The most recent decision on one subject (``concern=``, ``case=`` or ``contact=``),
    made after ``since`` if given: one query."""
    rows = ThresholdDecision.objects.for_org(organisation).filter(**subject)
    if since is not None:
        rows = rows.filter(created_at__gt=since)
    return rows.select_related("chosen_level", "decided_by").order_by("-created_at", "-pk").first()


def _said(decision: ThresholdDecision, what: str) -> str:
    when = timezone.localtime(decision.created_at)
    who = decision.decided_by.full_name
    return (
        f"Started at {what}: the threshold decision of {when:%d/%m/%Y %H:%M} by {who} chose "
        f"{decision.chosen_level.name}. You can change it."
    )


def for_rating(contact) -> Prefill | None:
    """The initial RAG rating of a front-door contact, from its latest decision."""
    decision = latest_decision(contact.organisation, contact=contact)
    if decision is None or not decision.chosen_level.rag_rating:
        return None
    level = decision.chosen_level
    return Prefill(
        decision,
        {"rating": level.rag_rating},
        _said(decision, level.get_rag_rating_display().lower()),
    )


def for_triage(concern, open_cases) -> Prefill | None:
    """The DSL's triage decision on ``concern``, from the latest decision on it.

    ``open_cases`` are the (case, label) pairs the triage form offers: a level that opens a
    case adds the concern to the child's case instead when there is exactly one open.
    """
    from haven.safeguarding.models import TriageDecision

    Outcome, ReferTo = TriageDecision.Outcome, TriageDecision.ReferTo
    decision = latest_decision(concern.organisation, concern=concern)
    if decision is None or not decision.chosen_level.concern_outcome:
        return None
    mapped = decision.chosen_level.concern_outcome
    if mapped == ConcernOutcome.MONITOR:
        initial = {"outcome": Outcome.MONITOR}
    elif mapped == ConcernOutcome.EARLY_HELP:
        initial = {"outcome": Outcome.REFER, "refer_to": ReferTo.EARLY_HELP}
    elif mapped == ConcernOutcome.FRONT_DOOR:
        initial = {"outcome": Outcome.REFER, "refer_to": ReferTo.FRONT_DOOR}
    elif len(open_cases) == 1:
        initial = {"outcome": Outcome.ADD_TO_CASE, "case": str(open_cases[0][0].pk)}
    else:
        initial = {"outcome": Outcome.OPEN_CASE}
    what = dict(Outcome.choices)[initial["outcome"]].lower()
    if "refer_to" in initial:
        what = f"{what} to {dict(ReferTo.choices)[initial['refer_to']].lower()}"
    return Prefill(decision, initial, _said(decision, f"“{what}”"))


def _threshold_named(name: str, thresholds):
    return next((t for t in thresholds if t.name == name), None)


EARLY_HELP_CASE_TYPE = "Early help"


def for_new_case(concern, thresholds) -> Prefill | None:
    """The threshold of a case opened from ``concern``, from the latest decision on it.
    ``thresholds`` are the organisation's thresholds in use (already read for the page).

    A school or setting that runs its own early help opens a case of the type "Early help":
    an early help level starts the case at that type too (one more query, only then)."""
    from haven.configuration.queries import options

    decision = latest_decision(concern.organisation, concern=concern)
    if decision is None:
        return None
    level = decision.chosen_level
    initial, what = {}, []
    threshold = _threshold_named(level.case_threshold, thresholds)
    if threshold is not None:
        initial["threshold"] = threshold.pk
        what.append(threshold.name)
    if level.early_help:
        case_type = (
            options(concern.organisation, "case_type")
            .filter(label__iexact=EARLY_HELP_CASE_TYPE)
            .values_list("pk", flat=True)
            .first()
        )
        if case_type is not None:
            initial["case_type"] = case_type
            what.append("an early help case")
    if not initial:
        return None
    return Prefill(decision, initial, _said(decision, ", ".join(what)))


def for_case(case, thresholds) -> Prefill | None:
    """The threshold on a case's edit form, from a decision made on the case since its
    details were last saved (a decision already acted on does not override a later choice:
    once the case has been edited after it, the form shows the case as it is).

    One query: the time of the last edit is a subquery of the decision's."""
    from haven.cases.models import CaseEdit

    edited_since = CaseEdit.objects.for_org(case.organisation).filter(
        case=case, created_at__gte=OuterRef("created_at")
    )
    rows = ThresholdDecision.objects.for_org(case.organisation).filter(
        ~Exists(edited_since), case=case
    )
    decision = (
        rows.select_related("chosen_level", "decided_by").order_by("-created_at", "-pk").first()
    )
    if decision is None:
        return None
    threshold = _threshold_named(decision.chosen_level.case_threshold, thresholds)
    if threshold is None or threshold.pk == case.threshold_id:
        return None
    return Prefill(decision, {"threshold": threshold.pk}, _said(decision, threshold.name))


STATUTORY_RATINGS = frozenset({Rag.RED, Rag.AMBER_CP, Rag.AMBER_CIN})


def for_early_help(contact) -> Prefill | None:
    """The front door's early help decision on a contact, from its latest decision: an early
    help level offers early help; a level the front door rates as child in need or child
    protection steps the contact up to the MASH manager."""
    from haven.frontdoor.services.screening import EarlyHelpDecision

    decision = latest_decision(contact.organisation, contact=contact)
    if decision is None:
        return None
    level = decision.chosen_level
    if level.rag_rating in STATUTORY_RATINGS:
        choice = EarlyHelpDecision.STEP_UP
    elif level.early_help or level.rag_rating == Rag.GREEN:
        choice = EarlyHelpDecision.OFFER
    else:
        return None
    what = dict(EarlyHelpDecision.CHOICES)[choice].split(":")[0].lower()
    return Prefill(decision, {"decision": choice}, _said(decision, f"“{what}”"))
