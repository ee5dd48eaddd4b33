"""A guided threshold decision on a safeguarding case: shown on the case, in the case's
chronology scope, and compared with the case's own threshold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.cases import services as case_services
from haven.chronology.models import Entry
from haven.core.errors import NotAllowed
from haven.safeguarding.tests.records import make_child
from haven.thresholds import services
from haven.thresholds.models import ThresholdDecision
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(dsl, key_person, manager, frameworks):
    from haven.cases.tests.records import case_data

    child = make_child(dsl, "Cara", "Brook")
    return case_services.case_open(
        actor=dsl,
        child=child,
        engagement=None,
        data=case_data(frameworks, owner=key_person, manager=manager),
    )


def test_the_case_owner_records_a_decision_and_sees_it_on_the_case(
    key_person, case, four_tier, sign_in
):
    version = four_tier.current_version
    ticks = indicators(version, "Child in need", domains=1)
    client = sign_in(key_person)
    url = reverse("thresholds:case_decide", args=[case.pk])
    assert client.get(url).status_code == 200
    data = {
        "indicator": [str(ticks[0].pk)],
        f"note-{ticks[0].pk}": "Dad's drinking most evenings",
        "chosen_level": level(version, "Child in need").pk,
        "action": "save",
    }
    response = client.post(url, data)
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    decision = ThresholdDecision.objects.for_org(case.organisation).get()
    assert decision.case == case and decision.child == case.child
    body = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Dad&#x27;s drinking most evenings" in body
    # Child in need maps to the High case threshold; this case is Low.
    assert "maps to the case threshold High, but this case is Low" in body
    entry = Entry.objects.for_org(case.organisation).get(source_type="thresholds.thresholddecision")
    assert entry.scope == f"case:{case.pk}"


def test_someone_who_only_reads_the_case_may_not_decide(staff_member, case, four_tier):
    version = four_tier.current_version
    with pytest.raises(NotAllowed):
        services.decision_record(
            actor=staff_member,
            version=version,
            ticked={},
            chosen_level=level(version, "Universal"),
            case=case,
        )


def test_a_stranger_is_told_the_case_does_not_exist(case, four_tier, other_org, sign_in):
    from haven.core.testing.factories import UserFactory

    stranger = UserFactory(organisation=other_org, roles=["dsl"], authenticator=True)
    response = sign_in(stranger).get(reverse("thresholds:case_decide", args=[case.pk]))
    assert response.status_code == 404
