"""`haven bench` runs its operations end to end: a smoke test on a small generated data set
(timings are measured by the benchmark itself, never asserted in tests)."""

import pytest
from django.core.management import call_command

from haven.accounts.models import Organisation, User
from haven.scale.bench import Bench
from haven.scale.generator import PLANS

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench():
    call_command("generate_data", people=120, seed=5)
    organisation = Organisation.objects.get(name=PLANS[0].name)
    user = User.objects.for_org(organisation).get(email__startswith="dsl@")
    return Bench(runs=2, seed=1, user=user)


@pytest.mark.parametrize(
    "operation",
    [
        "global search",
        "duplicate check",
        "person page",
        "record a concern",
        "chronology first",
        "case page",
    ],
)
def test_an_operation_runs_and_reports_its_percentiles(bench, operation):
    results = bench.run(only=operation)
    assert results, f"no operation named like {operation!r}"
    for row in results:
        assert row["runs"] == 2
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["queries"] > 0


def test_the_chronology_page_operation_makes_its_long_history_once(bench):
    from haven.chronology.models import Entry
    from haven.chronology.timeline_bench import ENTRIES, SOURCE

    bench.run(only="chronology first")
    Bench(runs=1, seed=2, user=bench.user).run(only="chronology first")
    assert Entry.unscoped.filter(source_type=SOURCE).count() == ENTRIES


def test_the_chronology_floor_reads_the_entries_the_page_shows(bench):
    from django.db import connection

    timeline = bench.timeline
    shown = [row.pk for row in timeline.first_page().context["chronology"].entries]
    sql, params = timeline.floor_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        floor = [row[0] for row in cursor.fetchall()]
    assert len(shown) == 50 and floor[:50] == shown


def test_a_long_run_proves_the_second_factor_again_before_it_goes_stale(bench):
    import time

    from haven.access.decorators import VERIFIED_AT

    stale = time.time() - 16 * 60
    session = bench.client.session
    session[VERIFIED_AT] = stale
    session.save()
    bench._keep_second_factor_fresh()
    assert bench.client.session[VERIFIED_AT] > stale + 15 * 60


def test_adding_a_monitoring_action_saves_one_each_run():
    """Enough people that some of their cases are still open (one in fifty has a case)."""
    from haven.cases.models import MonitoringAction

    call_command("generate_data", people=1500, seed=5)
    organisation = Organisation.objects.get(name=PLANS[0].name)
    user = User.objects.for_org(organisation).get(email__startswith="dsl@")
    before = MonitoringAction.objects.for_org(organisation).count()
    results = Bench(runs=3, seed=1, user=user).run(only="add a monitoring action")
    assert [row["runs"] for row in results] == [3]
    assert MonitoringAction.objects.for_org(organisation).count() == before + 3
