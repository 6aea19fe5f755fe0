"""Protection of login against guessing, as the CNIL asks for a password with access restriction.

Counted per login name, whether an account has it or not, so that the answers never tell which logins exist:
- a failure more than 15 minutes after the previous one (plus the wait that one imposed) starts a new count;
- from the 5th failure, each further attempt must wait, 1 minute then twice as long each time;
- at the 10th the login is locked for a while (its owner, if there is one, gets a mail with an unlock link).
Waiting out each delay does not reset the count: only a quiet period or a successful login does.

Counted per source address too, so that one machine cannot try one password on thousands of logins: the failures of a
source are counted in fixed windows of 15 minutes; from the 30th failure of a window, its logins wait for the window's
end. A success does not reset this count (an attacker owning one account could otherwise reset it at will). IPv6
sources are counted per /64 network, since one subscriber commonly holds a whole /64.
"""

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


SOURCE_WINDOW = timedelta(minutes=15)
SOURCE_LIMIT = 30


def source_key(address: str) -> str:
    """What failures are counted against: the address itself (IPv4), its /64 network (IPv6)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64] or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def source_window(now: datetime) -> datetime:
    """The start of the fixed window that ``now`` falls in."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return now - (now - epoch) % SOURCE_WINDOW


def source_wait(failures: int, now: datetime) -> timedelta:
    """How long a source with ``failures`` in the current window must wait (zero when it may try)."""
    if failures < SOURCE_LIMIT:
        return timedelta(0)
    return source_window(now) + SOURCE_WINDOW - now
