"""The one password policy, on every path (change, activation, reset, reactivation).

It meets both rules of the guide (8 characters on change, 12 at reactivation) by taking the stricter one, and adds what
the guide leaves to judgement: a length cap (argon2 input stays bounded) and a refusal of guessable passwords, measured
by zxcvbn against the dictionaries and against the person's own data.
"""

import gzip
import json
import string
from functools import lru_cache
from pathlib import Path

from .errors import Problem

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_CLASSES = 3
# zxcvbn's score 3 is "safely unguessable: moderate protection from an offline slow-hash scenario".
MIN_SCORE = 3


def character_classes(password: str) -> int:
    """Upper case, lower case, digits, special characters; accented letters count as special, as the guide says."""
    has_upper = any(c in string.ascii_uppercase for c in password)
    has_lower = any(c in string.ascii_lowercase for c in password)
    has_digit = any(c in string.digits for c in password)
    has_special = any(not (c in string.ascii_letters or c in string.digits) for c in password)
    return sum((has_upper, has_lower, has_digit, has_special))


DICTIONARIES = Path(__file__).resolve().parent / "data" / "password_dictionaries.json.gz"


@lru_cache(maxsize=1)
def _zxcvbn():
    """zxcvbn with French words and the common-password list added: the ones the browser's meter uses
    (scripts/build_password_dictionaries.mjs). Loaded on the first password check, never at import."""
    from zxcvbn import matching, zxcvbn

    matching.add_frequency_lists(json.loads(gzip.decompress(DICTIONARIES.read_bytes())))
    return zxcvbn


def strength_score(password: str, personal_data: list[str]) -> int:
    zxcvbn = _zxcvbn()
    # zxcvbn is quadratic in length; the policy caps length anyway, its own estimate is meaningless past 100.
    return zxcvbn(password[:100], user_inputs=[d for d in personal_data if d])["score"]


def password_problems(password: str, personal_data: list[str] = ()) -> list[Problem]:
    """Everything wrong with ``password``; an empty list means it is accepted."""
    if len(password) < MIN_LENGTH:
        return [Problem("password.too_short", {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [Problem("password.too_long", {"max": MAX_LENGTH})]
    if character_classes(password) < MIN_CLASSES:
        return [Problem("password.classes", {"classes": MIN_CLASSES})]
    if contains_personal_data(password, personal_data):
        return [Problem("password.personal")]
    if strength_score(password, list(personal_data)) < MIN_SCORE:
        return [Problem("password.guessable")]
    return []


def contains_personal_data(password: str, personal_data) -> bool:
    lowered = password.casefold()
    return any(word in lowered for word in _personal_words(personal_data))


def _personal_words(personal_data) -> set[str]:
    """Pieces of the person's own data long enough to matter (names, parts of e-mail addresses)."""
    words = set()
    for item in personal_data:
        if not item:
            continue
        for piece in item.replace("@", " ").replace(".", " ").replace("-", " ").split():
            if len(piece) >= 4:
                words.add(piece.casefold())
    return words
