"""`haven bench` times the front-door worklist: a smoke test that the operation runs on a
small front door (timings are the benchmark's business, never asserted here)."""

import pytest
from django.core.management import call_command

from haven.accounts.models import Organisation, User
from haven.frontdoor import bench as frontdoor_bench
from haven.frontdoor.models import Contact, Status
from haven.people.models import Person
from haven.scale.bench import Bench
from haven.scale.generator import PLANS

pytestmark = pytest.mark.django_db


def test_the_worklist_operation_runs_and_makes_its_contacts_once(monkeypatch):
    monkeypatch.setattr(frontdoor_bench, "OPEN_CONTACTS", 60)
    monkeypatch.setattr(frontdoor_bench, "DECIDED_CONTACTS", 20)
    call_command("generate_data", people=60, seed=5)
    school = Organisation.objects.get(name=PLANS[0].name)
    dsl = User.objects.for_org(school).get(email__startswith="dsl@")
    [row] = Bench(runs=2, seed=1, user=dsl).run(only="front-door worklist")
    assert row["runs"] == 2 and row["queries"] > 0
    assert 0 < row["p50_ms"] <= row["p95_ms"]
    Bench(runs=1, seed=2, user=dsl).run(only="front-door worklist")
    front_door = Organisation.objects.get(name=frontdoor_bench.NAME)
    contacts = Contact.objects.for_org(front_door)
    assert contacts.exclude(status=Status.DECIDED).count() == 60
    assert contacts.filter(status=Status.DECIDED).count() == 20


def test_the_contact_operation_logs_a_contact_about_the_child_the_check_finds(monkeypatch):
    monkeypatch.setattr(frontdoor_bench, "OPEN_CONTACTS", 16)
    monkeypatch.setattr(frontdoor_bench, "DECIDED_CONTACTS", 8)
    call_command("generate_data", people=60, seed=5)
    school = Organisation.objects.get(name=PLANS[0].name)
    dsl = User.objects.for_org(school).get(email__startswith="dsl@")
    bench = Bench(runs=3, seed=1, user=dsl)
    held = Person.objects.for_org(bench.front_door.org).count()
    [row] = bench.run(only="front-door contact")
    assert row["runs"] == 3 and row["queries"] > 0
    front_door = Organisation.objects.get(name=frontdoor_bench.NAME)
    logged = Contact.objects.for_org(front_door).filter(status=Status.SCREENING)
    logged = logged.filter(referrer_agency="Bench Primary")
    assert logged.count() == 3
    # Each is about a child already held: the check found them, nobody new was added.
    assert all(contact.people.count() == 1 for contact in logged)
    assert Person.objects.for_org(front_door).count() == held
