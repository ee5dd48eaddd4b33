"""Pages for people and households. Thin: fetch (scoped), form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.queries import ChronologyFilterForm, routine_links, timeline
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.drafts.services import draft_discard, draft_offer
from haven.people import queries, search, services
from haven.people.forms import (
    AddressForm,
    DuplicateReasonForm,
    EndFlagForm,
    FlagForm,
    IdentifierForm,
    MergeForm,
    PersonForm,
    RelationshipForm,
    WithdrawForm,
)
from haven.people.merge import person_merge
from haven.people.models import Identifier, Person, Relationship, StatusFlag

searcher = requires(rules.can_search_people)
editor = requires(rules.can_edit_people)
TABS = (
    "details",
    "chronology",
    "engagements",
    "concerns",
    "cases",
    "documents",
    "relationships",
    "household",
    "identifiers",
)


@searcher
@require_safe
def search_page(request):
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        visible = None
        if rules.is_limited_to_team_groups(request.user):
            visible = queries.people_visible_to(request.user)
        results = search.search(request.user.organisation, query, visible=visible)
        # Looking for a child is itself an access worth recording.
        record_event(
            action=Action.SEARCH,
            actor=request.user,
            request=request,
            detail={"query": query[:200], "results": len(results)},
        )
    return render(
        request,
        "people/search.html",
        {"query": query, "results": results, "can_add": rules.can_edit_people(request.user)},
    )


@searcher
@require_safe
def person_detail(request, pk: int):
    person = queries.get_person_for_user(request.user, pk)
    if person.merged_into_id:
        messages.info(request, f"This record was merged into {person.merged_into.full_name}'s.")
        return redirect("people:detail", pk=person.merged_into_id)
    tab = request.GET.get("tab", "details")
    tab = tab if tab in TABS else "details"
    services.person_viewed(person=person, actor=request.user, request=request, what=tab)
    context = {}
    if tab == "chronology":
        context = _chronology_context(request, person)
    if tab == "engagements":
        from haven.programmes.queries import child_engagements

        context = child_engagements(request.user, person)
        context["can_add_engagement"] = rules.can_work_with_programmes(request.user)
    if tab == "concerns":
        from haven.safeguarding.queries import child_concerns

        context = child_concerns(request.user, person, request)
    if tab == "documents":
        from haven.documents.queries import person_documents

        context = person_documents(request, person)
    context |= {
        "person": person,
        "tab": tab,
        "can_edit": rules.can_edit_person(request.user, person),
        "can_merge": rules.can_merge_people(request.user),
        "can_see_access": rules.can_view_record_access(request.user),
        **queries.person_page(person, tab),
    }
    return render(request, "people/person.html", context)


def _chronology_context(request, person) -> dict:
    form = ChronologyFilterForm(request.GET or None, organisation=request.user.organisation)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = timeline(request.user, person, filters, request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    return {
        "filter_form": form,
        "chronology": page,
        "query": query.urlencode(),
        "filters": filters,
        **routine_links(query),
        "can_mark_significant": rules.can_mark_significant_any(request.user),
    }


def _kind(request) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or Person.Kind.CHILD
    return kind if kind in Person.Kind.values else Person.Kind.CHILD


@editor
@require_http_methods(["GET", "POST"])
def person_create(request):
    """New person; the duplicate check runs first and may ask for a reason to go on."""
    organisation = request.user.organisation
    kind = _kind(request)
    household = None
    household_id = request.GET.get("household") or request.POST.get("household")
    if household_id and str(household_id).isdigit():
        household = queries.get_household_for_user(request.user, int(household_id))
    offer = draft_offer(request, f"person-new-{kind}-{household.pk if household else 'own'}")
    form = PersonForm(
        request.POST or None, organisation=organisation, kind=kind, initial=offer.initial()
    )
    address = AddressForm(request.POST or None, prefix="address", initial=offer.initial("address"))
    reason_form = DuplicateReasonForm(request.POST or None)
    id_form = IdentifierForm(request.POST or None, prefix="id", initial=offer.initial("id"))
    id_form.fields["kind"].required = id_form.fields["value"].required = False
    matches = []
    if request.method == "POST":
        valid = form.is_valid() & address.is_valid() & reason_form.is_valid() & id_form.is_valid()
        if valid:
            identifiers = []
            if id_form.cleaned_data.get("value"):
                data = id_form.cleaned_data
                identifiers.append((data["kind"], data.get("label", ""), data["value"]))
            try:
                person = services.person_create(
                    actor=request.user,
                    data={"kind": kind, **form.cleaned_data},
                    household=household,
                    address=None if household else address.cleaned_data,
                    identifiers=identifiers,
                    duplicate_reason=reason_form.cleaned_data["duplicate_reason"],
                    request=request,
                )
            except services.PossibleDuplicates as found:
                matches = found.matches
            except DomainError as problem:
                form.add_error(None, str(problem))
            else:
                draft_discard(author=request.user, form_key=offer.key)
                if not person.household.postcode_looks_valid:
                    messages.warning(
                        request,
                        f"The postcode “{person.household.postcode}” does not look like a UK "
                        "postcode. It has been kept; check it when you can.",
                    )
                messages.success(request, f"{person.full_name} has been added.")
                relate_to = request.POST.get("relate_to", "")
                if relate_to.isdigit():
                    url = reverse("people:relationship_add", args=[int(relate_to)])
                    return redirect(f"{url}?related={person.pk}")
                return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "address_form": None if household else address,
            "reason_form": reason_form,
            "id_form": id_form,
            "kind": kind,
            "household": household,
            "matches": matches,
            "relate_to": request.GET.get("relate_to") or request.POST.get("relate_to", ""),
            "creating": True,
            "offer": offer,
            "draft_label": f"New {kind} record",
        },
        status=409 if matches else form_status(form, address, id_form),
    )


@searcher
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    offer = draft_offer(request, f"person-edit-{person.pk}")
    form = PersonForm(
        request.POST or None,
        organisation=request.user.organisation,
        kind=person.kind,
        instance=person,
        **({"initial": offer.initial()} if offer.restored else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person, actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            draft_discard(author=request.user, form_key=offer.key)
            messages.success(request, "Saved.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "kind": person.kind,
            "creating": False,
            "offer": offer,
            "draft_label": f"Changes to {person.full_name}",
        },
        status=form_status(form),
    )


def _small_form(request, person, form, action, template_title, back_tab, success):
    """The shared shape of the small forms on a person's record."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, success)
            return redirect(f"{reverse('people:detail', args=[person.pk])}?tab={back_tab}")
    return render(
        request,
        "people/small_form.html",
        {"form": form, "person": person, "title": template_title, "back_tab": back_tab},
        status=form_status(form),
    )


