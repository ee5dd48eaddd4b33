"""Reading a child's chronology: filtered, scoped to the reader, paged by keyset."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from haven.access import rules
from haven.chronology.models import Entry, Kind
from haven.chronology.rows import CONCERN, read_rows

PAGE_SIZE = 50


class ChronologyFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Type", required=False)
    category = forms.CharField(label="Category", required=False, max_length=120)
    author = forms.TypedChoiceField(
        label="Recorded by", required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(label="From", required=False)
    date_to = forms.DateField(label="To", required=False)
    text = forms.CharField(label="Contains", required=False, max_length=100)
    significant = forms.BooleanField(label="Significant events only", required=False)
    routine = forms.BooleanField(label="Include routine entries (e.g. sessions)", required=False)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first")],
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any type"), *Kind.choices]
        self.fields["author"].choices = [("", "Anyone"), *_authors(organisation)]

    def fields_html(self) -> str:
        """The filter fields as the page draws them. Untouched, the form is the same on every
        child's chronology in the organisation, so it is drawn once for each list of staff
        and kept: on the first page of a chronology, drawing it cost more than the query."""
        if self.is_bound and self.has_changed():
            return _draw_fields(self)
        return _blank_fields_html(type(self), tuple(self.fields["author"].choices))

    def describe(self) -> str:
        """The filters in words, for the top of an export and its audit event."""
        return describe_filters(self.cleaned_data if self.is_bound and self.is_valid() else {})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def _draw_fields(form) -> str:
    return render_to_string("core/includes/fields.html", {"form": form})


@functools.lru_cache(maxsize=64)
def _blank_fields_html(form_class, authors: tuple) -> str:
    form = form_class()
    form.fields["author"].choices = list(authors)
    return _draw_fields(form)


def _authors(organisation) -> list[tuple[int, str]]:
    """Staff who may have recorded entries: one query, only when a form is drawn."""
    if organisation is None:
        return []
    from haven.accounts.models import User

    return list(
        User.objects.for_org(organisation)
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )


def describe_filters(filters: dict) -> str:
    parts = []
    if filters.get("kind"):
        parts.append(f"type {Kind(filters['kind']).label}")
    if filters.get("category"):
        parts.append(f"category containing “{filters['category']}”")
    if filters.get("author"):
        from haven.accounts.models import User

        name = User.unscoped.filter(pk=filters["author"]).values_list("full_name", flat=True)
        parts.append(f"recorded by {name.first() or 'a former member of staff'}")
    if filters.get("date_from"):
        parts.append(f"from {filters['date_from']:%d/%m/%Y}")
    if filters.get("date_to"):
        parts.append(f"to {filters['date_to']:%d/%m/%Y}")
    if filters.get("text"):
        parts.append(f"containing “{filters['text']}”")
    if filters.get("significant"):
        parts.append("significant events only")
    parts.append(
        "service deliveries included" if filters.get("routine") else "service deliveries hidden"
    )
    parts.append("oldest first" if filters.get("order") == "oldest" else "newest first")
    return "; ".join(parts).capitalize()


def filters_for_audit(filters: dict) -> dict:
    """The filters as plain values, for an audit event or an export record."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items() if v}


def routine_links(query) -> dict:
    """Query strings that show or hide service deliveries, keeping every other filter: the
    "one click" the chronology promises."""
    shown, hidden = query.copy(), query.copy()
    shown["routine"] = "on"
    hidden.pop("routine", None)
    return {"with_routine": shown.urlencode(), "without_routine": hidden.urlencode()}


@dataclass
class Page:
    entries: list
    next_cursor: str | None
    oldest_first: bool


def visible_scopes(user, child=None) -> Q:
    """Entries a reader may see beyond the child: for now, those without a narrower scope.

    Later capabilities (engagements, concerns) add their scopes here through access.rules.
    """
    return Q(scope="") | rules.chronology_scope_q(user, child=child)


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    if not value or "_" not in value:
        return None
    stamp, _, pk = value.rpartition("_")
    when = parse_datetime(stamp)
    if when is None or not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        return None
    return when, int(pk)


def filtered(user, organisation, filters: dict, *, children, scopes: Q):
    """The entries of ``children`` that ``user`` may see and the filters keep, unordered."""
    entries = Entry.objects.for_org(organisation).filter(child__in=children).filter(scopes)
    if not filters.get("routine"):
        entries = entries.filter(routine=False)
    if filters.get("significant"):
        entries = entries.filter(significant=True)
    if filters.get("kind"):
        entries = entries.filter(kind=filters["kind"])
    if filters.get("category"):
        entries = entries.filter(category__icontains=filters["category"])
    if filters.get("author"):
        entries = entries.filter(recorded_by_id=filters["author"])
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        entries = entries.filter(
            occurred_at__gte=datetime.combine(filters["date_from"], time.min, zone)
        )
    if filters.get("date_to"):
        entries = entries.filter(
            occurred_at__lte=datetime.combine(filters["date_to"], time.max, zone)
        )
    if filters.get("text"):
        entries = entries.filter(
            Q(summary__icontains=filters["text"]) | Q(category__icontains=filters["text"])
        )
    return entries


def ordered(entries, filters: dict):
    if filters.get("order") == "oldest":
        return entries.order_by("occurred_at", "id")
    return entries.order_by("-occurred_at", "-id")


def keyset(entries, filters: dict, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """One page after ``cursor`` ("<occurred_at>_<id>"): the same cost on every page."""
    oldest_first = filters.get("order") == "oldest"
    after = _cursor(cursor)
    if after is not None:
        when, pk = after
        if oldest_first:
            entries = entries.filter(Q(occurred_at__gt=when) | Q(occurred_at=when, id__gt=pk))
        else:
            entries = entries.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    rows = read_rows(ordered(entries, filters)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{rows[-1].occurred_at.isoformat()}_{rows[-1].pk}" if more else None
    attach_body_maps(rows)
    return Page(rows, next_cursor, oldest_first)


def timeline(user, child, filters: dict, cursor: str | None = None) -> Page:
    entries = filtered(
        user, child.organisation_id, filters, children=[child], scopes=visible_scopes(user, child)
    )
    return keyset(entries, filters, cursor)


def household_children(user, household) -> list:
    """The children of ``household`` whose records ``user`` may open (the same rule as each
    child's own page), in the order they joined."""
    from haven.people.models import Person
    from haven.people.queries import people_visible_to

    return list(
        people_visible_to(user)
        .filter(household=household, kind=Person.Kind.CHILD)
        .order_by("household_joined_at", "pk")
    )


def household_timeline(user, household, children, filters: dict, cursor: str | None) -> Page:
    """The children's chronologies interleaved, each entry carrying its child: one query for
    the page (and one for body maps), however many children or entries there are."""
    entries = filtered(
        user,
        household.organisation_id,
        filters,
        children=[c.pk for c in children],
        scopes=visible_scopes(user),
    )
    page = keyset(entries, filters, cursor)
    by_id = {c.pk: c for c in children}
    for entry in page.entries:
        entry.child = by_id[entry.child_id]
    return page


def attach_body_maps(rows) -> None:
    """Concern entries show their body map marks: one query for the page, and none when the
    page has no concerns."""
    ids = [row.source_id for row in rows if row.source_type == CONCERN]
    if not ids:
        return
    from haven.safeguarding.models import Concern

    marks = dict(Concern.unscoped.filter(pk__in=ids).values_list("pk", "body_map"))
    for row in rows:
        if row.source_type == CONCERN:
            row.marks = marks.get(row.source_id)
