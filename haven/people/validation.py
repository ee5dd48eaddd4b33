"""Checking and tidying identifiers, phone numbers and postcodes, with reasons in words."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.gb import nhs, upn


def clean_nhs_number(value: str) -> str:
    """Ten digits whose last is a modulus-11 check digit; stored without spaces."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isdigit():
        raise ValidationError("An NHS number is made of digits only.")
    if len(digits) != 10:
        raise ValidationError(f"An NHS number has 10 digits; this one has {len(digits)}.")
    try:
        return nhs.validate(digits)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            "This is not a valid NHS number: its last digit (the check digit) does not match "
            "the others. Check it has been copied correctly."
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError("This is not a valid NHS number.") from None


def format_nhs_number(value: str) -> str:
    return nhs.format(value)


def clean_upn(value: str) -> str:
    """A Unique Pupil Number: a check letter, 12 more characters; temporary UPNs allowed."""
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) != 13:
        raise ValidationError(f"A UPN has 13 characters; this one has {len(compact)}.")
    if not compact[0].isalpha():
        raise ValidationError("A UPN starts with its check letter.")
    if not compact[1:12].isdigit():
        raise ValidationError("Characters 2 to 12 of a UPN are digits.")
    if not (compact[12].isdigit() or compact[12].isalpha()):
        raise ValidationError(
            "The last character of a UPN is a digit, or a letter for a temporary UPN."
        )
    try:
        return upn.validate(compact)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            "This is not a valid UPN: its first letter (the check letter) does not match the "
            "rest. Check it has been copied correctly."
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            "This is not a valid UPN: characters 2 to 4 should be a local authority number."
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError("This is not a valid UPN.") from None


def is_temporary_upn(value: str) -> bool:
    return bool(value) and value[-1].isalpha()


def clean_free_identifier(value: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError("Enter the identifier.")
    if len(value) > 60:
        raise ValidationError("An identifier can be at most 60 characters.")
    return value


def clean_phone(value: str) -> str:
    """A UK phone number, stored in international form (+44…)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError("This does not look like a phone number.") from None
    if not (phonenumbers.is_valid_number(number) or _is_drama_number(number)):
        raise ValidationError(
            "This is not a valid phone number. UK numbers have 11 digits starting with 0, "
            "such as 020 7946 0000 or 07700 900123."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_drama_number(number) -> bool:
    """Ofcom keeps 07700 900000–900999 for fiction and training; we accept it so demo and
    training data never use a real person's number."""
    national = phonenumbers.national_significant_number(number)
    return number.country_code == 44 and national.startswith("7700900") and len(national) == 10


def format_phone(value: str) -> str:
    if not value:
        return ""
    number = phonenumbers.parse(value, "GB")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


# Outward code (area + district) then inward code (sector + unit), as Royal Mail defines them.
POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str) -> tuple[str, bool]:
    """Upper-case with one space before the last three characters; and whether it looks valid.

    An unusual postcode is warned about, never refused: the family's address matters more
    than our pattern.
    """
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        return "", True
    tidy = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    return tidy, bool(POSTCODE.match(tidy))
