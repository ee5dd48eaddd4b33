from django.core.management.base import BaseCommand
from django.db import transaction

from haven.programmes import tally
from haven.programmes.models import DeliveryTally


class Command(BaseCommand):
    help = "Count every organisation's service deliveries again into the daily delivery tally."

    def handle(self, *args, **options):
        with transaction.atomic():
            tally.rebuild()
        made = DeliveryTally.objects.count()
        self.stdout.write(f"Counted deliveries into {made:,} daily tallies.")
