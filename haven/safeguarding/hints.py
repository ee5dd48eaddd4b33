"""Recording quality hints: gentle pointers towards a factual account of a concern.

Records of concerns can be read by parents, courts and case reviews, so they should say what
was seen and heard, not what the writer thought of it. While an account is typed the form
points out:

* opinion words and phrases from the organisation's list ("aggressive", "as per usual"…);
* writing in capitals (shouting on the page) — short abbreviations such as DSL are fine;
* runs of exclamation marks ("!!");
* initials used instead of a person's name ("JB said").

Hints never stop anyone saving. ``recording_hints`` is the rule, in one place on the server;
``static/safeguarding/recording_hints.js`` is the same rule for the browser, and
``tests/test_hints.py`` runs both over the same texts to keep them in step.

Using it in a form::

    from haven.safeguarding.hints import RecordingHintsTextarea, hint_settings

    class ConcernForm(forms.Form):
        account = forms.CharField(widget=RecordingHintsTextarea())

        def __init__(self, *args, organisation, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["account"].widget.configure(**hint_settings(organisation))

Without ``configure`` the widget uses the default lists. To show the hints for a saved
account (for its author, say)::

    hints = recording_hints(concern.account, **hint_settings(organisation))
    {% include "safeguarding/includes/hints_list.html" with hints=hints %}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms

from haven.safeguarding.picklists import RECORDING_ABBREVIATIONS, RECORDING_HINT_PHRASES

PHRASE_SUGGESTION = "This is an opinion. Write down what you saw and heard instead."
CAPITALS_SUGGESTION = (
    "Capitals read as shouting. Write in ordinary sentence case; if someone shouted, say so."
)
EXCLAMATION_SUGGESTION = "Use one full stop. Describe how loud or upset someone was in words."
INITIALS_SUGGESTION = "Use the person's full name, spelt correctly, instead of their initials."

# The order hints starting at the same place are listed in.
KINDS = ("phrase", "capitals", "exclamation", "initials")

# Letters that make up a word, the same in Python and JavaScript (whose \w is ASCII-only).
WORD = "0-9A-Za-z\u00c0-\u024f"
# "Phrase — suggestion", with an em dash, an en dash or a spaced hyphen.
_SEPARATOR = re.compile(r"\s+[—–-]\s+|\s*[—–]\s*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’]*")
_EXCLAMATIONS = re.compile(r"!(?:\?*!)+")
_INITIALS = re.compile(
    rf"(?<![{WORD}'’.])(?:(?:[A-Z]\.){{1,2}}[A-Z]\.?|[A-Z]{{2,3}})(?![{WORD}'’])"
)
# Short everyday words typed in capitals for emphasis, which are not anyone's initials.
_EVERYDAY = """
    AN AS AT BE BY DO GO HE HI IF IN IS IT ME MY NO OF ON OR SO TO UP US WE ALL AND ANY ARE
    BAD BIG BOY BUT CAN DAD DID FOR GET GOT HAD HAS HER HIM HIS HIT HOT HOW ITS LET MAD MAN
    MUM NAN NOT NOW OFF OUT OWN RAN RUN SAD SAT SAW SAY SEE SHE THE TOO TOP TRY TWO WAS WAY
    WHO WHY YES YET YOU
    """
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())
# A single word in capitals this long is shouting, not an abbreviation; shorter ones only
# count when they come in a run (two or more words, this many letters between them).
LONG_CAPITAL_WORD = 7
CAPITAL_RUN_LETTERS = 6


@dataclass(frozen=True)
class Hint:
    kind: str  # one of KINDS
    text: str  # the words in the account that the hint is about
    suggestion: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "text": self.text,
            "suggestion": self.suggestion,
            "start": self.start,
            "end": self.end,
        }


def parse_phrases(entries: Iterable[str]) -> list[tuple[str, str]]:
    """Picklist entries ("phrase" or "phrase — suggestion") as (phrase, suggestion) pairs,
    without blanks or repeats."""
    seen = set()
    parsed = []
    for entry in entries:
        parts = _SEPARATOR.split(entry.strip(), maxsplit=1)
        phrase = " ".join(parts[0].split())
        suggestion = parts[1].strip() if len(parts) > 1 and parts[1].strip() else PHRASE_SUGGESTION
        if phrase and phrase.lower() not in seen:
            seen.add(phrase.lower())
            parsed.append((phrase, suggestion))
    return parsed


def _phrase_pattern(phrase: str) -> re.Pattern:
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<![{WORD}]){body}(?![{WORD}])", re.IGNORECASE)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _phrase_hints(text: str, phrases: list[tuple[str, str]]) -> list[Hint]:
    # Longest first, so "really angry" is one hint rather than two.
    hints, claimed = [], []
    for phrase, suggestion in sorted(phrases, key=lambda p: -len(p[0])):
        for match in _phrase_pattern(phrase).finditer(text):
            if not _overlaps(match.start(), match.end(), claimed):
                claimed.append((match.start(), match.end()))
                hints.append(Hint("phrase", match.group(), suggestion, match.start(), match.end()))
                break
    return hints


def _is_capitals(token: str, abbreviations: set[str]) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", token)
    return bool(letters) and letters.upper() == letters and letters not in abbreviations


def _capitals_hint(text: str, tokens: list[re.Match], abbreviations: set[str]) -> list[Hint]:
    """The first stretch of words in capitals that is long enough to be shouting."""
    run: list[re.Match] = []
    for token in [*tokens, None]:
        if token is not None and _is_capitals(token.group(), abbreviations):
            run.append(token)
            continue
        letters = sum(len(re.sub(r"[^A-Za-z]", "", t.group())) for t in run)
        if (len(run) >= 2 and letters >= CAPITAL_RUN_LETTERS) or (
            len(run) == 1 and letters >= LONG_CAPITAL_WORD
        ):
            start, end = run[0].start(), run[-1].end()
            return [Hint("capitals", text[start:end], CAPITALS_SUGGESTION, start, end)]
        run = []
    return []


def _exclamation_hint(text: str) -> list[Hint]:
    match = _EXCLAMATIONS.search(text)
    if not match:
        return []
    return [Hint("exclamation", match.group(), EXCLAMATION_SUGGESTION, match.start(), match.end())]


def _initials_hints(text: str, tokens: list[re.Match], abbreviations: set[str]) -> list[Hint]:
    """Two or three capital letters (J.B. or JB) standing for a person.

    Known abbreviations are not initials, wherever they are in a sentence, nor are everyday
    words typed in capitals ("NO", "OFF"); nor is a short word inside a run of capitals
    (that is shouting, hinted at separately)."""
    shouting = {
        t.start()
        for i, t in enumerate(tokens)
        if _is_capitals(t.group(), abbreviations)
        and any(
            0 <= j < len(tokens)
            and len(re.sub(r"[^A-Za-z]", "", tokens[j].group())) >= 2
            and _is_capitals(tokens[j].group(), abbreviations)
            for j in (i - 1, i + 1)
        )
    }
    hints, seen = [], set()
    for match in _INITIALS.finditer(text):
        letters = match.group().replace(".", "")
        if (
            letters in abbreviations
            or letters in EVERYDAY_WORDS
            or letters in seen
            or match.start() in shouting
        ):
            continue
        seen.add(letters)
        hints.append(
            Hint("initials", match.group(), INITIALS_SUGGESTION, match.start(), match.end())
        )
    return hints


def recording_hints(
    text: str | None,
    phrases: Iterable[str] = RECORDING_HINT_PHRASES.defaults,
    abbreviations: Iterable[str] = RECORDING_ABBREVIATIONS.defaults,
) -> list[Hint]:
    """Hints about the wording of an account, in the order they appear in it.

    ``phrases`` are picklist entries ("phrase" or "phrase — suggestion"); ``abbreviations``
    are capitalised words that are not shouting or initials. Each phrase is pointed out once;
    capitals and exclamation marks once each (the first place); each set of initials once."""
    text = text or ""
    if not text.strip():
        return []
    abbreviation_set = {a.strip().upper() for a in abbreviations if a.strip()}
    tokens = list(_TOKEN.finditer(text))
    hints = (
        _phrase_hints(text, parse_phrases(phrases))
        + _capitals_hint(text, tokens, abbreviation_set)
        + _exclamation_hint(text)
        + _initials_hints(text, tokens, abbreviation_set)
    )
    return sorted(hints, key=lambda h: (h.start, KINDS.index(h.kind), h.end))


def hint_settings(organisation) -> dict[str, list[str]]:
    """The organisation's hint phrases and abbreviations (its own picklists), in one query."""
    from haven.configuration.models import Option

    keys = {RECORDING_HINT_PHRASES.key: "phrases", RECORDING_ABBREVIATIONS.key: "abbreviations"}
    settings: dict[str, list[str]] = {"phrases": [], "abbreviations": []}
    rows = Option.objects.for_org(organisation).filter(list_key__in=keys, is_active=True)
    for list_key, label in rows.values_list("list_key", "label"):
        settings[keys[list_key]].append(label)
    return settings


