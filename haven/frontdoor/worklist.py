"""Reading the front door's open work: the worklist and the home panel's summary.

The worklist is every open contact, soonest deadline first. Its two halves are each read in
index order and paged by keyset, so the first page costs the same with 50 open contacts or
5,000: contacts with a clock running by ``(due_at, id)`` from the partial index
``contact_worklist``; after them, those with no clock (awaiting screening or rating, or
between MASH steps) by when they were received. A page is at most two queries, plus one for
the children on it and one for the counts by stage.

Each row is written out here, once, as the plain values the page shows (addresses, dates in
local time, names, the clock in words): the page is fifty rows long, and a template that
looked each of them up, converted and reversed per row cost more than the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from haven.access import rules
from haven.core import clock
from haven.core.http import positive_int, url_for_any
from haven.frontdoor.models import (
    MASH_STATUSES,
    OPEN_STATUSES,
    Contact,
    ContactPerson,
    Rag,
    Source,
    Status,
)
from haven.frontdoor.templatetags.frontdoor_clocks import clock_state

PAGE = 50
HOME_ROWS = 5


@dataclass(frozen=True)
class Stage:
    slug: str
    label: str
    statuses: tuple[str, ...]


STAGES = [
    Stage("screening", "Awaiting screening", (Status.SCREENING,)),
    Stage("rating", "Awaiting RAG rating", (Status.RATING,)),
    Stage("mash", "In the MASH", tuple(MASH_STATUSES)),
    Stage("allocation", "Awaiting social work allocation", (Status.ALLOCATION,)),
    Stage("early_help", "With early help", (Status.EARLY_HELP,)),
]
STAGE_BY_SLUG = {s.slug: s for s in STAGES}


def stages_for(user) -> list[Stage]:
    """The stages whose work ``user``'s roles do: their "mine" on the worklist."""
    mine = []
    if rules.can_screen_contacts(user):
        mine.append(STAGE_BY_SLUG["screening"])
    if rules.can_rate_contacts(user):
        mine.append(STAGE_BY_SLUG["rating"])
    if rules.can_gather_mash_information(user) or rules.can_decide_mash(user):
        mine.append(STAGE_BY_SLUG["mash"])
    if rules.can_allocate_contacts(user):
        mine.append(STAGE_BY_SLUG["allocation"])
    if rules.can_make_early_help_decision(user):
        mine.append(STAGE_BY_SLUG["early_help"])
    return mine


def contacts_visible_to(user):
    return Contact.objects.for_org(user.organisation).filter(rules.contact_access_q(user))


def _children_prefetch():
    return Prefetch(
        "people",
        queryset=ContactPerson.unscoped.filter(role=ContactPerson.Role.CHILD)
        .select_related("person")
        .order_by("pk"),
        to_attr="children",
    )


# --- Cursors: "d<iso due>_<id>" within the clocked half, "r<iso received>_<id>" after it. ---


def _cursor_text(contact: Contact) -> str:
    if contact.due_at is not None:
        return f"d{contact.due_at.isoformat()}_{contact.pk}"
    return f"r{contact.received_at.isoformat()}_{contact.pk}"


def parse_cursor(value: str | None) -> tuple[str, datetime, int] | None:
    if not value or len(value) > 80 or value[0] not in "dr" or "_" not in value:
        return None
    moment, _, pk = value[1:].rpartition("_")
    number = positive_int(pk)
    try:
        at = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if number is None or at.tzinfo is None:
        return None
    return value[0], at, number


# The columns a worklist row reads: enough for the page and its cursor, not the concerns.
ROW_FIELDS = (
    "id",
    "organisation_id",
    "number",
    "received_at",
    "source",
    "initial_rag",
    "final_rag",
    "status",
    "threshold_uncertain",
    "due_at",
)

# The next step a row links to, by status: (the reader's permission, the page, its label).
NEXT_STEPS = {
    Status.SCREENING: (rules.can_screen_contacts, "frontdoor:contact_screen", "Screen"),
    Status.RATING: (rules.can_rate_contacts, "frontdoor:contact_rate", "Rate"),
    Status.ALLOCATION: (rules.can_allocate_contacts, "frontdoor:contact_allocate", "Allocate"),
    Status.EARLY_HELP: (
        rules.can_make_early_help_decision,
        "frontdoor:contact_early_help",
        "Decide",
    ),
}
SOURCES = dict(Source.choices)
RATINGS = dict(Rag.choices)
STATUSES = dict(Status.choices)


@dataclass(frozen=True)
class Row:
    """One contact as the worklist shows it. Text is escaped by the template."""

    pk: int
    reference: str
    url: str
    received: str
    children: str
    source: str
    rating: str
    final: bool
    status: str
    allocation_meeting: bool
    clock: str  # "overdue", "soon", "running", "waiting" or "none"
    clock_words: str
    due_iso: str
    due_text: str
    next_label: str
    next_url: str


def _children_names(contacts: list[Contact]) -> dict[int, list[str]]:
    """The children's names on each contact, in the order they were added. One query."""
    names: dict[int, list[str]] = {}
    rows = (
        ContactPerson.unscoped.filter(
            contact_id__in=[c.pk for c in contacts], role=ContactPerson.Role.CHILD
        )
        .order_by("pk")
        .values_list("contact_id", "person__first_name", "person__last_name")
    )
    for contact_id, first, last in rows:
        names.setdefault(contact_id, []).append(f"{first} {last}")
    return names


