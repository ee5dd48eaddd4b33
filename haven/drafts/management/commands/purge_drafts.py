from django.core.management.base import BaseCommand

from haven.drafts.services import drafts_purge_expired


class Command(BaseCommand):
    help = "Delete form drafts older than seven days."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {drafts_purge_expired()} expired draft(s).")