class RecordingHintsTextarea(forms.Textarea):
    """A text box that shows recording quality hints below itself as the account is typed.

    ``account = forms.CharField(widget=RecordingHintsTextarea())``; give it the
    organisation's lists with ``widget.configure(**hint_settings(organisation))``. The hints
    are worked out on the server for the first render (so they show after a validation
    error, and without JavaScript) and live in the browser as the person types, in a polite
    live region that never takes focus."""

    template_name = "safeguarding/includes/hints_textarea.html"

    def __init__(self, attrs=None, *, phrases=None, abbreviations=None):
        default = {"rows": 10}
        super().__init__({**default, **(attrs or {})})
        self.configure(phrases=phrases, abbreviations=abbreviations)

    def configure(self, *, phrases=None, abbreviations=None) -> None:
        self.phrases = list(RECORDING_HINT_PHRASES.defaults if phrases is None else phrases)
        self.abbreviations = list(
            RECORDING_ABBREVIATIONS.defaults if abbreviations is None else abbreviations
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        hints_id = f"{widget_attrs.get('id') or 'id_' + name}_hints"
        described = widget_attrs.get("aria-describedby", "")
        widget_attrs["aria-describedby"] = f"{described} {hints_id}".strip()
        widget_attrs["data-recording-hints"] = hints_id
        widget_attrs["data-phrases"] = json.dumps(self.phrases)
        widget_attrs["data-abbreviations"] = json.dumps(self.abbreviations)
        context["hints_id"] = hints_id
        context["hints"] = recording_hints(
            context["widget"]["value"], self.phrases, self.abbreviations
        )
        return context
