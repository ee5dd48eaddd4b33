"""Chasing late MASH information requests, for ``haven send_reminders``.

Operators run the command every few minutes. A request still unanswered when it falls due
is chased at once: every member of the agency asked is told, and so is the MASH social
worker who asked (so that they can telephone the agency) while they still work in the MASH.
It is chased again each time another interval passes without an answer (hourly for a red
contact, every four hours otherwise: ``services.mash.chase_interval``). ``chased_at`` and
``chase_count`` on the request record each chase, so the MASH workspace shows how often an
agency was chased.

Each chase is claimed with a conditional update (the row's ``chase_count`` must still be
what was read), so two runs at once cannot both chase; its key names the chase's number,
so ``send_reminders`` sends it once.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from haven.access import rules
from haven.core import clock
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import InformationRequest
from haven.frontdoor.services.mash import chase_interval
from haven.notifications.models import Kind
from haven.notifications.reminders import Reminder


class InformationRequestChasing:
    name = "frontdoor_information_requests"

    def due(self, today: date):
        now = clock.now()
        late = (
            InformationRequest.unscoped.filter(
                status=InformationRequest.Status.OPEN, due_at__lte=now
            )
            .select_related("agency", "contact", "organisation", "created_by")
            .order_by("due_at", "pk")
        )
        for info_request in late.iterator(chunk_size=500):
            chased = info_request.chased_at
            if chased is not None and now - chased < chase_interval(info_request.contact):
                continue
            claimed = (
                InformationRequest.unscoped.filter(
                    pk=info_request.pk,
                    status=InformationRequest.Status.OPEN,
                    chase_count=info_request.chase_count,
                )
                .filter(Q(chased_at__isnull=True) | Q(chased_at=chased))
                .update(chased_at=now, chase_count=F("chase_count") + 1, modified_at=now)
            )
            if not claimed:
                continue  # answered, withdrawn or chased by another run meanwhile
            number = info_request.chase_count + 1
            again = f" (reminder {number})" if number > 1 else ""
            due = timezone.localtime(info_request.due_at)
            yield Reminder(
                key=f"frontdoor.request_chase:{info_request.pk}:{number}",
                organisation=info_request.organisation,
                recipients=list(info_request.agency.members.filter(is_active=True)),
                kind=Kind.INFORMATION_REQUEST_CHASED,
                title=f"Late{again}: the MASH asked {info_request.agency.name} about "
                f"{contact_reference(info_request.contact)} by {due:%d/%m/%Y %H:%M}",
                url=reverse("frontdoor:request", args=[info_request.pk]),
                reference=contact_reference(info_request.contact),
            )
            asker = info_request.created_by
            if asker is not None and rules.can_gather_mash_information(asker):
                yield Reminder(
                    key=f"frontdoor.request_chase_asker:{info_request.pk}:{number}",
                    organisation=info_request.organisation,
                    recipients=[asker],
                    kind=Kind.INFORMATION_REQUEST_CHASED,
                    title=f"Late{again}: {info_request.agency.name} has not answered your MASH "
                    f"request about {contact_reference(info_request.contact)}, due "
                    f"{due:%d/%m/%Y %H:%M}; the agency has been chased",
                    url=reverse("frontdoor:mash", args=[info_request.contact_id]),
                    reference=contact_reference(info_request.contact),
                )
