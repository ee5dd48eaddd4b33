from django.core.management.base import BaseCommand

from haven.documents.services import documents_remove_orphans


class Command(BaseCommand):
    help = (
        "Remove stored document files that no document names (left by uploads whose "
        "transaction rolled back), once they are a day old. Safe to run at any time."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Removed {documents_remove_orphans()} orphaned document file(s).")
