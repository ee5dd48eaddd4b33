"""Finding people: one box for names, dates of birth, identifiers and postcodes.

Names are matched through ``SearchToken`` rows, so every lookup is an indexed range or
equality on (organisation, column): the cost depends on how many people match, not on how
many the organisation holds. A query token matches a name token when it is
  * a prefix of it ("bun" → Bunny),
  * a nickname of it ("Bob" → Robert),
  * a sound-alike (metaphone: "Smyth" → Smith, "Bnny" → Bunny),
  * the same letters in another order (a transposition: "Bnuny" → Bunny), or
  * the name with one letter typed too many ("Bunnny" → Bunny).
Every name token in the query must match (in any order: "Bunny Bugs" finds Bugs Bunny).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import jellyfish
from django.db.models import Q

from haven.people.models import Identifier, Person, SearchToken
from haven.people.nicknames import canonical_forms
from haven.people.validation import POSTCODE, normalise_postcode

MAX_RESULTS = 50
CANDIDATES = 200


def normalise(text: str) -> list[str]:
    """Lower-case ASCII letters, split into words; apostrophes vanish, hyphens split."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower().replace("'", "").replace("’", "")
    words = re.findall(r"[a-z]+", ascii_text)
    hyphenated = re.findall(r"[a-z]+(?:-[a-z]+)+", ascii_text)
    return words + [h.replace("-", "") for h in hyphenated]


def sound(token: str) -> str:
    return jellyfish.metaphone(token)[:20] if len(token) >= 3 else ""


def letters(token: str) -> str:
    return "".join(sorted(token)) if len(token) >= 4 else ""


def name_tokens(*names: str) -> set[str]:
    """Every searchable word of a person's names, with the canonical forms of nicknames."""
    base = set(normalise(" ".join(n.replace(",", " ") for n in names if n)))
    expanded = set(base)
    for token in base:
        expanded |= canonical_forms(token)
    return expanded


def tokens_for(person: Person) -> set[str]:
    return name_tokens(
        person.first_name,
        person.middle_names,
        person.last_name,
        person.known_as,
        person.previous_names,
    )


def token_pairs(tokens: set[str]) -> list[tuple[str, str]]:
    """(kind, token) rows for a set of name tokens: the names, then their sound codes."""
    names = [(SearchToken.Kind.NAME, t[:80]) for t in sorted(tokens)]
    codes = {c for t in tokens for c in (sound(t), "=" + letters(t)) if c and c != "="}
    return names + [(SearchToken.Kind.SOUND, c) for c in sorted(codes)]


def search_rows(person: Person) -> list[SearchToken]:
    return [
        SearchToken(organisation_id=person.organisation_id, person=person, kind=kind, token=token)
        for kind, token in token_pairs(tokens_for(person))
    ]


def reindex(person: Person) -> None:
    """Rewrite a person's search tokens (call inside the service's transaction)."""
    SearchToken.objects.filter(person=person).delete()
    SearchToken.objects.bulk_create(search_rows(person))


def _token_condition(organisation, token: str, *, wide: bool = True) -> Q:
    """Rows of SearchToken that a typed word matches.

    Every branch names the organisation and the kind, so each is an index range or lookup on
    (organisation, kind, token); prefixes are ranges, not LIKE, for the same reason. Narrow
    matching is the word itself and its nickname forms; wide adds the rest.
    """
    org = {"organisation": organisation}
    names = {token} | canonical_forms(token)
    if not wide:
        return Q(**org, kind=SearchToken.Kind.NAME, token__in=sorted(names))
    if len(token) >= 5:
        names |= {token[:i] + token[i + 1 :] for i in range(len(token))}
    condition = Q(**org, kind=SearchToken.Kind.NAME, token__in=sorted(names))
    if len(token) >= 2:
        upper = token[:-1] + chr(ord(token[-1]) + 1)
        condition |= Q(**org, kind=SearchToken.Kind.NAME, token__gte=token, token__lt=upper)
    codes = {c for c in (sound(token), "=" + letters(token)) if c and c != "="}
    if codes:
        condition |= Q(**org, kind=SearchToken.Kind.SOUND, token__in=sorted(codes))
    return condition


