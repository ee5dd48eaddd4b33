"""Staff records, DBS checks, certificates, bulk session entry, induction and learning-needs
analyses: what is stored, who sees what, what is audited, and bad input changing nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.workforce import files, services
from haven.workforce.models import (
    DbsCheck,
    InductionSignOff,
    StaffMember,
    TrainingRecord,
    TrainingSession,
)
from haven.workforce.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def _events(org, what):
    return AuditEvent.objects.filter(organisation=org, detail__what=what)


# --- Staff records ------------------------------------------------------------------------


def test_an_administrator_adds_a_volunteer_who_does_not_sign_in(admin, manager, seeded, sign_in):
    response = sign_in(admin).post(
        "/workforce/staff/new/",
        {
            "full_name": "Vera Volunteer",
            "post_title": "Play worker",
            "kind": "volunteer",
            "level": "2",
            "started_on": "01/09/2026",
            "line_manager": manager.pk,
            "hours_per_week": "4.5",
        },
    )
    vera = StaffMember.objects.for_org(seeded).get()
    assert response.status_code == 302 and response["Location"] == f"/workforce/staff/{vera.pk}/"
    assert vera.user is None and vera.is_volunteer and vera.level == 2
    assert f"{vera.induction_due_on:%d/%m/%Y}" == "01/12/2026"
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(vera.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level": "5"}, "Select a valid choice"),
        ({"started_on": "31/02/2026"}, "Enter a valid date"),
        ({"left_on": "01/01/2020"}, "cannot be before they started"),
        ({"started_in_post_on": "01/01/2020"}, "cannot be before they joined"),
        ({"hours_per_week": "200"}, "less than or equal to 168"),
        ({"full_name": ""}, "This field is required"),
    ],
)
def test_bad_staff_details_get_a_clear_message_and_change_nothing(
    admin, seeded, sign_in, changes, message
):
    data = {
        "full_name": "Vera Volunteer",
        "post_title": "Play worker",
        "kind": "volunteer",
        "level": "2",
        "started_on": "01/09/2026",
        **changes,
    }
    response = sign_in(admin).post("/workforce/staff/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StaffMember.objects.for_org(seeded).exists()


def test_a_sign_in_links_to_one_staff_record_only(add_staff, admin, key_person):
    add_staff("Kim Keyperson", user=key_person)
    with pytest.raises(DomainError, match="already linked"):
        add_staff("Kim Again", user=key_person)


def test_another_organisations_people_cannot_be_line_managers(add_staff, stranger):
    with pytest.raises(NotAllowed):
        add_staff(line_manager=stranger)


def test_only_administrators_change_staff_records(add_staff, manager):
    with pytest.raises(NotAllowed):
        services.staff_create(actor=manager, data={"full_name": "X"})


def test_changing_the_start_date_moves_the_induction_due_date(add_staff, admin):
    vera = add_staff(started_on=clock.today())
    data = {f: getattr(vera, f) for f in ("full_name", "post_title", "kind", "level")}
    earlier = clock.today() - timedelta(days=60)
    services.staff_update(staff=vera, actor=admin, data={**data, "started_on": earlier})
    vera.refresh_from_db()
    assert vera.induction_due_on < clock.today() + timedelta(days=40)


# --- DBS checks ---------------------------------------------------------------------------


def test_dbs_numbers_are_stored_encrypted_and_shown_in_full_only_to_administrators(
    add_staff, admin, manager, sign_in
):
    vera = add_staff()
    services.dbs_check_add(
        staff=vera,
        actor=admin,
        check_type="enhanced_barred",
        certificate_number="0012 3456 7890",
        issued_on=clock.today(),
        update_service=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT certificate_number_encrypted FROM workforce_dbscheck")
        (stored,) = cursor.fetchone()
    assert "001234567890" not in stored and stored.startswith("gAAAA")

    body = sign_in(admin).get(f"/workforce/staff/{vera.pk}/").content.decode()
    assert "001234567890" in body
    body = sign_in(manager).get(f"/workforce/staff/{vera.pk}/").content.decode()
    assert "001234567890" not in body and "7890" in body
    views = _events(admin.organisation, "staff record with DBS numbers")
    assert views.filter(actor=admin).count() == 1
    assert _events(admin.organisation, "staff record").filter(actor=manager).count() == 1


def test_a_dbs_number_must_be_twelve_digits_and_a_bad_one_changes_nothing(
    add_staff, admin, sign_in
):
    vera = add_staff()
    response = sign_in(admin).post(
        f"/workforce/staff/{vera.pk}/dbs/new/",
        {"check_type": "enhanced", "certificate_number": "12345", "issued_on": "01/01/2026"},
    )
    assert response.status_code == 400
    assert "12 digits" in response.content.decode()
    assert not DbsCheck.objects.for_org(admin.organisation).exists()


def test_a_certificate_cannot_be_issued_in_the_future(add_staff, admin):
    with pytest.raises(DomainError, match="cannot be in the future"):
        services.dbs_check_add(
            staff=add_staff(),
            actor=admin,
            check_type="basic",
            certificate_number="001234567890",
            issued_on=clock.today() + timedelta(days=1),
        )


# --- Training records and certificates ----------------------------------------------------


def test_a_certificate_is_stored_under_a_random_name_outside_the_web_root(
    add_staff, admin, level_2_course
):
    record = services.training_record_add(
        staff=add_staff(),
        course=level_2_course,
        actor=admin,
        completed_on=clock.today(),
        certificate=SimpleUploadedFile("../../etc/Vera's cert.pdf", PDF),
    )
    path = Path(settings.MEDIA_ROOT) / record.certificate_path
    assert path.read_bytes() == PDF
    assert "Vera" not in record.certificate_path and ".." not in record.certificate_path
    assert record.certificate_name == "Vera_s cert.pdf"
    assert record.certificate_type == "application/pdf"
    assert not str(path).startswith(str(settings.STATIC_ROOT))


def test_the_type_of_a_certificate_is_read_from_its_content_not_its_name(
    add_staff, admin, level_2_course
):
    vera = add_staff()
    record = services.training_record_add(
        staff=vera,
        course=level_2_course,
        actor=admin,
        completed_on=clock.today(),
        certificate=SimpleUploadedFile("scan.pdf", PNG),
    )
    assert record.certificate_type == "image/png" and record.certificate_name == "scan.png"
    with pytest.raises(DomainError, match="PDF, PNG or JPEG"):
        services.training_record_add(
            staff=vera,
            course=level_2_course,
            actor=admin,
            completed_on=clock.today() - timedelta(days=1),
            certificate=SimpleUploadedFile("certificate.pdf", b"<script>alert(1)</script>"),
        )
    assert TrainingRecord.objects.for_org(admin.organisation).count() == 1


def test_a_certificate_over_25_mb_is_refused_and_nothing_is_stored(
    add_staff, admin, level_2_course, sign_in
):
    vera = add_staff()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (25 * 1024 * 1024))
    response = sign_in(admin).post(
        f"/workforce/staff/{vera.pk}/training/new/",
        {"course": level_2_course.pk, "completed_on": "01/01/2026", "certificate": big},
    )
    assert response.status_code == 400
    assert "larger than 25 MB" in response.content.decode()
    assert not TrainingRecord.objects.for_org(admin.organisation).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_a_refused_record_removes_the_certificate_it_stored(add_staff, admin, level_2_course):
    vera = add_staff()
    services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=clock.today()
    )
    with pytest.raises(DomainError, match="already has"):
        services.training_record_add(
            staff=vera,
            course=level_2_course,
            actor=admin,
            completed_on=clock.today(),
            certificate=SimpleUploadedFile("again.pdf", PDF),
        )
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_downloading_a_certificate_is_audited_and_never_cached(
    add_staff, admin, manager, key_person, level_2_course, sign_in
):
    record = services.training_record_add(
        staff=add_staff(user=key_person),
        course=level_2_course,
        actor=admin,
        completed_on=clock.today(),
        certificate=SimpleUploadedFile("certificate.pdf", PDF),
    )
    url = f"/workforce/training/{record.pk}/certificate/"
    for user in (admin, manager, key_person):
        response = sign_in(user, elevated=user is not key_person).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
    downloads = _events(admin.organisation, "training certificate")
    assert sorted(downloads.values_list("actor_id", flat=True)) == sorted(
        [admin.pk, manager.pk, key_person.pk]
    )


def test_training_cannot_be_completed_in_the_future_or_after_leaving(
    add_staff, admin, level_2_course
):
    vera = add_staff(started_on=clock.today() - timedelta(days=400))
    with pytest.raises(DomainError, match="future"):
        services.training_record_add(
            staff=vera,
            course=level_2_course,
            actor=admin,
            completed_on=clock.today() + timedelta(days=1),
        )
    data = {f: getattr(vera, f) for f in ("full_name", "post_title", "kind", "level")}
    left = clock.today() - timedelta(days=10)
    services.staff_update(
        staff=vera, actor=admin, data={**data, "started_on": vera.started_on, "left_on": left}
    )
    with pytest.raises(DomainError, match="had left"):
        services.training_record_add(
            staff=vera, course=level_2_course, actor=admin, completed_on=clock.today()
        )


# --- Recording a whole session ------------------------------------------------------------


def _session_form(course, people, *, once="first-form", held_on=None, ticked=None):
    data = {
        "course": course.pk,
        "held_on": f"{held_on or clock.today():%d/%m/%Y}",
        "token": once,
        "rows-TOTAL_FORMS": str(len(people)),
        "rows-INITIAL_FORMS": str(len(people)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "2000",
    }
    for i, person in enumerate(people):
        data[f"rows-{i}-staff"] = str(person.pk)
        if ticked is None or i in ticked:
            data[f"rows-{i}-attended"] = "on"
    return data


def test_a_session_is_recorded_for_everyone_ticked_once_however_often_it_is_sent(
    add_staff, admin, level_2_course, sign_in
):
    people = [add_staff(f"Person {i}") for i in range(3)]
    client = sign_in(admin)
    form = _session_form(level_2_course, people, ticked={0, 2})
    first = client.post("/workforce/sessions/new/", form)
    assert first.status_code == 302
    again = client.post("/workforce/sessions/new/", form)
    assert again.status_code == 302
    records = TrainingRecord.objects.for_org(admin.organisation)
    assert sorted(records.values_list("staff__full_name", flat=True)) == ["Person 0", "Person 2"]
    assert TrainingSession.objects.for_org(admin.organisation).count() == 1


def test_a_session_with_a_bad_row_saves_nobody_and_marks_the_row(
    add_staff, admin, level_2_course, sign_in
):
    early = add_staff("Ena Early", started_on=clock.today() - timedelta(days=90))
    fine = add_staff("Finn Fine", started_on=clock.today() - timedelta(days=90))
    services.training_record_add(
        staff=early,
        course=level_2_course,
        actor=admin,
        completed_on=clock.today() - timedelta(days=1),
    )
    response = sign_in(admin).post(
        "/workforce/sessions/new/",
        _session_form(level_2_course, [early, fine], held_on=clock.today() - timedelta(days=1)),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "Ena Early already has this course on" in body
    assert TrainingRecord.objects.for_org(admin.organisation).count() == 1
    assert not TrainingSession.objects.for_org(admin.organisation).exists()


def test_a_session_needs_somebody_ticked(add_staff, admin, level_2_course, sign_in):
    response = sign_in(admin).post(
        "/workforce/sessions/new/", _session_form(level_2_course, [add_staff()], ticked=set())
    )
    assert response.status_code == 400
    assert "Choose at least one person" in response.content.decode()


# --- Induction, settings and learning-needs analyses --------------------------------------


def test_induction_items_are_signed_off_with_their_dates_and_bad_dates_change_nothing(
    add_staff, admin, induction_items, sign_in
):
    vera = add_staff()
    client = sign_in(admin)
    first, second = induction_items[:2]
    bad = client.post(
        f"/workforce/staff/{vera.pk}/induction/",
        {f"item-{first.pk}": "1", f"item-{second.pk}": "1", f"date-{second.pk}": "31/13/2026"},
    )
    assert bad.status_code == 400 and "Enter the date like 23/11/2026" in bad.content.decode()
    assert not InductionSignOff.objects.for_org(admin.organisation).exists()
    yesterday = clock.today() - timedelta(days=1)
    good = client.post(
        f"/workforce/staff/{vera.pk}/induction/",
        {f"item-{first.pk}": "1", f"date-{first.pk}": f"{yesterday:%d/%m/%Y}"},
    )
    assert good.status_code == 302
    (signoff,) = InductionSignOff.objects.for_org(admin.organisation)
    assert signoff.item == first and signoff.signed_off_on == yesterday
    assert signoff.signed_off_by == admin


def test_workforce_settings_word_the_levels_and_can_remind_at_sign_in(admin, seeded, sign_in):
    client = sign_in(admin)
    data = {
        "level_1_description": "Front desk",
        "level_2_description": "Face to face with children",
        "level_3_description": "Leads",
        "level_4_description": "Trustees",
        "induction_months": "3",
        "dbs_renewal_years": "3",
        "remind_at_sign_in": "on",
    }
    assert client.post("/workforce/settings/", data).status_code == 302
    form = client.get("/workforce/staff/new/").content.decode()
    assert "Level 2: Face to face with children" in form
    bad = client.post("/workforce/settings/", {**data, "dbs_renewal_years": "0"})
    assert bad.status_code == 400


def test_a_learning_needs_analysis_has_the_nine_sections_and_a_dated_plan(
    admin, dsl, level_2_course, sign_in
):
    client = sign_in(dsl)
    response = client.post(
        "/workforce/analyses/new/",
        {
            "title": "Sunday group workers",
            "whose_needs": "Children's workers at the Sunday group",
            "purpose": "A safeguarding audit found gaps",
            "methods": "Discussions with staff, parents and children",
            "findings": "New starters are unsure what to do if worried",
            "practical_considerations": "No budget for external trainers",
            "how_needs_met": "Briefings and a refresher day",
            "involving_children_and_families": "Question-and-answer session with families",
            "people_responsible": "The DSL and the volunteer coordinator",
            "recording_completion": "Certificates on each volunteer's file",
            "courses": [level_2_course.pk],
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    add = client.post(
        f"{detail}activities/new/",
        {"planned_for": "01/07/2027", "description": "Briefing on the behaviour code"},
    )
    assert add.status_code == 302
    body = client.get(detail).content.decode()
    for text in (
        "Question-and-answer session with families",
        "Certificates on each volunteer&#x27;s file",
        "Briefing on the behaviour code",
        "01/07/2027",
        level_2_course.name,
    ):
        assert text in body
    missing = client.post("/workforce/analyses/new/", {"title": "Half done"})
    assert missing.status_code == 400


# --- Staff see their own --------------------------------------------------------------------


def test_a_member_of_staff_sees_what_they_must_do_next_on_their_own_page(
    add_staff, staff_member, sign_in, level_2_course
):
    add_staff("Sol Staff", user=staff_member, dbs_required=False)
    body = sign_in(staff_member, elevated=False).get("/workforce/me/").content.decode()
    assert "What you need to do next" in body
    assert "Safeguarding training at level 2: not done yet." in body
    home = sign_in(staff_member, elevated=False).get("/").content.decode()
    assert "Your safeguarding training" in home


def test_someone_without_a_record_is_told_so(staff_member, sign_in):
    body = sign_in(staff_member, elevated=False).get("/workforce/me/").content.decode()
    assert "no training record linked to your sign-in" in body


def test_the_sign_in_reminder_appears_only_when_the_organisation_turns_it_on(
    add_staff, admin, staff_member, level_2_course, client
):
    from haven.core.testing.factories import TEST_PASSWORD
    from haven.workforce.tests.conftest import years_ago

    sol = add_staff("Sol Staff", user=staff_member, started_on=years_ago(5))
    services.training_record_add(
        staff=sol, course=level_2_course, actor=admin, completed_on=years_ago(4)
    )

    def messages_after_sign_in():
        client.post("/sign-out/")
        response = client.post(
            "/sign-in/", {"email": staff_member.email, "password": TEST_PASSWORD}, follow=True
        )
        return [str(m) for m in response.context["messages"]]

    assert not any("has expired" in m for m in messages_after_sign_in())
    services.workforce_settings_update(actor=admin, remind_at_sign_in=True)
    assert any("Your safeguarding training has expired" in m for m in messages_after_sign_in())


def test_files_are_recognised_by_their_first_bytes():
    assert files.sniff(PDF) == ("application/pdf", "pdf")
    assert files.sniff(PNG) == ("image/png", "png")
    assert files.sniff(b"\xff\xd8\xff\xe0JFIF") == ("image/jpeg", "jpg")
    assert files.sniff(b"PK\x03\x04") is None
    assert files.display_name("../../x.exe", "pdf") == "______x.pdf"


def test_a_leaver_whose_sign_in_is_deactivated_keeps_the_link_when_their_record_is_edited(
    add_staff, admin, staff_member, sign_in
):
    from haven.accounts.services import user_deactivate

    sol = add_staff("Sol Staff", user=staff_member, started_on=clock.today() - timedelta(days=90))
    user_deactivate(user=staff_member, actor=admin)
    response = sign_in(admin).post(
        f"/workforce/staff/{sol.pk}/edit/",
        {
            "full_name": "Sol Staff",
            "post_title": "Play worker",
            "kind": "volunteer",
            "level": "2",
            "started_on": f"{sol.started_on:%d/%m/%Y}",
            "user": staff_member.pk,
            "left_on": f"{clock.today():%d/%m/%Y}",
        },
    )
    assert response.status_code == 302
    sol.refresh_from_db()
    assert sol.user == staff_member and sol.left_on == clock.today()


def test_a_tampered_session_form_gets_a_message_and_changes_nothing(
    add_staff, admin, level_2_course, sign_in
):
    form = _session_form(level_2_course, [add_staff()])
    for broken in (
        {**form, "rows-0-staff": "not-a-number"},
        {k: v for k, v in form.items() if not k.startswith("rows-")},
        {**form, "rows-0-staff": "999999"},
    ):
        response = sign_in(admin).post("/workforce/sessions/new/", broken)
        assert response.status_code == 400
        assert "error-summary" in response.content.decode()
    assert not TrainingRecord.objects.for_org(admin.organisation).exists()
