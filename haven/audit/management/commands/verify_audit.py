from django.core.management.base import BaseCommand, CommandError

from haven.audit.models import AuditEvent
from haven.audit.services import verify_all


class Command(BaseCommand):
    help = "Check every organisation's audit hash chain and report the first broken link."

    def handle(self, *args, **options):
        chains, broken = verify_all()
        events = AuditEvent.objects.count()
        if broken:
            for link in broken:
                self.stderr.write(f"Broken: {link}")
            raise CommandError(f"{len(broken)} of {chains} audit chains are broken.")
        self.stdout.write(f"All {chains} audit chains are intact ({events} events).")