DATE_PATTERNS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y"]


def parse_date(text: str) -> date | None:
    for pattern in DATE_PATTERNS:
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return parsed
    return None


@dataclass
class ParsedQuery:
    names: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.dates or self.identifiers or self.postcodes)


def parse(query: str) -> ParsedQuery:
    parsed = ParsedQuery()
    text = " ".join((query or "").split())[:200]
    # Dates written with words ("25 June 2021") first, then postcodes and spaced numbers.
    for match in re.finditer(r"\b\d{1,2} [A-Za-z]{3,9} \d{4}\b", text):
        if (day := parse_date(match.group())) is not None:
            parsed.dates.append(day)
            text = text.replace(match.group(), " ")
    for match in re.finditer(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}\b", text):
        tidy, valid = normalise_postcode(match.group())
        if valid and POSTCODE.match(tidy):
            parsed.postcodes.append(tidy)
            text = text.replace(match.group(), " ")
    for match in re.finditer(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b", text):  # NHS number, spaced
        parsed.identifiers.append(re.sub(r"\D", "", match.group()))
        text = text.replace(match.group(), " ")
    for word in text.split():
        if (day := parse_date(word)) is not None:
            parsed.dates.append(day)
        elif any(ch.isdigit() for ch in word):
            parsed.identifiers.append(word.upper())
        else:
            parsed.names.extend(normalise(word))
    return parsed


def matching_people(organisation, parsed: ParsedQuery, *, wide: bool = True):
    """A queryset of people matching every part of the query (unordered, unlimited).

    Name words become one token lookup each, intersected in the database, so the people
    table is only ever read by primary key for the candidates.
    """
    people = Person.objects.for_org(organisation).filter(merged_into__isnull=True)
    names = list(dict.fromkeys(parsed.names))
    if names:
        lookups = [
            SearchToken.objects.filter(_token_condition(organisation, name, wide=wide)).values(
                "person_id"
            )
            for name in names
        ]
        ids = lookups[0].intersection(*lookups[1:]) if len(lookups) > 1 else lookups[0]
        people = people.filter(pk__in=ids)
    for day in parsed.dates:
        # The organisation in each branch lets both date indexes serve the OR.
        people = people.filter(
            Q(organisation=organisation, date_of_birth=day)
            | Q(organisation=organisation, expected_date=day)
        )
    for postcode in parsed.postcodes:
        people = people.filter(household__postcode=postcode)
    for value in parsed.identifiers:
        ids = Identifier.objects.for_org(organisation).filter(
            value=value, withdrawn_at__isnull=True
        )
        people = people.filter(pk__in=ids.values("person_id"))
    return people


def score(person: Person, parsed: ParsedQuery) -> float:
    """How well a candidate's names fit the typed names (1.0 = every word exact)."""
    if not parsed.names:
        return 1.0
    names = tokens_for(person)
    total = 0.0
    for token in parsed.names:
        total += max((jellyfish.jaro_winkler_similarity(token, n) for n in names), default=0)
    return total / len(parsed.names)


def search(organisation, query: str, *, visible=None) -> list[Person]:
    """The best matches, best first. ``visible`` narrows to what the reader may see.

    Exact names (and nicknames) are tried first; only if they find nobody does the search
    widen to fragments, sound-alikes and typos. Most searches are for a name typed correctly,
    and this keeps them to the cheapest lookups.
    """
    parsed = parse(query)
    if parsed.is_empty:
        return []
    found: dict[int, Person] = {}
    for wide in (False, True) if parsed.names else (True,):
        people = matching_people(organisation, parsed, wide=wide)
        if visible is not None:
            people = people.filter(pk__in=visible.values("pk"))
        if found:
            people = people.exclude(pk__in=list(found))
        # No ORDER BY: the database reads candidates by key and we rank them here, so a
        # common name costs a bounded amount however many people share it.
        for person in people.select_related("household").order_by()[: CANDIDATES - len(found)]:
            found[person.pk] = person
        if found:
            break
    ranked = sorted(
        found.values(), key=lambda p: (-score(p, parsed), p.last_name, p.first_name, p.pk)
    )
    return ranked[:MAX_RESULTS]
