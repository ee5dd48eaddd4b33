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

A two-word search ("jam smtih") would otherwise intersect every "jam…" with every
Smith-alike: tens of thousands of rows each in a large organisation. So each person also has
*name pairs*: a first-name word keyed with a surname word and the other way round
("smith james", "SM0 james", "=himst james", "james smith", ...). A typed pair then becomes a
handful of index ranges that find just the people it names, however common either name is.
When both words are only the start of a name ("oli smit"), *stem pairs* answer it: the first
three and four letters of each given name keyed with each surname word (">oli smith",
">oliv smith"); without them the search read every "oli…" and every "smit…" to intersect
them, about a second in an organisation of a million.
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


# The names a person is found by, in the order ``name_tokens`` and ``index_rows`` take them.
NAME_FIELDS = ("first_name", "middle_names", "last_name", "known_as", "previous_names")


def codes(word: str) -> set[str]:
    """A word's sound-alike codes: how it sounds, and its letters in order ("=" first)."""
    return {c for c in (sound(word), "=" + letters(word)) if c and c != "="}


def keys(word: str) -> set[str]:
    """The keys a name word is filed under in a name pair: itself, its sound and its letters."""
    return {word} | codes(word)


def one_letter_fewer(word: str) -> set[str]:
    """What a word of five letters or more was if one letter was typed too many."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))} if len(word) >= 5 else set()


def name_pairs(given: set[str], surnames: set[str]) -> set[str]:
    """Each given name keyed with each surname word, and each surname with each given name;
    and the stem pairs."""
    pairs = set()
    for first, second in ((given, surnames), (surnames, given)):
        for word in first:
            for key in keys(word):
                pairs.update(f"{key} {other}"[:80] for other in second)
    return pairs | stem_pairs(given, surnames)


# A typed word this long may be the start of a given name that stem pairs are filed under.
STEMS = (3, 4)


def stem_pairs(given: set[str], surnames: set[str]) -> set[str]:
    """The start of each longer given name (">" first) keyed with each surname word. One
    side is enough: a search tries its two words both ways round."""
    return {
        f">{word[:n]} {other}"[:80]
        for word in given
        for n in STEMS
        if len(word) > n
        for other in surnames
    }


def index_rows(
    first_name: str,
    middle_names: str,
    last_name: str,
    known_as: str = "",
    previous_names: str = "",
) -> list[tuple[str, str]]:
    """Every (kind, token) row a person with these names is found by."""
    tokens = name_tokens(first_name, middle_names, last_name, known_as, previous_names)
    names = [(SearchToken.Kind.NAME, t[:80]) for t in sorted(tokens)]
    sounds = set().union(*(codes(t) for t in tokens))
    pairs = name_pairs(name_tokens(first_name, known_as), name_tokens(last_name))
    return (
        names
        + [(SearchToken.Kind.SOUND, c) for c in sorted(sounds)]
        + [(SearchToken.Kind.PAIR, p) for p in sorted(pairs)]
    )


def search_rows(person: Person) -> list[SearchToken]:
    names = (person.first_name, person.middle_names, person.last_name)
    return [
        SearchToken(organisation_id=person.organisation_id, person=person, kind=kind, token=token)
        for kind, token in index_rows(*names, person.known_as, person.previous_names)
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
    names |= one_letter_fewer(token)
    condition = Q(**org, kind=SearchToken.Kind.NAME, token__in=sorted(names))
    if len(token) >= 2:
        condition |= Q(**org, kind=SearchToken.Kind.NAME, token__gte=token, token__lt=_after(token))
    if sounds := codes(token):
        condition |= Q(**org, kind=SearchToken.Kind.SOUND, token__in=sorted(sounds))
    return condition


def _after(prefix: str) -> str:
    """The first string after every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def pair_lookups(first: str, second: str, *, wide: bool) -> tuple[set[str], set[str]]:
    """The name pairs two typed words stand for, either way round: (exact, prefixes).

    Narrow: both words as typed or as nicknames. Wide: one word as typed, a nickname, a
    sound-alike, swapped letters or one letter too many, and the other a prefix; or both
    prefixes, through the stem pairs.
    """
    exact, ranges = set(), set()
    for a, b in ((first, second), (second, first)):
        a_keys = {a} | canonical_forms(a)
        b_forms = {b} | canonical_forms(b)
        if wide:
            a_keys |= keys(a) | one_letter_fewer(a)
            ranges |= {f"{key} {b}" for key in a_keys}
            if len(a) in STEMS:
                ranges.add(f">{a} {b}")
        exact |= {f"{key} {form}"[:80] for key in a_keys for form in b_forms}
    return exact, ranges


