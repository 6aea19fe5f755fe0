"""Structure identifiers: SIRET check digits, the other identifier types, and the form an identifier is stored in."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from chalicelib.api import messages
from chalicelib.domain.identifiers import IDENTIFIER_TYPES, normalise_identifier

FAST = settings(max_examples=80, derandomize=True, deadline=None)


@st.composite
def sirets(draw):
    """A valid SIRET: a SIREN with its Luhn key, a 4-digit NIC, and the SIRET's own Luhn key."""
    siren = draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    siren += luhn.calc_check_digit(siren)
    body = siren + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    number = body + luhn.calc_check_digit(body)
    assume(not number.startswith("356000000"))  # La Poste's establishments follow another rule
    assert stdnum_siret.is_valid(number)
    return number


def key(identifier_type, value):
    stored, problem = normalise_identifier(identifier_type, value)
    assert (stored is None) != (problem is None)
    return problem.key if problem else None


@FAST
@given(sirets(), st.sampled_from([" ", "", "\u00a0", "\u202f", "\t"]))
def test_a_valid_siret_is_stored_as_its_14_digits_however_it_is_spaced(number, space):
    spaced = space.join((number[:3], number[3:6], number[6:9], number[9:]))
    assert normalise_identifier("SIRET", spaced) == (number, None)
    assert normalise_identifier("SIRET", f"  {number} ") == (number, None)


@FAST
@given(sirets(), st.integers(0, 13), st.integers(1, 9))
def test_a_siret_with_one_wrong_digit_is_refused(number, position, shift):
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assume(not wrong.startswith("356000000"))
    assert key("SIRET", wrong) == "identifier.siret"


@FAST
@given(sirets())
def test_a_siret_with_two_digits_swapped_is_refused(number):
    swaps = [i for i in range(13) if number[i] != number[i + 1] and {number[i], number[i + 1]} != {"0", "9"}]
    assume(swaps)
    i = swaps[0]
    wrong = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    assume(not wrong.startswith("356000000"))
    assert key("SIRET", wrong) == "identifier.siret"


@pytest.mark.parametrize("value", [
    "7328293200007",  # 13 digits
    "732829320000740",  # 15 digits
    "73282932000074A",
    "7328293200007A",
    "732-829-320-00074",
    "SIRET",
])
def test_anything_but_14_digits_is_not_a_siret(value):
    assert key("SIRET", value) == "identifier.siret"


def test_la_poste_establishments_are_sirets_without_luhn_key():
    assert normalise_identifier("SIRET", "356 000 000 00048") == ("35600000000048", None)  # head office
    assert normalise_identifier("SIRET", "35600000000001") == ("35600000000001", None)  # digits add up to 15
    assert key("SIRET", "35600000000002") == "identifier.siret"


def test_a_siret_written_with_dots_is_stored_like_the_spaced_one():
    assert normalise_identifier("SIRET", "732.829.320.00074") == normalise_identifier("SIRET", "732 829 320 00074")


@pytest.mark.parametrize("identifier_type", IDENTIFIER_TYPES)
@pytest.mark.parametrize("value", ["", "   ", "\u00a0\t", None])
def test_an_empty_identifier_is_required_whatever_its_type(identifier_type, value):
    assert key(identifier_type, value) == "field.required"


@pytest.mark.parametrize("value, stored", [
    ("DE 136 695 976", "DE136695976"),
    ("de136695976", "DE136695976"),
    ("DE-136.695.976", "DE136695976"),
    ("BE 0411.905.847", "BE0411905847"),
])
def test_eu_vat_numbers_are_stored_compact_and_upper_case(value, stored):
    assert normalise_identifier("UE_HORS_FRANCE", value) == (stored, None)


@pytest.mark.parametrize("value", [
    "FR40303265045",  # a valid French VAT number: French structures have a SIRET
    "fr 40 303 265 045",
    "DE136695977",  # wrong check digit
    "GB980780684",  # not in the European Union
    "136695976",  # no country code
])
def test_french_invalid_and_non_eu_vat_numbers_are_refused(value):
    assert key("UE_HORS_FRANCE", value) == "identifier.eu_vat"


@pytest.mark.parametrize("identifier_type, value, stored", [
    ("RIDET", "123 456 789", "123456789"),
    ("RIDET", "1234567 001", "1234567001"),
    ("TAHITI", "a12b34 567", "A12B34567"),
    ("TAHITI", "123456789", "123456789"),
    ("HORS_UE", "che-123.456.789", "CHE-123.456.789"),
    ("HORS_UE", "AB", "AB"),
    ("HORS_UE", "1/2", "1/2"),
    ("AUTRE", "asso 2024/17", "ASSO2024/17"),
    ("PARTICULIER", "jean.dupont@example.fr", "JEAN.DUPONT@EXAMPLE.FR"),
    ("PARTICULIER", "Dupont_Jean", "DUPONT_JEAN"),
])
def test_other_identifiers_are_stored_upper_case_without_spaces(identifier_type, value, stored):
    assert normalise_identifier(identifier_type, value) == (stored, None)


@pytest.mark.parametrize("identifier_type, value", [
    ("RIDET", "12345678"),  # too short
    ("RIDET", "12345678901"),  # too long
    ("RIDET", "12345678A"),
    ("TAHITI", "A1234567"),  # 8 characters
    ("TAHITI", "A12345ABC"),  # the last 3 are digits
    ("TAHITI", "A12345-678"),
    ("HORS_UE", "A"),  # at least 2
    ("HORS_UE", "-ABC"),  # starts with a letter or a digit
    ("HORS_UE", "AB_C"),
    ("HORS_UE", "A" * 41),
    ("AUTRE", "A" * 81),
    ("AUTRE", "A@B"),
    ("PARTICULIER", "_DUPONT"),
    ("PARTICULIER", "A" * 81),
    ("PARTICULIER", "DUPONT<SCRIPT>"),
])
def test_other_identifiers_out_of_their_format_are_refused_with_their_type_s_message(identifier_type, value):
    assert key(identifier_type, value) == f"identifier.{identifier_type.lower()}"


@pytest.mark.parametrize("identifier_type, longest", [("HORS_UE", 40), ("AUTRE", 80), ("PARTICULIER", 80)])
def test_free_identifiers_are_bounded(identifier_type, longest):
    assert key(identifier_type, "A" * longest) is None
    assert key(identifier_type, "A" * (longest + 1)) == f"identifier.{identifier_type.lower()}"


def test_every_identifier_type_accepts_some_identifier_and_every_problem_has_a_message():
    examples = {"SIRET": "73282932000074", "UE_HORS_FRANCE": "DE136695976", "HORS_UE": "CHE-123.456.789",
                "RIDET": "123456789", "TAHITI": "A12345678", "AUTRE": "ASSO-17", "PARTICULIER": "DUPONT_JEAN"}
    assert set(examples) == set(IDENTIFIER_TYPES)
    for identifier_type in IDENTIFIER_TYPES:
        assert normalise_identifier(identifier_type, examples[identifier_type])[1] is None
        _, problem = normalise_identifier(identifier_type, "!")
        assert problem is not None
        for language in ("fr", "en"):
            assert problem.key in messages.MESSAGES[language]
