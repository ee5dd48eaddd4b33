from django.core.management.base import BaseCommand

from haven.chronology.services import chronology_exports_purge


class Command(BaseCommand):
    help = "Remove the files of chronology exports whose download links expired unused."

    def handle(self, *args, **options):
        removed = chronology_exports_purge()
        self.stdout.write(f"Removed {removed} expired export file{'s' if removed != 1 else ''}.")
