import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_test_environment

from haven.accounts.models import Organisation, User
from haven.people.models import Person
from haven.scale import bench
from haven.scale.generator import PLANS


class Command(BaseCommand):
    help = "Time key operations through the real Django stack on data from generate_data."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=200, help="Requests per operation.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-save", action="store_true", help="Print only.")
        parser.add_argument(
            "--only",
            default="",
            help="Run only operations whose name contains this, or one of several (a,b).",
        )

    def handle(self, *args, runs, seed, no_save, only, **options):
        org = Organisation.objects.filter(name=PLANS[0].name).first()
        if org is None:
            raise CommandError("No generated data: run `haven generate_data` first.")
        user = User.objects.for_org(org).filter(email__startswith="dsl@").first()
        # Lets the test client hand back the context of each page (the rows it showed).
        setup_test_environment()
        # The duplicate check answers 409 by design; a warning line for each is only noise.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        people = Person.objects.for_org(org).count()
        self.stdout.write(
            f"{connection.vendor}: {people:,} people in “{org.name}”, {runs} runs each"
        )
        columns = ("p50", "p95", "p99", "queries", "floor")
        header = (
            f"{'operation':<34}"
            + "".join(f"{c:>9}" for c in columns)
            + f"{'ratio':>8}{'target':>9}"
        )
        self.stdout.write(header)
        results = bench.Bench(runs=runs, seed=seed, user=user).run(only=only, report=self._line)
        if not no_save:
            path = bench.save(results, {"people_in_organisation": people, "runs": runs})
            self.stdout.write(f"Saved {path}")

    def _line(self, row: dict) -> None:
        target = bench.target_for(row["operation"], connection.vendor)
        verdict = (
            ""
            if target is None
            else (f"≤{target} ✓" if row["p95_ms"] <= target else f"≤{target} ✗")
        )
        self.stdout.write(
            f"{row['operation']:<34}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['queries']:>9}{row['sql_floor_ms']:>9.2f}"
            f"{row['ratio_to_floor']:>8}{verdict:>9}"
        )