def _pair_condition(organisation, first: str, second: str, *, wide: bool) -> Q:
    """Each lookup an equality or a range on the (organisation, kind, token) index."""
    org = {"organisation": organisation, "kind": SearchToken.Kind.PAIR}
    exact, ranges = pair_lookups(first, second, wide=wide)
    condition = Q(**org, token__in=sorted(exact))
    for prefix in sorted(ranges):
        condition |= Q(**org, token__gte=prefix, token__lt=_after(prefix))
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


def matching_people(
    organisation, parsed: ParsedQuery, *, wide: bool = True, pairs=False, enough=None
):
    """A queryset of people matching every part of the query (unordered, unlimited).

    Name words become one token lookup each, intersected in the database, so the people
    table is only ever read by primary key for the candidates. With ``pairs``, two name
    words are looked up together in the name pairs instead. ``enough`` caps how many name
    rows one lookup reads, so "Oliver Smith" costs no more than a rare name: only for a
    query of names alone, where any of the matches will do as candidates.
    """
    people = Person.objects.for_org(organisation).filter(merged_into__isnull=True)
    names = list(dict.fromkeys(parsed.names))
    if pairs:
        condition = _pair_condition(organisation, *names, wide=wide)
        ids = SearchToken.objects.filter(condition).values("person_id")
        people = people.filter(pk__in=ids[:enough] if enough else ids)
    elif names:
        lookups = [
            SearchToken.objects.filter(_token_condition(organisation, name, wide=wide)).values(
                "person_id"
            )
            for name in names
        ]
        if len(lookups) > 1:
            ids = lookups[0].intersection(*lookups[1:])
        else:
            ids = lookups[0][:enough] if enough else lookups[0]
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


def score(names: tuple[str, ...], parsed: ParsedQuery) -> float:
    """How well a candidate's names (``NAME_FIELDS``) fit the typed names (1.0 = every word
    exact)."""
    if not parsed.names:
        return 1.0
    tokens = name_tokens(*names)
    total = 0.0
    for token in parsed.names:
        total += max((jellyfish.jaro_winkler_similarity(token, n) for n in tokens), default=0)
    return total / len(parsed.names)


def _tiers(parsed: ParsedQuery) -> list[tuple[bool, bool]]:
    """(wide, pairs) for each attempt, cheapest first."""
    if len(set(parsed.names)) == 2:
        return [(False, True), (True, True), (True, False)]
    if parsed.names:
        return [(False, False), (True, False)]
    return [(True, False)]


def search(organisation, query: str, *, visible=None) -> list[Person]:
    """The best matches, best first. ``visible`` narrows to what the reader may see.

    Exact names (and nicknames) are tried first; only if they find nobody does the search
    widen to fragments, sound-alikes and typos. Most searches are for a name typed correctly,
    and this keeps them to the cheapest lookups. Two name words are looked up as a name pair
    first; the word-by-word search is the last resort (both words fragments, say).
    """
    parsed = parse(query)
    if parsed.is_empty:
        return []
    found: dict[int, tuple] = {}  # id → (id, *NAME_FIELDS)
    # A reader who sees only some people, or a name narrowed by a date or a postcode, needs
    # every name match looked at; otherwise the first few hundred rows are candidates enough.
    names_alone = not (
        visible is not None or parsed.dates or parsed.postcodes or parsed.identifiers
    )
    enough = 2 * CANDIDATES if names_alone else None
    for wide, pairs in _tiers(parsed):
        people = matching_people(organisation, parsed, wide=wide, pairs=pairs, enough=enough)
        if visible is not None:
            people = people.filter(pk__in=visible.values("pk"))
        if found:
            people = people.exclude(pk__in=list(found))
        # No ORDER BY: the database reads candidates by key and we rank them here, so a
        # common name costs a bounded amount however many people share it. Only the names
        # are read for ranking; whole records are loaded for the few shown.
        candidates = people.order_by().values_list("pk", *NAME_FIELDS)
        for row in candidates[: CANDIDATES - len(found)]:
            found[row[0]] = row
        if found:
            break
    # Best fit first, then by surname, first name and id.
    ranked = sorted(found.values(), key=lambda r: (-score(r[1:], parsed), r[3], r[1], r[0]))
    best = [row[0] for row in ranked[:MAX_RESULTS]]
    shown = Person.objects.for_org(organisation).select_related("household").in_bulk(best)
    return [shown[pk] for pk in best if pk in shown]  # (unless removed in between)
