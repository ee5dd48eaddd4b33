"""Intake pages: logging a contact, the contact page every later stage links from, and the
no-names consultations. Thin: fetch (scoped), form, service, redirect.

The contact form works without JavaScript. Its "Find" and "Add" buttons post the whole form
back; the page is drawn again from what was typed (not validated, so an unfinished form is
not covered in complaints), with the people found or added, so nothing typed is lost while
children and adults are chosen. With JavaScript, the finders answer as the user types.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.frontdoor import queries
from haven.frontdoor.forms_intake import (
    ConsultationForm,
    ContactDocumentForm,
    ContactForm,
    NewPersonForm,
    now_initial,
)
from haven.frontdoor.models import Source, Status
from haven.frontdoor.services import consultations as consultation_services
from haven.frontdoor.services import intake as services
from haven.people import search
from haven.people import services as people_services
from haven.people.models import Person

logger = requires(rules.can_log_contacts)
staff = requires(rules.is_front_door_staff)
consultation_reader = requires(rules.can_view_consultations)
consultation_recorder = requires(rules.can_record_consultations)

FOUND_LIMIT = 10
# Each role's finder and "add a new person" section, by the names the form posts.
ROLES = {
    "child": {"field": "children", "kind": Person.Kind.CHILD, "label": "child"},
    "adult": {"field": "adults", "kind": Person.Kind.ADULT, "label": "adult"},
}
MULTIPLE = {"children", "adults"}


# --- Finding and adding people ------------------------------------------------------------


def _people(organisation, kind):
    return Person.objects.for_org(organisation).filter(kind=kind, merged_into__isnull=True)


def find_people(request, role: str, query: str) -> list[Person]:
    """People of ``role``'s kind matching ``query``; every search is audited."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    organisation = request.user.organisation
    visible = _people(organisation, ROLES[role]["kind"])
    found = search.search(organisation, query, visible=visible)[:FOUND_LIMIT]
    record_event(
        action=Action.SEARCH,
        actor=request.user,
        request=request,
        detail={
            "what": f"finding an {role} for a contact"
            if role == "adult"
            else "finding a child for a contact",
            "query": query,
            "results": len(found),
        },
    )
    return found


@logger
@require_safe
def people_found(request):
    """A finder's results as a fragment (htmx, as the person types)."""
    role = "adult" if "adult_q" in request.GET else "child"
    query = request.GET.get(f"{role}_q", "")
    return render(
        request,
        "frontdoor/intake/_found_people.html",
        {
            "found": find_people(request, role, query),
            "role": role,
            "query": query,
            "field": ROLES[role]["field"],
        },
    )


def _as_initial(post) -> dict:
    """What was typed so far, as the starting values of an unbound form."""
    return {k: v if k in MULTIPLE else v[-1] for k, v in post.lists()}


def _chosen(form, organisation) -> dict[str, list[Person]]:
    """The children and adults already chosen (posted or carried as starting values)."""
    ids = {}
    for role, spec in ROLES.items():
        name = spec["field"]
        if form.is_bound:
            values = form.data.getlist(name)
        else:
            values = form.initial.get(name) or []
            values = [values] if isinstance(values, str | int) else values
        ids[role] = list(dict.fromkeys(str(v) for v in values if str(v).isdigit()))
    everyone = [i for values in ids.values() for i in values]
    people = {}
    if everyone:
        people = {
            str(p.pk): p
            for p in Person.objects.for_org(organisation).filter(
                pk__in=everyone, merged_into__isnull=True
            )
        }
    return {
        role: [people[i] for i in values if i in people and people[i].kind == ROLES[role]["kind"]]
        for role, values in ids.items()
    }


def _pressed(request, prefix: str) -> str | None:
    for role in ROLES:
        if f"{prefix}_{role}" in request.POST:
            return role
    return None


