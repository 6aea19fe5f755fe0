"""Protection of login against guessing, as the CNIL asks for a password with access restriction.

Counted per login name, whether an account has it or not, so that the answers never tell which logins exist:
- a failure more than 15 minutes after the previous one (plus the wait that one imposed) starts a new count;
- from the 5th failure, each further attempt must wait, 1 minute then twice as long each time;
- at the 10th the login is locked for a while (its owner, if there is one, gets a mail with an unlock link).
Waiting out each delay does not reset the count: only a quiet period or a successful login does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
DELAY_FROM = 5
FIRST_DELAY = timedelta(minutes=1)
LOCK_AT = 10
LOCK_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    first_failure_at: datetime | None = None
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


def _delay_after(failures: int) -> timedelta:
    return timedelta(0) if failures < DELAY_FROM else FIRST_DELAY * (2 ** (failures - DELAY_FROM))


def current(state: Attempts, now: datetime) -> Attempts:
    """The state as it stands at ``now``: an ended lock or a quiet period counts for nothing."""
    if state.locked_until is not None:
        return state if now < state.locked_until else Attempts()
    if state.last_failure_at is None or now - state.last_failure_at > WINDOW + _delay_after(state.failures):
        return Attempts()
    return state


def wait_before_next(state: Attempts, now: datetime) -> timedelta:
    """How long before another attempt may even be checked (zero when it may)."""
    state = current(state, now)
    if state.locked_until is not None:
        return state.locked_until - now
    if state.failures < DELAY_FROM:
        return timedelta(0)
    return max(timedelta(0), state.last_failure_at + _delay_after(state.failures) - now)


def after_failure(state: Attempts, now: datetime) -> Attempts:
    state = current(state, now)
    failures = state.failures + 1
    return Attempts(
        failures=failures,
        first_failure_at=state.first_failure_at or now,
        last_failure_at=now,
        locked_until=now + LOCK_FOR if failures >= LOCK_AT else None,
    )
