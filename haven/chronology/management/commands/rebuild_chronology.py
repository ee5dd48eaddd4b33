from django.core.management.base import BaseCommand

from haven.chronology.projection import rebuild


class Command(BaseCommand):
    help = "Recreate every child's chronology from the source records."

    def handle(self, *args, **options):
        count = rebuild(report=self.stdout.write)
        self.stdout.write(f"Projected {count} source records.")
