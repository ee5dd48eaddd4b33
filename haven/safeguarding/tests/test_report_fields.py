"""What a concern carries for the reports is written by the services that record, correct,
act on and decide it, so a report never has to work it out again from a year of rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from haven.core import clock
from haven.safeguarding import alerts, services, triage
from haven.safeguarding.models import Concern
from haven.safeguarding.tests.records import (
    REPORT_FIELDS,
    category,
    concern_data,
    fill_report_fields_again,
)

pytestmark = pytest.mark.django_db


def uk(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def fresh(concern) -> Concern:
    return Concern.unscoped.get(pk=concern.pk)


def test_recording_fixes_the_year_group_and_the_uk_weekday_and_hour(dsl, child):
    child.year_group = "5"
    child.save(update_fields=["year_group"])
    # 23:30 on Sunday 5 July in UK summer time is 22:30 UTC: the UK day and hour count.
    data = concern_data(
        child, category_obj=category(dsl.organisation), occurred_at=uk(2026, 7, 5, 23, 30)
    )
    concern = fresh(services.concern_record(actor=dsl, data=data))
    assert (concern.year_group, concern.occurred_weekday, concern.occurred_hour) == ("5", 7, 23)
    assert concern.seconds_to_first_action is None and concern.seconds_to_decision is None


def test_a_correction_moves_the_time_but_keeps_the_year_group_of_the_same_child(
    dsl, child, other_children
):
    child.year_group = "5"
    child.save(update_fields=["year_group"])
    cat = category(dsl.organisation)
    concern = services.concern_record(actor=dsl, data=concern_data(child, category_obj=cat))
    child.year_group = "6"
    child.save(update_fields=["year_group"])
    later = concern_data(child, category_obj=cat, occurred_at=uk(2026, 1, 6, 8, 15))  # Tuesday
    services.concern_edit(actor=dsl, concern=concern, data=later, reason="Wrong day")
    assert (fresh(concern).year_group, fresh(concern).occurred_weekday) == ("5", 2)
    assert fresh(concern).occurred_hour == 8
    other = other_children[0]
    other.year_group = "2"
    other.save(update_fields=["year_group"])
    moved = concern_data(other, category_obj=cat, occurred_at=uk(2026, 1, 6, 8, 15))
    services.concern_edit(actor=dsl, concern=fresh(concern), data=moved, reason="Wrong child")
    assert fresh(concern).year_group == "2"


def test_a_correction_cannot_undo_a_decision_made_while_it_was_being_written(dsl, child):
    cat = category(dsl.organisation)
    concern = services.concern_record(actor=dsl, data=concern_data(child, category_obj=cat))
    being_edited = fresh(concern)
    triage.triage_decide(concern=fresh(concern), actor=dsl, outcome="monitor", rationale="Watch")
    decided = fresh(concern)
    services.concern_edit(
        actor=dsl,
        concern=being_edited,
        data=concern_data(child, category_obj=cat, account="A fuller account."),
        reason="More detail",
    )
    after = fresh(concern)
    assert after.account == "A fuller account."
    assert (after.decided_at, after.seconds_to_decision) == (
        decided.decided_at,
        decided.seconds_to_decision,
    )


def test_the_first_action_and_the_first_decision_record_how_long_they_took(dsl, child):
    cat = category(dsl.organisation)
    concern = services.concern_record(actor=dsl, data=concern_data(child, category_obj=cat))
    with clock.travel(timedelta(hours=3)):
        alerts.concern_action_add(concern=concern, children=[child], text="Rang mum", actor=dsl)
    with clock.travel(timedelta(hours=9)):
        alerts.concern_action_add(concern=concern, children=[child], text="Met mum", actor=dsl)
        triage.triage_decide(concern=concern, actor=dsl, outcome="monitor", rationale="Watch")
    with clock.travel(timedelta(hours=20)):
        triage.triage_decide(concern=concern, actor=dsl, outcome="nfa", rationale="All well")
    measured = fresh(concern)
    assert abs(measured.seconds_to_first_action - 3 * 3600) < 60
    assert abs(measured.seconds_to_decision - 9 * 3600) < 60


def test_concerns_recorded_before_the_fields_existed_get_what_the_services_would_write(
    dsl, child, other_children
):
    """The migration's fill, run over concerns whose fields were wiped, gives them back."""
    cat = category(dsl.organisation)
    child.year_group = "R"
    child.save(update_fields=["year_group"])
    first = services.concern_record(
        actor=dsl, data=concern_data(child, category_obj=cat, occurred_at=uk(2026, 3, 29, 14, 30))
    )
    # (Only the clock moves, not a row's own stamp, so the action is written now.)
    alerts.concern_action_add(concern=first, children=[child], text="Rang mum", actor=dsl)
    with clock.travel(timedelta(hours=2)):
        triage.triage_decide(concern=first, actor=dsl, outcome="monitor", rationale="Watch")
    services.concern_record(actor=dsl, data=concern_data(other_children[0], category_obj=cat))
    written = list(Concern.unscoped.order_by("pk").values_list(*REPORT_FIELDS))
    Concern.unscoped.update(
        year_group="x",
        occurred_weekday=0,
        occurred_hour=99,
        seconds_to_first_action=None,
        seconds_to_decision=None,
    )
    fill_report_fields_again()
    filled = list(Concern.unscoped.order_by("pk").values_list(*REPORT_FIELDS))
    assert [f[:3] for f in filled] == [f[:3] for f in written]
    assert filled[1][3:] == written[1][3:] == (None, None)
    assert all(abs(a - b) <= 1 for a, b in zip(filled[0][3:], written[0][3:], strict=True))
    assert written[0][:3] == ("R", 7, 14)
