"""The MASH's services: the manager's review, the family told, information requests and
answers, the MASH record, the decision and the onward record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.access import roles, rules
from haven.audit.models import AuditEvent
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.documents.models import Document
from haven.frontdoor import workflow
from haven.frontdoor.models import (
    AgencyKind,
    ClockKind,
    ContactClock,
    ContactStatusChange,
    EarlyHelpOffer,
    InformationRequest,
    MashRecord,
    OnwardRecord,
    Outcome,
    Rag,
    RagRating,
    Status,
)
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency, make_contact, make_staff, team
from haven.frontdoor.tests.mash_records import (
    EDUCATION_ANSWER,
    HEALTH_ANSWER,
    POLICE_SECRET,
    answer,
    complete_record,
    education_member,
    gathering_contact,
    three_answers,
)
from haven.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def education(front_door):
    return education_member(front_door)


@pytest.fixture
def gathering(front_door, fd_child, screening_officer, social_worker):
    return gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)


def _police(front_door):
    return agency(front_door, AgencyKind.POLICE)


def _health(front_door):
    return agency(front_door, AgencyKind.HEALTH)


def _ask(contact, worker, *agencies, question="Anything known?"):
    return mash.information_requests_send(
        contact=contact, actor=worker, agencies=list(agencies), question=question
    )


# --- The MASH manager's review ------------------------------------------------------------


def _at_manager(front_door, child, actor, rating=Rag.AMBER_CIN):
    contact = make_contact(
        front_door,
        children=[child],
        actor=actor,
        status=Status.MASH_MANAGER,
        initial_rag=rating,
        known="previously_known",
    )
    workflow.clock_start(contact, workflow.clock_kind_for(rating), at=clock.now(), rating=rating)
    contact.save()
    return contact


def test_a_review_as_green_passes_to_early_help_saying_why_the_threshold_is_not_met(
    front_door, fd_child, screening_officer, mash_manager
):
    contact = _at_manager(front_door, fd_child, screening_officer, Rag.AMBER_CIN)
    mash.mash_review(
        contact=contact, actor=mash_manager, rating=Rag.GREEN, rationale="Known, now settled."
    )
    contact.refresh_from_db()
    assert contact.status == Status.EARLY_HELP
    assert contact.initial_rag == Rag.GREEN
    review = RagRating.objects.for_org(front_door).get(contact=contact, stage="review")
    assert review.rating == Rag.GREEN and review.rationale == "Known, now settled."
    change = ContactStatusChange.objects.for_org(front_door).filter(contact=contact).last()
    assert "threshold for a statutory social work service is not met" in change.note
    assert "Known, now settled." in change.note
    clock_now = ContactClock.objects.for_org(front_door).get(contact=contact, stopped_at=None)
    assert clock_now.kind == ClockKind.GREEN and contact.due_at == clock_now.due_at


def test_a_review_as_amber_child_in_need_goes_to_allocation(
    front_door, fd_child, screening_officer, mash_manager
):
    contact = _at_manager(front_door, fd_child, screening_officer, Rag.GREEN)
    mash.mash_review(
        contact=contact,
        actor=mash_manager,
        rating=Rag.AMBER_CIN,
        rationale="Needs an assessment.",
        threshold_uncertain=True,
    )
    contact.refresh_from_db()
    assert contact.status == Status.ALLOCATION
    assert contact.threshold_uncertain is True
    running = ContactClock.objects.for_org(front_door).get(contact=contact, stopped_at=None)
    assert running.kind == ClockKind.BORDERLINE


def test_a_review_as_red_goes_to_information_gathering_and_tells_the_social_workers(
    front_door, fd_child, screening_officer, mash_manager, social_worker
):
    contact = _at_manager(front_door, fd_child, screening_officer, Rag.AMBER_CIN)
    mash.mash_review(contact=contact, actor=mash_manager, rating=Rag.RED, rationale="Escalated.")
    contact.refresh_from_db()
    assert contact.status == Status.INFORMATION_GATHERING
    running = ContactClock.objects.for_org(front_door).get(contact=contact, stopped_at=None)
    assert running.kind == ClockKind.RED
    note = Notification.objects.for_org(front_door).get(recipient=social_worker)
    assert note.kind == Kind.CONTACT_FOR_YOU and "Bunny" not in note.title


def test_a_review_keeping_the_same_timescale_keeps_the_running_clock(
    front_door, fd_child, screening_officer, mash_manager
):
    contact = _at_manager(front_door, fd_child, screening_officer, Rag.RED)
    first = ContactClock.objects.for_org(front_door).get(contact=contact, stopped_at=None)
    with clock.travel(timedelta(hours=1)):
        mash.mash_review(contact=contact, actor=mash_manager, rating=Rag.RED, rationale="Agreed.")
    contact.refresh_from_db()
    assert ContactClock.objects.for_org(front_door).get(contact=contact, stopped_at=None) == first
    assert contact.due_at == first.due_at


def test_only_the_mash_manager_reviews_and_only_a_contact_waiting_for_them(
    front_door, fd_child, screening_officer, social_worker, mash_manager, senior_practitioner
):
    contact = _at_manager(front_door, fd_child, screening_officer)
    for someone in (social_worker, senior_practitioner):
        with pytest.raises(NotAllowed):
            mash.mash_review(contact=contact, actor=someone, rating=Rag.RED, rationale="x")
    with pytest.raises(DomainError, match="Say why"):
        mash.mash_review(contact=contact, actor=mash_manager, rating=Rag.RED, rationale="  ")
    contact.status = Status.ALLOCATION
    contact.save()
    with pytest.raises(DomainError, match="cannot review it now"):
        mash.mash_review(contact=contact, actor=mash_manager, rating=Rag.RED, rationale="x")


# --- The family told, and information requests -------------------------------------------


def test_no_request_is_sent_until_the_family_told_question_is_answered(
    front_door, fd_child, screening_officer, social_worker, police_member
):
    contact = gathering_contact(front_door, fd_child, screening_officer, told=None)
    with pytest.raises(DomainError, match="before sending any information request"):
        _ask(contact, social_worker, _police(front_door))
    assert not InformationRequest.objects.for_org(front_door).exists()
    with pytest.raises(DomainError, match="why the family was not told"):
        mash.family_told_record(contact=contact, actor=social_worker, told=False, reason="")
    mash.family_told_record(
        contact=contact, actor=social_worker, told=False, reason="It would alert the suspect."
    )
    contact.refresh_from_db()
    assert contact.family_told_of_checks is False
    assert contact.family_not_told_reason == "It would alert the suspect."
    assert _ask(contact, social_worker, _police(front_door))


def test_requests_are_due_by_the_contacts_clock_and_tell_the_agencys_members_by_identifiers(
    front_door, gathering, social_worker, police_member, health_member
):
    (sent,) = _ask(gathering, social_worker, _police(front_door))
    assert sent.due_at == gathering.due_at
    assert sent.status == InformationRequest.Status.OPEN
    note = Notification.objects.for_org(front_door).get(recipient=police_member)
    assert note.kind == Kind.INFORMATION_REQUESTED
    assert note.reference.startswith(f"Contact {gathering.reference}")
    assert "Bunny" not in note.title + note.reference
    assert not Notification.objects.for_org(front_door).filter(recipient=health_member).exists()


def test_without_a_clock_a_request_is_due_in_24_hours(
    front_door, gathering, social_worker, police_member
):
    workflow.clock_stop(gathering, at=clock.now())
    gathering.save()
    (sent,) = _ask(gathering, social_worker, _police(front_door))
    assert abs(sent.due_at - (clock.now() + timedelta(hours=24))) < timedelta(minutes=1)


def test_each_agency_has_one_open_or_answered_request_per_contact(
    front_door, gathering, social_worker, police_member
):
    (first,) = _ask(gathering, social_worker, _police(front_door))
    with pytest.raises(DomainError, match="Police already has a request"):
        _ask(gathering, social_worker, _police(front_door), _health(front_door))
    assert InformationRequest.objects.for_org(front_door).count() == 1
    mash.information_request_withdraw(info_request=first, actor=social_worker, reason="Wrong.")
    (again,) = _ask(gathering, social_worker, _police(front_door))
    assert again.pk != first.pk


def test_agencies_that_do_not_answer_requests_or_are_retired_cannot_be_asked(
    front_door, gathering, social_worker
):
    adults = agency(front_door, AgencyKind.ADULT_SERVICES)
    with pytest.raises(DomainError, match="cannot be asked"):
        _ask(gathering, social_worker, adults)
    police = _police(front_door)
    police.is_active = False
    police.save()
    with pytest.raises(DomainError, match="Police cannot be asked"):
        _ask(gathering, social_worker, police)


def test_only_the_mash_team_sends_requests(
    front_door,
    gathering,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    police_member,
):
    outsider = make_staff(front_door, roles.SOCIAL_WORKER, "Otto Outside")  # not in the MASH
    for someone in (screening_officer, senior_practitioner, early_help_manager, police_member):
        with pytest.raises(NotAllowed):
            _ask(gathering, someone, _police(front_door))
    with pytest.raises(NotAllowed):
        _ask(gathering, outsider, _police(front_door))
    with pytest.raises(NotAllowed):
        mash.family_told_record(contact=gathering, actor=outsider, told=True)


# --- Answers ------------------------------------------------------------------------------


def test_a_partner_answers_only_their_own_agencys_request(
    front_door, gathering, social_worker, police_member, health_member
):
    (request,) = _ask(gathering, social_worker, _police(front_door))
    with pytest.raises(NotAllowed):
        answer(request, health_member, "Nothing known.")
    with pytest.raises(NotAllowed):
        answer(request, social_worker, "Nothing known.")
    answer(request, police_member, "Nothing known.")
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED
    assert request.answered_by == police_member


def test_an_answer_needs_a_summary_and_both_choices(
    front_door, gathering, social_worker, police_member
):
    (request,) = _ask(gathering, social_worker, _police(front_door))
    cases = [
        ({"summary": " ", "may_pass_on": True, "may_share_with_family": True}, "summary"),
        ({"summary": "x", "may_pass_on": None, "may_share_with_family": True}, "passed on"),
        ({"summary": "x", "may_pass_on": True, "may_share_with_family": None}, "the family"),
    ]
    for values, message in cases:
        with pytest.raises(DomainError, match=message):
            mash.information_request_answer(info_request=request, actor=police_member, **values)
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN


def test_a_request_is_answered_once(front_door, gathering, social_worker, police_member):
    (request,) = _ask(gathering, social_worker, _police(front_door))
    answer(request, police_member, "Nothing known.")
    with pytest.raises(DomainError, match="cannot be answered again"):
        answer(request, police_member, "Something after all.")


def test_an_answer_tells_the_social_worker_who_sent_the_request(
    front_door, gathering, social_worker, mash_manager, police_member
):
    (request,) = _ask(gathering, social_worker, _police(front_door))
    answer(request, police_member, "Nothing known.")
    note = Notification.objects.for_org(front_door).get(
        recipient=social_worker, kind=Kind.INFORMATION_ANSWERED
    )
    assert "Police" in note.title and gathering.reference in note.title
    assert not Notification.objects.for_org(front_door).filter(
        recipient=mash_manager, kind=Kind.INFORMATION_ANSWERED
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_attachment_is_filed_on_the_child_for_the_mash_team_only(
    front_door, gathering, fd_child, social_worker, police_member, screening_officer
):
    (request,) = _ask(gathering, social_worker, _police(front_door))
    mash.information_request_answer(
        info_request=request,
        actor=police_member,
        summary="See the attached report.",
        may_pass_on=True,
        may_share_with_family=False,
        upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
    )
    request.refresh_from_db()
    document = request.attachment
    assert document.person == fd_child and document.scope == f"mash:{gathering.pk}"
    assert rules.can_view_document(social_worker, document)
    assert not rules.can_view_document(screening_officer, document)
    assert not rules.can_view_document(police_member, document)


def test_a_partner_cannot_attach_files_about_people_their_agency_was_not_asked_about(
    front_door, police_member, fd_child
):
    assert not rules.can_add_document(police_member, fd_child)
    assert not Document.objects.for_org(front_door).exists()


# --- The MASH record ----------------------------------------------------------------------


def test_with_answers_from_three_agencies_the_findings_go_on_a_mash_record(
    front_door, gathering, social_worker, police_member, health_member, education, mash_manager
):
    three_answers(gathering, social_worker, police_member, health_member, education)
    record = complete_record(gathering, social_worker)
    gathering.refresh_from_db()
    assert record.kind == MashRecord.Kind.MASH_RECORD
    assert gathering.status == Status.MASH_DECISION
    note = Notification.objects.for_org(front_door).get(
        recipient=mash_manager, kind=Kind.CONTACT_FOR_YOU
    )
    assert "MASH record" in note.title


def test_with_fewer_answers_it_is_a_contact_record_and_open_requests_are_withdrawn(
    front_door, gathering, social_worker, police_member, health_member
):
    police, health = _ask(gathering, social_worker, _police(front_door), _health(front_door))
    answer(police, police_member, "Nothing known.")
    record = complete_record(gathering, social_worker)
    assert record.kind == MashRecord.Kind.CONTACT_RECORD
    health.refresh_from_db()
    assert health.status == InformationRequest.Status.WITHDRAWN


def test_completing_the_record_stops_a_red_clock_but_an_amber_one_runs_to_the_decision(
    front_door, fd_child, screening_officer, social_worker
):
    red = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    complete_record(red, social_worker)
    red.refresh_from_db()
    assert red.due_at is None
    assert ContactClock.objects.for_org(front_door).get(contact=red).stopped_at is not None
    amber = gathering_contact(
        front_door, fd_child, screening_officer, rating=Rag.AMBER_CP, worker=social_worker
    )
    complete_record(amber, social_worker)
    amber.refresh_from_db()
    assert amber.due_at is not None
    assert ContactClock.objects.for_org(front_door).get(contact=amber).stopped_at is None


def test_the_record_needs_an_analysis_and_an_action(front_door, gathering, social_worker):
    with pytest.raises(DomainError, match="analysis"):
        complete_record(gathering, social_worker, analysis=" ")
    with pytest.raises(DomainError, match="action"):
        complete_record(gathering, social_worker, recommended_action="")
    gathering.refresh_from_db()
    assert gathering.status == Status.INFORMATION_GATHERING


# --- The decision -------------------------------------------------------------------------


@pytest.fixture
def decided_ready(front_door, gathering, social_worker, police_member, health_member, education):
    three_answers(gathering, social_worker, police_member, health_member, education)
    complete_record(gathering, social_worker)
    gathering.refresh_from_db()
    return gathering


def _decide(contact, actor, **overrides):
    values = {
        "final_rag": Rag.RED,
        "rationale": "Significant harm likely.",
        "outcome": Outcome.SOCIAL_WORK_TEAM,
        "team": team(contact.organisation, "Social work team A"),
        "feedback_to_referrer": "Thank you: a social work team will assess.",
        **overrides,
    }
    return mash.mash_decide(contact=contact, actor=actor, **values)


def test_information_marked_do_not_pass_on_is_never_included_in_anything_sent_onward(
    front_door, decided_ready, mash_manager
):
    mail.outbox.clear()
    _decide(decided_ready, mash_manager)
    decided_ready.refresh_from_db()
    onward = OnwardRecord.objects.for_org(front_door).get(contact=decided_ready)
    assert onward.recipient == "Social work team A"
    assert onward.withheld_agencies == ["Police"]
    assert "live investigation" not in onward.body and "class A" not in onward.body
    assert "Police" not in onward.body
    assert HEALTH_ANSWER in onward.body and EDUCATION_ANSWER in onward.body
    # The social worker's agency-by-agency summary (which quoted the police) is not sent.
    assert "Neglect indicators" in onward.body
    assert "live investigation" not in decided_ready.feedback_to_referrer
    for message in mail.outbox:
        assert "live investigation" not in message.body
    record = MashRecord.objects.for_org(front_door).get(contact=decided_ready)
    assert "Social work team A" in record.passed_on_note
    assert "Health, Education" in record.passed_on_note or "Education, Health" in (
        record.passed_on_note
    )
    assert "Not passed on, as the agency asked: the information from Police" in (
        record.passed_on_note
    )


def test_the_onward_record_marks_what_the_family_may_not_see(
    front_door, decided_ready, mash_manager
):
    _decide(decided_ready, mash_manager)
    body = OnwardRecord.objects.for_org(front_door).get(contact=decided_ready).body
    health_line = next(line for line in body.splitlines() if line.startswith("Health"))
    education_line = next(line for line in body.splitlines() if line.startswith("Education"))
    assert "may be shared with the family" in health_line
    assert "NOT to be shared with the family" in education_line


def test_feedback_that_repeats_what_may_not_be_shared_is_refused(
    front_door, decided_ready, mash_manager
):
    for leak in (
        f"We found that {POLICE_SECRET.lower()}",
        "School says: attendance 81% this term; arrived hungry twice last week.",
    ):
        with pytest.raises(DomainError, match="feedback to the referrer repeats"):
            _decide(decided_ready, mash_manager, feedback_to_referrer=leak)
    decided_ready.refresh_from_db()
    assert decided_ready.status == Status.MASH_DECISION
    assert not OnwardRecord.objects.for_org(front_door).exists()


def test_an_analysis_repeating_a_do_not_pass_on_answer_is_not_sent_onward(
    front_door, gathering, social_worker, police_member, health_member, education, mash_manager
):
    three_answers(gathering, social_worker, police_member, health_member, education)
    complete_record(gathering, social_worker, analysis=f"Police say: {POLICE_SECRET}")
    gathering.refresh_from_db()
    with pytest.raises(DomainError, match="send the record back"):
        _decide(gathering, mash_manager)
    assert not OnwardRecord.objects.for_org(front_door).exists()
    # With no further action nothing is sent, so the decision can be made.
    _decide(gathering, mash_manager, outcome=Outcome.NO_FURTHER_ACTION, team=None)
    assert not OnwardRecord.objects.for_org(front_door).exists()
    record = MashRecord.objects.for_org(front_door).get(contact=gathering)
    assert "Nothing was passed on" in record.passed_on_note


def test_deciding_sets_the_final_rating_and_finishes_the_contact(
    front_door, decided_ready, mash_manager
):
    _decide(decided_ready, mash_manager, outcome=Outcome.STRATEGY_DISCUSSION)
    decided_ready.refresh_from_db()
    assert decided_ready.status == Status.DECIDED
    assert decided_ready.final_rag == Rag.RED
    assert decided_ready.outcome == Outcome.STRATEGY_DISCUSSION
    assert decided_ready.outcome_team == team(front_door, "Social work team A")
    assert decided_ready.retention_class == "statutory"
    final = RagRating.objects.for_org(front_door).get(contact=decided_ready, stage="final")
    assert final.rationale == "Significant harm likely."
    assert not ContactClock.objects.for_org(front_door).filter(
        contact=decided_ready, stopped_at=None
    )


def test_early_help_needs_an_offer_and_goes_to_the_early_help_team(
    front_door, decided_ready, mash_manager
):
    with pytest.raises(DomainError, match="early help offer"):
        _decide(decided_ready, mash_manager, outcome=Outcome.EARLY_HELP, final_rag=Rag.GREEN)
    _decide(
        decided_ready,
        mash_manager,
        outcome=Outcome.EARLY_HELP,
        final_rag=Rag.GREEN,
        early_help_offer=EarlyHelpOffer.ASSESSMENT,
    )
    onward = OnwardRecord.objects.for_org(front_door).get(contact=decided_ready)
    assert onward.recipient == "Early help: Early help assessment"


def test_a_social_work_outcome_needs_a_team_and_a_signpost_names_the_service(
    front_door, decided_ready, mash_manager
):
    with pytest.raises(DomainError, match="social work team"):
        _decide(decided_ready, mash_manager, team=None)
    with pytest.raises(DomainError, match="signposted"):
        _decide(decided_ready, mash_manager, outcome=Outcome.SIGNPOST, detail="")


def test_only_the_mash_manager_decides(front_door, decided_ready, social_worker):
    with pytest.raises(NotAllowed):
        _decide(decided_ready, social_worker)


def test_the_manager_can_send_it_back_for_more_information(
    front_door, decided_ready, mash_manager, social_worker
):
    mash.mash_send_back(contact=decided_ready, actor=mash_manager, reason="Ask probation too.")
    decided_ready.refresh_from_db()
    assert decided_ready.status == Status.INFORMATION_GATHERING
    # The red clock had stopped with the record: a new one runs for the extra information.
    running = ContactClock.objects.for_org(front_door).get(contact=decided_ready, stopped_at=None)
    assert running.kind == ClockKind.RED
    note = (
        Notification.objects.for_org(front_door)
        .filter(recipient=social_worker, kind=Kind.CONTACT_FOR_YOU)
        .order_by("pk")
        .last()
    )
    assert "more information" in note.title
    (probation,) = _ask(decided_ready, social_worker, agency(front_door, AgencyKind.PROBATION))
    record = complete_record(decided_ready, social_worker, analysis="Second look.")
    assert record.analysis == "Second look."
    assert MashRecord.objects.for_org(front_door).count() == 1
    event = AuditEvent.objects.filter(object_id=str(record.pk)).order_by("seq").last()
    assert event.detail["before"]["analysis"].startswith("Neglect indicators")


def test_quotes_spots_a_run_of_words_whatever_the_case_and_punctuation():
    secret = "Father is the subject of a live investigation for supplying drugs."
    assert mash.quotes("FYI: father is the subject of a LIVE investigation!", secret)
    assert not mash.quotes("Father is the subject of concern.", secret)
    assert mash.quotes("He said: nothing known.", "Nothing known")
    assert not mash.quotes("", secret)