def _add_person(request, role: str, initial: dict) -> dict:
    """Run the "add a new child/adult" section: create them after the duplicate check, or
    say who they may already be. Returns what the page needs to show."""
    spec = ROLES[role]
    new_form = NewPersonForm(request.POST, prefix=f"new_{role}", kind=spec["kind"])
    result = {"new_forms": {role: new_form}, "matches": {}, "added": None}
    if not new_form.is_valid():
        return result
    try:
        person = people_services.person_create(
            actor=request.user,
            data=new_form.person_data(),
            duplicate_reason=new_form.cleaned_data.get("duplicate_reason", ""),
            request=request,
        )
    except people_services.PossibleDuplicates as found:
        result["matches"][role] = found.matches
    except DomainError as problem:
        new_form.add_error(None, str(problem))
    else:
        chosen = list(initial.get(spec["field"]) or [])
        initial[spec["field"]] = [*chosen, str(person.pk)]
        for key in list(initial):
            if key.startswith(f"new_{role}-"):
                del initial[key]
        result["new_forms"][role] = NewPersonForm(prefix=f"new_{role}", kind=spec["kind"])
        result["added"] = person
    return result


def _new_forms(request) -> dict:
    """Each "add a new person" section, unbound, showing what was typed into it so far."""
    forms = {}
    for role, spec in ROLES.items():
        prefix = f"new_{role}-"
        typed = {
            key[len(prefix) :]: value
            for key, value in request.POST.items()
            if key.startswith(prefix)
        }
        forms[role] = NewPersonForm(prefix=f"new_{role}", kind=spec["kind"], initial=typed)
    return forms


def _contact_context(
    request, form, *, new_forms=None, found=None, found_query=None, matches=None, **extra
) -> dict:
    organisation = request.user.organisation
    new_forms = _new_forms(request) | (new_forms or {})
    found, found_query, matches = found or {}, found_query or {}, matches or {}
    chosen = _chosen(form, organisation)
    pickers = {
        role: {
            "role": role,
            "field": spec["field"],
            "chosen": chosen[role],
            "searched": role in found,
            "found": found.get(role, []),
            "query": found_query.get(role, ""),
            "new_form": new_forms[role],
            "matches": matches.get(role, []),
        }
        for role, spec in ROLES.items()
    }
    return {"form": form, "pickers": pickers, **extra}


def _initial_new(request) -> dict:
    now = now_initial()
    initial = {"received_date": now["date"], "received_time": now["time"]}
    consultation = request.GET.get("consultation", "")
    if consultation.isascii() and consultation.isdigit() and len(consultation) < 19:
        initial["consultation"] = int(consultation)
    return initial


@logger
@require_http_methods(["GET", "POST"])
def contact_new(request):
    user = request.user
    organisation = user.organisation
    finding, adding = _pressed(request, "find"), _pressed(request, "add")
    if request.method == "POST" and (finding or adding):
        initial = _as_initial(request.POST)
        extra = {}
        status = 200
        if finding:
            query = request.POST.get(f"{finding}_q", "")
            extra["found"] = {finding: find_people(request, finding, query)}
            extra["found_query"] = {finding: query}
        else:
            result = _add_person(request, adding, initial)
            extra["new_forms"] = result["new_forms"]
            extra["matches"] = result["matches"]
            if result["added"] is not None:
                person = result["added"]
                messages.success(
                    request,
                    f"{person.full_name} has been added to the records and to this contact.",
                )
            else:
                status = 409 if result["matches"] else 400
            extra["adding"] = adding
        form = ContactForm(organisation=organisation, initial=initial)
        return render(
            request,
            "frontdoor/intake/contact_form.html",
            _contact_context(request, form, **extra),
            status=status,
        )
    form = ContactForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        initial=_initial_new(request),
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=user,
                data=form.contact_data(),
                attachment=form.cleaned_data.get("police_report"),
                consultation=form.cleaned_data.get("consultation"),
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            if contact.status == Status.PASSED_TO_ADULT_SERVICES:
                messages.success(
                    request,
                    f"Contact {contact.reference} has been logged and passed to adult social care.",
                )
            else:
                messages.success(
                    request,
                    f"Contact {contact.reference} has been logged and is awaiting screening.",
                )
            return redirect("frontdoor:contact", pk=contact.pk)
    return render(
        request,
        "frontdoor/intake/contact_form.html",
        _contact_context(request, form, error=error),
        status=form_status(form, error=error),
    )


