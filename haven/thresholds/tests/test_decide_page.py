"""The guided threshold decision on a concern, and how it shows on the concern."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from haven.chronology.models import Entry
from haven.core.testing import audit_append_queries
from haven.thresholds import services
from haven.thresholds.models import ThresholdDecision
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


def _post(version, ticks, **extra):
    data = {"indicator": [str(i.pk) for i in ticks], **extra}
    for i in ticks:
        data[f"note-{i.pk}"] = f"Seen: {i.text}"
    return data


def test_the_page_lists_every_domain_and_suggests_the_lowest_level_at_first(
    dsl, concern, four_tier, sign_in
):
    response = sign_in(dsl).get(reverse("thresholds:concern_decide", args=[concern.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for domain in four_tier.current_version.domains.all():
        assert escape(domain.name) in body
    assert response.context["suggested"].name == "Universal"
    assert "Carry on with everyday support" in body  # what the level means in practice


def test_working_out_the_suggestion_saves_nothing(dsl, concern, four_tier, sign_in):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    url = reverse("thresholds:concern_decide", args=[concern.pk])
    response = sign_in(dsl).post(url, _post(version, ticks, action="suggest"))
    assert response.status_code == 200
    assert response.context["suggested"].name == "Child in need"
    assert "span 3 domains" in response.content.decode()
    assert "Seen: " in response.content.decode()  # the notes come back
    assert not ThresholdDecision.objects.for_org(concern.organisation).exists()


def test_choosing_otherwise_without_a_rationale_is_refused_with_a_clear_message(
    dsl, concern, four_tier, sign_in
):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    url = reverse("thresholds:concern_decide", args=[concern.pk])
    data = _post(version, ticks, action="save", chosen_level=level(version, "Early help").pk)
    response = sign_in(dsl).post(url, data)
    assert response.status_code == 400
    assert "the framework suggests Child in need: say why" in response.content.decode()
    assert not ThresholdDecision.objects.for_org(concern.organisation).exists()


def test_a_decision_is_saved_and_shown_on_the_concern_and_in_the_chronology(
    dsl, concern, four_tier, sign_in
):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    client = sign_in(dsl)
    data = _post(
        version,
        ticks,
        action="save",
        chosen_level=level(version, "Early help").pk,
        rationale="The family asked for help last week and are already engaging.",
    )
    response = client.post(reverse("thresholds:concern_decide", args=[concern.pk]), data)
    assert response["Location"] == reverse("safeguarding:concern", args=[concern.pk])
    decision = ThresholdDecision.objects.for_org(concern.organisation).get()
    assert (decision.suggested_level.name, decision.chosen_level.name) == (
        "Child in need",
        "Early help",
    )
    body = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Threshold decisions" in body
    assert "the framework suggested Child in need" in body
    assert "already engaging" in body
    assert f"Seen: {ticks[0].text}" in body
    entry = Entry.objects.for_org(concern.organisation).get(
        source_type="thresholds.thresholddecision"
    )
    assert entry.child == concern.child


def test_the_member_of_staff_who_recorded_it_sees_no_threshold_panel_and_may_not_decide(
    staff_member, concern, four_tier, sign_in
):
    client = sign_in(staff_member)
    body = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Threshold decisions" not in body
    response = client.get(reverse("thresholds:concern_decide", args=[concern.pk]))
    assert response.status_code == 403


def test_with_no_framework_in_use_the_lead_is_told_so(dsl, concern, four_tier, sign_in):
    from haven.thresholds.models import Framework

    Framework.objects.for_org(concern.organisation).update(in_use=False)
    client = sign_in(dsl)
    response = client.get(reverse("thresholds:concern_decide", args=[concern.pk]), follow=True)
    assert "has not chosen a threshold framework" in response.content.decode()


def test_the_page_costs_the_same_with_more_decisions(
    dsl, concern, four_tier, sign_in, django_assert_num_queries
):
    version = four_tier.current_version
    url = reverse("thresholds:concern_decide", args=[concern.pk])
    client = sign_in(dsl)

    def decide():
        ticks = indicators(version, "Early help", domains=2)
        services.decision_record(
            actor=dsl,
            version=version,
            ticked={i.pk: "note" for i in ticks},
            chosen_level=level(version, "Early help"),
            concern=concern,
        )

    decide()
    client.get(url)
    with django_assert_num_queries(11 + audit_append_queries()) as first:
        client.get(url)
    decide()
    decide()
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)
