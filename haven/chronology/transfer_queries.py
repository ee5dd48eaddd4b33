"""Reads of safeguarding file transfers, scoped to the safeguarding leads of the organisation."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from haven.access import rules
from haven.chronology.models import (
    TRANSFER_CLOSED,
    TRANSFER_OPEN,
    TransferFile,
    TransferStatus,
)
from haven.core import clock
from haven.core.paging import keyset_page
from haven.people.models import name_fields

HOME_ROWS = 8
# Transfers in progress at once are few (a handful of leavers with files, even in July); the
# list shows this many and says how many more there are.
OPEN_ROWS = 200
CLOSED_PAGE = 25
RELATED = ("child", "generated_by", "sent_by")


def transfers_visible_to(user):
    if not rules.can_manage_transfer_files(user):
        return TransferFile.unscoped.none()
    return TransferFile.objects.for_org(user.organisation)


def get_transfer_for_user(user, pk: int) -> TransferFile:
    """The transfer, or 404 for anything the user may not know exists."""
    transfer = (
        transfers_visible_to(user)
        .select_related(*RELATED, "receipt_recorded_by", "export__created_by")
        .filter(pk=pk)
        .first()
    )
    if transfer is None or not rules.can_view_transfer(user, transfer):
        raise Http404
    return transfer


def _open(user):
    # Read in order from the ``transfer_due`` index: organisation, status, due date.
    return (
        transfers_visible_to(user)
        .filter(status__in=TRANSFER_OPEN)
        .select_related(*RELATED)
        .order_by("due_date", "id")
    )


def transfer_list(request) -> dict:
    """The organisation's transfers: those in progress first, by due date; then finished
    and cancelled ones, newest first, paged by keyset. A fixed number of queries."""
    user = request.user
    open_rows = list(_open(user)[: OPEN_ROWS + 1])
    closed = (
        transfers_visible_to(user)
        .filter(status__in=TRANSFER_CLOSED)
        .select_related(*RELATED)
        .order_by("-id")
    )
    closed_rows, next_before = keyset_page(closed, request, CLOSED_PAGE)
    return {
        "open_transfers": open_rows[:OPEN_ROWS],
        "more_open": len(open_rows) > OPEN_ROWS,
        "closed_transfers": closed_rows,
        "next_before": next_before,
        "today": clock.today(),
    }


def home_transfers(user) -> dict:
    """The home page panel: transfers not yet sent or awaiting receipt, soonest due first,
    with how many there are and how many are overdue. Two queries however many."""
    today = clock.today()
    rows = _open(user)
    counts = rows.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(status=TransferStatus.GENERATED, due_date__lt=today)),
    )
    shown = (
        rows.select_related(None)
        .select_related("child")
        .only("destination", "status", "due_date", *name_fields("child"))
    )
    return {"transfers": list(shown[:HOME_ROWS]), **counts, "today": today}


def child_transfer(child):
    """The child's latest transfer, if any: one indexed query (the banner on their page)."""
    return (
        TransferFile.objects.for_org(child.organisation_id)
        .filter(child=child)
        .order_by("-id")
        .first()
    )


def status_history(transfer: TransferFile) -> list:
    return list(transfer.status_changes.select_related("created_by").order_by("created_at", "pk"))
