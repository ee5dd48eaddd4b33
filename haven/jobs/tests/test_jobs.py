import pytest
from django.core.management import call_command

from haven.jobs import services
from haven.jobs.models import Job

pytestmark = pytest.mark.django_db


@services.handler("test_count")
def _count(job, progress):
    for n in range(job.payload["n"]):
        progress(n + 1, job.payload["n"])
    return {"counted": job.payload["n"]}


@services.handler("test_fail")
def _fail(job, progress):
    raise ValueError("the file vanished")


def test_a_job_runs_in_the_background_and_keeps_its_progress_and_result(admin):
    job = services.job_enqueue(
        organisation=admin.organisation, actor=admin, kind="test_count", payload={"n": 3}
    )
    assert job.status == Job.Status.QUEUED
    call_command("worker", "--once")
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.result == {"counted": 3}


def test_a_failing_job_is_marked_failed_and_the_worker_carries_on(admin):
    failing = services.job_enqueue(
        organisation=admin.organisation, actor=admin, kind="test_fail", payload={}
    )
    later = services.job_enqueue(
        organisation=admin.organisation, actor=admin, kind="test_count", payload={"n": 1}
    )
    assert services.run_all_jobs() == 2
    failing.refresh_from_db()
    later.refresh_from_db()
    assert failing.status == "failed" and "vanished" in failing.error
    assert later.status == "done"


def test_an_unknown_kind_of_job_is_refused(admin):
    with pytest.raises(ValueError):
        services.job_enqueue(organisation=admin.organisation, actor=admin, kind="nope", payload={})


def test_only_the_person_who_started_a_job_sees_its_progress(admin, dsl, sign_in):
    job = services.job_enqueue(
        organisation=admin.organisation, actor=admin, kind="test_count", payload={"n": 1}
    )
    assert sign_in(admin).get(f"/jobs/{job.pk}/progress/").status_code == 200
    assert sign_in(dsl).get(f"/jobs/{job.pk}/progress/").status_code == 404
