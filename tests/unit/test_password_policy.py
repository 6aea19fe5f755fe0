"""The one password policy."""

import string

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.password_policy import MAX_LENGTH, MIN_LENGTH, character_classes, password_problems


def keys(password, personal=()):
    return [p.key for p in password_problems(password, list(personal))]


@given(st.text(max_size=MIN_LENGTH - 1))
def test_anything_shorter_than_12_characters_is_refused(password):
    assert keys(password) == ["password.too_short"]


@given(st.text(min_size=MAX_LENGTH + 1, max_size=MAX_LENGTH + 50))
def test_anything_longer_than_128_characters_is_refused(password):
    assert keys(password) == ["password.too_long"]


@given(st.text(alphabet=string.ascii_lowercase + string.digits, min_size=MIN_LENGTH, max_size=40))
def test_two_classes_are_not_enough(password):
    assert keys(password) in (["password.classes"],)


def test_accented_letters_count_as_special_characters():
    assert character_classes("é") == 1
    assert character_classes("aé") == 2
    assert character_classes("aA1!") == 4
    assert keys("ébénisterie-chêne") == ["password.classes"]
    assert keys("ébénisterie-Chêne-rabot") != ["password.classes"]


def test_common_and_guessable_passwords_are_refused():
    for password in ("Azertyuiop123", "Password2024!", "Marseille2024", "Soleil123456"):
        assert keys(password) == ["password.guessable"], password


def test_the_persons_own_data_is_refused():
    assert keys("Dupont-Rabot-Chene-7", ["Paul", "DUPONT", "contact@menuiserie.fr"]) == ["password.personal"]
    assert keys("Menuiserie-Rabot-7a", ["contact@menuiserie.fr"]) == ["password.personal"]


def test_long_unrelated_words_pass():
    for password in ("Copeaux-Rabot-Etabli-42", "Varlope-Trusquin-Bouvet-9", "Tr0ub4dour&3-xyz!"):
        assert keys(password) == [], password
