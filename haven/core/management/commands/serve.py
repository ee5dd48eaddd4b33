"""``haven serve``: migrate, then run Haven under gunicorn on HAVEN_BIND."""

import gc
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class HavenServer(BaseApplication):
    def __init__(self, application, options):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class Command(BaseCommand):
    help = "Apply migrations and serve Haven with gunicorn (HAVEN_BIND, HAVEN_WORKERS)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrations.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a background job worker (run `haven worker` elsewhere).",
        )

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        from haven.wsgi import application

        bind = os.environ.get("HAVEN_BIND", "127.0.0.1:8000")
        workers = int(os.environ.get("HAVEN_WORKERS", "3"))
        self.stdout.write(f"Haven is serving on http://{bind} (Ctrl+C to stop).")
        worker = None
        if not options["no_worker"] and os.environ.get("HAVEN_JOB_WORKER", "1") != "0":
            # Imports and other long jobs run beside the web server, never inside a request.
            worker = subprocess.Popen([sys.executable, "-m", "haven", "worker"])  # noqa: S603
        try:
            self._serve(application, bind, workers)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _serve(self, application, bind, workers):
        # Everything loaded so far lives as long as the server: frozen, it is left out of
        # every garbage collection (which then walks only what requests make) and stays
        # shared, unwritten, between the forked workers.
        gc.freeze()
        HavenServer(
            application,
            {
                "bind": bind,
                "workers": workers,
                "threads": int(os.environ.get("HAVEN_THREADS", "4")),
                "timeout": 60,
                "accesslog": "-",
                # Forwarded headers are trusted only from the configured proxy addresses.
                "forwarded_allow_ips": os.environ.get("HAVEN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "limit_request_line": 8190,
            },
        ).run()
