"""Rules of a person's contact details: e-mail addresses, phone numbers, postal codes and countries."""

import re

import phonenumbers

from .errors import Problem

# phonenumbers knows every ISO 3166 country that has a numbering plan, which is every country a user can live in.
COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)
FRENCH_POSTAL_CODE = re.compile(r"^[0-9]{5}$")
OTHER_POSTAL_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]{0,14}$")


def normalise_email(value: str) -> tuple[str | None, Problem | None]:
    """The address as stored (domain lower-cased), or the problem with it."""
    # Imported here: email_validator brings dnspython, which reading « Mon Compte » (a cold start) never needs.
    from email_validator import EmailNotValidError, validate_email

    try:
        # No DNS look-up: a request must not wait on the network, and a portal user may type an intranet domain.
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None, Problem("email.invalid")
    return result.normalized, None


def normalise_phone(value: str, country: str | None) -> tuple[str | None, Problem | None]:
    """The number in E.164 (``+33392357895``), read as a national number of ``country`` when it has no ``+``."""
    try:
        number = phonenumbers.parse(value, country if country in COUNTRY_CODES else "FR")
    except phonenumbers.NumberParseException:
        return None, Problem("phone.invalid")
    if not phonenumbers.is_valid_number(number):
        return None, Problem("phone.invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def display_phone(e164: str | None) -> str | None:
    """A stored number as people read it (``+33 3 92 35 78 95``); saving it back gives the same E.164."""
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def postal_code_problem(postal_code: str, country: str) -> Problem | None:
    if country == "FR":
        return None if FRENCH_POSTAL_CODE.match(postal_code) else Problem("postal_code.france")
    return None if OTHER_POSTAL_CODE.match(postal_code) else Problem("postal_code.invalid")
