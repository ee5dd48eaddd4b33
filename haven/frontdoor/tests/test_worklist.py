"""The front door's worklist and home panel: soonest deadline first, filters, keyset pages,
who sees it, and a fixed number of queries however many contacts are open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.core import clock
from haven.frontdoor import worklist
from haven.frontdoor.models import Rag, Status
from haven.frontdoor.templatetags.frontdoor_clocks import clock_state, duration_in_words
from haven.frontdoor.testing import make_contact, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def add(front_door, screening_officer, fd_child):
    def _add(status=Status.SCREENING, *, due_in=None, received_ago=timedelta(hours=1), **fields):
        now = clock.now()
        return make_contact(
            front_door,
            children=[fd_child],
            actor=screening_officer,
            status=status,
            received_at=now - received_ago,
            due_at=None if due_in is None else now + due_in,
            **fields,
        )

    return _add


def _refs(page):
    return [c.reference for c in page.contacts]


def test_soonest_deadline_first_then_those_without_a_clock_oldest_first(add, screening_officer):
    later = add(Status.EARLY_HELP, due_in=timedelta(days=2), initial_rag=Rag.GREEN)
    overdue = add(Status.MASH_MANAGER, due_in=-timedelta(hours=1), initial_rag=Rag.RED)
    soon = add(Status.ALLOCATION, due_in=timedelta(hours=3), initial_rag=Rag.AMBER_CIN)
    new = add(Status.SCREENING, received_ago=timedelta(minutes=5))
    old = add(Status.RATING, received_ago=timedelta(hours=5))
    add(Status.DECIDED, due_in=None)  # not open: never listed
    page = worklist.worklist(screening_officer)
    assert page.contacts == [overdue, soon, later, old, new]


def test_stage_filters(add, screening_officer):
    screening = add(Status.SCREENING)
    mash = [
        add(status, due_in=timedelta(hours=n))
        for n, status in enumerate(
            [Status.MASH_MANAGER, Status.INFORMATION_GATHERING, Status.MASH_DECISION], start=1
        )
    ]
    early = add(Status.EARLY_HELP, due_in=timedelta(days=1))
    assert worklist.worklist(screening_officer, stage="screening").contacts == [screening]
    assert worklist.worklist(screening_officer, stage="mash").contacts == mash
    assert worklist.worklist(screening_officer, stage="early_help").contacts == [early]
    # An unknown stage is every stage.
    assert len(worklist.worklist(screening_officer, stage="nonsense").contacts) == 5


def test_mine_is_the_stages_of_the_readers_roles(
    add, screening_officer, early_help_manager, senior_practitioner
):
    screening = add(Status.SCREENING)
    rating = add(Status.RATING)
    allocation = add(Status.ALLOCATION, due_in=timedelta(hours=2))
    early = add(Status.EARLY_HELP, due_in=timedelta(hours=1))
    add(Status.MASH_MANAGER, due_in=timedelta(hours=3))
    assert worklist.worklist(early_help_manager, mine=True).contacts == [early]
    # A screening officer screens; a senior practitioner screens, rates and allocates.
    assert worklist.worklist(screening_officer, mine=True).contacts == [screening]
    assert worklist.worklist(senior_practitioner, mine=True).contacts == [
        allocation,
        screening,
        rating,
    ]


def test_pages_follow_on_without_repeats_across_both_halves(add, screening_officer, monkeypatch):
    monkeypatch.setattr(worklist, "PAGE", 3)
    expected = [add(Status.ALLOCATION, due_in=timedelta(hours=n + 1)) for n in range(4)]
    expected += [add(Status.SCREENING, received_ago=timedelta(hours=10 - n)) for n in range(4)]
    seen, after = [], None
    for _ in range(5):
        page = worklist.worklist(screening_officer, after=after)
        seen += page.contacts
        after = page.next_cursor
        if after is None:
            break
    assert seen == expected


@pytest.mark.parametrize("cursor", ["", "x", "d", "dnot-a-date_4", "d2026-01-01T00:00_x", "r" * 99])
def test_a_nonsense_cursor_is_the_first_page(add, screening_officer, cursor):
    first = add(Status.ALLOCATION, due_in=timedelta(hours=1))
    assert worklist.worklist(screening_officer, after=cursor).contacts == [first]


def test_the_counts_by_stage(add, screening_officer):
    add(Status.SCREENING)
    add(Status.MASH_MANAGER, due_in=-timedelta(minutes=5))
    add(Status.MASH_DECISION, due_in=timedelta(hours=1))
    add(Status.EARLY_HELP, due_in=-timedelta(days=1))
    add(Status.DECIDED)
    counts, total, overdue = worklist.stage_counts(screening_officer)
    by_slug = {c.stage.slug: (c.total, c.overdue) for c in counts}
    assert by_slug == {
        "screening": (1, 0),
        "rating": (0, 0),
        "mash": (2, 1),
        "allocation": (0, 0),
        "early_help": (1, 1),
    }
    assert (total, overdue) == (4, 2)


# --- The page -----------------------------------------------------------------------------


def test_the_worklist_shows_each_contacts_row(
    add, sign_in, screening_officer, fd_child, front_door
):
    contact = add(Status.MASH_MANAGER, due_in=-timedelta(hours=2), initial_rag=Rag.RED)
    response = sign_in(screening_officer).get(reverse("frontdoor:worklist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert contact.reference in page and fd_child.full_name in page
    assert "With the MASH manager" in page and "Red" in page
    assert "Overdue</strong> by 2 hours" in page
    assert f"{contact.received_at.astimezone(clock.now().tzinfo):%Y}" in page


def _row(page: str, reference: str) -> str:
    match = re.search(rf"<tr>\s*<td><a [^>]*>{reference}</a>.*?</tr>", page, re.S)
    assert match, reference
    return match.group(0)


def test_each_row_shows_its_clock_rating_and_next_step_in_words(
    add, sign_in, senior_practitioner, front_door
):
    """The rows are written out in Python, once per page: every state a row can be in still
    shows as it did, in words and never colour alone."""
    hostile = make_person(senior_practitioner, first="<b>Kai</b>")
    soon = add(Status.ALLOCATION, due_in=timedelta(minutes=90), initial_rag=Rag.AMBER_CIN)
    soon.threshold_uncertain = True
    soon.save(update_fields=["threshold_uncertain"])
    running = add(
        Status.EARLY_HELP,
        due_in=timedelta(days=2, hours=3, minutes=30),
        initial_rag=Rag.AMBER_CP,
        final_rag=Rag.GREEN,
    )
    waiting = add(Status.RATING)
    between = add(Status.MASH_DECISION, initial_rag=Rag.RED)
    waiting.people.create(organisation=front_door, person=hostile, role="child")
    page = sign_in(senior_practitioner).get(reverse("frontdoor:worklist")).content.decode()

    row = _row(page, soon.reference)
    local_due = timezone.localtime(soon.due_at)
    assert f'href="{reverse("frontdoor:contact", args=[soon.pk])}"' in row
    assert re.search(r'status--due">Due soon</strong> 1 hour (29|30) minutes left', row)
    assert f'<time datetime="{local_due.isoformat()}">{local_due:%d/%m/%Y %H:%M}</time>' in row
    assert "Amber (child in need)" in row and "(final)" not in row
    assert "(daily allocation meeting)" in row

    row = _row(page, running.reference)
    assert "2 days 3 hours left" in row and 'Green <span class="muted">(final)</span>' in row
    assert "Awaiting early help decision" in row

    row = _row(page, waiting.reference)
    assert "No timescale yet: it starts with the RAG rating" in row
    assert "Not rated" in row
    # Names are escaped, and every child is listed in the order they were added.
    assert "&lt;b&gt;Kai&lt;/b&gt;" in row and "<b>Kai" not in row
    assert row.index(waiting.people.first().person.full_name) < row.index("&lt;b&gt;Kai")
    rate = reverse("frontdoor:contact_rate", args=[waiting.pk])
    assert f'<a href="{rate}">Rate<span class="visually-hidden"> {waiting.reference}' in row

    row = _row(page, between.reference)
    assert "No timescale running" in row and "Red" in row
    assert "<a href" in row.split("</td>", 1)[0] and row.count("<a href") == 1


def test_contacts_in_the_mash_are_listed_for_everyone_on_the_front_door_staff(
    add, sign_in, early_help_coordinator
):
    contact = add(Status.INFORMATION_GATHERING, due_in=timedelta(hours=1))
    page = sign_in(early_help_coordinator).get(reverse("frontdoor:worklist")).content.decode()
    assert contact.reference in page


@pytest.mark.parametrize("who", ["police_member", "dsl", "front_door_admin"])
def test_the_worklist_is_for_front_door_staff_only(request, sign_in, who):
    response = sign_in(request.getfixturevalue(who)).get(reverse("frontdoor:worklist"))
    assert response.status_code == 403


def test_the_worklist_needs_signing_in(client, front_door):
    response = client.get(reverse("frontdoor:worklist"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_next_step_links_follow_the_readers_role(add, sign_in, screening_officer):
    screening = add(Status.SCREENING)
    rating = add(Status.RATING)
    page = sign_in(screening_officer).get(reverse("frontdoor:worklist")).content.decode()
    assert reverse("frontdoor:contact_screen", args=[screening.pk]) in page
    assert reverse("frontdoor:contact_rate", args=[rating.pk]) not in page


def test_the_worklist_costs_the_same_with_three_contacts_or_sixty(
    add, sign_in, screening_officer, django_assert_num_queries, front_door
):
    client = sign_in(screening_officer)
    url = reverse("frontdoor:worklist")

    def make(n):
        for i in range(n):
            child = make_person(screening_officer, first=f"Kid{i}")
            contact = add(
                Status.ALLOCATION if i % 2 else Status.SCREENING,
                due_in=timedelta(hours=i + 1) if i % 2 else None,
            )
            contact.people.create(organisation=front_door, person=child, role="child")

    make(3)
    client.get(url)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    make(57)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(response.context["page"].rows) == worklist.PAGE
    assert response.context["page"].next_cursor


# Sign-in and session (5), the two halves of the list, their children, the counts.
QUERIES = 9


# --- Clocks in words and the home panel ---------------------------------------------------


def test_durations_in_words():
    assert duration_in_words(timedelta(seconds=20)) == "under a minute"
    assert duration_in_words(timedelta(minutes=61)) == "1 hour 1 minute"
    assert duration_in_words(timedelta(days=2, hours=3, minutes=4)) == "2 days 3 hours"
    assert duration_in_words(timedelta(days=3, minutes=4)) == "3 days"


def test_clock_states(add):
    assert clock_state(add(Status.SCREENING)).state == "waiting"
    assert clock_state(add(Status.MASH_DECISION)).state == "none"
    assert clock_state(add(Status.ALLOCATION, due_in=timedelta(hours=1))).state == "soon"
    assert clock_state(add(Status.ALLOCATION, due_in=timedelta(hours=5))).state == "running"
    late = clock_state(add(Status.ALLOCATION, due_in=-timedelta(minutes=90)))
    assert (late.state, late.words) == ("overdue", "1 hour 30 minutes")


def test_the_home_page_shows_front_door_staff_their_panel(
    add, sign_in, senior_practitioner, django_assert_num_queries
):
    for n in range(7):
        add(Status.ALLOCATION, due_in=timedelta(hours=n - 2))
    add(Status.SCREENING)
    client = sign_in(senior_practitioner)
    client.get("/")
    response = client.get("/")
    page = response.content.decode()
    assert "The front door" in page
    assert "8 open contacts" in page and "3 past their timescale" in page
    assert len(re.findall(r'href="/front-door/contacts/\d+/"', page)) == worklist.HOME_ROWS


def test_the_front_door_panel_costs_the_same_however_many_contacts(
    add, sign_in, senior_practitioner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(senior_practitioner)

    def queries():
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    add(Status.ALLOCATION, due_in=timedelta(hours=1))
    few = queries()
    for n in range(12):
        add(Status.EARLY_HELP, due_in=timedelta(hours=n))
    assert queries() == few


def test_school_staff_see_no_front_door_panel(sign_in, dsl):
    assert "The front door" not in sign_in(dsl).get("/").content.decode()
