import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from haven.core.db.maintenance import refresh_statistics
from haven.jobs.services import run_next_job

STATISTICS_EVERY_SECONDS = 600


class Command(BaseCommand):
    help = "Run background jobs (imports and the like) as they are queued."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between checks.")

    def handle(self, *args, once=False, poll=1.0, **options):
        refreshed = 0.0
        while True:
            # Drop a connection the database has closed under us, so a long-running worker
            # recovers. Never inside a transaction (as in tests), where it would end it.
            if not connection.in_atomic_block:
                close_old_connections()
            if time.monotonic() - refreshed > STATISTICS_EVERY_SECONDS:
                refresh_statistics()
                refreshed = time.monotonic()
            job = run_next_job()
            if job is not None:
                self.stdout.write(f"{job}: {job.get_status_display()}")
                continue
            if once:
                return
            time.sleep(poll)