@searcher
@require_http_methods(["GET", "POST"])
def identifier_add(request, pk: int):
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    form = IdentifierForm(request.POST or None)
    return _small_form(
        request,
        person,
        form,
        lambda d: services.identifier_add(
            person=person,
            actor=request.user,
            kind=d["kind"],
            value=d["value"],
            label=d.get("label", ""),
            request=request,
        ),
        f"Add an identifier for {person.full_name}",
        "identifiers",
        "Identifier added.",
    )


@searcher
@require_http_methods(["GET", "POST"])
def identifier_withdraw(request, pk: int):
    identifier, person = queries.get_attached_for_user(request.user, Identifier, pk, for_write=True)
    form = WithdrawForm(request.POST or None)
    return _small_form(
        request,
        person,
        form,
        lambda d: services.identifier_withdraw(
            identifier=identifier, actor=request.user, reason=d["reason"], request=request
        ),
        f"Withdraw {identifier}",
        "identifiers",
        "Identifier withdrawn.",
    )


@searcher
@require_http_methods(["GET", "POST"])
def flag_add(request, pk: int):
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    form = FlagForm(request.POST or None)
    return _small_form(
        request,
        person,
        form,
        lambda d: services.flag_start(person=person, actor=request.user, request=request, **d),
        f"Add a status for {person.full_name}",
        "details",
        "Status recorded.",
    )


@searcher
@require_http_methods(["GET", "POST"])
def flag_end(request, pk: int):
    status, person = queries.get_attached_for_user(request.user, StatusFlag, pk, for_write=True)
    form = EndFlagForm(request.POST or None)
    return _small_form(
        request,
        person,
        form,
        lambda d: services.flag_end(
            status=status, actor=request.user, end_date=d["end_date"], request=request
        ),
        f"End “{status.get_flag_display()}”",
        "details",
        "Status ended.",
    )


