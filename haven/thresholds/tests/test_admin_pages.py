"""Administrators list, choose, copy, edit, export and import frameworks; nobody else may."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from haven.thresholds import definitions, examples
from haven.thresholds.models import Framework, FrameworkVersion

pytestmark = pytest.mark.django_db


def _upload(data, name="framework.json"):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def test_the_list_shows_every_framework_and_which_is_in_use(
    admin, frameworks, sign_in, django_assert_num_queries
):
    client = sign_in(admin)
    client.get(reverse("thresholds:frameworks"))
    with django_assert_num_queries(5) as first:
        response = client.get(reverse("thresholds:frameworks"))
    body = response.content.decode()
    for example in examples.EXAMPLES:
        assert example["name"] in body
    assert body.count("<strong>In use</strong>") == 1
    Framework.objects.for_org(frameworks).update(description="more")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("thresholds:frameworks"))


@pytest.mark.parametrize("persona", ["dsl", "deputy_dsl", "manager", "key_person", "leader"])
def test_nobody_but_an_administrator_may_see_or_change_frameworks(
    persona, frameworks, four_tier, sign_in, request
):
    client = sign_in(request.getfixturevalue(persona))
    high_low = Framework.objects.for_org(frameworks).get(name=examples.HIGH_LOW["name"])
    assert client.get(reverse("thresholds:frameworks")).status_code == 403
    assert client.get(reverse("thresholds:framework", args=[four_tier.pk])).status_code == 403
    assert (
        client.get(reverse("thresholds:framework_export", args=[four_tier.pk])).status_code == 403
    )
    response = client.post(reverse("thresholds:framework_choose", args=[high_low.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("thresholds:framework_import"), {"file": _upload(examples.FOUR_TIER)}
    )
    assert response.status_code == 403
    high_low.refresh_from_db()
    assert not high_low.in_use
    assert Framework.objects.for_org(frameworks).count() == 3


def test_signed_out_people_are_sent_to_sign_in(frameworks):
    from django.test import Client

    response = Client().get(reverse("thresholds:frameworks"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_another_organisations_framework_is_not_found(four_tier, other_org, sign_in):
    from haven.core.testing.factories import UserFactory

    stranger = UserFactory(organisation=other_org, roles=["administrator"], authenticator=True)
    client = sign_in(stranger)
    for name in (
        "framework",
        "framework_export",
        "framework_copy",
        "framework_edit",
        "framework_edit_json",
    ):
        assert client.get(reverse(f"thresholds:{name}", args=[four_tier.pk])).status_code == 404
    assert (
        client.post(reverse("thresholds:framework_choose", args=[four_tier.pk])).status_code == 404
    )


def test_an_administrator_chooses_the_framework_in_use(admin, frameworks, sign_in):
    high_low = Framework.objects.for_org(frameworks).get(name=examples.HIGH_LOW["name"])
    response = sign_in(admin).post(reverse("thresholds:framework_choose", args=[high_low.pk]))
    assert response.status_code == 302
    assert list(Framework.objects.for_org(frameworks).filter(in_use=True)) == [high_low]


def test_the_framework_page_shows_levels_domains_indicators_and_versions(admin, four_tier, sign_in):
    body = sign_in(admin).get(reverse("thresholds:framework", args=[four_tier.pk])).content
    body = body.decode()
    assert "Child in need" in body and "Harm outside the home" in body
    assert "A child under 11 is missing" in body and "Always escalate" in body
    assert "span 3 or more domains" in body
    assert "Version 1" in body


def test_copying_from_the_page(admin, four_tier, sign_in):
    client = sign_in(admin)
    response = client.post(
        reverse("thresholds:framework_copy", args=[four_tier.pk]), {"name": "Our matrix"}
    )
    copy = Framework.objects.for_org(four_tier.organisation).get(name="Our matrix")
    assert response["Location"] == reverse("thresholds:framework", args=[copy.pk])
    response = client.post(
        reverse("thresholds:framework_copy", args=[four_tier.pk]), {"name": "Our matrix"}
    )
    assert response.status_code == 400
    assert "already a framework called" in response.content.decode()


def test_editing_as_json_publishes_a_new_version(admin, four_tier, sign_in):
    client = sign_in(admin)
    url = reverse("thresholds:framework_edit_json", args=[four_tier.pk])
    shown = client.get(url).context["form"].initial["definition"]
    data = json.loads(shown)
    data["cluster_domains"] = 2
    data["indicators"].append(
        {"domain": "family", "level": "early-help", "text": "Recently moved house twice"}
    )
    response = client.post(url, {"definition": json.dumps(data), "note": "Cluster of two"})
    assert response.status_code == 302
    four_tier.refresh_from_db()
    version = four_tier.current_version
    assert (version.number, version.cluster_domains, version.change_note) == (
        2,
        2,
        "Cluster of two",
    )
    assert version.indicators.filter(text="Recently moved house twice").exists()
    first = FrameworkVersion.objects.for_org(four_tier.organisation).get(
        framework=four_tier, number=1
    )
    assert first.cluster_domains == 3
    assert not first.indicators.filter(text="Recently moved house twice").exists()


def test_a_broken_json_edit_lists_every_problem_and_publishes_nothing(admin, four_tier, sign_in):
    client = sign_in(admin)
    url = reverse("thresholds:framework_edit_json", args=[four_tier.pk])
    data = definitions.export(four_tier.current_version)
    data["levels"][0]["colour"] = "green"
    data["indicators"][0]["domain"] = "nowhere"
    data["cluster_domains"] = -1
    response = client.post(url, {"definition": json.dumps(data)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Level 1: the colour must look like #1a6b3c." in body
    assert "Indicator 1: there is no domain with the key &#x27;nowhere&#x27;." in body
    assert "cluster_domains" in body
    response = client.post(url, {"definition": "{not json"})
    assert "The file is not valid JSON" in response.content.decode()
    assert (
        FrameworkVersion.objects.for_org(four_tier.organisation).filter(framework=four_tier).count()
        == 1
    )


def test_export_then_import_gives_the_same_framework(admin, four_tier, sign_in):
    client = sign_in(admin)
    response = client.get(reverse("thresholds:framework_export", args=[four_tier.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="four-tier-needs-matrix-v1.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    data["name"] = "Imported matrix"
    response = client.post(reverse("thresholds:framework_import"), {"file": _upload(data)})
    imported = Framework.objects.for_org(four_tier.organisation).get(name="Imported matrix")
    assert response["Location"] == reverse("thresholds:framework", args=[imported.pk])
    assert not imported.in_use
    again = definitions.export(imported.current_version)
    assert again["indicators"] == data["indicators"]
    assert again["levels"] == data["levels"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe not json", "The file is not valid JSON"),
        (b"[1, 2]", "The file must hold one framework"),
        (json.dumps({"name": "x", "levels": [], "domains": []}).encode(), "at least one"),
        (json.dumps({**examples.FOUR_TIER, "format": "other"}).encode(), "not a threshold"),
        (
            json.dumps(
                {
                    **examples.FOUR_TIER,
                    "name": "Odd outcomes",
                    "levels": [
                        {**examples.FOUR_TIER["levels"][0], "concern_outcome": "shrug"},
                        *examples.FOUR_TIER["levels"][1:],
                    ],
                }
            ).encode(),
            "Level 1: the triage decision on a concern must be one of",
        ),
    ],
)
def test_a_bad_import_explains_and_adds_nothing(admin, frameworks, sign_in, body, message):
    response = sign_in(admin).post(reverse("thresholds:framework_import"), {"file": _upload(body)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Framework.objects.for_org(frameworks).count() == 3
    assert FrameworkVersion.objects.for_org(frameworks).count() == 3


def test_importing_a_name_already_used_is_refused_with_nothing_partial(admin, frameworks, sign_in):
    response = sign_in(admin).post(
        reverse("thresholds:framework_import"), {"file": _upload(examples.FOUR_TIER)}
    )
    assert response.status_code == 400
    assert "already a framework called" in response.content.decode()
    assert FrameworkVersion.objects.for_org(frameworks).count() == 3


def test_the_form_editor_changes_texts_mappings_and_indicators_in_a_new_version(
    admin, four_tier, sign_in
):
    from haven.thresholds import editor

    client = sign_in(admin)
    url = reverse("thresholds:framework_edit", args=[four_tier.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = editor.as_post(page.context["d"], note="Plainer words")
    data["level-1-name"] = "Additional needs"
    data["level-1-response"] = "Offer an early help assessment."
    data["level-2-rag_rating"] = "amber_cp"
    data["level-2-concern_outcome"] = "open_case"
    data["indicator-0-remove"] = "on"
    data["indicator-1-always_escalate"] = "on"
    data.update({"new-0-text": "Recently moved school twice", "new-0-domain": "family"})
    data["new-0-level"] = "early-help"
    removed = data["indicator-0-text"]
    response = client.post(url, data)
    assert response.status_code == 302
    four_tier.refresh_from_db()
    version = four_tier.current_version
    assert version.number == 2 and version.change_note == "Plainer words"
    levels = list(version.levels.all())
    assert levels[1].name == "Additional needs"
    assert levels[1].response == "Offer an early help assessment."
    assert levels[2].rag_rating == "amber_cp"
    assert levels[2].concern_outcome == "open_case"
    assert levels[3].concern_outcome == "front_door"  # unchanged, carried into the version
    assert not version.indicators.filter(text=removed).exists()
    added = version.indicators.get(text="Recently moved school twice")
    assert (added.domain.key, added.level.key) == ("family", "early-help")
    assert version.indicators.filter(always_escalate=True).count() == 3


def test_the_form_editor_lists_problems_and_publishes_nothing(admin, four_tier, sign_in):
    from haven.thresholds import editor

    client = sign_in(admin)
    url = reverse("thresholds:framework_edit", args=[four_tier.pk])
    data = editor.as_post(definitions.export(four_tier.current_version))
    data["level-0-colour"] = "green"
    data["indicator-2-text"] = ""
    data["cluster_domains"] = "lots"
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "nothing was published" in body
    assert "Level 1: the colour must look like #1a6b3c." in body
    assert "Indicator 3: give it a text." in body
    assert "cluster_domains" in body
    assert four_tier.versions.count() == 1
