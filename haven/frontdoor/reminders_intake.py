"""The reminder that an agreed written referral has not arrived, for ``haven send_reminders``.

Operators run the command every few minutes, so the provider compares with the time now
(``clock.now()``), not the day: a consultation at 10:00 that agreed a referral within two
hours is reminded of at the first run after 12:00. Each consultation is reminded of once
(the key names it); linking the contact that is the referral stops it, because only
consultations still without a contact are looked at. Consultations already reminded of are
stamped ``reminder_sent_at`` on the next run, which keeps the partial index they are found
by small.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from haven.core import clock
from haven.frontdoor.models import NoNamesConsultation
from haven.notifications.models import Kind, ReminderSent
from haven.notifications.reminders import Reminder

KEY = "frontdoor.written_referral:{pk}"
CHUNK = 500


class WrittenReferralReminders:
    name = "frontdoor.written_referral"

    def due(self, today: date):
        from haven.frontdoor.services.intake import screening_officers

        now = clock.now()
        awaited = (
            NoNamesConsultation.unscoped.filter(
                written_referral_agreed=True,
                referral_contact__isnull=True,
                reminder_sent_at__isnull=True,
                referral_due_at__lte=now,
            )
            .select_related("organisation", "created_by")
            .order_by("referral_due_at", "pk")
        )
        officers: dict[int, list] = {}
        rows = list(awaited[:CHUNK])
        keys = {KEY.format(pk=c.pk): c for c in rows}
        sent = dict(ReminderSent.unscoped.filter(key__in=list(keys)).values_list("key", "sent_at"))
        for key, sent_at in sent.items():
            NoNamesConsultation.unscoped.filter(pk=keys[key].pk).update(reminder_sent_at=sent_at)
        for key, consultation in keys.items():
            if key in sent:
                continue
            org_id = consultation.organisation_id
            if org_id not in officers:
                officers[org_id] = screening_officers(consultation.organisation)
            agreed = timezone.localtime(consultation.consulted_at)
            due = timezone.localtime(consultation.referral_due_at)
            yield Reminder(
                key=key,
                organisation=consultation.organisation,
                recipients=[consultation.created_by, *officers[org_id]],
                kind=Kind.WRITTEN_REFERRAL_OVERDUE,
                title=f"The written referral agreed with {consultation.professional_agency} "
                f"on {agreed:%d/%m/%Y at %H:%M} has not arrived (it was due by "
                f"{due:%H:%M on %d/%m/%Y})",
                url=reverse("frontdoor:consultation", args=[consultation.pk]),
            )