@searcher
@require_http_methods(["GET", "POST"])
def relationship_add(request, pk: int):
    """Link a related person: household members are offered first; or search for anyone."""
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    visible = queries.people_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        candidates = search.search(request.user.organisation, query, visible=visible)
    else:
        candidates = list(visible.filter(household=person.household).select_related("household"))
    wanted = request.GET.get("related") or request.POST.get("related")
    if wanted and str(wanted).isdigit() and int(wanted) not in {c.pk for c in candidates}:
        extra = visible.filter(pk=int(wanted)).select_related("household").first()
        candidates = [extra, *candidates] if extra else candidates
    candidates = [c for c in candidates if c.pk != person.pk]
    form = RelationshipForm(
        request.POST or None,
        candidates=candidates,
        initial={"related": int(wanted)} if wanted and str(wanted).isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        related = queries.get_person_for_user(request.user, data.pop("related"), for_write=True)
        try:
            services.relationship_add(
                person=person, related=related, actor=request.user, request=request, **data
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Relationship with {related.full_name} recorded.")
            return redirect(f"{reverse('people:detail', args=[person.pk])}?tab=relationships")
    return render(
        request,
        "people/relationship_form.html",
        {"form": form, "person": person, "query": query, "candidates": candidates},
        status=form_status(form),
    )


@searcher
@require_POST
def relationship_end(request, pk: int):
    relationship, person = queries.get_attached_for_user(
        request.user, Relationship, pk, for_write=True
    )
    try:
        services.relationship_end(
            relationship=relationship,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Relationship ended. It stays in the history.")
    back = request.POST.get("back")
    target = int(back) if back and back.isdigit() else person.pk
    return redirect(f"{reverse('people:detail', args=[target])}?tab=relationships")


@searcher
@require_http_methods(["GET", "POST"])
def person_move(request, pk: int):
    """Move someone to another household found by search, or to a new one."""
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        visible = queries.people_visible_to(request.user)
        results = [
            p
            for p in search.search(request.user.organisation, query, visible=visible)
            if p.household_id != person.household_id
        ]
    address = AddressForm(request.POST or None, prefix="address")
    if request.method == "POST":
        target = request.POST.get("household", "")
        try:
            if target.isdigit():
                household = queries.get_household_for_user(request.user, int(target))
                services.person_move(
                    person=person, actor=request.user, household=household, request=request
                )
            elif address.is_valid():
                services.person_move(
                    person=person,
                    actor=request.user,
                    address=address.cleaned_data,
                    request=request,
                )
            else:
                raise DomainError("Check the new address.")
        except DomainError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, f"{person.full_name} has moved household.")
            return redirect(f"{reverse('people:detail', args=[person.pk])}?tab=household")
    return render(
        request,
        "people/move.html",
        {"person": person, "query": query, "results": results, "address_form": address},
    )


@requires(rules.can_merge_people)
@require_http_methods(["GET", "POST"])
def person_merge_view(request, pk: int):
    """Merge another record (the duplicate) into this one (the survivor)."""
    survivor = queries.get_person_for_user(request.user, pk)
    query = request.GET.get("q", "").strip()
    visible = queries.people_visible_to(request.user)
    results = []
    if query:
        results = [
            p
            for p in search.search(request.user.organisation, query, visible=visible)
            if p.pk != survivor.pk
        ]
    duplicate = None
    wanted = request.GET.get("duplicate") or request.POST.get("duplicate")
    if wanted and str(wanted).isdigit():
        duplicate = queries.get_person_for_user(request.user, int(wanted))
    form = MergeForm(request.POST or None)
    if request.method == "POST" and duplicate is not None and form.is_valid():
        try:
            person_merge(
                survivor=survivor,
                duplicate=duplicate,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, f"The records were merged. {duplicate.full_name}'s record now points here."
            )
            return redirect("people:detail", pk=survivor.pk)
    context = {
        "survivor": survivor,
        "duplicate": duplicate,
        "form": form,
        "query": query,
        "results": results,
    }
    if duplicate is not None:
        context["survivor_page"] = queries.person_page(survivor)
        context["duplicate_page"] = queries.person_page(duplicate)
    return render(request, "people/merge.html", context, status=form_status(form))


@searcher
@require_safe
def household_detail(request, pk: int):
    household = queries.get_household_for_user(request.user, pk)
    page = queries.household_page(household)
    for member in page["members"]:
        services.person_viewed(person=member, actor=request.user, request=request, what="household")
    return render(
        request,
        "people/household.html",
        {"household": household, "can_edit": rules.can_edit_people(request.user), **page},
    )


@editor
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = queries.get_household_for_user(request.user, pk)
    form = AddressForm(
        request.POST or None,
        initial={f: getattr(household, f) for f in services.ADDRESS_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        services.household_update_address(
            household=household, actor=request.user, request=request, **form.cleaned_data
        )
        if not household.postcode_looks_valid:
            messages.warning(
                request,
                f"The postcode “{household.postcode}” does not look like a UK postcode. It has "
                "been kept; check it when you can.",
            )
        messages.success(request, "The address has been changed for everyone in the household.")
        return redirect("people:household", pk=household.pk)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "household": household},
        status=form_status(form),
    )
