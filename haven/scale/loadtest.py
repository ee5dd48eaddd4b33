"""``haven loadtest``: Haven under concurrent load, over HTTP, through its production server.

``haven serve`` (gunicorn) is started on a free loopback port against the current database, or
an already running server is named with ``--url``. Virtual members of staff sign in over HTTP
exactly as people do — the sign-in form, then a code from their authenticator — and each then
works through a mixed workload on its own keep-alive connection: the read pages staff spend
their day on (global search, a person's page, a child's chronology, the home page, a case, the
front door's worklist) and one request in ten a write made through a real form with its CSRF
token (autosaving a form, recording a concern). Every response is checked; anything but the
status a page answers with counts as an error.

The load is bounded: a fixed number of connections, a run of at most ``MAX_SECONDS`` (the
whole run, start-up and sign-in included, stops by itself within that), and a socket timeout
on every request. It reports throughput, latency percentiles per kind of page and overall,
errors, and the peak resident memory of each gunicorn worker, read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access import roles
from haven.accounts import services as account_services
from haven.accounts.models import Organisation, User
from haven.core import clock
from haven.people.models import Person
from haven.scale.generator import BENCH_PASSWORD, PLANS

DEFAULT_SECONDS = 60
MAX_SECONDS = 600
REQUEST_TIMEOUT_SECONDS = 30
# Time kept back from the whole run's cap: the last requests' answers (at most the timeout),
# stopping the server (at most 20 s) and writing the report.
STOP_MARGIN_SECONDS = REQUEST_TIMEOUT_SECONDS + 25
SERVER_START_SECONDS = 60
SAMPLE_EVERY_SECONDS = 0.5
RESCAN_EVERY = 10
USER_PREFIX = "loadtest."

# The target on PostgreSQL with two cores.
TARGET = {"requests_per_second": 300, "p99_ms": 250, "errors": 0, "worker_rss_mb": 200}

# What share of requests each kind of page gets. Reads that the organisation cannot offer
# (no cases yet, not a front door) hand their share to the other reads; writes stay at 10%.
READS = {
    "global search": 22,
    "person page": 20,
    "chronology": 16,
    "home page": 14,
    "case page": 10,
    "front-door worklist": 8,
}
WRITES = {"autosave a form": 7, "record a concern": 3}
WRITE_SHARE = 0.10
EXPECTED = {"record a concern": (302,)}
DEFAULT_EXPECTED = (200, 302)

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadTestError(Exception):
    """Something stopped the load test before it could measure anything."""


# --- HTTP: one keep-alive connection with its own cookies ---------------------------------


class Browser:
    """One person's connection: keep-alive HTTP/1.1, cookies kept as a browser keeps them."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise LoadTestError(f"Only plain http:// addresses can be load tested: {base_url}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"http://{parts.netloc}"
        self.cookies = dict(cookies or {})
        self.csrf_token = ""
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, str]:
        """Send one request and read the whole answer: (status, body, Location header)."""
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.origin + path
        for attempt in (1, 2):
            conn = self._connect()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once, as
                # browsers do. A failure on a fresh connection is the server's.
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            return response.status, data, response.headers.get("Location", "")
        raise AssertionError("unreachable")

    def take_csrf_token(self, body: bytes) -> None:
        found = CSRF_FIELD.search(body)
        if found:
            self.csrf_token = found.group(1).decode()


# --- Who signs in -------------------------------------------------------------------------


def organisation() -> Organisation:
    org = Organisation.objects.filter(name=PLANS[0].name).first()
    if org is None:
        raise LoadTestError("No generated data: run `haven generate_data` first.")
    return org


