"""Frameworks: the shipped examples, versions that never change, and one in use."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from haven.accounts.models import Organisation
from haven.accounts.services import organisation_create
from haven.core.errors import DomainError, NotAllowed
from haven.thresholds import definitions, examples, services
from haven.thresholds.models import Framework, Level, ThresholdDecision
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


def test_a_new_school_gets_the_three_examples_with_the_four_tier_matrix_in_use():
    org = organisation_create(name="Fernhill Primary", kind=Organisation.Kind.SCHOOL)
    names = set(Framework.objects.for_org(org).values_list("name", flat=True))
    assert names == {e["name"] for e in examples.EXAMPLES}
    framework = services.current_framework(org)
    assert framework.name == "Four-tier needs matrix"
    version = framework.current_version
    assert [lv.name for lv in version.levels.all()] == [
        "Universal",
        "Early help",
        "Child in need",
        "Child protection",
    ]
    assert version.cluster_domains == 3
    assert version.indicators.filter(always_escalate=True).exists()


def test_a_family_centre_uses_its_high_and_low_thresholds():
    org = organisation_create(name="Oak Family Centre", kind=Organisation.Kind.EARLY_YEARS)
    version = services.current_framework(org).current_version
    assert [lv.name for lv in version.levels.all()] == ["Low", "High"]
    assert {lv.case_threshold for lv in version.levels.all()} == {"Low", "High"}


def test_seeding_twice_adds_nothing(frameworks):
    assert services.seed_frameworks(frameworks) == 0
    assert Framework.objects.for_org(frameworks).count() == 3


def test_every_example_round_trips_through_export_and_parse(frameworks):
    for framework in Framework.objects.for_org(frameworks):
        exported = definitions.export(framework.current_version)
        assert definitions.parse(exported) == exported


def test_publishing_makes_a_new_version_and_leaves_past_decisions_as_they_were(
    admin, dsl, concern, four_tier
):
    v1 = four_tier.current_version
    ticks = indicators(v1, "Early help", domains=1)
    decision = services.decision_record(
        actor=dsl,
        version=v1,
        ticked={ticks[0].pk: "Seen twice this week"},
        chosen_level=level(v1, "Early help"),
        concern=concern,
    )
    edited = definitions.export(v1)
    edited["levels"][1]["name"] = "Additional needs"
    edited["indicators"] = edited["indicators"][:5]
    v2 = services.framework_publish(
        actor=admin, framework=four_tier, definition=edited, note="Renamed tier 2"
    )
    assert v2.number == 2
    four_tier.refresh_from_db()
    assert four_tier.current_version == v2
    assert v2.indicators.count() == 5
    decision = ThresholdDecision.objects.for_org(four_tier.organisation).get(pk=decision.pk)
    assert decision.version == v1
    assert decision.chosen_level.name == "Early help"
    assert decision.ticked.get().indicator.text == ticks[0].text
    assert v1.indicators.count() > 5


def test_only_an_administrator_may_publish(dsl, four_tier):
    with pytest.raises(NotAllowed):
        services.framework_publish(
            actor=dsl,
            framework=four_tier,
            definition=definitions.export(four_tier.current_version),
        )


def test_an_administrator_may_not_publish_another_organisations_framework(
    four_tier, stranger_admin_fixture
):
    with pytest.raises(NotAllowed):
        services.framework_publish(
            actor=stranger_admin_fixture,
            framework=four_tier,
            definition=definitions.export(four_tier.current_version),
        )


@pytest.fixture
def stranger_admin_fixture(other_org):
    from haven.core.testing.factories import UserFactory

    return UserFactory(organisation=other_org, roles=["administrator"])


def test_choosing_a_framework_puts_it_alone_in_use(admin, frameworks):
    high_low = Framework.objects.for_org(frameworks).get(name=examples.HIGH_LOW["name"])
    services.framework_choose(actor=admin, framework=high_low)
    in_use = Framework.objects.for_org(frameworks).filter(in_use=True)
    assert list(in_use) == [high_low]


def test_the_database_refuses_two_frameworks_in_use(frameworks):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.for_org(frameworks).filter(in_use=False).update(in_use=True)


def test_copying_makes_an_independent_framework_with_the_same_content(admin, four_tier):
    copy = services.framework_copy(actor=admin, framework=four_tier, name="Our own matrix")
    assert copy.name == "Our own matrix"
    assert not copy.in_use
    mine, theirs = (
        definitions.export(copy.current_version),
        definitions.export(four_tier.current_version),
    )
    assert mine["indicators"] == theirs["indicators"]
    assert copy.current_version.levels.first().pk != four_tier.current_version.levels.first().pk


def test_a_copy_needs_a_name_of_its_own(admin, four_tier):
    with pytest.raises(DomainError, match="already a framework called"):
        services.framework_copy(actor=admin, framework=four_tier, name=four_tier.name)
    with pytest.raises(DomainError, match="give it a name"):
        services.framework_copy(actor=admin, framework=four_tier, name="  ")


def test_levels_of_a_version_are_unique_by_position(four_tier):
    version = four_tier.current_version
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(
            organisation=version.organisation, version=version, position=0, key="x", name="X"
        )
