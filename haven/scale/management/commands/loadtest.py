from django.core.management.base import BaseCommand, CommandError

from haven.scale import loadtest


class Command(BaseCommand):
    help = (
        "Load Haven over HTTP through `haven serve` (gunicorn) with a mixed workload of read "
        "pages and 10% writes, on data from generate_data; report throughput and latency."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds",
            type=float,
            default=loadtest.DEFAULT_SECONDS,
            help=f"How long the load runs (at most {loadtest.MAX_SECONDS}).",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=16,
            help="Connections, each a member of staff signed in over HTTP.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn workers (default: two per CPU, plus one).",
        )
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")
        parser.add_argument(
            "--url", default=None, help="Load a server already running here instead."
        )
        parser.add_argument(
            "--server-pid",
            type=int,
            default=None,
            help="With --url: the gunicorn master's process id, to read its workers' memory.",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Load generator processes (the connections are shared out among them).",
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=None,
            help="Pace the load to this many requests a second (default: as fast as answered).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-save", action="store_true", help="Print only.")

    def handle(self, *args, **options):
        try:
            report = loadtest.run(
                seconds=options["seconds"],
                concurrency=options["concurrency"],
                workers=options["workers"],
                threads=options["threads"],
                url=options["url"],
                server_pid=options["server_pid"],
                processes=options["processes"],
                rate=options["rate"],
                seed=options["seed"],
                say=self.stdout.write,
            )
        except loadtest.LoadTestError as problem:
            raise CommandError(str(problem)) from None
        self.print(report)
        if not options["no_save"]:
            self.stdout.write(f"Saved {loadtest.save(report)}")

    def print(self, report: dict) -> None:
        write = self.stdout.write
        settings = report["settings"]
        write(
            f"{report['machine']['database']}: {report['people_in_organisation']:,} people, "
            f"{settings['concurrency']} connections for {settings['seconds']} s; load average "
            f"{report['load_average_before'][0]} before, {report['load_average_after'][0]} after"
        )
        columns = ("requests", "req/s", "p50", "p95", "p99", "max", "errors")
        write(f"{'page':<22}" + "".join(f"{c:>10}" for c in columns))
        rows = [*report["pages"].items(), ("overall", report["overall"])]
        for name, row in rows:
            write(
                f"{name:<22}{row['requests']:>10}{row['requests_per_second']:>10.1f}"
                f"{row['p50_ms']:>10.1f}{row['p95_ms']:>10.1f}{row['p99_ms']:>10.1f}"
                f"{row['max_ms']:>10.1f}{row['errors']:>10}"
                + (f"  {row['error_statuses']}" if row["errors"] else "")
            )
        workers = report["server_workers"]
        if workers["workers"]:
            write(
                f"gunicorn workers: {workers['workers']}, peak RSS "
                f"{', '.join(f'{mb:.0f}' for mb in workers['peak_rss_mb'].values())} MB; "
                f"server CPU {workers['cpu_seconds']} s ({workers['cpu_ms_per_request']} ms a "
                f"request), load generator CPU {report['generator_cpu_seconds']} s "
                f"({report['generator_cpu_ms_per_request']} ms a request)"
            )
        verdict = report["verdict"]
        met = ", ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in verdict["met"].items())
        write(f"Target: {met}")
