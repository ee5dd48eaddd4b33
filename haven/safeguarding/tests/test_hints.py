"""Recording quality hints: what is pointed out, what is not, and that the browser agrees."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from haven.configuration.registry import PICKLISTS
from haven.safeguarding.hints import (
    EXCLAMATION_SUGGESTION,
    INITIALS_SUGGESTION,
    PHRASE_SUGGESTION,
    RecordingHintsTextarea,
    hint_settings,
    parse_phrases,
    recording_hints,
)
from haven.safeguarding.picklists import RECORDING_ABBREVIATIONS, RECORDING_HINT_PHRASES

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "safeguarding" / "recording_hints.js"


def found(text, **kwargs):
    return [(h.kind, h.text) for h in recording_hints(text, **kwargs)]


# --- Opinion words and phrases ----------------------------------------------------------------


def test_opinion_words_from_the_school_policy_are_pointed_out():
    text = (
        "Surprisingly he was aggressive and rude to staff, as per usual, and then he stormed off."
    )
    assert found(text) == [
        ("phrase", "Surprisingly"),
        ("phrase", "aggressive"),
        ("phrase", "rude"),
        ("phrase", "as per usual"),
        ("phrase", "stormed off"),
    ]


def test_a_phrase_is_found_across_line_breaks_and_in_any_case_but_only_as_whole_words():
    assert found("He Stormed\n  OFF.") == [("phrase", "Stormed\n  OFF")]
    assert found("Her rudeness was noted; the map was crude.") == []


def test_each_phrase_is_pointed_out_once_and_the_longest_phrase_wins():
    assert found("Rude. Rude again. He was really angry, then angry.") == [
        ("phrase", "Rude"),
        ("phrase", "really angry"),
        ("phrase", "angry"),
    ]


def test_a_phrase_can_carry_its_own_suggestion():
    phrases = ["kicked off — Say what the child did.", "mardy", "  ", "Mardy"]
    assert parse_phrases(phrases) == [
        ("kicked off", "Say what the child did."),
        ("mardy", PHRASE_SUGGESTION),
    ]
    hints = recording_hints("She kicked off and was mardy.", phrases)
    assert [(h.text, h.suggestion) for h in hints] == [
        ("kicked off", "Say what the child did."),
        ("mardy", PHRASE_SUGGESTION),
    ]


def test_factual_writing_gets_no_hints():
    text = (
        'At 10:15 in the dining hall Amara Okafor said "I don\'t want to go home". She was '
        "crying and spoke quietly. I told the DSL, Dana Lead, at 10:30 and the NHS school nurse "
        "saw her at 11:00."
    )
    assert found(text) == []
    assert found("") == [] and found(None) == [] and found("   \n") == []


# --- Capitals ---------------------------------------------------------------------------------


def test_writing_in_capitals_is_pointed_out_once():
    assert found("He said HE WAS NOT GOING and then GET OUT.") == [("capitals", "HE WAS NOT GOING")]
    assert found("She was SHOUTING.") == [("capitals", "SHOUTING")]


def test_short_abbreviations_are_not_capitals():
    for text in (
        "I told the DSL.",
        "DSL and NHS staff came.",
        "CAMHS wrote back.",
        "She said STOP.",
        "Seen by the SENCO in room B.",
        "The GP rang at 9 AM.",
    ):
        assert found(text) == [], text


def test_known_abbreviations_next_to_each_other_are_not_shouting():
    assert found("The DSL NHS liaison called.") == []


# --- Exclamation marks -----------------------------------------------------------------------


def test_runs_of_exclamation_marks_are_pointed_out_once():
    hints = recording_hints("Stop!! I said stop!!! Why?!?!")
    assert [(h.kind, h.text, h.suggestion) for h in hints] == [
        ("exclamation", "!!", EXCLAMATION_SUGGESTION)
    ]
    assert found("Stop! Why?! Really?") == []


# --- Initials ---------------------------------------------------------------------------------


def test_initials_instead_of_names_are_pointed_out_once_each():
    hints = recording_hints("JB said that K.L. pushed him. JB then left with MT.")
    assert [(h.kind, h.text, h.suggestion) for h in hints] == [
        ("initials", "JB", INITIALS_SUGGESTION),
        ("initials", "K.L.", INITIALS_SUGGESTION),
        ("initials", "MT", INITIALS_SUGGESTION),
    ]


def test_abbreviations_at_the_start_of_a_sentence_are_not_initials():
    for text in (
        "NHS staff arrived at 2pm.",
        "DSL informed. PE was cancelled.",
        "OK, I said. I asked again. A teacher came.",
        "SLT met at 4. IT support fixed the laptop.",
    ):
        assert found(text) == [], text


def test_everyday_words_typed_in_capitals_are_not_initials():
    assert found("She said NO and he ran OFF. He was NOT hurt.") == []


def test_a_short_word_inside_capitals_is_shouting_not_initials():
    assert found("He shouted HE HIT ME at her.") == [("capitals", "HE HIT ME")]


def test_the_organisation_can_add_its_own_abbreviations():
    assert found("The EHA worker visited.") == [("initials", "EHA")]
    abbreviations = [*RECORDING_ABBREVIATIONS.defaults, "EHA"]
    assert found("The EHA worker visited.", abbreviations=abbreviations) == []


def test_hints_come_in_the_order_they_appear():
    hints = recording_hints("JB was RUDE!! and AGGRESSIVE")
    assert [(h.kind, h.text) for h in hints] == [
        ("initials", "JB"),
        ("phrase", "RUDE"),
        ("exclamation", "!!"),
        ("phrase", "AGGRESSIVE"),
        ("capitals", "AGGRESSIVE"),
    ]
    for hint in hints:
        assert "JB was RUDE!! and AGGRESSIVE"[hint.start : hint.end] == hint.text


@given(st.text(max_size=300))
def test_any_text_gives_hints_that_point_at_itself(text):
    for hint in recording_hints(text):
        assert text[hint.start : hint.end] == hint.text
        assert hint.suggestion


# --- The picklists ------------------------------------------------------------------------------


def test_the_phrase_and_abbreviation_lists_are_organisation_configuration():
    assert PICKLISTS["recording_hint_phrases"] is RECORDING_HINT_PHRASES
    assert PICKLISTS["recording_abbreviations"] is RECORDING_ABBREVIATIONS
    for entry in RECORDING_HINT_PHRASES.defaults + RECORDING_ABBREVIATIONS.defaults:
        assert len(entry) <= 120  # configuration.Option.label
    phrases = [phrase for phrase, _ in parse_phrases(RECORDING_HINT_PHRASES.defaults)]
    for needed in ("aggressive", "rude", "as per usual", "stormed off", "surprisingly"):
        assert needed in phrases


@pytest.mark.django_db
def test_hint_settings_read_the_organisations_own_lists(admin):
    from haven.configuration.models import Option
    from haven.configuration.services import option_add, option_update, seed_organisation

    seed_organisation(admin.organisation)
    option_add(actor=admin, list_key="recording_hint_phrases", label="mardy — Describe it.")
    rude = Option.objects.for_org(admin.organisation).get(label__startswith="rude —")
    option_update(actor=admin, option=rude, label=rude.label, is_active=False)
    option_add(actor=admin, list_key="recording_abbreviations", label="EHA")

    settings = hint_settings(admin.organisation)
    assert "mardy — Describe it." in settings["phrases"]
    assert not any(p.startswith("rude") for p in settings["phrases"])
    assert "EHA" in settings["abbreviations"] and "DSL" in settings["abbreviations"]
    assert found("He was rude, mardy and met the EHA worker.", **settings) == [("phrase", "mardy")]


# --- The widget ---------------------------------------------------------------------------------


class AccountForm(forms.Form):
    account = forms.CharField(widget=RecordingHintsTextarea())


def test_hints_never_stop_the_form_from_saving():
    form = AccountForm({"account": "JB was RUDE and AGGRESSIVE!!! as per usual"})
    assert form.is_valid()


def test_the_widget_shows_the_hints_for_what_was_typed_in_a_polite_live_region():
    form = AccountForm({"account": "He stormed off!!"})
    html = str(form["account"])
    assert '<textarea name="account"' in html and "He stormed off!!</textarea>" in html
    assert 'id="id_account_hints" aria-live="polite"' in html
    assert 'aria-describedby="id_account_hints"' in html
    assert "<q>stormed off</q>" in html and "<q>!!</q>" in html
    assert "safeguarding/recording_hints.js" in html and "<script>" not in html
    assert "style=" not in html
    phrases = json.loads(_attribute(html, "data-phrases"))
    assert phrases == list(RECORDING_HINT_PHRASES.defaults)


def test_the_widget_keeps_the_fields_own_description_and_takes_the_organisations_lists():
    form = AccountForm()
    form.fields["account"].widget.configure(phrases=["mardy"], abbreviations=["EHA"])
    html = form["account"].as_widget(attrs={"aria-describedby": "id_account_hint"})
    assert 'aria-describedby="id_account_hint id_account_hints"' in html
    assert json.loads(_attribute(html, "data-phrases")) == ["mardy"]
    assert json.loads(_attribute(html, "data-abbreviations")) == ["EHA"]
    assert "<q>" not in html  # nothing typed, no hints


def _attribute(html: str, name: str) -> str:
    import html as html_lib
    import re

    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, name
    return html_lib.unescape(match.group(1))


# --- The browser's copy of the rule ---------------------------------------------------------------

FRAGMENTS = [
    "JB", "J.B.", "K.L", "NO", "OFF", "DSL", "NHS", "EHA", "I", "A", "OK", "HE", "HIT", "ME",
    "SHOUTING", "STOP", "CAMHS", "aggressive", "Aggressive", "AGGRESSIVE", "rude", "rudeness",
    "as per usual", "as  per\nusual", "stormed off", "really angry", "angry", "never",
    "Surprisingly", "kicked off",
    "mardy", "said", "the", "child", "école", "Zoë", "don't", "DON'T", "KS2", "!", "!!", "?!",
    "!?!", "?", ".", ",", "—", "-", "'", "’", "\"", "(", " ", " ", "  ", "\n", "10:15", "4",
]  # fmt: skip


def _corpus(count: int) -> list[str]:
    chooser = random.Random(20261203)  # a fixed seed: the same texts every run
    texts = []
    for _ in range(count):
        parts = [chooser.choice(FRAGMENTS) for _ in range(chooser.randint(0, 14))]
        glue = chooser.choice([" ", "", " "])
        texts.append(glue.join(parts))
    return texts


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_gives_exactly_the_same_hints_as_the_server():
    texts = [
        "Surprisingly he was aggressive and rude, as per usual!! JB said HE WAS NOT GOING.",
        "NHS staff arrived. DSL informed. The EHA worker said K.L. and MT were there.",
        *_corpus(400),
    ]
    settings = [
        {"phrases": list(RECORDING_HINT_PHRASES.defaults), "abbreviations": None},
        {
            "phrases": ["mardy — Describe it.", "kicked off", "Really Angry"],
            "abbreviations": ["EHA"],
        },
    ]
    cases = [
        {
            "text": text,
            "phrases": s["phrases"],
            "abbreviations": s["abbreviations"] or list(RECORDING_ABBREVIATIONS.defaults),
        }
        for text in texts
        for s in settings
    ]
    program = (
        "const hints = require(process.argv[1]);"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(c =>"
        " hints.recordingHints(c.text, c.phrases, c.abbreviations))));"
    )
    run = subprocess.run(  # noqa: S603
        [shutil.which("node"), "-e", program, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    from_browser = json.loads(run.stdout)
    assert any(from_browser), "the corpus should give some hints"
    for case, browser_hints in zip(cases, from_browser, strict=True):
        server_hints = [
            h.as_dict()
            for h in recording_hints(case["text"], case["phrases"], case["abbreviations"])
        ]
        assert browser_hints == server_hints, case["text"]


def test_a_very_long_or_odd_account_is_checked_quickly():
    import time

    texts = [
        "He was rude and aggressive, JB said. " * 800,
        "?" * 30_000 + "!",
        "!" + "?" * 30_000,
        "A " * 15_000,
    ]
    for text in texts:
        began = time.perf_counter()
        recording_hints(text)
        assert time.perf_counter() - began < 2, text[:20]
