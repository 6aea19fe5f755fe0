"""« Sécurité et confidentialité »: the user's open sessions (list, end one, end the others), its login history, and
the second factor (TOTP) it may turn on and off."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain import clock, entities, throttle
from chalicelib.domain import security as rules
from chalicelib.domain.errors import (
    ConcurrentChange,
    InvalidSecondFactorCode,
    NotAuthenticated,
    NotFound,
    Problem,
    SecondFactorAlreadyOn,
    SecondFactorNotOn,
    TooManyAttempts,
    WrongCurrentPassword,
)
from chalicelib.services import auth
from chalicelib.services.auth import CurrentSession, Origin
from chalicelib.services.hashing import verify_secret
from chalicelib.store import sessions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionLine:
    session: entities.Session
    session_id: str
    current: bool


@dataclass(frozen=True)
class Overview:
    sessions: list[SessionLine]
    history: list[entities.LoginEvent]  # newest first
    state: entities.SecurityState


def overview(current: CurrentSession) -> Overview:
    """What the page shows: one Query on the user's security partition (after the session's GetItem)."""
    found, events, state = sessions.security_view(current.user_id)
    now = clock.now()
    alive = [s for s in found if now < s.idle_until and now < s.absolute_until]
    alive.sort(key=lambda s: (s.token_hash != current.token_hash, -(s.last_active_at or s.created_at).timestamp()))
    since = now - timedelta(days=rules.HISTORY_DAYS)
    history = sorted((e for e in events if e.at >= since), key=lambda e: e.at, reverse=True)
    return Overview([SessionLine(s, sessions.public_id(s.token_hash), s.token_hash == current.token_hash)
                     for s in alive], history, state)


def close_session(current: CurrentSession, session_id: str) -> bool:
    """End one of the caller's sessions (found in its own partition only: another user's id is not found). True when
    it was the caller's current session."""
    session = sessions.find_session(current.user_id, session_id)
    if session is None:
        raise NotFound()
    sessions.close_session(current.user_id, session.token_hash)
    log.info("user %s closed one of its sessions", current.user_id)
    return session.token_hash == current.token_hash


def close_other_sessions(current: CurrentSession) -> int:
    ended = auth.end_other_sessions(current)
    log.info("user %s closed its %d other session(s)", current.user_id, ended)
    return ended


# --- Second factor ---------------------------------------------------------------------------------------------------

def check_code(state: entities.SecurityState, code: str, now: datetime, origin: Origin | None,
               secret: str | None = None, recovery: bool = True) -> tuple[int | None, str | None]:
    """The time step of a valid TOTP code, or the hash of an unused recovery code (``recovery``). Throttled like
    passwords (``domain.throttle``, counted on the user's second factor); a wrong code counts as a failure, shown in
    the login history. The caller's write must still use the code up (its condition refuses a replay)."""
    wait = throttle.wait_before_next(state.code_attempts, now)
    if wait > timedelta(0):
        log.info("second-factor code refused: user %s must wait", state.user_id)
        raise TooManyAttempts(minutes=max(1, -(-int(wait.total_seconds()) // 60)))
    step = rules.matching_step(secret or state.totp_secret, code, now, state.last_step)
    if step is not None:
        return step, None
    if recovery and rules.is_recovery_code(code):
        hashed = rules.recovery_hash(state.user_id, code)
        if hashed in state.recovery_hashes:
            return None, hashed
    _code_failure(state, now, origin)
    raise InvalidSecondFactorCode(fields={"code": Problem("invalid_second_factor_code")})


def _code_failure(state: entities.SecurityState, now: datetime, origin: Origin | None) -> None:
    new_state = throttle.after_failure(state.code_attempts, now)
    sessions.save_code_failures(state.user_id, new_state)
    locked_now = new_state.locked_until is not None and throttle.current(state.code_attempts, now).locked_until is None
    origin = origin or Origin()
    events = [origin.event(state.user_id, rules.FAILURE, now)]
    if locked_now:
        events.append(origin.event(state.user_id, rules.LOCK, now))
        log.warning("second-factor codes of user %s locked until %s", state.user_id,
                    new_state.locked_until.isoformat())
    sessions.add_events(events)
    log.info("second-factor failure %d for user %s", new_state.failures, state.user_id)


@dataclass(frozen=True)
class Setup:
    secret: str
    uri: str
    qr_svg: str


def start(current: CurrentSession) -> Setup:
    """A new secret to scan (QR code) or type; it becomes the second factor once a first code confirms it."""
    from chalicelib.store import accounts

    profile = accounts.get_profile(current.user_id)
    if profile is None:
        raise NotAuthenticated()
    secret = rules.new_secret()
    if not sessions.start_second_factor(current.user_id, secret):
        raise SecondFactorAlreadyOn()
    uri = rules.provisioning_uri(secret, profile.login)
    return Setup(secret, uri, _qr_svg(uri))


def _qr_svg(uri: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                    title="QR code", dark="#000", light="#fff")
    return out.getvalue().decode()


def confirm(current: CurrentSession, code: str) -> list[str]:
    """The first code proves the secret was taken: the second factor is on, and ten recovery codes are shown once
    (stored hashed)."""
    profile, _, state = sessions.get_login_items(current.user_id)
    if profile is None:
        raise NotAuthenticated()
    if state.second_factor:
        raise SecondFactorAlreadyOn()
    if state.pending_secret is None:
        raise SecondFactorNotOn()
    now = clock.now()
    step, _ = check_code(state, code, now, None, secret=state.pending_secret, recovery=False)
    codes = rules.new_recovery_codes()
    try:
        sessions.enable_second_factor(profile, state.pending_secret, step,
                                      {rules.recovery_hash(current.user_id, c) for c in codes},
                                      current.event(rules.SECOND_FACTOR_ON))
    except ConcurrentChange:
        raise SecondFactorNotOn() from None
    log.info("second factor turned on for user %s", current.user_id)
    return codes


def disable(current: CurrentSession, password: str, code: str) -> None:
    """Turning the second factor off asks for the password and a code (or a recovery code)."""
    profile, credentials, state = sessions.get_login_items(current.user_id)
    if profile is None or credentials is None:
        raise NotAuthenticated()
    if not state.second_factor:
        raise SecondFactorNotOn()
    attempts = auth.check_not_throttled(profile.login)
    if not verify_secret(credentials.password_hash, password):
        auth.record_failure(profile.login, attempts, profile, origin=Origin(current.source, current.browser,
                                                                           current.system))
        raise WrongCurrentPassword(fields={"password": Problem("password.wrong")})
    now = clock.now()
    step, recovery_hash = check_code(state, code, now, Origin(current.source, current.browser, current.system))
    sessions.disable_second_factor(profile, step, recovery_hash, current.event(rules.SECOND_FACTOR_OFF))
    log.info("second factor turned off for user %s", current.user_id)


def record(current: CurrentSession, kind: str) -> None:
    """A line of the login history for something done in a session (a password change)."""
    sessions.add_events([current.event(kind)])
