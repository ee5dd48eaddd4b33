"""Appending to and checking the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction

from haven.audit.models import GENESIS, AuditChainHead, AuditEvent
from haven.core import clock
from haven.core.http import client_ip, user_agent


# The fields the hash covers, in the order ``json.dumps(sort_keys=True)`` writes them, split
# around the two that only the chain head knows (the link to the event before, and the
# event's number): "prev_hash" and "seq" sort next to each other, between "person_id" and
# "user_agent".
def _canonical_parts(event: AuditEvent) -> tuple[str, str, str]:
    """The event's canonical JSON as (before prev_hash, between it and seq, after seq)."""
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    before = {
        "chain": event.chain,
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
        "detail": event.detail,
    }
    head = json.dumps(before, sort_keys=True, separators=(",", ":"), default=str)
    tail = json.dumps({"user_agent": event.user_agent}, separators=(",", ":"))
    return head[:-1] + ',"prev_hash":"', '","seq":', "," + tail[1:]


def _canonical(event: AuditEvent) -> bytes:
    head, middle, tail = _canonical_parts(event)
    return f"{head}{event.prev_hash}{middle}{event.seq}{tail}".encode()


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
    event = AuditEvent(
        chain=chain,
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
    )
    append = _append_in_one_statement if connection.vendor == "postgresql" else _append
    if not append(event):
        # The organisation's first event: start its chain, then append.
        AuditChainHead.objects.get_or_create(chain=chain)
        append(event)
    return event


def _append(event: AuditEvent) -> bool:
    """Lock the chain head, link the event to it and move it on; False if there is no head."""
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=event.chain).first()
        if head is None:
            return False
        event.seq, event.prev_hash = head.seq + 1, head.hash
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.prev_hash, head.hash = event.seq, event.prev_hash, event.hash
        head.save(update_fields=["seq", "prev_hash", "hash"])
    return True


# Every page that shows a child's record appends an event, so on PostgreSQL the append is a
# single statement: the head moves on and hashes the event (SHA-256 in the database, over the
# same canonical JSON as ``compute_hash``), and the event is inserted from what it returns. A
# statement is atomic by itself, and the head's row lock is held only while it runs (or until
# the caller's transaction ends), instead of for five round trips. Every column but those
# the statement fills in from the head (and the id) is given.
_FIELDS = [
    f
    for f in AuditEvent._meta.concrete_fields
    if f.column not in ("id", "seq", "prev_hash", "hash")
]
_APPEND_SQL = """
WITH head AS (
    UPDATE {head} SET
        seq = seq + 1,
        prev_hash = hash,
        hash = encode(sha256(convert_to(
            %(before)s || hash || %(middle)s || (seq + 1)::text || %(after)s, 'UTF8'
        )), 'hex')
    WHERE chain = %(chain)s
    RETURNING seq, prev_hash, hash
)
INSERT INTO {events} ({columns}, seq, prev_hash, hash)
SELECT {values}, head.seq, head.prev_hash, head.hash FROM head
RETURNING id, seq, prev_hash, hash
""".format(
    head=AuditChainHead._meta.db_table,
    events=AuditEvent._meta.db_table,
    columns=", ".join(f.column for f in _FIELDS),
    values=", ".join(f"%({f.column})s" for f in _FIELDS),
)


def _append_in_one_statement(event: AuditEvent) -> bool:
    before, middle, after = _canonical_parts(event)
    values = {f.column: f.get_db_prep_save(getattr(event, f.attname), connection) for f in _FIELDS}
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, {**values, "before": before, "middle": middle, "after": after})
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.seq, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True


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
