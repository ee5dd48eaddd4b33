import json

from django.core.management.base import BaseCommand

from haven.scale.generator import Generator


class Command(BaseCommand):
    help = "Fill the database with realistic fictional data (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000, help="How many people in all.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, people, seed, **options):
        summary = Generator(seed=seed, report=self.stdout.write).run(people)
        self.stdout.write(json.dumps(summary, indent=2))
