"""The demo has the example frameworks in every organisation and a decision to look at."""

import pytest

from haven.accounts.demo import load_demo
from haven.accounts.models import Organisation, User
from haven.chronology.models import Entry
from haven.frontdoor.models import Rag, Status
from haven.thresholds import prefill
from haven.thresholds.models import Framework, ThresholdDecision
from haven.thresholds.services import current_framework

pytestmark = pytest.mark.django_db


def test_the_demo_has_frameworks_everywhere_and_a_decision_on_tylers_concern():
    load_demo()
    for organisation in Organisation.objects.all():
        assert Framework.objects.for_org(organisation).count() == 3
    st_francis = User.unscoped.get(email="dsl@stfrancis.example").organisation
    assert current_framework(st_francis).name == "Family centre High and Low thresholds"
    riverside = User.unscoped.get(email="dsl@riverside.example").organisation
    assert current_framework(riverside).name == "Four-tier needs matrix"
    decision = ThresholdDecision.objects.for_org(riverside).get()
    assert decision.concern.decisions.count() == 0  # still awaiting triage: it starts there
    assert decision.child.first_name == "Tyler"
    assert decision.chosen_level.name == decision.suggested_level.name == "Early help"
    assert decision.ticked.count() == 2
    assert (
        Entry.objects.for_org(riverside)
        .filter(source_type="thresholds.thresholddecision", child=decision.child)
        .exists()
    )
    # At the front door, the contact waiting for its rating starts at amber (child in need).
    front_door = User.unscoped.get(email="senior@frontdoor.example").organisation
    decision = ThresholdDecision.objects.for_org(front_door).get()
    assert decision.contact.status == Status.RATING
    assert prefill.for_rating(decision.contact).initial == {"rating": Rag.AMBER_CIN}