def staff_for(org: Organisation, count: int) -> list[User]:
    """``count`` members of staff with the generated DSL's roles (and, at a front door, a
    senior practitioner's), each with an authenticator.

    Made once and found again on later runs. Each virtual person signs in as someone of their
    own: an authenticator code can be used only once, so two people signing in as one
    account in the same 30 seconds would be refused, as they would be in real life.
    """
    dsl = User.objects.for_org(org).filter(email__startswith="dsl@").order_by("pk").first()
    if dsl is None:
        raise LoadTestError("The generated organisation has no DSL: run `haven generate_data`.")
    role_codes = sorted(dsl.role_codes)
    if org.kind == Organisation.Kind.FRONT_DOOR:
        # The DSL of a front door also works its contacts, as a senior practitioner.
        role_codes = sorted({*role_codes, roles.SENIOR_PRACTITIONER})
    domain = dsl.email.split("@", 1)[1]
    users = []
    for n in range(1, count + 1):
        email = f"{USER_PREFIX}{n}@{domain}"
        user = User.objects.for_org(org).filter(email=email).first()
        if user is None:
            user = account_services.user_create(
                organisation=org,
                email=email,
                full_name=f"Load Test Staff {n}",
                role_codes=role_codes,
                password=BENCH_PASSWORD,
            )
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        users.append(user)
    return users


def fresh_code(user: User) -> str:
    """The code the user's authenticator shows now, waiting for the next one if it is used."""
    while True:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        now_step = int(time.time() - device.t0) // device.step
        step = max(now_step, device.last_t + 1)
        if step <= now_step:
            code = totp(device.bin_key, device.step, device.t0, device.digits)
            return f"{code:0{device.digits}d}"
        time.sleep(device.t0 + (now_step + 1) * device.step - time.time() + 0.1)


def sign_in(base_url: str, user: User) -> Browser:
    """Sign in over HTTP as a person does: the form, then the authenticator's code."""
    browser = Browser(base_url)
    status, body, _ = browser.request("GET", "/sign-in/")
    browser.take_csrf_token(body)
    if status != 200 or not browser.csrf_token:
        raise LoadTestError(f"The sign-in page answered {status}.")
    status, _, location = browser.request(
        "POST",
        "/sign-in/",
        {
            "csrfmiddlewaretoken": browser.csrf_token,
            "email": user.email,
            "password": BENCH_PASSWORD,
        },
    )
    if status != 302 or "/sign-in/code/" not in location:
        raise LoadTestError(f"Signing in as {user.email} answered {status} {location}.")
    status, _, location = browser.request(
        "POST",
        "/sign-in/code/",
        {"csrfmiddlewaretoken": browser.csrf_token, "code": fresh_code(user)},
    )
    if status != 302 or "/sign-in/" in location:
        raise LoadTestError(f"The authenticator code for {user.email} answered {status}.")
    # Signing in gives a new CSRF secret; the home page carries the token for it.
    status, body, _ = browser.request("GET", "/")
    browser.take_csrf_token(body)
    if status != 200 or not browser.csrf_token:
        raise LoadTestError(f"The home page after signing in answered {status}.")
    return browser


def sign_out(browser: Browser) -> None:
    with contextlib.suppress(OSError, http.client.HTTPException):
        browser.request("POST", "/sign-out/", {"csrfmiddlewaretoken": browser.csrf_token})
    browser.close()


# --- What the virtual staff ask for --------------------------------------------------------


