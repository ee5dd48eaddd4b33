"""Appending to and checking the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction

from haven.audit.models import AuditChainHead, AuditEvent
from haven.core import clock
from haven.core.http import client_ip, user_agent

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "organisation": event.organisation_id,
        "occurred_at": occurred,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "person_id": event.person_id,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def record_event(
    *,
    action: str,
    actor=None,
    organisation=None,
    request=None,
    obj=None,
    person_id: int | None = None,
    detail: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to its organisation's chain.

    Runs inside the caller's transaction when there is one, so the event commits or rolls
    back with the change it describes. The chain head is locked for the append, which
    serialises writers per organisation on PostgreSQL (on SQLite the whole database write
    lock does the same).
    """
    if organisation is None and actor is not None:
        organisation = actor.organisation
    chain = organisation.pk if organisation is not None else 0
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            head = AuditChainHead.objects.create(chain=chain)
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            organisation=organisation,
            occurred_at=clock.now(),
            actor=actor,
            actor_label=actor_label or (actor.email if actor is not None else ""),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=str(obj)[:200] if obj is not None else "",
            person_id=person_id,
            ip_address=client_ip(request) if request is not None else None,
            user_agent=user_agent(request) if request is not None else "",
            detail=detail or {},
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class BrokenLink:
    chain: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"chain {self.chain} (organisation {self.chain or 'none'}), event {self.seq}"
        return f"{where}: {self.reason}"


def verify_chain(chain: int) -> BrokenLink | None:
    """Walk one chain from its first event; return the first broken link, if any."""
    expected_prev, expected_seq = GENESIS, 1
    events = AuditEvent.objects.filter(chain=chain).order_by("seq")
    for event in events.iterator(chunk_size=5000):
        if event.seq != expected_seq:
            return BrokenLink(chain, expected_seq, None, f"event {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return BrokenLink(chain, event.seq, event.pk, "does not follow the event before it")
        if compute_hash(event) != event.hash:
            return BrokenLink(chain, event.seq, event.pk, "has been altered since it was written")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return BrokenLink(chain, expected_seq, None, "events at the end of the chain are missing")
    return None


def verify_all() -> tuple[int, list[BrokenLink]]:
    chains = set(AuditChainHead.objects.values_list("chain", flat=True))
    chains |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    broken = [link for chain in sorted(chains) if (link := verify_chain(chain))]
    return len(chains), broken
