"""Replacing other children's names with "Child A", "Child B"… across a whole export.

Who might be named? Any child of the organisation, so the candidates are found three ways,
all through indexes and in a fixed number of queries, never by reading every person:

1. children named on the entries' sources (the other children a concern is about);
2. children of the subject's household (siblings are the names most often written);
3. a name-token scan: every word of the text, normalised as people search normalises names,
   looked up in the search-token index (organisation, kind, token, person), so a child
   mentioned only in free text ("pushed by Sam Smith at lunch") is found as well.

Each candidate's first name, last name, full name and known-as are then replaced wherever
they occur as whole words, ignoring case, longest first ("Sam Smith" before "Sam"). Letters
are given in order of first appearance, so the same child is the same letter throughout the
document. The subject child's own names are never replaced: a surname shared with a sibling
stays, while the sibling's first name and full name go. The full names of the adults in the
child's household are kept whole, so a parent's surname is not taken for another child's.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from haven.people.models import Person, SearchToken
from haven.people.search import normalise

# Many thousands of words would overflow SQLite's limit on query parameters.
TOKEN_BATCH = 500


def _label(number: int) -> str:
    """A, B, … Z, AA, AB, …"""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return f"Child {letters}"


@dataclass
class Redactor:
    """Replaces the names of ``people`` (other children) in any text given to ``apply``."""

    people: list
    protected: set[str] = field(default_factory=set)
    # Whole names left as they are, matched before any part of them: an adult of the
    # household called "Marcus Reid" keeps his surname though a child elsewhere is a Reid.
    kept: set[str] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)

    def __post_init__(self):
        self._owner: dict[str, int | None] = {n.lower(): None for n in self.kept if n}
        for person in self.people:
            for name in _names(person):
                if name.lower() not in self.protected:
                    self._owner.setdefault(name.lower(), person.pk)
        names = sorted(self._owner, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)
            if names
            else None
        )

    def apply(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match) -> str:
        pk = self._owner[match.group(0).lower()]
        if pk is None:
            return match.group(0)
        if pk not in self.labels:
            self.labels[pk] = _label(len(self.labels))
        return self.labels[pk]


def _names(person) -> set[str]:
    names = {person.first_name, person.last_name, person.known_as, person.full_name}
    if person.known_as:
        names.add(f"{person.known_as} {person.last_name}")
    return {n.strip() for n in names if n and n.strip()}


def candidates(*, child, texts: list[str], source_children: set[int]) -> list:
    """Other children of the organisation whose names the ``texts`` could contain."""
    organisation = child.organisation_id
    words = sorted({w for text in texts for w in normalise(text)})
    by_token: set[int] = set()
    for start in range(0, len(words), TOKEN_BATCH):
        by_token |= set(
            SearchToken.objects.filter(
                organisation_id=organisation,
                kind=SearchToken.Kind.NAME,
                token__in=words[start : start + TOKEN_BATCH],
            ).values_list("person_id", flat=True)
        )
    ids = by_token | source_children
    children = Person.objects.for_org(organisation).filter(kind=Person.Kind.CHILD)
    children = children.filter(merged_into__isnull=True).exclude(pk=child.pk)
    from django.db.models import Q

    # Only the names: a common first name in the text can bring thousands of children.
    return list(
        children.filter(Q(pk__in=sorted(ids)) | Q(household_id=child.household_id))
        .only("first_name", "last_name", "known_as")
        .order_by("pk")
    )


def household_adults(child) -> list[str]:
    adults = Person.objects.for_org(child.organisation_id).filter(
        household_id=child.household_id, kind=Person.Kind.ADULT
    )
    return [f"{first} {last}" for first, last in adults.values_list("first_name", "last_name")]


def redactor_for(*, child, texts: list[str], source_children: set[int]) -> Redactor:
    protected = {n.lower() for n in _names(child)}
    people = candidates(child=child, texts=texts, source_children=source_children)
    return Redactor(people=people, protected=protected, kept=set(household_adults(child)))