@dataclass
class Workload:
    """Ids and words to ask for, chosen from the database before the load starts, so that
    choosing them costs the server nothing during the run."""

    weights: dict[str, float]
    people: list[int]
    children: list[int]
    searches: list[str]
    cases: list[int] = field(default_factory=list)
    concern_category: int | None = None

    @classmethod
    def discover(cls, org: Organisation, seed: int, sample: int = 2000) -> Workload:
        from haven.cases.models import SafeguardingCase
        from haven.safeguarding.models import ConcernCategory
        from haven.safeguarding.taxonomy import seed_safeguarding

        rng = random.Random(seed)
        people = Person.objects.for_org(org).filter(merged_into__isnull=True)
        ids = list(people.values_list("pk", flat=True))
        if not ids:
            raise LoadTestError("The generated organisation has no people.")
        chosen = rng.sample(ids, min(sample, len(ids)))
        rows = {
            p.pk: p
            for p in Person.objects.for_org(org)
            .filter(pk__in=chosen)
            .only("pk", "kind", "first_name", "last_name")
        }
        children = [pk for pk in chosen if rows[pk].kind == Person.Kind.CHILD] or chosen
        searches = []
        for n, pk in enumerate(chosen[:500]):
            person = rows[pk]
            # Whole names, surnames alone and the start of a name, as people type them.
            searches.append(
                (
                    f"{person.first_name} {person.last_name}",
                    person.last_name,
                    f"{person.first_name[:3]} {person.last_name[:4]}",
                )[n % 3]
            )
        cases = list(
            SafeguardingCase.objects.for_org(org)
            .order_by("-pk")
            .values_list("pk", flat=True)[:sample]
        )
        seed_safeguarding(org)
        category = (
            ConcernCategory.objects.for_org(org)
            .filter(parent__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        reads = dict(READS)
        if not cases:
            reads.pop("case page")
        if org.kind != Organisation.Kind.FRONT_DOOR:
            reads.pop("front-door worklist")
        writes = dict(WRITES)
        if category is None:
            writes.pop("record a concern")
        weights = {k: (1 - WRITE_SHARE) * v / sum(reads.values()) for k, v in reads.items()}
        weights |= {k: WRITE_SHARE * v / sum(writes.values()) for k, v in writes.items()}
        return cls(
            weights=weights,
            people=chosen,
            children=children,
            searches=searches,
            cases=cases,
            concern_category=category,
        )

    def request_for(self, kind: str, rng: random.Random, csrf_token: str, worker: int):
        """(method, path, form) for one request of this kind."""
        if kind == "global search":
            return "GET", "/people/?" + urlencode({"q": rng.choice(self.searches)}), None
        if kind == "person page":
            return "GET", f"/people/{rng.choice(self.people)}/", None
        if kind == "chronology":
            return "GET", f"/people/{rng.choice(self.children)}/?tab=chronology", None
        if kind == "home page":
            return "GET", "/", None
        if kind == "case page":
            return "GET", f"/cases/{rng.choice(self.cases)}/", None
        if kind == "front-door worklist":
            return "GET", "/front-door/", None
        if kind == "autosave a form":
            return (
                "POST",
                "/drafts/save/",
                {
                    "csrfmiddlewaretoken": csrf_token,
                    "_draft_key": f"loadtest-{worker}",
                    "_draft_label": "Load test note",
                    "_draft_url": "/concerns/new/",
                    "account": f"Typed so far: {rng.randrange(10**6)}",
                },
            )
        if kind == "record a concern":
            when = timezone.localtime(clock.now() - timedelta(hours=1))
            return (
                "POST",
                "/concerns/new/",
                {
                    "csrfmiddlewaretoken": csrf_token,
                    "child": rng.choice(self.children),
                    "category": self.concern_category,
                    "occurred_date": when.strftime("%d/%m/%Y"),
                    "occurred_time": when.strftime("%H:%M"),
                    "location": "Classroom",
                    "account": "Load test: the child said they had not had breakfast again.",
                    "status": "open",
                },
            )
        raise ValueError(kind)


# --- The load ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0 when no answer came (a refused or broken connection, a timeout)


def _virtual_person(
    base_url: str, cookies: dict, csrf_token: str, workload: Workload, stop_at: float,
    seed: int, worker: int, interval: float, out: list[Sample], cpu: list[float],
) -> None:  # fmt: skip
    began = _thread_cpu()
    browser = Browser(base_url, cookies)
    rng = random.Random(seed)
    kinds, weights = list(workload.weights), list(workload.weights.values())
    due = time.monotonic() + rng.random() * interval
    while True:
        if interval:
            # Paced: one request every ``interval`` seconds, timed from when it was due, so a
            # slow answer counts against every request that had to wait for it.
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        started = due if interval else time.monotonic()
        if time.monotonic() >= stop_at:
            break
        kind = rng.choices(kinds, weights)[0]
        method, path, form = workload.request_for(kind, rng, csrf_token, worker)
        try:
            status, _, _ = browser.request(method, path, form)
        except (OSError, http.client.HTTPException):
            status = 0
            browser.close()
        out.append(Sample(kind, (time.monotonic() - started) * 1000, status))
        due += interval
    browser.close()
    cpu.append(_thread_cpu() - began)


def _thread_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_THREAD)
    return used.ru_utime + used.ru_stime


def _load_process(base_url, people, workload, stop_at, seed, interval, first_worker):
    """One generator process: a thread per virtual person. Returns the samples and the CPU
    seconds the virtual people's threads used (not the memory sampler's)."""
    cpu: list[float] = []
    results: list[list[Sample]] = [[] for _ in people]
    threads = [
        threading.Thread(
            target=_virtual_person,
            args=(
                base_url,
                cookies,
                token,
                workload,
                stop_at,
                seed * 1000 + first_worker + n,
                first_worker + n,
                interval,
                results[n],
                cpu,
            ),
            daemon=True,
        )  # fmt: skip
        for n, (cookies, token) in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0, stop_at - time.monotonic()) + REQUEST_TIMEOUT_SECONDS + 5)
    return [s for samples in results for s in samples], sum(cpu)


