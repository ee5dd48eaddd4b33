"""Reads of people for pages, always scoped to what the reader may see."""

from __future__ import annotations

from django.db.models import Func, Prefetch, Q, Subquery
from django.http import Http404

from haven.access import rules
from haven.core import clock
from haven.people.models import Household, Identifier, Person, Relationship, StatusFlag


def team_groups(user) -> tuple[set[str], set[str]]:
    years, classes = set(), set()
    for team in user.teams.all():
        years.update(team.year_groups or [])
        classes.update(team.class_groups or [])
    return years, classes


def people_visible_to(user, *, include_merged: bool = False):
    if not rules.can_search_people(user):
        return Person.unscoped.none()
    people = Person.objects.for_org(user.organisation)
    if not include_merged:
        people = people.filter(merged_into__isnull=True)
    if rules.is_limited_to_team_groups(user):
        years, classes = team_groups(user)
        children = Q(kind=Person.Kind.CHILD) & (
            Q(year_group__in=years) | Q(class_group__in=classes)
        )
        households = Person.objects.for_org(user.organisation).filter(children)
        people = people.filter(
            children | Q(kind=Person.Kind.ADULT, household_id__in=households.values("household_id"))
        )
    return people


def get_person_for_user(user, pk: int, *, for_write: bool = False) -> Person:
    """The person, or 404 if the reader may not know they exist; 403 if read-only."""
    from django.core.exceptions import PermissionDenied

    person = (
        Person.objects.for_org(user.organisation)
        # Not the record it was merged into (a second copy of this wide table to plan a join
        # for): that is read only for the few merged records, to send the reader on.
        .select_related("household", "gender", "ethnicity", "first_language")
        .filter(pk=pk)
        .first()
    )
    if person is None or not rules.can_view_person(user, person):
        raise Http404
    # The reader's own organisation, already loaded: pages that name it need no query.
    person.organisation = user.organisation
    if for_write and not rules.can_edit_person(user, person):
        raise PermissionDenied
    return person


def get_attached_for_user(user, model, pk: int, *, for_write: bool = False):
    """A record attached to a person (identifier, status, relationship) and that person,
    with the same 404/403 rules as the person's own page."""
    record = model.objects.for_org(user.organisation).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record, get_person_for_user(user, record.person_id, for_write=for_write)


def get_household_for_user(user, pk: int) -> Household:
    household = Household.objects.for_org(user.organisation).filter(pk=pk).first()
    if household is None or not rules.can_search_people(user):
        raise Http404
    visible = people_visible_to(user).filter(household=household)
    if not visible.exists() and household.members.exists():
        raise Http404
    return household


def person_page(person: Person, tab: str | None = None) -> dict:
    """What the person page shows on ``tab`` (every tab's lists when None), in a fixed number
    of queries: the statuses (the header shows the current ones), the lists the tab shows,
    and one query for the counts in the other tabs' labels."""
    page = _statuses(person)
    if tab in (None, "identifiers"):
        page |= _identifiers(person)
    if tab in (None, "relationships"):
        page |= _relationships(person)
    if tab in (None, "household"):
        page["household_members"] = list(
            Person.objects.for_org(person.organisation_id)
            .filter(household_id=person.household_id, merged_into__isnull=True)
            .order_by("household_joined_at", "pk")
        )
    if tab is None:
        page["relationship_count"] = len(page["relationships"])
        page["identifier_count"] = len(page["identifiers"])
    else:
        page |= _tab_counts(person)
    return page


def _statuses(person: Person) -> dict:
    today = clock.today()
    flags = list(StatusFlag.objects.for_org(person.organisation_id).filter(person=person))
    return {
        "active_flags": [f for f in flags if f.is_active_on(today)],
        "past_flags": [f for f in flags if not f.is_active_on(today)],
    }


def _identifiers(person: Person) -> dict:
    identifiers = list(
        Identifier.objects.for_org(person.organisation_id)
        .filter(person=person)
        .order_by("withdrawn_at", "kind", "label")
    )
    return {
        "identifiers": [i for i in identifiers if i.withdrawn_at is None],
        "withdrawn_identifiers": [i for i in identifiers if i.withdrawn_at is not None],
    }


def _relationships(person: Person) -> dict:
    relationships = list(
        _relationships_of(person)
        .select_related("person__household", "related__household")
        .order_by("ended_on", "type", "pk")
    )
    return {
        "relationships": [
            (rel, *rel.label_for(person)) for rel in relationships if rel.ended_on is None
        ],
        "past_relationships": [
            (rel, *rel.label_for(person)) for rel in relationships if rel.ended_on is not None
        ],
    }


def _relationships_of(person: Person):
    return Relationship.objects.for_org(person.organisation_id).filter(
        Q(person=person) | Q(related=person)
    )


def _count(queryset) -> Subquery:
    return Subquery(queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"))


def _tab_counts(person: Person) -> dict:
    """Current relationships and identifiers, for the tab labels: one query."""
    relationships = _relationships_of(person).filter(ended_on__isnull=True)
    identifiers = Identifier.objects.for_org(person.organisation_id).filter(
        person=person, withdrawn_at__isnull=True
    )
    return (
        Person.unscoped.filter(pk=person.pk)
        .values(relationship_count=_count(relationships), identifier_count=_count(identifiers))
        .get()
    )


def household_page(household: Household) -> dict:
    members = list(
        Person.objects.for_org(household.organisation)
        .filter(household=household, merged_into__isnull=True)
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=StatusFlag.unscoped.filter(end_date__isnull=True),
                to_attr="open_flags",
            )
        )
        .order_by("household_joined_at", "pk")
    )
    return {"members": members}
