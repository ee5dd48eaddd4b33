"""The domain records of ``haven generate_data``: every kind there, as the services would
leave them, the chronology equal to what the projection rebuilds, and the same for a seed."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum

from haven.audit.services import verify_all
from haven.cases.models import (
    CaseStatusChange,
    ClosureRequest,
    MonitoringAction,
    SafeguardingCase,
    Status,
)
from haven.chronology.models import Entry, Kind
from haven.chronology.projection import PROJECTORS, project
from haven.frontdoor.models import (
    Contact,
    ContactPerson,
    ContactStatusChange,
    InformationRequest,
    RagRating,
)
from haven.frontdoor.models import Status as ContactStatus
from haven.people.models import Person
from haven.programmes.models import CURRENT, DeliveryTally, Engagement, ServiceDelivery, Stage
from haven.safeguarding.models import (
    Alert,
    Concern,
    ConcernAction,
    ConcernChild,
    ConcernVersion,
    TriageDecision,
)

pytestmark = pytest.mark.django_db

PEOPLE = 600
SAMPLE = 80
ENTRY_FIELDS = (
    "organisation_id",
    "child_id",
    "kind",
    "occurred_at",
    "recorded_by_id",
    "category",
    "summary",
    "source_type",
    "source_id",
    "scope",
    "routine",
)


def entries() -> list[tuple]:
    return sorted(Entry.unscoped.values_list(*ENTRY_FIELDS))


@pytest.fixture
def generated(capsys):
    call_command("generate_data", people=PEOPLE, seed=5)
    return capsys.readouterr().out


def test_every_kind_of_record_is_generated(generated):
    for model in (
        Concern,
        ConcernChild,
        ConcernVersion,
        ConcernAction,
        TriageDecision,
        Alert,
        SafeguardingCase,
        CaseStatusChange,
        MonitoringAction,
        ClosureRequest,
        Engagement,
        ServiceDelivery,
        Contact,
        ContactPerson,
        ContactStatusChange,
        RagRating,
        InformationRequest,
    ):
        assert model.unscoped.exists(), model.__name__
    assert set(SafeguardingCase.unscoped.values_list("status", flat=True)) == set(Status.values)
    assert Concern.unscoped.exclude(body_map=[]).exists()
    # Every delivery is counted once in the daily tally, under its child's year group.
    counted = DeliveryTally.objects.aggregate(n=Sum("deliveries"))["n"]
    assert counted == ServiceDelivery.unscoped.filter(CURRENT).count()
    assert not ServiceDelivery.unscoped.exclude(year_group=F("engagement__child__year_group"))
    assert Engagement.unscoped.filter(stage=Stage.CLOSED).exists()
    statuses = set(Contact.unscoped.values_list("status", flat=True))
    assert {ContactStatus.DECIDED, ContactStatus.SCREENING} <= statuses
    # Every chronology kind the records make is there.
    kinds = set(Entry.unscoped.values_list("kind", flat=True))
    assert {
        Kind.CONCERN,
        Kind.CONCERN_ACTION,
        Kind.TRIAGE_DECISION,
        Kind.CASE_OPENED,
        Kind.CASE_MONITORING,
        Kind.CASE_CLOSURE_REQUESTED,
        Kind.CASE_CLOSURE_DECIDED,
        Kind.CASE_CLOSED,
        Kind.ENGAGEMENT_OPENED,
        Kind.ENGAGEMENT_CLOSED,
        Kind.SERVICE_DELIVERY,
        Kind.RELATIONSHIP_ADDED,
        Kind.STATUS_STARTED,
    } <= kinds
    assert "rows/s" in generated


def test_the_chronology_is_what_the_projection_would_write(generated):
    """Re-project a sample of every kind of source record (the first of each, and every
    concern entered in error with its actions and decisions): nothing may change."""
    before = entries()
    assert len(before) > PEOPLE * 3
    sampled = set()
    for model, _ in PROJECTORS.values():
        records = list(model._base_manager.order_by("pk")[:SAMPLE])
        if model in (Concern, ConcernAction, TriageDecision):
            wrong = (
                {"entered_in_error": True}
                if model is Concern
                else {"concern__entered_in_error": True}
            )
            records += list(model._base_manager.filter(**wrong))
        for record in records:
            project(record)
            sampled.add(model)
    assert {Concern, ConcernAction, TriageDecision, ServiceDelivery, MonitoringAction} <= sampled
    assert entries() == before
    assert verify_all()[1] == []


def test_cases_keep_the_services_invariants(generated):
    for case in SafeguardingCase.unscoped.prefetch_related("status_changes", "closure_requests"):
        moves = [(c.from_status, c.to_status) for c in case.status_changes.all()]
        assert moves[0] == ("", Status.OPEN)
        assert moves[-1][1] == case.status
        assert all(a == b for (_, a), (b, _) in zip(moves, moves[1:], strict=False))
        assert (case.next_update_due is None) == (case.status == Status.CLOSED)
        pending = [c for c in case.closure_requests.all() if c.is_pending]
        assert len(pending) == (1 if case.status == Status.CLOSURE_REQUESTED else 0)
        assert all(c.approver_id != c.created_by_id for c in case.closure_requests.all())


def test_concerns_carry_the_report_fields_the_services_would_write(generated):
    """Worked out again from each concern's child, time, actions and decisions, by the fill
    that gave concerns recorded before these fields existed theirs."""
    from haven.safeguarding.tests.records import REPORT_FIELDS, fill_report_fields_again

    generated_rows = list(Concern.unscoped.order_by("pk").values_list("pk", *REPORT_FIELDS))
    assert any(row[4] is not None for row in generated_rows)
    assert any(row[5] is not None for row in generated_rows)
    # A moved child's year group today may differ from then; the generator moves nobody.
    fill_report_fields_again()
    assert list(Concern.unscoped.order_by("pk").values_list("pk", *REPORT_FIELDS)) == generated_rows


def test_most_children_have_few_entries_and_a_few_have_many(generated):
    from django.db.models import Count

    counts = sorted(
        Entry.unscoped.values("child").annotate(n=Count("id")).values_list("n", flat=True)
    )
    children = Person.unscoped.filter(kind="child").count()
    median = counts[len(counts) // 2]
    assert median <= 10
    assert counts[-1] >= 10 * median
    assert len(counts) > children // 2


def checksum() -> tuple[dict, str]:
    counts = {
        m.__name__: m.unscoped.count()
        for m in (Concern, ConcernAction, SafeguardingCase, ServiceDelivery, Contact, Entry)
    }
    digest = hashlib.sha256()
    for row in Entry.unscoped.order_by("child_id", "kind", "source_type", "source_id").values_list(
        "child_id", "kind", "category", "summary", "source_type", "source_id", "scope", "routine"
    ):
        digest.update(repr(row).encode())
    return counts, digest.hexdigest()


def test_the_same_seed_gives_the_same_records():
    def generate():
        call_command("generate_data", people=200, seed=9)
        return checksum()

    # Rolled back rather than flushed (see test_generator).
    with transaction.atomic():
        first = generate()
        transaction.set_rollback(True)
    assert not Entry.unscoped.exists()
    assert first == generate()
