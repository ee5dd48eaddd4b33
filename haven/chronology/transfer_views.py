"""Pages for transferring a child's safeguarding file: start, the transfer, its steps, the list.

Safeguarding leads only. Preparing the file (and preparing it again) asks for the second
factor again if the last check is over 15 minutes old, as every export does.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology import transfer_queries as queries
from haven.chronology import transfer_services as services
from haven.chronology.models import TRANSFER_TRANSITIONS, TransferStatus
from haven.chronology.transfer_forms import (
    TransferCancelForm,
    TransferReceiptForm,
    TransferSentForm,
    TransferStartForm,
)
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.people.queries import get_person_for_user

lead = requires(rules.can_manage_transfer_files)
lead_fresh = requires(rules.can_manage_transfer_files, fresh=True)


def _ready(request, transfer, token, bundle):
    """The single-use link, shown once (only its hash is kept)."""
    return render(
        request,
        "chronology/transfer_ready.html",
        {"transfer": transfer, "child": transfer.child, "token": token, "bundle": bundle},
    )


@lead_fresh
@require_http_methods(["GET", "POST"])
def start(request, pk: int):
    child = get_person_for_user(request.user, pk)
    if not rules.can_transfer_file(request.user, child):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = TransferStartForm(request.POST or None, initial={"leaving_date": clock.today()})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            transfer, token, bundle = services.transfer_file_start(
                actor=request.user,
                child=child,
                leaving_date=form.cleaned_data["leaving_date"],
                destination=form.cleaned_data["destination"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            return _ready(request, transfer, token, bundle)
    return render(
        request,
        "chronology/transfer_start.html",
        {"child": child, "form": form, "error": error},
        status=form_status(form, error=error),
    )


@lead
@require_safe
def transfer(request, pk: int):
    record = queries.get_transfer_for_user(request.user, pk)
    record_event(
        action=Action.VIEW,
        actor=request.user,
        request=request,
        obj=record,
        person_id=record.child_id,
        detail={"what": "safeguarding file transfer"},
    )
    return render(
        request,
        "chronology/transfer.html",
        {
            "transfer": record,
            "child": record.child,
            "history": queries.status_history(record),
            "today": clock.today(),
            "now": clock.now(),
            "overdue": record.is_overdue_on(clock.today()),
            "Status": TransferStatus,
        },
    )


@lead_fresh
@require_http_methods(["GET", "POST"])
def rebuild(request, pk: int):
    record = queries.get_transfer_for_user(request.user, pk)
    error = None if record.is_open else services.transfer_refusal(record, TransferStatus.SENT)
    if request.method == "POST" and error is None:
        try:
            record, token, bundle = services.transfer_file_rebuild(
                actor=request.user, transfer=record, request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            return _ready(request, record, token, bundle)
    return render(
        request,
        "chronology/transfer_rebuild.html",
        {"transfer": record, "child": record.child, "error": error},
        status=400 if error else 200,
    )


def _step(request, record, form, *, to_status, title, button, error, intro=""):
    """A form for one move of the transfer; when the move is not possible now, the reason
    instead of the form."""
    allowed = to_status in TRANSFER_TRANSITIONS[record.status]
    if not allowed:
        error = services.transfer_refusal(record, to_status)
    return render(
        request,
        "chronology/transfer_step.html",
        {
            "transfer": record,
            "child": record.child,
            "form": form,
            "title": title,
            "button": button,
            "error": error,
            "intro": intro,
            "show_form": allowed,
        },
        status=form_status(form, error=error),
    )


@lead
@require_http_methods(["GET", "POST"])
def sent(request, pk: int):
    record = queries.get_transfer_for_user(request.user, pk)
    form = TransferSentForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_file_record_sent(
                actor=request.user,
                transfer=record,
                method=data["method"],
                sent_at=data["when"],
                sent_to=data["sent_to"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"Recorded: the file was sent to {record.destination}.")
            return redirect("chronology:transfer", pk=record.pk)
    return _step(
        request,
        record,
        form,
        to_status=TransferStatus.SENT,
        title="Record that the file was sent",
        button="Record as sent",
        error=error,
    )


@lead
@require_http_methods(["GET", "POST"])
def receipt(request, pk: int):
    record = queries.get_transfer_for_user(request.user, pk)
    form = TransferReceiptForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_file_confirm_receipt(
                actor=request.user,
                transfer=record,
                confirmed_at=data["when"],
                confirmed_by=data["confirmed_by"],
                method=data["method"],
                note=data["note"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"Recorded: {record.destination} confirmed receipt.")
            return redirect("chronology:transfer", pk=record.pk)
    return _step(
        request,
        record,
        form,
        to_status=TransferStatus.RECEIPT_CONFIRMED,
        title="Record that receipt was confirmed",
        button="Record receipt",
        error=error,
    )


@lead
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    record = queries.get_transfer_for_user(request.user, pk)
    form = TransferCancelForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_file_cancel(
                actor=request.user,
                transfer=record,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, "The transfer has been cancelled.")
            return redirect("chronology:transfer", pk=record.pk)
    return _step(
        request,
        record,
        form,
        to_status=TransferStatus.CANCELLED,
        title="Cancel the transfer",
        button="Cancel the transfer",
        error=error,
        intro=(
            "A file not yet downloaded is removed at once. If the file has gone already, the "
            "chronology keeps the record of its sending and notes the cancellation."
        ),
    )


@lead
@require_safe
def transfers(request):
    return render(request, "chronology/transfers.html", queries.transfer_list(request))
