"""The body map and the recording quality hints in a real browser.

A small form used only by this test (served through a URL configuration that exists only
here) carries the two widgets exactly as the concern form does, so the test is about them and
not about the rest of recording a concern.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import engines
from django.urls import path
from playwright.sync_api import expect

from haven import urls as haven_urls
from haven.safeguarding.bodymap import BodyMapField, nearest_region
from haven.safeguarding.hints import RecordingHintsTextarea

pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]


class InjuryForm(forms.Form):
    account = forms.CharField(label="What happened", widget=RecordingHintsTextarea())
    body_map = BodyMapField(required=False)


PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Body map{% endblock %}
{% block content %}
<h1>Body map</h1>
{% if saved is not None %}
  <h2>Saved</h2>
  {% include "safeguarding/includes/body_map.html" with marks=saved %}
{% else %}
  {% include "core/includes/form_errors.html" %}
  <form method="post" class="form" novalidate>{% csrf_token %}
    {% include "core/includes/field.html" with field=form.account %}
    {% include "safeguarding/includes/body_map_field.html" with field=form.body_map %}
    <button type="submit" class="button">Save</button>
  </form>
{% endif %}
{% endblock %}"""
)


def injury_page(request):
    from django.http import HttpResponse

    form = InjuryForm(request.POST or None)
    saved = form.cleaned_data["body_map"] if request.method == "POST" and form.is_valid() else None
    return HttpResponse(PAGE.render({"form": form, "saved": saved}, request))


urlpatterns = [path("test-body-map/", injury_page), *haven_urls.urlpatterns]


def _marks(page):
    return page.get_by_role("list", name="Marks").get_by_role("listitem")


def test_marks_are_placed_by_pointer_keyboard_and_body_area_edited_removed_and_saved(
    page, staff_member, sign_in_browser, accessibility
):
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/test-body-map/")
    expect(page.get_by_text("No marks yet.")).to_be_visible()
    accessibility.check(page, "body map, empty")

    # Pointer: the outline is drawn 200 × 400 pixels, so a click lands in drawing units.
    page.locator("#id_body_map_front").click(position={"x": 100, "y": 120})
    first = _marks(page).nth(0)
    expect(first).to_contain_text("Mark 1: front, near the chest")
    kind = first.get_by_label("Type")
    expect(kind).to_be_focused()  # straight on to say what it is
    kind.select_option("Bruise")
    first.get_by_label("Size (optional)").fill("3 cm")
    first.get_by_label("Note (optional)").fill("Blue-purple, round")

    # Keyboard: focus the back outline, move the cross, Enter places the mark.
    back = page.get_by_role("application", name=re.compile("^Back of the body"))
    back.focus()
    expect(back.locator("[data-crosshair]")).to_have_attribute("display", "inline")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Enter")
    where = nearest_region("back", 40, 50)
    second = _marks(page).nth(1)
    expect(second).to_contain_text(f"Mark 2: back, near the {where}")
    expect(page.locator("[data-announce]")).to_have_text(
        f"Mark 2 placed: back, near the {where}. Choose its type."
    )
    expect(second.get_by_label("Type")).to_be_focused()
    page.keyboard.press("End")  # the last type in the list
    expect(second.get_by_label("Type")).to_have_value("other")
    second.get_by_label("Type").select_option("Burn")

    # By body area, then removed again.
    page.get_by_label("Add a mark by body area").select_option(label="left hand")
    page.get_by_role("button", name="Add mark").click()
    expect(_marks(page)).to_have_count(3)
    expect(_marks(page).nth(2)).to_contain_text("Mark 3: front, near the left hand")
    page.get_by_role("button", name="Remove mark 3").click()
    expect(_marks(page)).to_have_count(2)
    expect(page.locator("[data-announce]")).to_contain_text("Mark 3")
    expect(page.locator("[data-announce]")).to_contain_text("removed")
    expect(page.locator("#id_body_map_front [data-index]")).to_have_count(1)
    expect(page.locator("#id_body_map_back [data-index]")).to_have_count(1)
    accessibility.check(page, "body map with marks")

    # A validation error elsewhere on the form: the marks come back as they were.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("What happened")
    expect(_marks(page)).to_have_count(2)
    expect(_marks(page).nth(0).get_by_label("Size (optional)")).to_have_value("3 cm")
    expect(_marks(page).nth(1).get_by_label("Type")).to_have_value("burn")

    page.get_by_label("What happened").fill("Seen at lunch when she rolled up her sleeve.")
    page.get_by_role("button", name="Save").click()
    saved = page.locator(".body-map-view__list li")
    expect(saved).to_have_count(2)
    expect(saved.nth(0)).to_have_text(
        "Bruise — front, near the chest. Size: 3 cm. Blue-purple, round"
    )
    expect(saved.nth(1)).to_have_text(f"Burn — back, near the {where}")
    accessibility.check(page, "body map, read-only")
    accessibility.assert_clean()


def test_a_mark_without_a_type_is_refused_and_kept(page, staff_member, sign_in_browser):
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/test-body-map/")
    page.get_by_label("What happened").fill("A cut on her knee.")
    page.locator("#id_body_map_front").click(position={"x": 118, "y": 300})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Mark 1: choose the type of mark")
    expect(_marks(page)).to_have_count(1)
    expect(_marks(page).nth(0)).to_contain_text("front, near the left knee")


def test_hints_appear_below_the_account_as_it_is_typed_without_taking_focus(
    page, staff_member, sign_in_browser, accessibility
):
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/test-body-map/")
    account = page.get_by_label("What happened")
    account.click()
    page.keyboard.type("JB said he was aggressive!! I told the DSL.")
    hints = page.locator("#id_account_hints")
    expect(hints).to_have_attribute("aria-live", "polite")
    expect(hints.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"^“?JB”?: Use the person's full name"),
            re.compile(r"^“?aggressive”?: This is an opinion"),
            re.compile(r"^“?!!”?: Use one full stop"),
        ]
    )
    expect(account).to_be_focused()
    accessibility.check(page, "recording hints")

    account.fill("")
    page.keyboard.type("At 10:15 she said her arm hurt.")
    expect(hints.get_by_role("listitem")).to_have_count(0)
    accessibility.assert_clean()


def test_without_the_script_marks_are_added_by_body_area_and_saved(
    page, staff_member, sign_in_browser, accessibility
):
    # The body map's script never arrives (blocked, or failed to load): the form still works.
    # Blocking the one script, rather than turning JavaScript off, keeps axe able to run.
    page.route("**/safeguarding/body_map.js", lambda route: route.abort())
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/test-body-map/")
    expect(page.get_by_text("Placing marks on the outline needs JavaScript.")).to_be_visible()
    expect(page.get_by_role("button", name="Add mark")).to_be_hidden()
    accessibility.check(page, "body map without its script")
    page.get_by_label("What happened").fill("A graze on his shin after falling in the playground.")
    new = page.get_by_role("group", name="New mark 1")
    new.get_by_label("Body area").select_option(label="right shin")
    new.get_by_label("Type").select_option("Cut")
    new.get_by_label("Size (optional)").fill("4 cm")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".body-map-view__list li")).to_have_text(
        ["Cut — front, near the right shin. Size: 4 cm"]
    )
    accessibility.assert_clean()
