"""Administering threshold frameworks, and the guided threshold decision on a concern.

Thin: decorators → scoped fetch → form → service → redirect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.errors import DomainError
from haven.safeguarding import triage
from haven.thresholds import definitions, editor, queries, services
from haven.thresholds.forms import CopyForm, DecisionForm, DefinitionForm, ImportForm, pretty
from haven.thresholds.models import ConcernOutcome, RagRating
from haven.thresholds.suggestion import Tick, suggest

administer = requires(rules.can_configure_threshold_frameworks)
lead = requires(rules.can_triage_concerns)
cases_worker = requires(rules.can_work_with_cases)
front_door = requires(rules.can_decide_thresholds_at_front_door)


@administer
@require_safe
def frameworks(request):
    rows = list(queries.frameworks(request.user.organisation))
    return render(request, "thresholds/frameworks.html", {"frameworks": rows})


@administer
@require_safe
def framework(request, pk: int):
    framework = queries.get_framework(request.user, pk)
    levels, domains, rows = queries.version_contents(framework.current_version)
    context = {
        "framework": framework,
        "version": framework.current_version,
        "levels": levels,
        "domains": domains,
        "versions": queries.versions(framework),
    }
    return render(request, "thresholds/framework.html", context)


@administer
@require_POST
def framework_choose(request, pk: int):
    framework = queries.get_framework(request.user, pk)
    services.framework_choose(actor=request.user, framework=framework)
    messages.success(request, f"Your organisation now uses “{framework.name}”.")
    return redirect("thresholds:frameworks")


@administer
@require_http_methods(["GET", "POST"])
def framework_copy(request, pk: int):
    framework = queries.get_framework(request.user, pk)
    form = CopyForm(request.POST or None, initial={"name": f"Copy of {framework.name}"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_copy(
                actor=request.user, framework=framework, name=form.cleaned_data["name"]
            )
        except DomainError as problem:
            form.add_error("name", str(problem))
        else:
            messages.success(request, f"“{copy.name}” is a copy you can now edit.")
            return redirect("thresholds:framework", pk=copy.pk)
    return render(
        request,
        "thresholds/framework_copy.html",
        {"framework": framework, "form": form},
        status=400 if form.errors else 200,
    )


def _case_threshold_names(organisation) -> list[str]:
    from haven.cases.models import CaseThreshold

    rows = CaseThreshold.objects.for_org(organisation).order_by("position", "name")
    return list(rows.values_list("name", flat=True))


@administer
@require_http_methods(["GET", "POST"])
def framework_edit(request, pk: int):
    """The form editor: every text, mapping and indicator of the framework as fields."""
    framework = queries.get_framework(request.user, pk)
    problems, note = [], ""
    if request.method == "POST":
        shown = editor.from_post(request.POST)
        note = (request.POST.get("note") or "").strip()
        try:
            version = services.framework_publish(
                actor=request.user, framework=framework, definition=shown, note=note
            )
        except definitions.DefinitionError as problem:
            problems = problem.problems
        except DomainError as problem:
            problems = [str(problem)]
        else:
            messages.success(request, f"Version {version.number} of “{version.name}” published.")
            return redirect("thresholds:framework", pk=framework.pk)
    else:
        shown = definitions.export(framework.current_version)
    context = {
        "framework": framework,
        "d": shown,
        "note": note,
        "problems": problems,
        "new_rows": range(editor.NEW_ROWS),
        "case_thresholds": _case_threshold_names(request.user.organisation),
        "rag_choices": RagRating.choices,
        "outcome_choices": ConcernOutcome.choices,
    }
    return render(
        request, "thresholds/framework_edit.html", context, status=400 if problems else 200
    )


@administer
@require_http_methods(["GET", "POST"])
def framework_edit_json(request, pk: int):
    framework = queries.get_framework(request.user, pk)
    initial = {"definition": pretty(definitions.export(framework.current_version))}
    form = DefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.framework_publish(
                actor=request.user,
                framework=framework,
                definition=form.cleaned_data["definition"],
                note=form.cleaned_data["note"],
            )
        except DomainError as problem:
            form.add_error("definition", str(problem))
        else:
            messages.success(request, f"Version {version.number} of “{version.name}” published.")
            return redirect("thresholds:framework", pk=framework.pk)
    return render(
        request,
        "thresholds/framework_edit_json.html",
        {"framework": framework, "form": form},
        status=400 if form.errors else 200,
    )


@administer
@require_safe
def framework_export(request, pk: int):
    framework = queries.get_framework(request.user, pk)
    version = framework.current_version
    record_event(
        action=Action.EXPORT,
        actor=request.user,
        request=request,
        obj=framework,
        detail={"what": "threshold framework", "version": version.number},
    )
    body = json.dumps(definitions.export(version), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(framework.name) or "framework"
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version.number}.json"'
    return response


@administer
@require_http_methods(["GET", "POST"])
def framework_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_import(
                actor=request.user, definition=form.cleaned_data["file"]
            )
        except DomainError as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(request, f"“{framework.name}” imported.")
            return redirect("thresholds:framework", pk=framework.pk)
    return render(
        request,
        "thresholds/framework_import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- The guided decision on a concern ---------------------------------------------------------


def _suggestion(version, levels, form_indicators, ticked):
    by_pk = {level.pk: level for level in levels}
    result = suggest(
        (
            Tick(
                by_pk[form_indicators[pk].level_id].position,
                str(form_indicators[pk].domain_id),
                form_indicators[pk].always_escalate,
            )
            for pk in ticked
        ),
        top=len(levels) - 1,
        cluster_domains=version.cluster_domains,
    )
    return levels[result.level], result.reason


@dataclass
class Subject:
    """What a guided decision is about, and how its page talks about it."""

    kwargs: dict  # for decision_record: concern=, case= or contact= (and child=)
    title: str
    about: str
    back_url: str
    back_label: str
    links: list = field(default_factory=list)  # (url, label) besides the way back
    audit_obj: object = None
    child_id: int | None = None
    child: object = None
    detail: str = ""


def _decide(request, subject: Subject):
    try:
        framework = services.framework_in_use_or_error(request.user.organisation)
    except DomainError as problem:
        messages.error(request, str(problem))
        return redirect(subject.back_url)
    version = framework.current_version
    levels, domains, rows = queries.version_contents(version)
    form = DecisionForm(request.POST or None, version=version, levels=levels, indicators=rows)
    ticked = form.ticked() if form.is_bound else {}
    suggested, reason = _suggestion(version, levels, form.indicators, ticked)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "save":
        try:
            services.decision_record(
                actor=request.user,
                version=version,
                ticked=ticked,
                chosen_level=form.cleaned_data["chosen_level"],
                rationale=form.cleaned_data["rationale"],
                **subject.kwargs,
            )
        except DomainError as problem:
            form.add_error("rationale", str(problem))
        else:
            chosen = form.cleaned_data["chosen_level"]
            messages.success(
                request, f"Threshold decision recorded for {subject.about}: {chosen.name}."
            )
            return redirect(subject.back_url)
    chosen = form.cleaned_data.get("chosen_level") if form.is_bound and form.is_valid() else None
    if request.method == "GET":
        record_event(
            action=Action.VIEW,
            actor=request.user,
            request=request,
            obj=subject.audit_obj,
            person_id=subject.child_id,
            detail={"what": f"{subject.about}, for a threshold decision"},
        )
    subject_filter = {k: v for k, v in subject.kwargs.items() if k != "child"}
    context = {
        "subject": subject,
        "framework": framework,
        "version": version,
        "levels": levels,
        "domains": domains,
        "form": form,
        "ticked": ticked,
        "suggested": suggested,
        "reason": reason,
        "chosen": chosen or suggested,
        "decisions": queries.decisions_for(request.user.organisation, **subject_filter),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "thresholds/decide.html", context, status=status)


@lead
@require_http_methods(["GET", "POST"])
def concern_decide(request, pk: int):
    concern = triage.get_concern_for_triage(request.user, pk)
    if not rules.can_decide_threshold_on_concern(request.user, concern):
        raise PermissionDenied  # entered in error: kept, but no longer decided on
    category = concern.category.name
    if concern.subcategory_id:
        category = f"{category} – {concern.subcategory.name}"
    subject = Subject(
        kwargs={"concern": concern},
        title=f"Threshold decision on concern {concern.number}",
        about=f"concern {concern.number}",
        back_url=reverse("safeguarding:concern", args=[concern.pk]),
        back_label="Open the concern",
        links=[(reverse("safeguarding:triage_decide", args=[concern.pk]), "Triage decision")],
        audit_obj=concern,
        child_id=concern.child_id,
        child=concern.child,
        detail=category,
    )
    return _decide(request, subject)


@cases_worker
@require_http_methods(["GET", "POST"])
def case_decide(request, pk: int):
    from haven.cases.queries import get_case_for_user

    case = get_case_for_user(request.user, pk, for_write=True)
    if not rules.can_decide_threshold_on_case(request.user, case):
        raise PermissionDenied
    subject = Subject(
        kwargs={"case": case},
        title=f"Threshold decision on safeguarding case {case.reference}",
        about=f"safeguarding case {case.reference}",
        back_url=reverse("cases:case", args=[case.pk]),
        back_label="Open the case",
        audit_obj=case,
        child_id=case.child_id,
        child=case.child,
        detail=f"the case's threshold is {case.threshold.name}",
    )
    return _decide(request, subject)


@front_door
@require_http_methods(["GET", "POST"])
def contact_decide(request, pk: int):
    from haven.frontdoor.models import Status
    from haven.frontdoor.queries import get_contact_for_user

    contact = get_contact_for_user(request.user, pk)
    if not rules.can_decide_threshold_on_contact(request.user, contact):
        raise PermissionDenied
    child = services.contact_child(contact)
    back = reverse("frontdoor:contact", args=[contact.pk])
    if child is None:
        messages.error(request, "This contact is about no child yet: add the child first.")
        return redirect(back)
    links = []
    if contact.status == Status.RATING and rules.can_rate_contacts(request.user):
        links.append((reverse("frontdoor:contact_rate", args=[contact.pk]), "RAG rating"))
    elif contact.status == Status.EARLY_HELP and rules.can_make_early_help_decision(request.user):
        links.append(
            (reverse("frontdoor:contact_early_help", args=[contact.pk]), "Early help decision")
        )
    subject = Subject(
        kwargs={"contact": contact},
        title=f"Threshold decision on contact {contact.number}",
        about=f"contact {contact.number}",
        back_url=back,
        back_label="Open the contact",
        links=links,
        audit_obj=contact,
        child_id=child.pk,
        child=child,
        detail="the level the framework maps to a RAG rating or early help",
    )
    return _decide(request, subject)
