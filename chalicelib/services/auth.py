"""Login, sessions and logout (DESIGN.md, security model)."""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.errors import InvalidCredentials, NotAuthenticated
from chalicelib.domain.hashing import dummy_verify, verify_secret
from chalicelib.store import accounts, sessions
from chalicelib.store.models import UserProfile

log = logging.getLogger(__name__)

ACTIVE = "ACTIF"
# A session is refreshed at most every few minutes, so that reading a page costs one GetItem, not a write as well.
REFRESH_AFTER = timedelta(minutes=5)
_COOKIE_VALUE = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class CurrentSession:
    user_id: str
    token_hash: str
    previous_login_at: datetime | None


@dataclass(frozen=True)
class LoginResult:
    cookie_value: str
    profile: UserProfile
    previous_login_at: datetime | None


def _hash_token(token: str) -> str:
    # The token carries 256 random bits: a fast hash is enough to make a stolen table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def login(login_name: str, password: str) -> LoginResult:
    """Open a session, or raise InvalidCredentials whatever was wrong (unknown login, wrong password, inactive)."""
    user_id = accounts.find_user_id(login_name)
    if user_id is None:
        dummy_verify(password)
        log.info("login refused: unknown login")
        raise InvalidCredentials()
    profile, credentials = accounts.get_profile_and_credentials(user_id)
    if profile is None or credentials is None or not verify_secret(credentials.password_hash, password):
        now = clock.now()
        if credentials is not None:
            accounts.record_failed_attempt(user_id, now)
        log.info("login refused: wrong password for user %s", user_id)
        raise InvalidCredentials()
    if profile.status != ACTIVE:
        log.info("login refused: account %s is %s", user_id, profile.status)
        raise InvalidCredentials()
    now = clock.now()
    token = secrets.token_urlsafe(32)
    absolute_until = now + timedelta(hours=settings.session_absolute_hours())
    idle_until = min(now + timedelta(minutes=settings.session_idle_minutes()), absolute_until)
    sessions.open_session(user_id, _hash_token(token), now, idle_until, absolute_until, credentials.last_login_at)
    log.info("login succeeded for user %s", user_id)
    return LoginResult(f"{user_id}.{token}", profile, credentials.last_login_at)


def authenticate(cookie_value: str | None) -> CurrentSession:
    """The session a cookie names, if it is still alive: one GetItem (plus a rare refresh of its idle deadline)."""
    match = _COOKIE_VALUE.match(cookie_value or "")
    if not match:
        raise NotAuthenticated()
    user_id, token = match.groups()
    token_hash = _hash_token(token)
    session = sessions.get_session(user_id, token_hash)
    now = clock.now()
    if session is None or now >= session.idle_until or now >= session.absolute_until:
        raise NotAuthenticated()
    idle = timedelta(minutes=settings.session_idle_minutes())
    if session.idle_until - now < idle - REFRESH_AFTER:
        sessions.extend_session(session, min(now + idle, session.absolute_until))
    return CurrentSession(user_id, token_hash, session.previous_login_at)


def logout(current: CurrentSession) -> None:
    sessions.close_session(current.user_id, current.token_hash)


def end_other_sessions(current: CurrentSession) -> int:
    return sessions.close_other_sessions(current.user_id, current.token_hash)
