"""A small database-backed job queue.

Jobs are rows; ``haven worker`` claims the oldest queued one, runs its handler and records
progress as it goes, so a page can show a progress bar. Claiming is safe with several
workers: PostgreSQL skips rows another worker has locked, and SQLite serialises writers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection, transaction

from haven.core import clock
from haven.jobs.models import Job

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable] = {}


def handler(kind: str):
    """Register the function that does a kind of job: ``fn(job, progress)``."""

    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def job_enqueue(*, organisation, actor, kind: str, payload: dict, total: int = 0) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"No handler for jobs of kind {kind!r}.")
    return Job.objects.create(
        organisation=organisation, created_by=actor, kind=kind, payload=payload, total=total
    )


def _claim() -> Job | None:
    with transaction.atomic():
        queued = Job.unscoped.filter(status=Job.Status.QUEUED).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None:
            return None
        job.status, job.started_at = Job.Status.RUNNING, clock.now()
        job.save(update_fields=["status", "started_at", "modified_at"])
        return job


def run_next_job() -> Job | None:
    """Run the oldest queued job to the end. Returns it, or None if the queue was empty."""
    job = _claim()
    if job is None:
        return None

    def progress(done: int, total: int | None = None) -> None:
        fields = {"progress": done, "modified_at": clock.now()}
        if total is not None:
            fields["total"] = total
        Job.unscoped.filter(pk=job.pk).update(**fields)

    try:
        result = HANDLERS[job.kind](job, progress)
    except Exception as error:  # the job fails, the worker carries on
        log.exception("Job %s failed", job.pk)
        Job.unscoped.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(error)[:2000], finished_at=clock.now()
        )
    else:
        Job.unscoped.filter(pk=job.pk).update(
            status=Job.Status.DONE, result=result or {}, finished_at=clock.now()
        )
    job.refresh_from_db()
    return job


def run_all_jobs() -> int:
    done = 0
    while run_next_job() is not None:
        done += 1
    return done
