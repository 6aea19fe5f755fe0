"""Login, sessions and logout (DESIGN.md, security model), with the CNIL's protection against guessing."""

import hashlib
import logging
import re
import secrets
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import settings
from chalicelib.domain import clock, entities, throttle
from chalicelib.domain import security as rules
from chalicelib.domain.accounts import ACTIVE, INACTIVE
from chalicelib.domain.errors import (
    AccountDeactivated,
    InvalidCredentials,
    NotAuthenticated,
    SecondFactorExpired,
    TooManyAttempts,
)
from chalicelib.observability import metric
from chalicelib.services.hashing import verify_secret
from chalicelib.store import accounts, security, sessions

log = logging.getLogger(__name__)

# A session is refreshed at most every few minutes, so that reading a page costs one GetItem, not a write as well.
REFRESH_AFTER = timedelta(minutes=5)
# The user id an unknown login is looked up as: not hexadecimal, so no account ever has it.
NO_USER = "-"
_COOKIE_VALUE = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class CurrentSession:
    user_id: str
    token_hash: str
    previous_login_at: datetime | None
    password_expired: bool = False
    # The caller's rattachement to the structure a route is about, read with the session (None: it has none).
    structure_id: str | None = None
    membership: entities.Membership | None = None
    manager_space: bool = False  # whether it holds that structure's « Activité du gestionnaire »
    # Where the session was opened (its history lines say it): names from the User-Agent, the source address.
    browser: str | None = None
    system: str | None = None
    source: str | None = None

    def event(self, kind: str) -> entities.LoginEvent:
        """A line of the login history for something done in this session."""
        return entities.LoginEvent(self.user_id, clock.now(), kind, self.browser, self.system, self.source)


@dataclass(frozen=True)
class Origin:
    """Where a login comes from: the source address and the browser named from its User-Agent (never kept raw)."""

    source: str | None = None
    browser: str | None = None
    system: str | None = None

    @classmethod
    def of(cls, source: str | None, user_agent: str | None) -> "Origin":
        return cls(source, *rules.describe_agent(user_agent))

    def event(self, user_id: str, kind: str, moment: datetime) -> entities.LoginEvent:
        return entities.LoginEvent(user_id, moment, kind, self.browser, self.system, self.source)


@dataclass(frozen=True)
class LoginResult:
    cookie_value: str
    profile: entities.UserProfile | entities.PendingLogin  # what the answer and the mails need of the account
    previous_login_at: datetime | None
    password_expired: bool


@dataclass(frozen=True)
class SecondFactorChallenge:
    """The password was right and the account has a second factor: the code comes next, with this challenge (no
    session exists yet)."""

    challenge: str


def _hash_token(token: str) -> str:
    # The token carries 256 random bits: a fast hash is enough to make a stolen table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def login_reference(login: str) -> str:
    """What logs say of a login name: enough to correlate attempts, not the address itself."""
    return hashlib.sha256(login.casefold().encode()).hexdigest()[:12]