# --- The contact page ---------------------------------------------------------------------


@staff
@require_safe
def contact_detail(request, pk: int):
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    context = queries.contact_page(user, contact)
    services.contact_viewed(
        actor=user,
        contact=contact,
        child_ids=[p.pk for p in context["children"]],
        request=request,
    )
    return render(request, "frontdoor/contact.html", {"contact": contact, **context})


@logger
@require_http_methods(["GET", "POST"])
def contact_document_new(request, pk: int):
    """Attach a document (the police report that followed a telephone call, a referral form)
    to a contact already logged."""
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    children, adults = queries.contact_people_by_role(contact)
    people = children + adults
    back = reverse("frontdoor:contact", args=[contact.pk])
    if not people:
        messages.error(
            request,
            "A document is kept in a person's document vault: this contact names nobody to "
            "keep it with.",
        )
        return redirect(back)
    police = contact.source == Source.POLICE
    form = ContactDocumentForm(
        request.POST or None,
        request.FILES or None,
        organisation=user.organisation,
        people=people,
        initial={"title": f"Police report for contact {contact.reference}" if police else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.contact_document_add(
                actor=user,
                contact=contact,
                person=data["person"],
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                request=request,
            )
        except DomainError as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(
                request, f"“{document.title}” has been attached to contact {contact.reference}."
            )
            return redirect(back)
    return render(
        request,
        "frontdoor/intake/document_form.html",
        {"form": form, "contact": contact, "back": back},
        status=form_status(form),
    )


# --- No-names consultations ---------------------------------------------------------------


@consultation_reader
@require_safe
def consultation_list(request):
    context = queries.consultations_page(request.user, request)
    context["can_record"] = rules.can_record_consultations(request.user)
    return render(request, "frontdoor/intake/consultations.html", context)


@consultation_recorder
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    now = now_initial()
    form = ConsultationForm(
        request.POST or None,
        initial={"consulted_date": now["date"], "consulted_time": now["time"]},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultation_services.consultation_record(
                actor=request.user, data=form.consultation_data(), request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            if consultation.written_referral_agreed:
                messages.success(
                    request,
                    "The consultation has been recorded. The written referral is expected by "
                    f"{_local(consultation.referral_due_at):%H:%M on %d/%m/%Y}; when it "
                    "arrives, choose this consultation on the contact form.",
                )
            else:
                messages.success(request, "The consultation has been recorded.")
            return redirect("frontdoor:consultation", pk=consultation.pk)
    return render(
        request,
        "frontdoor/intake/consultation_form.html",
        {"form": form, "error": error},
        status=form_status(form, error=error),
    )


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment)


@consultation_reader
@require_safe
def consultation_detail(request, pk: int):
    consultation = queries.get_consultation_for_user(request.user, pk)
    consultation_services.consultation_viewed(
        actor=request.user, consultation=consultation, request=request
    )
    context = {
        "consultation": consultation,
        "can_log": rules.can_log_contacts(request.user),
        **queries.consultation_state(consultation),
    }
    return render(request, "frontdoor/intake/consultation.html", context)


urlpatterns = [
    path("contacts/new/", contact_new, name="contact_new"),
    path("contacts/people/", people_found, name="contact_people_found"),
    path("contacts/<int:pk>/", contact_detail, name="contact"),
    path("contacts/<int:pk>/documents/new/", contact_document_new, name="contact_document_new"),
    path("consultations/", consultation_list, name="consultations"),
    path("consultations/new/", consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", consultation_detail, name="consultation"),
]