def generate_load(
    base_url: str, browsers: list[Browser], workload: Workload, *, seconds: float, seed: int,
    processes: int = 1, rate: float | None = None,
) -> tuple[list[Sample], float, float]:  # fmt: skip
    """Run the workload on every signed-in connection for ``seconds``: (samples, wall seconds,
    generator CPU seconds). ``rate`` paces the whole load to that many requests a second;
    without it each connection asks again as soon as it has its answer."""
    people = [(dict(b.cookies), b.csrf_token) for b in browsers]
    interval = len(people) / rate if rate else 0.0
    started = time.monotonic()
    stop_at = started + seconds
    if processes <= 1:
        samples, cpu = _load_process(base_url, people, workload, stop_at, seed, interval, 0)
        return samples, time.monotonic() - started, cpu
    # Several generator processes when one would be held back by Python's interpreter lock.
    # time.monotonic() is the same clock in forked children on Linux.
    connections.close_all()
    shares = [people[n::processes] for n in range(processes)]
    samples, cpu = [], 0.0
    with ProcessPoolExecutor(processes, mp_context=get_context("fork")) as pool:
        futures = [
            pool.submit(_load_process, base_url, share, workload, stop_at, seed, interval, n * 1000)
            for n, share in enumerate(shares)
            if share
        ]
        for future in futures:
            part, used = future.result(timeout=seconds + REQUEST_TIMEOUT_SECONDS + 30)
            samples.extend(part)
            cpu += used
    return samples, time.monotonic() - started, cpu