def _minutes(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def check_not_throttled(login: str, source: str | None = None) -> throttle.Attempts:
    """Refuse at once while the login (or the source address, when given) must wait or is locked; the login's state is
    returned for recording a failure. With a source, both counts are read in one request."""
    now = clock.now()
    if source is None:
        state = security.get_attempts(login)
    else:
        key = throttle.source_key(source)
        state, source_failures = security.get_attempts_and_source(login, key, throttle.source_window(now))
        wait = throttle.source_wait(source_failures, now)
        if wait > timedelta(0):
            log.warning("login attempt refused: source %s must wait %d min", key, _minutes(wait))
            raise TooManyAttempts(minutes=_minutes(wait))
    wait = throttle.wait_before_next(state, now)
    if wait > timedelta(0):
        log.info("login attempt refused: login %s must wait %d min", login_reference(login), _minutes(wait))
        raise TooManyAttempts(minutes=_minutes(wait))
    return state


def record_failure(login: str, state: throttle.Attempts, user: entities.UserProfile | None,
                   source: str | None = None, origin: Origin | None = None) -> None:
    """Count a failure for ``login`` (and ``source``); on reaching the lock, its owner (if any) gets an unlock link.
    The owner's login history records the failure (and the lock)."""
    now = clock.now()
    if source is not None:
        window = throttle.source_window(now)
        security.count_source_failure(throttle.source_key(source), window, window + throttle.SOURCE_WINDOW)
    new_state = throttle.after_failure(state, now)
    keep_until = (new_state.locked_until or now) + throttle.WINDOW + throttle.FIRST_DELAY * 2 ** throttle.LOCK_AT
    locked_now = new_state.locked_until is not None and throttle.current(state, now).locked_until is None
    events = []
    if user is not None:
        origin = origin or Origin(source)
        events.append(origin.event(user.user_id, rules.FAILURE, now))
        if locked_now:
            events.append(origin.event(user.user_id, rules.LOCK, now))
    security.save_attempts(login, new_state, keep_until, events)
    log.info("authentication failure %d for login %s", new_state.failures, login_reference(login))
    metric("LoginFailures")
    if locked_now:
        log.warning("login %s locked until %s", login_reference(login), new_state.locked_until.isoformat())
        metric("LoginLocks")
        if user is not None and user.status == ACTIVE:
            from chalicelib.mail import sender

            sender.send("deverrouillage", user, {"until": new_state.locked_until}, to_login=True, link="UNLOCK")


def login(login_name: str, password: str, source: str | None = None,
          user_agent: str | None = None) -> LoginResult | SecondFactorChallenge:
    """Open a session, or raise InvalidCredentials whatever was wrong (unknown login, wrong password, inactive). With a
    second factor, no session yet: a challenge for ``complete_second_factor``.

    An unknown login does the same work as a known one (the same reads, one argon2 verification), so that neither the
    time of the answer nor the requests made tell which logins exist."""
    origin = Origin.of(source, user_agent)
    state = check_not_throttled(login_name, source)
    user_id = accounts.find_user_id(login_name)
    profile, credentials, security_state = sessions.get_login_items(user_id or NO_USER)
    matches = verify_secret(credentials.password_hash if credentials else None, password)
    if user_id is None or profile is None or credentials is None or not matches:
        record_failure(login_name, state, profile if user_id else None, source, origin)
        raise InvalidCredentials()
    if state.failures:
        security.clear_attempts(login_name)
    if profile.status == INACTIVE:
        # The password was right: saying the account is deactivated tells nothing to someone who does not own it.
        log.info("login refused: account %s is deactivated", user_id)
        raise AccountDeactivated()
    if profile.status != ACTIVE:
        raise InvalidCredentials()
    now = clock.now()
    if security_state.second_factor:
        token = secrets.token_urlsafe(32)
        pending = entities.PendingLogin(
            user_id, profile.login, profile.contact_email, profile.first_name, profile.last_name, profile.language,
            profile.password_changed_at, credentials.last_login_at)
        sessions.save_challenge(_hash_token(token), now + rules.CHALLENGE_LIFETIME, pending)
        log.info("password accepted for user %s; waiting for its second factor", user_id)
        return SecondFactorChallenge(f"{user_id}.{token}")
    return _open_session(profile, credentials.last_login_at, security_state, origin, now)


def complete_second_factor(challenge: str, code: str, source: str | None = None,
                           user_agent: str | None = None) -> LoginResult:
    """The second step of a login with a second factor: the code (or a recovery code) for the challenge that the
    password step gave. Costs one GetItem (the second factor, with what the password step kept of the account) before
    the session's transaction, which uses up the challenge and the code and checks the account is still active."""
    from chalicelib.services import account_security

    match = _COOKIE_VALUE.match(challenge or "")
    if not match:
        raise SecondFactorExpired()
    user_id, token = match.groups()
    state = sessions.get_security(user_id)
    now = clock.now()
    pending = state.pending_login
    if (pending is None or not state.second_factor or state.challenge_hash is None
            or not secrets.compare_digest(state.challenge_hash, _hash_token(token))
            or state.challenge_expires_at is None or now >= state.challenge_expires_at):
        raise SecondFactorExpired()
    origin = Origin.of(source, user_agent)
    step, recovery_hash = account_security.check_code(state, code, now, origin)
    return _open_session(pending, pending.last_login_at, state, origin, now, state.challenge_hash, step,
                         recovery_hash)


def _open_session(profile: entities.UserProfile | entities.PendingLogin, previous_login_at: datetime | None,
                  state: entities.SecurityState, origin: Origin, now: datetime, challenge_hash: str | None = None,
                  step: int | None = None, recovery_hash: str | None = None) -> LoginResult:
    from chalicelib.services.passwords import is_expired

    user_id = profile.user_id
    expired = is_expired(profile.password_changed_at, now)
    token = secrets.token_urlsafe(32)
    absolute_until = now + timedelta(hours=settings.session_absolute_hours())
    idle_until = min(now + timedelta(minutes=settings.session_idle_minutes()), absolute_until)
    mark = rules.browser_mark(origin.browser, origin.system)
    new_browser = mark if mark not in state.known_browsers else None
    session = entities.Session(user_id, _hash_token(token), now, idle_until, absolute_until, previous_login_at,
                               expired, origin.browser, origin.system, origin.source, now)
    from chalicelib.domain import events as event_kinds
    from chalicelib.services.events import about_account  # it imports this module

    told = new_browser is not None and bool(state.known_browsers)
    events = [about_account(event_kinds.NEW_DEVICE_LOGIN, user_id, now, device=" / ".join(
        filter(None, (origin.browser, origin.system, origin.source))) or "?")] if told else []
    with ExitStack() as mail:
        if told:
            # The first login ever recorded has nothing to compare with: only a browser new to a known set is news.
            # The mail and the feed's event are saved with the session (one transaction), the mail sent off the
            # request path.
            from chalicelib.mail import sender

            mail.enter_context(sender.with_next_commit("nouveau_navigateur", profile, {
                "moment": now, "browser": origin.browser or "?", "system": origin.system or "?",
                "source": origin.source or "?",
            }, to_login=True))
        sessions.open_session(session, origin.event(user_id, rules.LOGIN, now), new_browser, challenge_hash, step,
                              recovery_hash, events=events)
    log.info("login succeeded for user %s%s", user_id, " (password expired)" if expired else "")
    metric("Logins")
    return LoginResult(f"{user_id}.{token}", profile, previous_login_at, expired)


def authenticate(cookie_value: str | None, structure_id: str | None = None) -> CurrentSession:
    """The session a cookie names, if it is still alive: one GetItem (plus a rare refresh of its idle deadline). With
    ``structure_id``, the caller's rattachement to that structure comes in the same request."""
    match = _COOKIE_VALUE.match(cookie_value or "")
    if not match:
        raise NotAuthenticated()
    user_id, token = match.groups()
    token_hash = _hash_token(token)
    membership, manager_space = None, False
    if structure_id is None:
        session = sessions.get_session(user_id, token_hash)
    else:
        session, membership, manager_space = sessions.get_session_and_membership(user_id, token_hash, structure_id)
    now = clock.now()
    if session is None or now >= session.idle_until or now >= session.absolute_until:
        raise NotAuthenticated()
    idle = timedelta(minutes=settings.session_idle_minutes())
    if session.idle_until - now < idle - REFRESH_AFTER:
        sessions.extend_session(session, min(now + idle, session.absolute_until), now)
    return CurrentSession(user_id, token_hash, session.previous_login_at, session.password_expired, structure_id,
                          membership, manager_space, session.browser, session.system, session.source)


def logout(current: CurrentSession) -> None:
    sessions.close_session(current.user_id, current.token_hash)


def end_other_sessions(current: CurrentSession) -> int:
    return sessions.close_other_sessions(current.user_id, current.token_hash)


def end_all_sessions(user_id: str) -> int:
    return sessions.close_other_sessions(user_id, None)


def clear_password_expired(current: CurrentSession) -> None:
    sessions.clear_password_expired(current.user_id, current.token_hash)
