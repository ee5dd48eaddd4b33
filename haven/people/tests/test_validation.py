"""Identifiers, phone numbers and postcodes: checked with reasons in words."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import nhs

from haven.people import validation


def _nhs_check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return {11: 0, 10: None}.get(check, check)


@given(st.integers(min_value=900_000_000, max_value=999_999_999).map(str))
def test_an_nhs_number_is_valid_exactly_when_its_check_digit_matches(nine):
    check = _nhs_check_digit(nine)
    for last in range(10):
        number = f"{nine}{last}"
        if last == check:
            assert validation.clean_nhs_number(number) == number
        else:
            with pytest.raises(ValidationError):
                validation.clean_nhs_number(number)


@given(st.integers(min_value=999_000_000, max_value=999_999_999).map(str))
def test_spaced_nhs_numbers_are_stored_without_spaces(nine):
    check = _nhs_check_digit(nine)
    if check is None:
        return
    number = f"{nine}{check}"
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert validation.clean_nhs_number(spaced) == number
    assert validation.format_nhs_number(number) == spaced
    assert nhs.is_valid(number)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("943476591", "has 10 digits; this one has 9"),
        ("94347659199", "has 10 digits; this one has 11"),
        ("9434765918", "check digit"),
        ("94347A5919", "digits only"),
    ],
)
def test_a_wrong_nhs_number_is_explained(value, message):
    with pytest.raises(ValidationError, match=message):
        validation.clean_nhs_number(value)


def test_upns_check_their_letter_and_allow_temporary_ones():
    assert validation.clean_upn("b801200005001") == "B801200005001"
    with pytest.raises(ValidationError, match="check letter"):
        validation.clean_upn("A801200005001")
    with pytest.raises(ValidationError, match="13 characters"):
        validation.clean_upn("B80120000500")
    temporary = _temporary_upn()
    assert validation.clean_upn(temporary) == temporary
    assert validation.is_temporary_upn(temporary)


def _temporary_upn() -> str:
    from stdnum.gb import upn

    body = "80120000500A"
    for letter in "ABCDEFGHJKLMNPQRTUVWXYZ":
        if upn.is_valid(letter + body):
            return letter + body
    raise AssertionError("no check letter fits")


@given(st.text(alphabet="ABCDEFGHJKLMNPQRTUVWXYZ0123456789", min_size=13, max_size=13))
def test_no_upn_is_accepted_without_a_matching_check_letter(candidate):
    from stdnum.gb import upn

    try:
        validation.clean_upn(candidate)
    except ValidationError:
        assert not upn.is_valid(candidate)
    else:
        assert upn.is_valid(candidate)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
        ("07700900123", "+447700900123", "07700 900123"),
        ("+44 7700 900123", "+447700900123", "07700 900123"),
    ],
)
def test_uk_phone_numbers_are_checked_and_formatted(typed, stored, shown):
    assert validation.clean_phone(typed) == stored
    assert validation.format_phone(stored) == shown


@pytest.mark.parametrize("bad", ["12345", "0207946", "not a number", "07700 9001234567"])
def test_a_wrong_phone_number_is_explained(bad):
    with pytest.raises(ValidationError):
        validation.clean_phone(bad)


@pytest.mark.parametrize(
    ("typed", "tidy", "ok"),
    [
        ("sw1a1aa", "SW1A 1AA", True),
        ("  m1   1ae ", "M1 1AE", True),
        ("B33 8TH", "B33 8TH", True),
        ("CR2 6XH", "CR2 6XH", True),
        ("DN55 1PT", "DN55 1PT", True),
        ("12345", "12 345", False),
        ("QQ1 1ZZ", "QQ1 1ZZ", False),
    ],
)
def test_postcodes_are_normalised_and_odd_ones_only_flagged(typed, tidy, ok):
    assert validation.normalise_postcode(typed) == (tidy, ok)


@given(st.text(max_size=12))
def test_normalising_a_postcode_never_fails_and_is_stable(text):
    tidy, _ = validation.normalise_postcode(text)
    assert validation.normalise_postcode(tidy)[0] == tidy