# --- The server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def default_workers() -> int:
    """gunicorn's rule of thumb: two workers per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


class Server:
    """``haven serve --no-migrate --no-worker`` on a free loopback port, for one run."""

    def __init__(self, *, workers: int, threads: int):
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the run
            prefix="haven-loadtest-", suffix=".log", delete=False
        )

    def start(self) -> None:
        env = os.environ | {
            "HAVEN_BIND": f"127.0.0.1:{self.port}",
            "HAVEN_WORKERS": str(self.workers),
            "HAVEN_THREADS": str(self.threads),
            "HAVEN_JOB_WORKER": "0",
            "DATABASE_URL": database_url(),
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "haven", "serve", "--no-migrate", "--no-worker"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadTestError(f"`haven serve` stopped at start-up; see {self.log.name}")
            if self._answers() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise LoadTestError(f"`haven serve` did not answer in {SERVER_START_SECONDS} s.")

    def _answers(self) -> bool:
        try:
            status, _, _ = Browser(self.url).request("GET", "/healthz")
        except OSError:
            return False
        return status == 200

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def database_url() -> str:
    """The address of the database this process uses (the test database under tests)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in brackets and may hold spaces: the parent follows it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerWatch:
    """Samples each gunicorn worker's resident memory and CPU time while the load runs."""

    def __init__(self, server: Server | None, pid: int | None = None):
        self.master = server.process.pid if server and server.process else pid
        self.peak_rss: dict[int, float] = {}
        self.cpu_start: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self._pids: list[int] = []
        self._samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        if self.master:
            self._sample()
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if self.master:
            self._sample()

    def _run(self):
        while not self._stop.wait(SAMPLE_EVERY_SECONDS):
            self._sample()

    def _sample(self):
        # Finding the workers means reading every process's stat file; a worker that stops is
        # replaced, so look again now and then, and whenever one has gone.
        if self._samples % RESCAN_EVERY == 0:
            self._pids = children_of(self.master)
        self._samples += 1
        for pid in self._pids:
            rss, cpu = rss_mb(pid), cpu_seconds(pid)
            if rss is None:
                self._samples = 0
            if rss is not None:
                self.peak_rss[pid] = max(rss, self.peak_rss.get(pid, 0.0))
            if cpu is not None:
                self.cpu_start.setdefault(pid, cpu)
                self.cpu_last[pid] = cpu

    def summary(self) -> dict:
        if not self.master:
            return {"workers": None, "peak_rss_mb": None, "cpu_seconds": None}
        return {
            "workers": len(self.peak_rss),
            "peak_rss_mb": {str(pid): round(mb, 1) for pid, mb in sorted(self.peak_rss.items())},
            "max_peak_rss_mb": round(max(self.peak_rss.values(), default=0.0), 1),
            "cpu_seconds": round(
                sum(self.cpu_last[pid] - self.cpu_start[pid] for pid in self.cpu_last), 1
            ),
        }


# --- The report ----------------------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_ms:
        return 0.0
    rank = (len(sorted_ms) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(sorted_ms) - 1)
    return sorted_ms[low] + (sorted_ms[high] - sorted_ms[low]) * (rank - low)


def is_error(sample: Sample) -> bool:
    return sample.status not in EXPECTED.get(sample.kind, DEFAULT_EXPECTED)


