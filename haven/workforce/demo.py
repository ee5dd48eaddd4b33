"""Fictional workforce records for Riverside Primary School's demo.

Every state the compliance matrix can show is here: training done, due soon, overdue and
missing; DBS checks current and due for renewal; induction complete and in progress; a
volunteer who does not sign in to Haven; a session recorded for several people at once;
and one learning-needs analysis with its plan.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.workforce import services
from haven.workforce.dates import add_months
from haven.workforce.forms import new_token
from haven.workforce.models import INDUCTION_ITEMS, RESPONSIBILITIES, TOPICS


def _options(organisation, list_key: str, labels) -> list[Option]:
    found = {
        o.label: o
        for o in Option.objects.for_org(organisation).filter(list_key=list_key, label__in=labels)
    }
    return [found[label] for label in labels if label in found]


def _months_ago(months: int, days: int = 0) -> date:
    return add_months(clock.today(), -months) - timedelta(days=days)


def load_workforce(people: dict) -> None:
    """``people``: the Riverside demo users by email."""
    admin = people["admin@riverside.example"]
    organisation = admin.organisation
    seed_organisation(organisation)
    manager = people["manager@riverside.example"]
    dsl = people["dsl@riverside.example"]

    def topics(*labels):
        return _options(organisation, TOPICS, labels)

    def responsibility(label):
        return _options(organisation, RESPONSIBILITIES, [label])

    awareness = services.course_save(
        actor=admin,
        data={
            "name": "Safeguarding awareness (level 1)",
            "provider": "Riverside in-house, online",
            "levels": [1],
            "validity_months": 36,
            "topics": topics(
                "What abuse and neglect are",
                "Recognising the signs of abuse and neglect",
                "Who to tell about a worry",
                "Recording concerns and what was done",
            ),
        },
    )
    working = services.course_save(
        actor=admin,
        data={
            "name": "Safeguarding children: working with children and families (level 2)",
            "provider": "Local safeguarding partnership",
            "levels": [1, 2],
            "validity_months": 36,
            "topics": topics(
                "What abuse and neglect are",
                "Child development",
                "Listening to children and taking account of their wishes",
                "Domestic abuse, substance misuse and parents' mental health",
                "Thresholds for help and intervention",
                "Making a referral to children's social care",
            ),
        },
    )
    lead = services.course_save(
        actor=admin,
        data={
            "name": "Designated safeguarding lead training",
            "provider": "Local safeguarding partnership",
            "levels": [1, 2, 3],
            "validity_months": 24,
            "required_for_responsibilities": responsibility("Designated safeguarding lead")
            + responsibility("Deputy designated safeguarding lead"),
            "topics": topics(
                "The role of the designated safeguarding lead",
                "Working with other agencies and sharing information",
                "Managing allegations against staff and volunteers",
            ),
        },
    )
    recruitment = services.course_save(
        actor=admin,
        data={
            "name": "Safer recruitment",
            "provider": "Online",
            "levels": [],
            "validity_months": 36,
            "required_for_responsibilities": responsibility("Safer recruitment panel member"),
            "topics": topics("Safer recruitment"),
        },
    )
    services.course_save(
        actor=admin,
        data={
            "name": "Safeguarding for governors and trustees (level 4)",
            "provider": "Local authority governor services",
            "levels": [1, 2, 3, 4],
            "validity_months": 36,
            "required_for_responsibilities": responsibility("Trustee or governor"),
        },
    )

    items = list(Option.objects.for_org(organisation).filter(list_key=INDUCTION_ITEMS))

    def staff(email_or_name, post, level, started, *, kind="paid", manager_=None, **extra):
        user = people.get(email_or_name)
        record = services.staff_create(
            actor=admin,
            data={
                "full_name": user.full_name if user else email_or_name,
                "user": user,
                "post_title": post,
                "kind": kind,
                "level": level,
                "started_on": started,
                "line_manager": manager_,
                **extra,
            },
        )
        return record

    def inducted(record, count=None):
        chosen = items if count is None else items[:count]
        when = min(record.started_on + timedelta(days=14), clock.today())
        services.induction_sign_off(staff=record, actor=admin, items=dict.fromkeys(chosen, when))

    def trained(record, course, completed_on):
        return services.training_record_add(
            staff=record, course=course, actor=admin, completed_on=completed_on
        )

    def dbs(record, issued_on, number, check_type="enhanced_barred", update_service=False):
        services.dbs_check_add(
            staff=record,
            actor=admin,
            check_type=check_type,
            certificate_number=number,
            issued_on=issued_on,
            update_service=update_service,
            checked_on=issued_on + timedelta(days=3),
        )

    dee = staff(
        "dsl@riverside.example",
        "Deputy head and designated safeguarding lead",
        3,
        _months_ago(96),
        responsibilities=responsibility("Designated safeguarding lead")
        + responsibility("Safer recruitment panel member"),
    )
    inducted(dee)
    trained(dee, lead, _months_ago(11))
    trained(dee, recruitment, _months_ago(20))
    dbs(dee, _months_ago(14), "001100220033", update_service=True)

    dan = staff(
        "deputy@riverside.example",
        "Deputy designated safeguarding lead",
        3,
        _months_ago(50),
        manager_=dsl,
        responsibilities=responsibility("Deputy designated safeguarding lead"),
    )
    inducted(dan)
    trained(dan, lead, _months_ago(23, days=5))  # due for renewal within weeks
    dbs(dan, _months_ago(30), "001100220034")

    morgan = staff("manager@riverside.example", "Assistant head (pastoral)", 3, _months_ago(70))
    inducted(morgan)
    trained(morgan, working, _months_ago(8))
    dbs(morgan, _months_ago(8), "001100220035")

    priya = staff(
        "keyperson@riverside.example", "Learning mentor", 2, _months_ago(60), manager_=manager
    )
    inducted(priya)
    trained(priya, working, _months_ago(37))  # expired a month ago
    dbs(priya, _months_ago(35, days=10), "001100220036")  # renewal due within weeks

    sam = staff(
        "teacher@riverside.example", "Year 3 class teacher", 2, _months_ago(26), manager_=manager
    )
    inducted(sam)
    dbs(sam, _months_ago(26), "001100220037")

    gill = staff(
        "governor@riverside.example",
        "Safeguarding governor",
        4,
        _months_ago(30),
        kind="volunteer",
        dbs_required=True,
        responsibilities=responsibility("Trustee or governor"),
    )
    inducted(gill)
    trained(gill, awareness, _months_ago(29))  # not enough for level 4: governors' course missing
    dbs(gill, _months_ago(29), "001100220038", check_type="enhanced")

    ada = staff("admin@riverside.example", "School business manager", 1, _months_ago(40))
    inducted(ada)
    trained(ada, awareness, _months_ago(16))
    dbs(ada, _months_ago(16), "001100220039", check_type="standard")

    # Volunteers who do not sign in to Haven.
    rosa = staff(
        "Rosa Bright",
        "Reading volunteer",
        2,
        clock.today() - timedelta(days=35),
        kind="volunteer",
        manager_=manager,
        hours_per_week=3,
    )
    inducted(rosa, count=3)  # induction in progress; no training yet
    dbs(rosa, clock.today() - timedelta(days=40), "001100220040")

    tom = staff(
        "Tom Fielding",
        "Breakfast club volunteer",
        1,
        _months_ago(18),
        kind="volunteer",
        manager_=manager,
        hours_per_week=5,
    )
    inducted(tom)
    dbs(tom, _months_ago(18), "001100220041", check_type="enhanced")

    # Sam and Tom went to the same session.
    session_day = _months_ago(6)
    services.training_session_record(
        actor=admin,
        course=working,
        held_on=session_day,
        token=new_token(),
        attendees=[
            (0, services.Attendee(sam, "")),
            (1, services.Attendee(tom, "Attended the morning half only; caught up online")),
        ],
    )

    analysis = services.analysis_save(
        actor=dsl,
        data={
            "title": "Reading and breakfast club volunteers, 2026–27",
            "whose_needs": "Reading volunteers and breakfast club volunteers.",
            "purpose": (
                "To find out what our volunteers need to know to keep children safe and to "
                "respond well if a child tells them something worrying, and to plan how they "
                "will learn it. Prompted by the annual safeguarding audit for the governors."
            ),
            "methods": (
                "Read the volunteer role descriptions; talked to each volunteer at their "
                "three-month review; asked the class teachers the volunteers work with; "
                "looked at the concerns volunteers passed on last year."
            ),
            "findings": (
                "Newer volunteers are unsure what to do if a child discloses something and "
                "who to tell when the DSL is not on site. Longer-serving volunteers know the "
                "procedure but would like a refresher on recording exactly what was said."
            ),
            "practical_considerations": (
                "Volunteers are in school for an hour or two a week; sessions must be short "
                "and at the start of the school day. No budget for external trainers."
            ),
            "how_needs_met": (
                "A 45-minute briefing each term, the level 2 course online for reading "
                "volunteers, and a one-page guide in the volunteers' folder."
            ),
            "involving_children_and_families": (
                "The school council will say what helps them feel listened to, and their "
                "words will open each briefing."
            ),
            "people_responsible": "Dee Lawson (DSL) runs the briefings; Morgan Reid organises.",
            "recording_completion": (
                "Attendance at each briefing and each course is recorded in Haven, with the "
                "certificate where there is one."
            ),
            "courses": [awareness, working],
        },
    )
    for months_ahead, description, course in (
        (1, "Briefing: what to do if a child tells you something worrying", None),
        (2, "Reading volunteers complete the level 2 course online", working),
        (4, "Check understanding at each volunteer's review", None),
    ):
        services.activity_add(
            analysis=analysis,
            actor=dsl,
            planned_for=add_months(clock.today(), months_ahead),
            description=description,
            course=course,
        )
