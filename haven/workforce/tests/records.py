"""Workforce records made the way the application makes them, for the access matrix, the
tenancy sweep and the workforce tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.workforce import services
from haven.workforce.forms import new_token
from haven.workforce.models import (
    INDUCTION_ITEMS,
    Course,
    LearningNeedsAnalysis,
    StaffMember,
    TrainingRecord,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class WorkforceRecords:
    staff: StaffMember
    course: Course
    record: TrainingRecord
    analysis: LearningNeedsAnalysis
    item: Option


def workforce_records(
    admin,
    manager=None,
    *,
    name: str = "Vera Volunteer",
    course_name: str = "Safeguarding children (level 2)",
    dbs_number: str = "001234567890",
) -> WorkforceRecords:
    """A level-2 volunteer (no sign-in) with a certificate, a DBS check, one induction item
    signed off, and a learning-needs analysis with one planned activity."""
    organisation = admin.organisation
    seed_organisation(organisation)
    course = services.course_save(
        actor=admin, data={"name": course_name, "levels": [1, 2], "validity_months": 36}
    )
    today = clock.today()
    staff = services.staff_create(
        actor=admin,
        data={
            "full_name": name,
            "post_title": "Play worker",
            "kind": "volunteer",
            "level": 2,
            "started_on": today,
            "line_manager": manager,
        },
    )
    record = services.training_record_add(
        staff=staff,
        course=course,
        actor=admin,
        completed_on=today,
        certificate=SimpleUploadedFile("certificate.pdf", PDF),
    )
    services.dbs_check_add(
        staff=staff,
        actor=admin,
        check_type="enhanced",
        certificate_number=dbs_number,
        issued_on=today,
    )
    item = Option.objects.for_org(organisation).filter(list_key=INDUCTION_ITEMS).first()
    services.induction_sign_off(staff=staff, actor=admin, items={item: today})
    analysis = services.analysis_save(
        actor=admin,
        data={
            "title": f"Learning needs of {name}'s team",
            "whose_needs": "Play workers",
            "purpose": "New starters are unsure what to do with a worry",
            "methods": "Discussions in supervision",
            "findings": "Refresher training is needed",
            "courses": [course],
        },
    )
    services.activity_add(
        analysis=analysis, actor=admin, planned_for=today, description="Briefing session"
    )
    return WorkforceRecords(staff=staff, course=course, record=record, analysis=analysis, item=item)


def session_post(records: WorkforceRecords) -> dict:
    """What the bulk entry form sends for one attendee of one session today."""
    return {
        "course": records.course.pk,
        "held_on": f"{clock.today() - timedelta(days=1):%d/%m/%Y}",
        "token": new_token(),
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "1",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "2000",
        "rows-0-staff": str(records.staff.pk),
        "rows-0-attended": "on",
        "rows-0-notes": "Posted",
    }