def summarise(samples: list[Sample], seconds: float) -> dict:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)

    def row(group: list[Sample]) -> dict:
        ms = sorted(s.ms for s in group)
        errors = Counter(str(s.status) for s in group if is_error(s))
        return {
            "requests": len(group),
            "requests_per_second": round(len(group) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(ms[-1], 1) if ms else 0.0,
            "errors": sum(errors.values()),
            "error_statuses": dict(errors),
        }

    kinds = sorted(by_kind, key=lambda k: -len(by_kind[k]))
    return {
        "overall": row(samples),
        "pages": {kind: row(by_kind[kind]) for kind in kinds},
        "writes_share": (
            round(sum(len(by_kind[k]) for k in WRITES) / len(samples), 3) if samples else 0.0
        ),
    }


def verdict(overall: dict, workers: dict) -> dict:
    checks = {
        "requests_per_second": overall["requests_per_second"] >= TARGET["requests_per_second"],
        "p99_ms": overall["p99_ms"] < TARGET["p99_ms"],
        "errors": overall["errors"] == TARGET["errors"],
    }
    if workers.get("max_peak_rss_mb") is not None:
        checks["worker_rss_mb"] = workers["max_peak_rss_mb"] <= TARGET["worker_rss_mb"]
    return {"target": TARGET, "met": checks, "all_met": all(checks.values())}


def save(report: dict) -> Path:
    folder = Path(settings.BASE_DIR) / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{date.today():%Y-%m-%d}-loadtest-{connection.vendor}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


# --- One run -------------------------------------------------------------------------------


def run(
    *,
    seconds: float = DEFAULT_SECONDS,
    concurrency: int = 16,
    workers: int | None = None,
    threads: int = 4,
    url: str | None = None,
    server_pid: int | None = None,
    processes: int = 1,
    rate: float | None = None,
    seed: int = 1,
    say=print,
) -> dict:
    """Start the server (unless ``url`` names one), sign people in, load it, report."""
    began = time.monotonic()
    if not 0 < seconds <= MAX_SECONDS:
        raise LoadTestError(f"The load runs for more than 0 and at most {MAX_SECONDS} seconds.")
    if concurrency < 1 or processes < 1:
        raise LoadTestError("Concurrency and generator processes must be at least 1.")
    if rate is not None and rate <= 0:
        raise LoadTestError("The rate must be more than 0 requests a second.")
    org = organisation()
    workload = Workload.discover(org, seed)
    users = staff_for(org, concurrency)
    server = None
    if url is None:
        _require_migrated()
        workers = workers or default_workers()
        server = Server(workers=workers, threads=threads)
        url = server.url
    browsers: list[Browser] = []
    try:
        if server is not None:
            say(f"Starting `haven serve` on {url}: {workers} workers × {threads} threads")
            server.start()  # inside the try: a server that fails to answer is stopped too
        say(f"Signing in {len(users)} members of staff over HTTP")
        browsers = [sign_in(url, user) for user in users]
        for browser in browsers:
            browser.close()  # each load thread opens its own connection
        # The whole run stops by itself within MAX_SECONDS, start-up and sign-in included.
        left = MAX_SECONDS - STOP_MARGIN_SECONDS - (time.monotonic() - began)
        seconds = min(seconds, left)
        if seconds <= 0:
            raise LoadTestError("Starting the server and signing in used up the run's time.")
        load_before = os.getloadavg()
        say(
            f"Loading for {seconds:.0f} s: {concurrency} connections"
            + (f", paced to {rate:g} requests/s" if rate else "")
        )
        with WorkerWatch(server, server_pid) as watch:
            samples, wall, generator_cpu = generate_load(
                url, browsers, workload, seconds=seconds, seed=seed, processes=processes,
                rate=rate,
            )  # fmt: skip
        load_after = os.getloadavg()
    finally:
        for browser in browsers:
            sign_out(browser)
        if server is not None:
            server.stop()
    if server is not None:
        # Kept only when something went wrong (its name is in the error message).
        Path(server.log.name).unlink(missing_ok=True)
    result = summarise(samples, wall)
    server_summary = watch.summary()
    report = {
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "people_in_organisation": Person.objects.for_org(org).count(),
        "settings": {
            "seconds": round(wall, 1),
            "concurrency": concurrency,
            "rate": rate,
            "generator_processes": processes,
            "server": url if server is None else "haven serve (gunicorn, gthread)",
            "gunicorn_workers": workers if server else None,
            "gunicorn_threads": threads if server else None,
            "weights": {k: round(v, 3) for k, v in workload.weights.items()},
        },
        **result,
        "server_workers": server_summary,
        "generator_cpu_seconds": round(generator_cpu, 2),
    }
    # CPU per request shows where the ceiling is: two cores give at most 2,000 ms a second.
    requests = result["overall"]["requests"] or 1
    if server_summary["cpu_seconds"] is not None:
        server_summary["cpu_ms_per_request"] = round(
            server_summary["cpu_seconds"] * 1000 / requests, 1
        )
    report["generator_cpu_ms_per_request"] = round(generator_cpu * 1000 / requests, 2)
    report["verdict"] = verdict(result["overall"], server_summary)
    return report


def _require_migrated() -> None:
    """``haven serve --no-migrate`` would answer 500s on a database behind the code."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise LoadTestError("The database has migrations to apply: run `haven migrate` first.")


def _machine() -> dict:
    from haven.scale.bench import machine

    return machine()
