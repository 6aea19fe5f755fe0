"""Rules of « Sécurité et confidentialité »: what a login history records, how a browser is named and recognised, and
the second factor (TOTP, RFC 6238) with its single-use recovery codes. Pure: the clock is passed in."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

# What the login history records, kept this long (a TTL on each entry).
HISTORY_DAYS = 90
LOGIN = "LOGIN"
FAILURE = "FAILURE"
LOCK = "LOCK"
PASSWORD_CHANGE = "PASSWORD_CHANGE"
PASSWORD_RESET = "PASSWORD_RESET"
SECOND_FACTOR_ON = "SECOND_FACTOR_ON"
SECOND_FACTOR_OFF = "SECOND_FACTOR_OFF"
HISTORY_EVENTS = (LOGIN, FAILURE, LOCK, PASSWORD_CHANGE, PASSWORD_RESET, SECOND_FACTOR_ON, SECOND_FACTOR_OFF)

MAX_USER_AGENT = 512  # longer strings are cut before parsing: nothing useful lies past that

# TOTP: 6 digits every 30 seconds; a code of the step before or after is accepted too (clocks drift, people type).
STEP_SECONDS = 30
DRIFT_STEPS = 1
DIGITS = 6
RECOVERY_CODES = 10
# How long the password step of a login stays good for its code.
CHALLENGE_LIFETIME = timedelta(minutes=5)


@lru_cache(maxsize=256)
def describe_agent(user_agent: str | None) -> tuple[str | None, str | None]:
    """(browser, system) as a person reads them (« Firefox 121 », « Windows 10 »), from a User-Agent header; the raw
    header itself is never kept."""
    if not user_agent:
        return None, None
    from ua_parser import parse

    result = parse(user_agent[:MAX_USER_AGENT])
    browser = system = None
    if result.user_agent is not None and result.user_agent.family != "Other":
        browser = " ".join(p for p in (result.user_agent.family, result.user_agent.major) if p)
    if result.os is not None and result.os.family != "Other":
        system = " ".join(p for p in (result.os.family, result.os.major) if p)
    return browser, system


def _family(name: str | None) -> str:
    parts = (name or "?").rsplit(" ", 1)
    return parts[0] if len(parts) == 2 and parts[1].isdigit() else name or "?"


def browser_mark(browser: str | None, system: str | None) -> str:
    """What tells a browser « already seen » for a user: its family and system, without versions (an update is not a
    new browser); a short hash, so that what is kept says little on its own."""
    return hashlib.sha256(f"{_family(browser)}|{_family(system)}".encode()).hexdigest()[:16]


def history_until(moment: datetime) -> datetime:
    return moment + timedelta(days=HISTORY_DAYS)


# --- Second factor ---------------------------------------------------------------------------------------------------

def new_secret() -> str:
    """160 random bits in base 32, as authenticator applications expect them."""
    import pyotp

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account_name: str) -> str:
    import pyotp

    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name="Chorus Pro")


def time_step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    import pyotp

    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(step * STEP_SECONDS)


def is_totp_code(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, within the drift allowed around ``now``, or None. A step at or before
    ``last_step`` (the last code used) never matches: a code, once used, cannot be replayed, nor an older one."""
    code = code.strip()
    if not is_totp_code(code):
        return None
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


def new_recovery_codes() -> list[str]:
    """Ten codes of 10 characters (about 50 random bits each), written « xxxxx-xxxxx »."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(c for c in code.casefold() if c.isalnum())


def recovery_hash(user_id: str, code: str) -> str:
    """A recovery code as stored: hashed with the user as salt (50 random bits need no slow hash)."""
    return hashlib.sha256(f"{user_id}:{normalise_recovery_code(code)}".encode()).hexdigest()


def is_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 10
