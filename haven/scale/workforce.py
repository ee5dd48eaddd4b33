"""The generated organisations' workforce: staff records and their safeguarding training.

One member of staff or volunteer for every 300 people the organisation holds (a large local
authority's front door and its partners then have a few thousand), each at a level of
safeguarding responsibility, with the training that level needs: most up to date, some due
soon, a few lapsed and a few never trained, some with older records renewed since and some
who moved up a level, and about one in twelve who have left. The DSL's home page works out
whose training has expired from exactly these rows.

Made once per organisation, through the ORM's bulk inserts (thousands of rows, not millions),
from a random stream of its own so that the people generated stay as they were.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from haven.workforce.dates import add_months
from haven.workforce.models import Course, StaffMember, TrainingRecord

PEOPLE_PER_STAFF = 300
MIN_STAFF = 20
# (name, levels it covers, months it lasts)
LEVEL_COURSE = ("Safeguarding children (levels 1 and 2)", [1, 2], 36)
LEAD_COURSE = ("Designated safeguarding lead training", [1, 2, 3], 24)
LEVELS = [(1, 0.30), (2, 0.55), (3, 0.15)]
POSTS = [
    "Teaching assistant",
    "Class teacher",
    "Family support worker",
    "Early years practitioner",
    "Social worker",
    "Business support officer",
    "Volunteer mentor",
    "Youth worker",
]
NEVER_TRAINED, LAPSED, DUE_SOON, RENEWED_BEFORE = 0.03, 0.06, 0.08, 0.5
MOVED_UP, LEFT = 0.10, 0.08


def make_workforce(org, actor, *, people: int, seed: int, today: date) -> int:
    """Staff and training for ``org`` unless it has staff already; the rows written."""
    if StaffMember.objects.for_org(org).exists():
        return 0
    r = random.Random(f"{seed}-workforce-{org.pk}")
    level_course, lead_course = (_course(org, actor, *c) for c in (LEVEL_COURSE, LEAD_COURSE))
    staff = StaffMember.unscoped.bulk_create(
        [_staff_member(r, org, actor, n, today) for n in range(_how_many(people))]
    )
    records = []
    for member in staff:
        course = lead_course if member.level == 3 else level_course
        records += _training(r, org, actor, member, course, today)
        if member.level == 3 and r.random() < MOVED_UP:
            # Trained at level 2 before moving up: that record has long run out.
            completed = add_months(today, -12 * r.randint(4, 8))
            expires = add_months(completed, level_course.validity_months)
            records.append(_record(org, actor, member, level_course, completed, expires))
    TrainingRecord.unscoped.bulk_create(records, batch_size=2000)
    return len(staff) + len(records)


def _how_many(people: int) -> int:
    return max(MIN_STAFF, people // PEOPLE_PER_STAFF)


def _course(org, actor, name: str, levels: list[int], months: int) -> Course:
    course = Course.objects.for_org(org).filter(name=name).first()
    return course or Course.objects.create(
        organisation=org, created_by=actor, name=name, levels=levels, validity_months=months
    )


def _staff_member(r: random.Random, org, actor, n: int, today: date) -> StaffMember:
    started = today - timedelta(days=r.randint(30, 15 * 365))
    left = None
    if r.random() < LEFT:
        left = started + timedelta(days=r.randint(0, (today - started).days))
    return StaffMember(
        organisation=org,
        created_by=actor,
        full_name=f"Staff Member {n:05d}",
        post_title=r.choice(POSTS),
        kind=StaffMember.Kind.VOLUNTEER if r.random() < 0.1 else StaffMember.Kind.PAID,
        started_on=started,
        level=r.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0],
        induction_due_on=add_months(started, 6),
        left_on=left,
    )


def _training(r, org, actor, member, course, today: date) -> list[TrainingRecord]:
    """The member's newest record of ``course`` (lapsed, due soon or in date), perhaps with
    the one it renewed."""
    roll = r.random()
    if roll < NEVER_TRAINED:
        return []
    months = course.validity_months
    if roll < NEVER_TRAINED + LAPSED:
        expires = today - timedelta(days=r.randint(0, 300))
    elif roll < NEVER_TRAINED + LAPSED + DUE_SOON:
        expires = today + timedelta(days=r.randint(1, 60))
    else:
        expires = today + timedelta(days=r.randint(61, months * 30 - 1))
    completed = add_months(expires, -months)
    records = [_record(org, actor, member, course, completed, expires)]
    if r.random() < RENEWED_BEFORE:
        earlier = add_months(completed, -months)
        records.append(_record(org, actor, member, course, earlier, completed))
    return records


def _record(org, actor, member, course, completed: date, expires: date) -> TrainingRecord:
    return TrainingRecord(
        organisation=org,
        created_by=actor,
        staff=member,
        course=course,
        completed_on=completed,
        expires_on=expires,
    )
