"""The duplicate check that runs before anyone is created.

A likely match is either the same identifier, or a similar name agreeing on the date of birth
or the postcode. We look people up by the agreeing fact — an indexed equality that finds a
few hundred people at most, even in a million — and compare names here, which lets the name
comparison be generous: typos, first and last names swapped, known-as names, nicknames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jellyfish
from django.db.models import Q

from haven.people import search
from haven.people.models import Identifier, Person

MAX_MATCHES = 10
# How alike two name words must be (Jaro-Winkler) to count as "the same name, mistyped".
SIMILAR = 0.88
# People sharing a date of birth or a postcode we compare names with, at most.
NEIGHBOURS = 2000


@dataclass
class Match:
    person: Person
    reasons: list[str]


def _words(*names: str) -> set[str]:
    return search.name_tokens(*names)


def _alike(a: set[str], b: set[str]) -> bool:
    """Do the names share one word, or nearly (a typo, a nickname, a sound-alike)?"""
    for x in a:
        for y in b:
            if x == y or jellyfish.jaro_winkler_similarity(x, y) >= SIMILAR:
                return True
            if len(x) >= 3 and search.sound(x) == search.sound(y):
                return True
    return False


def names_match(person: Person, first_name: str, last_name: str, known_as: str = "") -> bool:
    """A candidate matches when both typed names find a counterpart among theirs, in either
    order (first and last swapped count too)."""
    theirs = _words(
        person.first_name,
        person.middle_names,
        person.last_name,
        person.known_as,
        person.previous_names,
    )
    firsts = _words(first_name, known_as)
    lasts = _words(last_name)
    return bool(firsts and lasts) and _alike(firsts, theirs) and _alike(lasts, theirs)


def find_duplicates(
    organisation,
    *,
    first_name: str,
    last_name: str,
    known_as: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    identifiers=(),
) -> list[Match]:
    found: dict[int, Match] = {}

    def add(person, reason):
        found.setdefault(person.pk, Match(person, [])).reasons.append(reason)

    for kind, label, value in identifiers:
        same = (
            Identifier.objects.for_org(organisation)
            .filter(kind=kind, label=label, value=value, withdrawn_at__isnull=True)
            .select_related("person__household")
        )
        for identifier in same:
            add(identifier.person, f"same {identifier.kind_label}")

    people = Person.objects.for_org(organisation).filter(merged_into__isnull=True)
    people = people.select_related("household").order_by()
    checks = []
    if date_of_birth:
        checks.append(
            (
                "similar name, same date of birth",
                Q(organisation=organisation, date_of_birth=date_of_birth)
                | Q(organisation=organisation, expected_date=date_of_birth),
            )
        )
    if postcode:
        checks.append(("similar name, same postcode", Q(household__postcode=postcode)))
    for reason, agree in checks:
        for person in people.filter(agree)[:NEIGHBOURS]:
            if names_match(person, first_name, last_name, known_as):
                add(person, reason)
    matches = [m for m in found.values() if m.person.merged_into_id is None]
    return matches[:MAX_MATCHES]
