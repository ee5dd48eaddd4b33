"""`haven loadtest` end to end on a small generated data set: people sign in over HTTP, every
kind of request answers as a page should, and a short run reports no errors. (Throughput and
latency are what the load test measures, never what a test asserts.)"""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection

from haven.cases.models import SafeguardingCase
from haven.drafts.models import Draft
from haven.safeguarding.models import Concern
from haven.scale import loadtest

# The server answers from other threads or processes, so the data must be committed.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organisation():
    call_command("generate_data", people=60, seed=5, stdout=io.StringIO())
    return loadtest.organisation()


def quiet(*args):
    pass


@committed
def test_every_kind_of_request_answers_as_its_page_should(organisation, live_server):
    workload = loadtest.Workload.discover(organisation, seed=1)
    [user] = loadtest.staff_for(organisation, 1)
    browser = loadtest.sign_in(live_server.url, user)
    rng = random.Random(1)
    for kind in workload.weights:
        method, path, form = workload.request_for(kind, rng, browser.csrf_token, worker=0)
        status, body, _ = browser.request(method, path, form)
        assert status in loadtest.EXPECTED.get(kind, (200,)), (kind, path, status, body[:300])
    assert Concern.objects.for_org(organisation).filter(created_by=user).count() == 1
    assert Draft.objects.for_org(organisation).filter(author=user).count() == 1
    loadtest.sign_out(browser)
    status, _, location = browser.request("GET", "/")
    assert status == 302 and "/sign-in/" in location


@pytest.mark.django_db
def test_the_writes_are_a_tenth_of_the_load_and_every_read_the_organisation_offers_is_in_it(
    organisation,
):
    weights = loadtest.Workload.discover(organisation, seed=1).weights
    assert sum(weights.values()) == pytest.approx(1)
    assert sum(weights[k] for k in loadtest.WRITES) == pytest.approx(loadtest.WRITE_SHARE)
    assert set(loadtest.WRITES) <= set(weights)
    assert "front-door worklist" in weights
    # Without safeguarding cases there is no case page to ask for: its share goes to the rest.
    has_cases = SafeguardingCase.objects.for_org(organisation).exists()
    assert ("case page" in weights) == has_cases


@committed
def test_a_short_run_against_a_running_server_reports_its_pages_and_no_errors(
    organisation, live_server
):
    # On SQLite the live server's threads share the test's one in-memory connection, so
    # they are asked one request at a time.
    concurrency = 1 if connection.vendor == "sqlite" else 2
    report = loadtest.run(seconds=2, concurrency=concurrency, url=live_server.url, say=quiet)
    overall = report["overall"]
    assert overall["requests"] >= 5
    assert overall["errors"] == 0, report["pages"]
    assert 0 < overall["p50_ms"] <= overall["p95_ms"] <= overall["p99_ms"] <= overall["max_ms"]
    assert sum(row["requests"] for row in report["pages"].values()) == overall["requests"]
    assert report["settings"]["concurrency"] == concurrency
    assert report["server_workers"]["workers"] is None  # not our server: memory unknown
    assert report["verdict"]["met"]["errors"] is True


@committed
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="`haven serve` in its own process cannot see an in-memory SQLite test database",
)
def test_a_short_run_starts_haven_serve_reads_its_workers_memory_and_stops_it(
    organisation, settings
):
    # The server checks passwords with the production hashers, not the tests' quick one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    report = loadtest.run(seconds=2, concurrency=1, workers=1, threads=2, say=quiet)
    assert report["overall"]["requests"] >= 5
    assert report["overall"]["errors"] == 0, report["pages"]
    workers = report["server_workers"]
    assert workers["workers"] == 1
    assert 20 < workers["max_peak_rss_mb"] < 1000
    assert not loadtest.children_of(int(next(iter(workers["peak_rss_mb"]))))


def test_a_run_longer_than_ten_minutes_is_refused_before_anything_starts():
    for seconds in (0, -1, loadtest.MAX_SECONDS + 1):
        with pytest.raises(loadtest.LoadTestError, match="at most 600 seconds"):
            loadtest.run(seconds=seconds, say=quiet)


def test_a_status_a_page_does_not_answer_with_is_counted_as_an_error():
    samples = [
        loadtest.Sample("person page", 10.0, 200),
        loadtest.Sample("person page", 20.0, 500),
        loadtest.Sample("global search", 30.0, 0),
        # A concern form shown again (200) means the concern was not recorded.
        loadtest.Sample("record a concern", 40.0, 200),
        loadtest.Sample("record a concern", 50.0, 302),
    ]
    report = loadtest.summarise(samples, seconds=1.0)
    assert report["overall"]["errors"] == 3
    assert report["pages"]["person page"]["error_statuses"] == {"500": 1}
    assert report["pages"]["global search"]["error_statuses"] == {"0": 1}
    assert report["pages"]["record a concern"]["errors"] == 1
    assert report["overall"]["requests_per_second"] == 5.0
    assert report["writes_share"] == 0.4


def test_percentiles_interpolate_between_ranks():
    data = [float(n) for n in range(1, 101)]
    assert loadtest.percentile(data, 50) == pytest.approx(50.5)
    assert loadtest.percentile(data, 99) == pytest.approx(99.01)
    assert loadtest.percentile([7.0], 99) == 7.0
