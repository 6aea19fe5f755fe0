"""Contact details, the answer to the secret question, password expiry, messages."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.api import messages
from chalicelib.domain.contact import normalise_email, normalise_phone, postal_code_problem
from chalicelib.domain.password_expiry import expiry
from chalicelib.domain.secret_answer import normalise_answer


@pytest.mark.parametrize("raw, country, expected", [
    ("+33 392357895", "FR", "+33392357895"),
    ("03 92 35 78 95", "FR", "+33392357895"),
    ("+44 20 7946 0958", "FR", "+442079460958"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("+1 (202) 555-0143", "FR", "+12025550143"),
    ("+33 1", "FR", None),
])
def test_phone_numbers_are_stored_in_e164(raw, country, expected):
    number, problem = normalise_phone(raw, country)
    if expected is None:
        assert problem is not None and problem.key == "phone.invalid"
    else:
        assert (number, problem) == (expected, None)


@pytest.mark.parametrize("raw", ["12", "+33 1", "abc", "+999 123456789", "0000000000000000000"])
def test_invalid_phone_numbers_are_refused(raw):
    assert normalise_phone(raw, "FR")[1].key == "phone.invalid"


def test_email_addresses_keep_their_local_part_and_lower_their_domain():
    assert normalise_email("Compta@Menuiserie.FR") == ("Compta@menuiserie.fr", None)
    for bad in ("contact@", "@menuiserie.fr", "contact menuiserie.fr", "a@b"):
        assert normalise_email(bad)[1].key == "email.invalid"


def test_french_postal_codes_have_five_digits():
    assert postal_code_problem("96300", "FR") is None
    for bad in ("9630", "963000", "7500A", " 9630"):
        assert postal_code_problem(bad, "FR").key == "postal_code.france"
    assert postal_code_problem("SW1A 1AA", "GB") is None
    assert postal_code_problem("<script>", "GB").key == "postal_code.invalid"


def test_answers_match_whatever_the_case_accents_and_spaces():
    assert normalise_answer("  Saint-Étienne  du ROUVRAY ") == normalise_answer("saint-etienne du rouvray")
    assert normalise_answer("TÔTO") == normalise_answer("toto") == "toto"
    assert normalise_answer("Toto") != normalise_answer("Titi")


def test_expiry_counts_the_days_left_up_and_stops_at_zero():
    changed = datetime(2026, 1, 1, tzinfo=UTC)
    assert expiry(changed, 180, changed)[1] == 180
    assert expiry(changed, 180, changed + timedelta(days=17))[1] == 163
    assert expiry(changed, 180, changed + timedelta(days=179, hours=1))[1] == 1
    assert expiry(changed, 180, changed + timedelta(days=400))[1] == 0


def test_every_message_and_label_exists_in_both_languages():
    assert set(messages.MESSAGES["fr"]) == set(messages.MESSAGES["en"])
    assert set(messages.FIELD_LABELS["fr"]) == set(messages.FIELD_LABELS["en"])


def test_accept_language_picks_french_first():
    assert messages.language_from_header(None) == "fr"
    assert messages.language_from_header("de-DE,en;q=0.5") == "en"
    assert messages.language_from_header("en-GB") == "en"
    assert messages.language_from_header("fr-FR,en;q=0.5") == "fr"


def test_stored_numbers_are_shown_in_international_format_and_read_back_the_same():
    from chalicelib.domain.contact import display_phone

    assert display_phone("+33392357895") == "+33 3 92 35 78 95"
    assert display_phone(None) is None
    assert normalise_phone(display_phone("+442079460958"), "FR")[0] == "+442079460958"
