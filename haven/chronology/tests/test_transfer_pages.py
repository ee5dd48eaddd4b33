"""Transfers on the DSL's home page, the list of transfers and the overdue reminder."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.chronology.models import TransferStatus
from haven.chronology.tests.transfer_records import quick_transfer, send, start_transfer
from haven.core import clock
from haven.notifications.models import Kind, Notification
from haven.notifications.reminders import send_reminders
from haven.safeguarding.tests.records import make_child

pytestmark = pytest.mark.django_db


def _children(dsl, count: int, start: int = 0) -> list:
    return [make_child(dsl, f"Child{n}", "Leaver") for n in range(start, start + count)]


def _fill(dsl, children) -> None:
    """One transfer per child: overdue, due later, sent awaiting receipt, and done."""
    today = clock.today()
    states = [
        (TransferStatus.GENERATED, today - timedelta(days=2)),
        (TransferStatus.GENERATED, today + timedelta(days=4)),
        (TransferStatus.SENT, today + timedelta(days=1)),
        (TransferStatus.RECEIPT_CONFIRMED, today - timedelta(days=9)),
    ]
    for index, child in enumerate(children):
        status, due = states[index % len(states)]
        quick_transfer(dsl, child, due_date=due, status=status)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_home_panel_shows_transfers_due_and_awaiting_receipt_at_a_fixed_cost(
    dsl, sign_in, django_assert_num_queries
):
    _fill(dsl, _children(dsl, 4))
    client = sign_in(dsl)
    home = reverse("core:home")
    client.get(home)
    few = _count(client, home)
    _fill(dsl, _children(dsl, 16, start=4))
    with django_assert_num_queries(few):
        response = client.get(home)
    page = response.content.decode()
    assert "Safeguarding file transfers" in page
    # 20 transfers: 15 in progress (10 not yet sent, 5 of them overdue; 5 awaiting receipt).
    assert "15 in progress" in page and "5 overdue" in page
    assert "Awaiting receipt" in page and "Not yet sent" in page
    assert "All 15 transfers in progress" in page


def test_the_home_panel_is_for_the_safeguarding_leads_only(dsl, key_person, sign_in):
    _fill(dsl, _children(dsl, 2))
    page = sign_in(key_person).get(reverse("core:home")).content.decode()
    assert "Safeguarding file transfers" not in page and "Child0" not in page


def test_the_list_puts_transfers_in_progress_first_by_due_date(
    dsl, stranger, sign_in, django_assert_max_num_queries
):
    children = _children(dsl, 4)
    today = clock.today()
    late = quick_transfer(dsl, children[0], due_date=today + timedelta(days=6))
    soon = quick_transfer(dsl, children[1], due_date=today + timedelta(days=1))
    done = quick_transfer(
        dsl, children[2], due_date=today - timedelta(days=3), status="receipt_confirmed"
    )
    sent = quick_transfer(dsl, children[3], due_date=today + timedelta(days=3), status="sent")
    client = sign_in(dsl)
    response = client.get(reverse("chronology:transfers"))
    assert [t.pk for t in response.context["open_transfers"]] == [soon.pk, sent.pk, late.pk]
    assert [t.pk for t in response.context["closed_transfers"]] == [done.pk]
    # Another organisation's lead sees their own (empty) list.
    theirs = sign_in(stranger).get(reverse("chronology:transfers"))
    assert theirs.status_code == 200 and not theirs.context["open_transfers"]
    assert "Child0" not in theirs.content.decode()


def test_an_overdue_transfer_reminds_the_leads_once(dsl, deputy_dsl, key_person, sign_in):
    child, other = _children(dsl, 2)
    transfer, _, _ = start_transfer(dsl, child)
    waiting, _, _ = start_transfer(dsl, other)
    send(dsl, waiting)
    due = transfer.due_date
    assert send_reminders(today=due)["transfer_files"] == 0  # due today: not yet overdue
    assert send_reminders(today=due + timedelta(days=1))["transfer_files"] == 1
    assert send_reminders(today=due + timedelta(days=2))["transfer_files"] == 0
    notes = Notification.objects.for_org(dsl.organisation).filter(kind=Kind.TRANSFER_OVERDUE)
    assert sorted(n.recipient_id for n in notes) == sorted([dsl.pk, deputy_dsl.pk])
    (note, _) = notes
    assert "Child0 Leaver" in note.title and "has not been sent" in note.title
    assert note.url == reverse("chronology:transfer", args=[transfer.pk])
    # The transfer page shows it overdue.
    with clock.travel(timedelta(days=(due - clock.today()).days + 1)):
        page = sign_in(dsl).get(note.url).content.decode()
    assert "Overdue" in page


def test_the_demo_has_a_transfer_sent_and_awaiting_receipt_due_in_a_few_days():
    from haven.accounts.demo import load_demo
    from haven.accounts.models import User
    from haven.chronology.models import Export, TransferFile
    from haven.documents.storage import document_storage

    load_demo()
    dsl = User.unscoped.get(email="dsl@riverside.example")
    transfer = TransferFile.objects.for_org(dsl.organisation).get()
    assert transfer.child.first_name == "Arjun" and transfer.status == TransferStatus.SENT
    # Five school days after leaving two days ago (longer over Christmas and Easter).
    assert clock.today() < transfer.due_date <= clock.today() + timedelta(days=14)
    export = Export.objects.for_org(dsl.organisation).get(pk=transfer.export_id)
    assert export.storage_name == "" or not document_storage().exists(export.storage_name)
