import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.people import search
from haven.people.duplicates import find_duplicates

pytestmark = pytest.mark.django_db
NHS = "9434765919"


@pytest.fixture
def family(add_person):
    bugs = add_person(
        "Bugs",
        "Bunny",
        born=datetime.date(2021, 6, 25),
        postcode="SW1A 1AA",
        identifiers=[("nhs", "", NHS)],
        known_as="Bugsy",
    )
    robert = add_person("Robert", "Smith", born=datetime.date(2019, 1, 2), postcode="M1 1AE")
    katherine = add_person("Katherine", "O'Brien-Jones", born=datetime.date(2017, 3, 4))
    return bugs, robert, katherine


def _names(org, query):
    return [p.full_name for p in search.search(org, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bugs bunny", "Bugs Bunny"),
        ("Bunny Bugs", "Bugs Bunny"),  # any order
        ("bun", "Bugs Bunny"),  # a fragment
        ("bugsy", "Bugs Bunny"),  # known as
        ("Bnuny", "Bugs Bunny"),  # letters swapped
        ("Bunnny", "Bugs Bunny"),  # a letter too many
        ("Bob Smith", "Robert Smith"),  # nickname
        ("rob smyth", "Robert Smith"),  # sounds alike
        ("rob smtih", "Robert Smith"),  # a fragment and swapped letters
        ("smiith ro", "Robert Smith"),  # a letter too many, and a fragment
        ("rob smi", "Robert Smith"),  # two fragments: the word-by-word search
        ("kath jnoes", "Katherine O'Brien-Jones"),
        ("obrien", "Katherine O'Brien-Jones"),
        ("jones kate", "Katherine O'Brien-Jones"),
        ("25/06/2021", "Bugs Bunny"),
        ("25-06-2021", "Bugs Bunny"),
        ("2021-06-25", "Bugs Bunny"),
        ("25 June 2021", "Bugs Bunny"),
        ("943 476 5919", "Bugs Bunny"),
        (NHS, "Bugs Bunny"),
        ("sw1a1aa", "Bugs Bunny"),
        ("bunny SW1A 1AA", "Bugs Bunny"),
    ],
)
def test_one_box_finds_people_by_name_date_identifier_or_postcode(org, family, query, expected):
    assert _names(org, query)[:1] == [expected]


def test_every_part_of_the_query_must_match(org, family):
    assert _names(org, "bugs smith") == []
    assert _names(org, "bunny 02/01/2019") == []


def test_search_never_crosses_organisations(org, other_org, family):
    assert _names(other_org, "bunny") == []


def test_merged_records_are_not_found(org, family, dsl):
    from haven.people.merge import person_merge

    bugs, robert, _ = family
    person_merge(survivor=robert, duplicate=bugs, actor=dsl, reason="test")
    assert _names(org, "bugs bunny") == []


def test_nonsense_and_empty_queries_find_nobody(org, family):
    assert _names(org, "") == []
    assert _names(org, "   ") == []
    assert _names(org, "zzzzqqq") == []
    assert _names(org, "'; DROP TABLE people_person; --") == []


def test_the_duplicate_check_matches_typos_and_swapped_names_on_dob_or_postcode(org, family):
    bugs = family[0]
    by_dob = find_duplicates(
        org, first_name="Bunny", last_name="Bugs", date_of_birth=datetime.date(2021, 6, 25)
    )
    assert [m.person for m in by_dob] == [bugs]
    assert by_dob[0].reasons == ["similar name, same date of birth"]
    by_postcode = find_duplicates(org, first_name="Bugs", last_name="Bunnie", postcode="SW1A 1AA")
    assert [m.person for m in by_postcode] == [bugs]
    assert find_duplicates(org, first_name="Bugs", last_name="Bunny") == []
    assert (
        find_duplicates(
            org, first_name="Bugs", last_name="Bunny", date_of_birth=datetime.date(2020, 1, 1)
        )
        == []
    )


def test_the_duplicate_check_matches_an_identifier_whatever_the_name(org, family):
    (match,) = find_duplicates(
        org, first_name="Someone", last_name="Else", identifiers=[("nhs", "", NHS)]
    )
    assert match.person == family[0] and match.reasons == ["same NHS number"]


def test_two_typed_names_are_one_name_pair_lookup_not_an_intersection(org, family):
    with CaptureQueriesContext(connection) as queries:
        assert _names(org, "rob smtih") == ["Robert Smith"]
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "INTERSECT" not in sql


def test_a_renamed_person_is_found_by_the_new_pair_only(org, family, dsl):
    from haven.people.services import person_update

    robert = family[1]
    person_update(person=robert, actor=dsl, data={"last_name": "Jones"})
    assert _names(org, "rob jnoes") == ["Robert Jones"]
    assert _names(org, "rob smtih") == []


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12)


@settings(deadline=None)  # timing is the benchmark's business; a busy machine is slow
@given(first=WORD, surname=WORD, cut=st.integers(min_value=1, max_value=12), at=st.integers(0, 10))
def test_a_fragment_with_a_swapped_pair_of_letters_always_reaches_the_name_pair(
    first, surname, cut, at
):
    """Whatever the names: the first name's start with the surname's letters swapped, in
    either order, is among the lookups that the person's own pairs answer."""
    at = at % (len(surname) - 1)
    typo = surname[:at] + surname[at + 1] + surname[at] + surname[at + 2 :]
    stored = search.name_pairs({first}, {surname})
    for typed in ((first[:cut], typo), (typo, first[:cut])):
        exact, prefixes = search.pair_lookups(*typed, wide=True)
        assert stored & exact or any(s.startswith(p) for s in stored for p in prefixes)


def test_a_common_name_narrowed_by_a_date_looks_past_the_first_rows(org, add_person, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 1)  # names alone read two rows at most
    for day in range(1, 6):
        add_person("Ann", "Lee", born=datetime.date(2018, 1, day))
    assert len(search.search(org, "ann lee")) == 1
    (found,) = search.search(org, "ann lee 05/01/2018")
    assert found.date_of_birth == datetime.date(2018, 1, 5)
    (found,) = search.search(org, "lee 04/01/2018")
    assert found.date_of_birth == datetime.date(2018, 1, 4)


def test_the_start_of_both_names_is_found_through_a_stem_pair(org, family):
    """ "robe smit" is answered by the name pairs' tier, not by intersecting every "robe…"
    with every "smit…" word by word."""
    for typed in ("robe smi", "rob smit", "smit robe", "robe smith"):
        parsed = search.parse(typed)
        people = search.matching_people(org, parsed, wide=True, pairs=True)
        assert [p.full_name for p in people] == ["Robert Smith"], typed
    assert _names(org, "robe smit") == ["Robert Smith"]
    assert _names(org, "robx smit") == []  # a stem must be the start of the name


@given(first=WORD, surname=WORD, stem=st.sampled_from(search.STEMS), cut=st.integers(1, 12))
def test_the_start_of_both_names_always_reaches_a_stem_pair(first, surname, stem, cut):
    stored = search.name_pairs({first}, {surname})
    for typed in ((first[:stem], surname[:cut]), (surname[:cut], first[:stem])):
        _, prefixes = search.pair_lookups(*typed, wide=True)
        assert any(s.startswith(p) for s in stored for p in prefixes), typed