def worklist_rows(user, contacts: list[Contact]) -> list[Row]:
    now = clock.now()
    here = timezone.get_current_timezone()
    contact_url = url_for_any("frontdoor:contact")
    steps = {
        status: (label, url_for_any(page))
        for status, (allowed, page, label) in NEXT_STEPS.items()
        if allowed(user)
    }
    names = _children_names(contacts)
    rows = []
    for c in contacts:
        label, page = steps.get(c.status, ("", ""))
        rating = c.final_rag or c.initial_rag
        state = clock_state(c, now)
        due = c.due_at.astimezone(here) if c.due_at else None
        rows.append(
            Row(
                pk=c.pk,
                reference=f"C{c.number:06d}",
                url=contact_url.format(c.pk),
                received=c.received_at.astimezone(here).strftime("%d/%m/%Y %H:%M"),
                children=", ".join(names.get(c.pk, ())),
                source=SOURCES.get(c.source, c.source),
                rating=RATINGS.get(rating, rating),
                final=bool(c.final_rag),
                status=STATUSES.get(c.status, c.status),
                allocation_meeting=c.status == Status.ALLOCATION and c.threshold_uncertain,
                clock=state.state,
                clock_words=state.words,
                due_iso=due.isoformat() if due else "",
                due_text=due.strftime("%d/%m/%Y %H:%M") if due else "",
                next_label=label,
                next_url=page.format(c.pk) if page else "",
            )
        )
    return rows


@dataclass
class WorklistPage:
    contacts: list
    next_cursor: str | None
    stage: Stage | None
    mine: bool
    statuses: tuple[str, ...]
    rows: list[Row]


def worklist(user, *, stage: str = "", mine: bool = False, after: str | None = None):
    """One page of open contacts for ``stage`` (or every stage; with ``mine``, the stages
    the user's roles work), soonest deadline first, then those with no clock yet, oldest
    first. Contacts in the MASH are listed for all front-door staff: only what the MASH
    gathered is kept to the MASH team."""
    chosen = STAGE_BY_SLUG.get(stage)
    if chosen is not None:
        statuses = chosen.statuses
    elif mine:
        statuses = tuple(s for st in stages_for(user) for s in st.statuses)
    else:
        statuses = OPEN_STATUSES
    rows = contacts_visible_to(user).filter(status__in=list(statuses)).only(*ROW_FIELDS)
    cursor = parse_cursor(after)
    page: list[Contact] = []
    if cursor is None or cursor[0] == "d":
        clocked = rows.filter(due_at__isnull=False)
        if cursor is not None:
            _, at, pk = cursor
            clocked = clocked.filter(Q(due_at__gt=at) | Q(due_at=at, id__gt=pk))
        page = list(clocked.order_by("due_at", "id")[: PAGE + 1])
    waiting = rows.filter(due_at__isnull=True)
    if cursor is not None and cursor[0] == "r":
        _, at, pk = cursor
        waiting = waiting.filter(Q(received_at__gt=at) | Q(received_at=at, id__gt=pk))
    # Asked even when the clocked half filled the page (one row, then), so that every page
    # costs the same number of queries.
    page += list(waiting.order_by("received_at", "id")[: max(1, PAGE + 1 - len(page))])
    more = len(page) > PAGE
    page = page[:PAGE]
    return WorklistPage(
        contacts=page,
        next_cursor=_cursor_text(page[-1]) if more else None,
        stage=chosen,
        mine=mine and chosen is None,
        statuses=statuses,
        rows=worklist_rows(user, page),
    )


@dataclass
class StageCount:
    stage: Stage
    total: int
    overdue: int


def stage_counts(user) -> tuple[list[StageCount], int, int]:
    """Open contacts and those past their deadline, by stage; and the totals. One query."""
    now = clock.now()
    by_status = {
        row["status"]: row
        for row in contacts_visible_to(user)
        .filter(status__in=list(OPEN_STATUSES))
        .values("status")
        # Counting columns of the index ``contact_open_by_stage`` (not ``id``), so that
        # PostgreSQL reads the index alone.
        .annotate(total=Count("status"), overdue=Count("due_at", filter=Q(due_at__lt=now)))
        .order_by()
    }
    counts = []
    for stage in STAGES:
        rows = [by_status[s] for s in stage.statuses if s in by_status]
        counts.append(
            StageCount(
                stage,
                total=sum(r["total"] for r in rows),
                overdue=sum(r["overdue"] for r in rows),
            )
        )
    return counts, sum(c.total for c in counts), sum(c.overdue for c in counts)


def most_urgent(user, count: int = HOME_ROWS) -> list[Contact]:
    """The open contacts with the least time left (the home panel's list). One query for
    the contacts and one for their children."""
    return list(
        contacts_visible_to(user)
        .filter(status__in=list(OPEN_STATUSES), due_at__isnull=False)
        .prefetch_related(_children_prefetch())
        .order_by("due_at", "id")[:count]
    )
