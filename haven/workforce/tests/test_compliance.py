"""The compliance matrix: who is done, due soon, overdue or missing, computed in a fixed
number of queries however many staff there are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from haven.core import clock
from haven.workforce import queries, services
from haven.workforce.dates import add_years
from haven.workforce.models import RESPONSIBILITIES
from haven.workforce.queries import LEVEL_KEY, Status
from haven.workforce.tests.conftest import years_ago

pytestmark = pytest.mark.django_db


def _row(staff):
    return queries.row_for(staff)


def test_training_done_recently_is_done_until_its_expiry(add_staff, admin, level_2_course):
    vera = add_staff()
    done = clock.today() - timedelta(days=10)
    record = services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=done
    )
    cell = _row(vera).cells[LEVEL_KEY]
    assert cell.status == Status.DONE
    assert cell.expires_on == record.expires_on
    assert record.expires_on.year == done.year + 3


def test_training_within_sixty_days_of_expiry_is_due_soon_and_after_it_overdue(
    add_staff, admin, level_2_course
):
    vera = add_staff(started_on=years_ago(4))
    almost = clock.today() - timedelta(days=3 * 365 - 30)
    services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=almost
    )
    assert _row(vera).cells[LEVEL_KEY].status == Status.DUE
    with clock.travel(timedelta(days=31)):
        assert _row(vera).cells[LEVEL_KEY].status == Status.OVERDUE


def test_training_expires_on_the_day_itself(add_staff, admin, level_2_course):
    vera = add_staff(started_on=years_ago(4))
    record = services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=years_ago(3)
    )
    assert record.expires_on == clock.today()
    assert _row(vera).cells[LEVEL_KEY].status == Status.OVERDUE


def test_nothing_recorded_is_missing(add_staff, level_2_course):
    assert _row(add_staff()).cells[LEVEL_KEY].status == Status.MISSING


def test_a_course_at_a_higher_level_counts_but_one_at_a_lower_level_does_not(
    add_staff, admin, seeded
):
    level_1 = services.course_save(actor=admin, data={"name": "Awareness", "levels": [1]})
    level_3 = services.course_save(actor=admin, data={"name": "Advanced", "levels": [1, 2, 3]})
    vera = add_staff(level=2)
    services.training_record_add(
        staff=vera, course=level_1, actor=admin, completed_on=clock.today()
    )
    assert _row(vera).cells[LEVEL_KEY].status == Status.MISSING
    services.training_record_add(
        staff=vera, course=level_3, actor=admin, completed_on=clock.today()
    )
    assert _row(vera).cells[LEVEL_KEY].status == Status.DONE


def test_the_newest_record_counts(add_staff, admin, level_2_course):
    vera = add_staff(started_on=years_ago(5))
    services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=years_ago(4)
    )
    assert _row(vera).cells[LEVEL_KEY].status == Status.OVERDUE
    services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=clock.today()
    )
    assert _row(vera).cells[LEVEL_KEY].status == Status.DONE


def test_a_course_required_for_a_responsibility_is_required_only_of_those_who_hold_it(
    add_staff, admin, dsl_course, option
):
    lead = option(RESPONSIBILITIES, "Designated safeguarding lead")
    dee = add_staff("Dee Lead", level=3, responsibilities=[lead])
    pat = add_staff("Pat Plain", level=3)
    key = f"course:{dsl_course.pk}"
    assert _row(dee).cells[key].status == Status.MISSING
    assert key not in _row(pat).cells
    services.training_record_add(
        staff=dee, course=dsl_course, actor=admin, completed_on=clock.today()
    )
    row = _row(dee)
    assert row.cells[key].status == Status.DONE
    # The DSL course covers level 3, so it also meets their level requirement.
    assert row.cells[LEVEL_KEY].status == Status.DONE


def test_a_course_required_for_a_level_is_required_of_everyone_at_it(add_staff, admin, seeded):
    course = services.course_save(
        actor=admin,
        data={"name": "Managing allegations", "levels": [], "required_for_levels": [4]},
    )
    trustee = add_staff("Tina Trustee", level=4)
    worker = add_staff("Will Worker", level=2)
    assert _row(trustee).cells[f"course:{course.pk}"].status == Status.MISSING
    assert f"course:{course.pk}" not in _row(worker).cells


def test_dbs_checks_are_renewed_after_three_years_unless_the_organisation_says_otherwise(
    add_staff, admin
):
    vera = add_staff()
    assert _row(vera).dbs.status == Status.MISSING
    issued = years_ago(3) + timedelta(days=30)
    check = services.dbs_check_add(
        staff=vera,
        actor=admin,
        check_type="enhanced_barred",
        certificate_number="0012 3456 7890",
        issued_on=issued,
    )
    assert check.renewal_due_on == add_years(issued, 3)
    assert _row(vera).dbs.status == Status.DUE
    services.workforce_settings_update(actor=admin, dbs_renewal_years=5)
    later = services.dbs_check_add(
        staff=vera,
        actor=admin,
        check_type="enhanced",
        certificate_number="001234567891",
        issued_on=clock.today(),
    )
    assert later.renewal_due_on.year == clock.today().year + 5
    assert _row(vera).dbs.status == Status.DONE


def test_someone_who_needs_no_dbs_check_is_not_counted_as_missing_one(add_staff):
    assert _row(add_staff(dbs_required=False)).dbs.status == Status.NOT_NEEDED


def test_induction_is_due_three_months_after_starting_and_done_when_every_item_is_signed_off(
    add_staff, admin, induction_items
):
    vera = add_staff(started_on=clock.today() - timedelta(days=10))
    assert vera.induction_due_on > clock.today()
    row = _row(vera)
    assert row.induction.status == Status.DUE
    assert row.induction.total == len(induction_items)
    services.induction_sign_off(
        staff=vera, actor=admin, items=dict.fromkeys(induction_items[:-1], clock.today())
    )
    assert _row(vera).induction.signed == len(induction_items) - 1
    with clock.travel(timedelta(days=100)):
        assert _row(vera).induction.status == Status.OVERDUE
    services.induction_sign_off(staff=vera, actor=admin, items={induction_items[-1]: clock.today()})
    assert _row(vera).induction.status == Status.DONE


def test_the_matrix_turns_green_when_everything_is_done(
    add_staff, admin, level_2_course, induction_items
):
    vera = add_staff()
    assert not _row(vera).is_compliant
    services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=clock.today()
    )
    services.dbs_check_add(
        staff=vera,
        actor=admin,
        check_type="enhanced",
        certificate_number="001234567890",
        issued_on=clock.today(),
    )
    services.induction_sign_off(
        staff=vera, actor=admin, items=dict.fromkeys(induction_items, clock.today())
    )
    row = _row(vera)
    assert row.is_compliant and row.worst == Status.DONE
    assert queries.next_steps(row) == []
    with clock.travel(timedelta(days=3 * 366)):
        row = _row(vera)
        assert row.worst == Status.OVERDUE
        assert [s["urgent"] for s in queries.next_steps(row)][:2] == [True, True]


def _many_staff(admin, manager, level_2_course, dsl_course, option, n: int, start: int = 0):
    lead = option(RESPONSIBILITIES, "Designated safeguarding lead")
    for i in range(start, start + n):
        staff = services.staff_create(
            actor=admin,
            data={
                "full_name": f"Person {i:03d}",
                "post_title": "Worker",
                "kind": "paid",
                "level": 1 + i % 4,
                "started_on": years_ago(1),
                "line_manager": manager,
                "responsibilities": [lead] if i % 3 == 0 else [],
            },
        )
        services.training_record_add(
            staff=staff, course=level_2_course, actor=admin, completed_on=years_ago(1)
        )
        services.dbs_check_add(
            staff=staff,
            actor=admin,
            check_type="enhanced",
            certificate_number=f"{i:012d}",
            issued_on=years_ago(1),
        )


def test_the_matrix_costs_the_same_number_of_queries_for_three_staff_or_thirty(
    admin, manager, level_2_course, dsl_course, option, sign_in, django_assert_max_num_queries
):
    _many_staff(admin, manager, level_2_course, dsl_course, option, 3)
    client = sign_in(admin)
    with django_assert_max_num_queries(40) as few:
        assert client.get("/workforce/compliance/").status_code == 200
    with django_assert_max_num_queries(20) as compute:
        queries.compliance(admin.organisation, queries.current_staff(admin.organisation))
    _many_staff(admin, manager, level_2_course, dsl_course, option, 27, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/workforce/compliance/")
    assert response.status_code == 200
    assert len(response.context["matrix"].rows) == 30
    with django_assert_max_num_queries(len(compute.captured_queries)):
        matrix = queries.compliance(admin.organisation, queries.current_staff(admin.organisation))
    assert len(matrix.rows) == 30


def test_a_line_manager_sees_only_the_people_they_manage(
    add_staff, manager, admin, sign_in, level_2_course
):
    mine = add_staff("Mina Mine")
    theirs = add_staff("Theo Theirs", line_manager=admin)
    client = sign_in(manager)
    names = [
        row.staff.full_name for row in client.get("/workforce/compliance/").context["matrix"].rows
    ]
    assert names == ["Mina Mine"]
    assert client.get(f"/workforce/staff/{mine.pk}/").status_code == 200
    assert client.get(f"/workforce/staff/{theirs.pk}/").status_code == 404


def test_the_matrix_filters_by_team_and_level(add_staff, admin, sign_in, seeded):
    from haven.accounts.services import team_save

    pastoral = team_save(actor=admin, organisation=seeded, name="Pastoral")
    add_staff("Ada One", level=1, team=pastoral)
    add_staff("Bea Two", level=2, team=pastoral)
    add_staff("Cal Two", level=2)
    client = sign_in(admin)

    def names(**query):
        response = client.get("/workforce/compliance/", query)
        return [row.staff.full_name for row in response.context["matrix"].rows]

    assert names(team=pastoral.pk) == ["Ada One", "Bea Two"]
    assert names(level=2) == ["Bea Two", "Cal Two"]
    assert names(team=pastoral.pk, level=2) == ["Bea Two"]
    assert client.get("/workforce/compliance/", {"level": "9"}).status_code == 400


def test_leavers_leave_the_matrix_but_keep_their_records(add_staff, admin, sign_in):
    gone = add_staff("Gus Gone", started_on=years_ago(2))
    services.staff_update(
        staff=gone,
        actor=admin,
        data={
            **{f: getattr(gone, f) for f in ("full_name", "post_title", "kind", "level")},
            "started_on": gone.started_on,
            "left_on": clock.today() - timedelta(days=1),
        },
    )
    client = sign_in(admin)
    assert not client.get("/workforce/compliance/").context["matrix"].rows
    left = client.get("/workforce/compliance/", {"show": "left"}).context["matrix"].rows
    assert [row.staff.full_name for row in left] == ["Gus Gone"]


def test_leaders_see_counts_with_small_numbers_hidden_and_never_names(
    add_staff, admin, leader, sign_in, level_2_course
):
    for i in range(4):
        staff = add_staff(f"Person {i}")
        if i < 3:
            services.training_record_add(
                staff=staff, course=level_2_course, actor=admin, completed_on=clock.today()
            )
    response = sign_in(leader, elevated=False).get("/workforce/compliance/counts/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Person 0" not in body
    level_row = response.context["table"][0]
    assert level_row[1] == ["3", "0", "0", "fewer than 3"]
    assert sign_in(leader).get("/workforce/compliance/").status_code == 403


def test_the_dsl_sees_expired_training_on_their_home_page_in_a_fixed_number_of_queries(
    add_staff, admin, dsl, sign_in, level_2_course, django_assert_max_num_queries
):
    client = sign_in(dsl)
    assert "Nobody's required safeguarding training has expired" in client.get("/").content.decode()

    def expired(i):
        staff = add_staff(f"Expired {i:02d}", started_on=years_ago(5))
        services.training_record_add(
            staff=staff, course=level_2_course, actor=admin, completed_on=years_ago(4)
        )

    expired(0)
    with django_assert_max_num_queries(60) as one:
        body = client.get("/").content.decode()
    assert "1 person's required safeguarding training has expired" in body
    for i in range(1, 12):
        expired(i)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get("/").content.decode()
    assert "12 people's required safeguarding training has expired" in body
    assert "Expired 00: Safeguarding training at their level, expired" in body
    assert "Expired 11" not in body  # ten at most, then a pointer
    # Other people do not get the panel.
    assert "training has expired" not in sign_in(admin).get("/").content.decode()


def test_the_expired_training_panel_agrees_with_the_whole_matrix(
    add_staff, admin, option, level_2_course, dsl_course
):
    """The panel works through only the people with a lapsed record; it must find exactly
    whom the whole matrix finds, in the same order."""
    optional = services.course_save(
        actor=admin, data={"name": "Paediatric first aid", "levels": [], "validity_months": 36}
    )
    lead = option(RESPONSIBILITIES, "Designated safeguarding lead")

    def record(staff, course, years):
        services.training_record_add(
            staff=staff, course=course, actor=admin, completed_on=years_ago(years)
        )

    expired = add_staff("Ann Expired", started_on=years_ago(6))
    record(expired, level_2_course, 4)
    renewed = add_staff("Ben Renewed", started_on=years_ago(6))
    record(renewed, level_2_course, 4)
    record(renewed, level_2_course, 1)
    covered = add_staff("Cat Covered", started_on=years_ago(6))
    record(covered, level_2_course, 4)  # lapsed, but a newer course covers the level
    record(covered, dsl_course, 1)
    optional_only = add_staff("Dan Optional", started_on=years_ago(6))
    record(optional_only, level_2_course, 1)
    record(optional_only, optional, 4)  # lapsed, but nobody requires it
    lead_lapsed = add_staff("Eve Lead", started_on=years_ago(6), responsibilities=[lead])
    record(lead_lapsed, level_2_course, 1)
    record(lead_lapsed, dsl_course, 3)  # the lead's required course ran out
    add_staff("Fay Nothing")  # missing, not expired
    left = add_staff("Gus Left", started_on=years_ago(6), left_on=clock.today() - timedelta(days=1))
    record(left, level_2_course, 4)  # expired, but they have left

    lines, people = queries.expired_training(admin.organisation)

    matrix = queries.compliance(
        admin.organisation,
        queries.current_staff(admin.organisation).order_by("full_name", "pk"),
    )
    everyone = [
        (row.staff.pk, matrix.title(key), cell.expires_on)
        for row in matrix.rows
        for key, cell in row.expired
    ]
    assert [(staff.pk, what, when) for staff, what, when in lines] == everyone
    assert people == 2
    assert {staff.full_name for staff, _, _ in lines} == {"Ann Expired", "Eve Lead"}


def test_only_responsibilities_some_course_requires_are_read(
    add_staff, admin, option, level_2_course, django_assert_num_queries
):
    """The panel reads the responsibilities people hold only when a course is required for
    one, and then only those: the rest never change what anyone needs."""
    lead = option(RESPONSIBILITIES, "Designated safeguarding lead")
    governor = option(RESPONSIBILITIES, "Trustee or governor")
    both = add_staff("Hal Both", responsibilities=[lead, governor])
    staff_ids = [both.pk]

    rules = queries.TrainingRules(admin.organisation)
    with django_assert_num_queries(0):
        assert rules.responsibilities_held(staff_ids) == {}

    services.course_save(
        actor=admin,
        data={
            "name": "Designated safeguarding lead training",
            "levels": [3],
            "validity_months": 24,
            "required_for_responsibilities": [lead],
        },
    )
    rules = queries.TrainingRules(admin.organisation)
    with django_assert_num_queries(1):
        assert rules.responsibilities_held(staff_ids) == {both.pk: {lead.pk}}
