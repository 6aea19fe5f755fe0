"""Repository of sessions: ``SESSION#<user id>`` / ``<sha256 of the token>``, expired by DynamoDB TTL; the same
partition keeps the user's ``SECURITY`` item (browsers seen, second factor) and its login history
(``#HISTORY#<time>#<random>``), so that « Sécurité et confidentialité » is one Query."""

import json
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain import entities
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.subscriptions import HABILITATIONS, MANAGER_SPACE, VALID
from chalicelib.domain.throttle import Attempts
from chalicelib.store.common import commit, entity
from chalicelib.store.memberships import to_membership
from chalicelib.store.models import (
    PROFILE_SK,
    Credentials,
    Item,
    LoginEvent,
    Membership,
    SecurityState,
    Session,
    Subscription,
    UserProfile,
    bind,
    membership_sk,
    subscription_sk,
    user_pk,
)
from chalicelib.store.security import event_item as _event_item
from chalicelib.store.security import expiry_keys

SECURITY_SK = "SECURITY"
# What the API calls a session: the first 64 bits of its token's hash. It cannot be turned into a cookie, and it is
# looked up only in the caller's own partition, so another user's id finds nothing.
PUBLIC_ID_LENGTH = 16

CREDENTIALS_SK = "CREDENTIALS"


def _session_pk(user_id: str) -> str:
    return f"SESSION#{user_id}"


def public_id(token_hash: str) -> str:
    return token_hash[:PUBLIC_ID_LENGTH]


def open_session(
    session: entities.Session, event: entities.LoginEvent, new_browser: str | None = None,
    challenge_hash: str | None = None, step: int | None = None, recovery_hash: str | None = None, events=(),
) -> None:
    """Store the session, record the time of this login and its history line (and a browser not seen before), in one
    transaction. After a second factor, the same transaction uses up the login's challenge and the code: the time step
    must be later than the last one used, a recovery code still unused (else ``InvalidSecondFactorCode``)."""
    from chalicelib.domain.errors import InvalidSecondFactorCode

    bind()
    user_id, token_hash = session.user_id, session.token_hash
    pk = _session_pk(user_id)
    item = Session(
        pk, token_hash, user_id=user_id, created_at=session.created_at, idle_until=session.idle_until,
        absolute_until=session.absolute_until, previous_login_at=session.previous_login_at,
        expires_at=session.absolute_until, password_expired=session.password_expired, browser=session.browser,
        system=session.system, source=session.source, last_active_at=session.created_at,
        **expiry_keys(session.absolute_until, pk, token_hash),
    )
    credentials = Credentials(user_pk(user_id), CREDENTIALS_SK)
    actions, condition = [], None
    if new_browser is not None:
        actions.append(SecurityState.known_browsers.add({new_browser}))
    if challenge_hash is not None:
        actions += [SecurityState.challenge_hash.remove(), SecurityState.challenge_expires_at.remove(),
                    SecurityState.pending_login.remove(), *_clear_code_failures()]
        condition = SecurityState.challenge_hash == challenge_hash
        if step is not None:
            actions.append(SecurityState.last_step.set(step))
            condition &= SecurityState.last_step.does_not_exist() | (SecurityState.last_step < step)
        if recovery_hash is not None:
            actions.append(SecurityState.recovery_hashes.delete({recovery_hash}))
            condition &= SecurityState.recovery_hashes.contains(recovery_hash)

    def write(transaction):
        transaction.save(item, condition=Session.pk.does_not_exist())
        transaction.update(
            credentials, actions=[Credentials.last_login_at.set(session.created_at)],
            condition=Credentials.pk.exists(),
        )
        transaction.save(_event_item(event))
        if actions:
            transaction.update(SecurityState(pk, SECURITY_SK), actions=[*actions, SecurityState.kind.set(
                SecurityState)], condition=condition)
        if challenge_hash is not None:
            # The code step read no profile: the account must still be active when the session opens.
            transaction.condition_check(UserProfile, user_pk(user_id), PROFILE_SK,
                                        condition=UserProfile.status == ACTIVE)

    commit(write, InvalidSecondFactorCode if challenge_hash is not None else ConcurrentChange, events)


def _clear_code_failures() -> list:
    return [SecurityState.code_failures.remove(), SecurityState.code_first_failure_at.remove(),
            SecurityState.code_last_failure_at.remove(), SecurityState.code_locked_until.remove()]


def _session(item) -> entities.Session:
    return entity(entities.Session, item, token_hash=item.sk, password_expired=bool(item.password_expired))


def _security(item, user_id: str) -> entities.SecurityState:
    return entities.SecurityState(
        user_id=user_id, known_browsers=set(item.known_browsers or ()), totp_secret=item.totp_secret,
        totp_enabled_at=item.totp_enabled_at, pending_secret=item.pending_secret,
        last_step=int(item.last_step) if item.last_step is not None else None,
        recovery_hashes=set(item.recovery_hashes or ()),
        code_attempts=Attempts(int(item.code_failures or 0), item.code_first_failure_at, item.code_last_failure_at,
                               item.code_locked_until),
        challenge_hash=item.challenge_hash, challenge_expires_at=item.challenge_expires_at,
        pending_login=_pending_login(item.pending_login),
    )


def _pending_login(text: str | None) -> entities.PendingLogin | None:
    if not text:
        return None
    values = json.loads(text)
    for name in ("password_changed_at", "last_login_at"):
        values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
    return entities.PendingLogin(**values)


def _event(item) -> entities.LoginEvent:
    return entity(entities.LoginEvent, item)


# What one read of the security partition returns at most: every session and the second factor come first (backwards,
# see ``security.HISTORY_PREFIX``), then the newest history lines, so that a login under attack (hundreds of failure
# lines) still costs one bounded Query.
SECURITY_VIEW_LIMIT = 400


def security_view(user_id: str) -> tuple[list[entities.Session], list[entities.LoginEvent], entities.SecurityState]:
    """The user's sessions, newest login history lines and security state: one Query on its partition, backwards."""
    bind()
    sessions, events, state = [], [], entities.SecurityState(user_id)
    for item in Item.query(_session_pk(user_id), consistent_read=True, scan_index_forward=False,
                           limit=SECURITY_VIEW_LIMIT, page_size=SECURITY_VIEW_LIMIT):
        if isinstance(item, Session):
            sessions.append(_session(item))
        elif isinstance(item, LoginEvent):
            events.append(_event(item))
        elif isinstance(item, SecurityState):
            state = _security(item, user_id)
    return sessions, events, state


def get_security(user_id: str) -> entities.SecurityState:
    bind()
    try:
        return _security(SecurityState.get(_session_pk(user_id), SECURITY_SK, consistent_read=True), user_id)
    except DoesNotExist:
        return entities.SecurityState(user_id)


def get_login_items(user_id: str) -> tuple[entities.UserProfile | None, entities.Credentials | None,
                                           entities.SecurityState]:
    """Profile, credentials and security state (second factor, browsers seen) in one BatchGetItem."""
    from chalicelib.store.accounts import profile_entity

    bind()
    profile = credentials = None
    state = entities.SecurityState(user_id)
    keys = [(user_pk(user_id), PROFILE_SK), (user_pk(user_id), CREDENTIALS_SK), (_session_pk(user_id), SECURITY_SK)]
    for item in Item.batch_get(keys, consistent_read=True):
        if isinstance(item, UserProfile):
            profile = profile_entity(item)
        elif isinstance(item, Credentials):
            credentials = entity(entities.Credentials, item)
        elif isinstance(item, SecurityState):
            state = _security(item, user_id)
    return profile, credentials, state


def find_session(user_id: str, session_public_id: str) -> entities.Session | None:
    """The caller's session with this public id: one Query on the caller's own partition."""
    bind()
    for item in Session.query(_session_pk(user_id), Session.sk.startswith(session_public_id), consistent_read=True):
        if isinstance(item, Session):
            return _session(item)
    return None


def add_events(events: list[entities.LoginEvent]) -> None:
    bind()
    with LoginEvent.batch_write() as batch:
        for event in events:
            batch.save(_event_item(event))


def _security_key(user_id: str) -> SecurityState:
    return SecurityState(_session_pk(user_id), SECURITY_SK)


def save_challenge(challenge_hash: str, expires_at: datetime, pending: entities.PendingLogin) -> None:
    """The password step of a login waiting for its code (one at a time: a new login replaces it), with what the code
    step needs of the account."""
    bind()
    values = {name: value.isoformat() if isinstance(value, datetime) else value
              for name, value in vars(pending).items()}
    _security_key(pending.user_id).update(actions=[
        SecurityState.challenge_hash.set(challenge_hash), SecurityState.challenge_expires_at.set(expires_at),
        SecurityState.pending_login.set(json.dumps(values)), SecurityState.kind.set(SecurityState),
    ])


def save_code_failures(user_id: str, attempts: Attempts) -> None:
    bind()
    _security_key(user_id).update(actions=[
        SecurityState.code_failures.set(attempts.failures),
        SecurityState.code_first_failure_at.set(attempts.first_failure_at),
        SecurityState.code_last_failure_at.set(attempts.last_failure_at),
        SecurityState.code_locked_until.set(attempts.locked_until) if attempts.locked_until
        else SecurityState.code_locked_until.remove(),
        SecurityState.kind.set(SecurityState),
    ])


def start_second_factor(user_id: str, pending_secret: str) -> bool:
    """Keep the secret just shown until a first code confirms it; False if a second factor is already on."""
    bind()
    try:
        _security_key(user_id).update(
            actions=[SecurityState.pending_secret.set(pending_secret), SecurityState.kind.set(SecurityState)],
            condition=SecurityState.totp_secret.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def enable_second_factor(profile: entities.UserProfile, secret: str, step: int, recovery_hashes: set[str],
                         event: entities.LoginEvent) -> None:
    """The confirmed secret becomes the second factor, with its recovery codes and the step of its first code; the
    profile's copy says so; one transaction (``ConcurrentChange`` if the secret shown is no longer the pending one)."""
    bind()
    user_id = profile.user_id

    def write(transaction):
        transaction.update(_security_key(user_id), actions=[
            SecurityState.totp_secret.set(secret), SecurityState.totp_enabled_at.set(event.at),
            SecurityState.last_step.set(step), SecurityState.recovery_hashes.set(recovery_hashes),
            SecurityState.pending_secret.remove(), *_clear_code_failures(),
        ], condition=(SecurityState.pending_secret == secret) & SecurityState.totp_secret.does_not_exist())
        transaction.update(UserProfile(user_pk(user_id), PROFILE_SK, version=profile.version),
                           actions=[UserProfile.second_factor.set(True)], condition=UserProfile.pk.exists())
        transaction.save(_event_item(event))

    commit(write)


def disable_second_factor(profile: entities.UserProfile, step: int | None, recovery_hash: str | None,
                          event: entities.LoginEvent) -> None:
    """Remove the second factor, using up the code that confirmed it (as at login); one transaction."""
    from chalicelib.domain.errors import InvalidSecondFactorCode

    bind()
    user_id = profile.user_id
    condition = SecurityState.totp_secret.exists()
    if step is not None:
        condition &= SecurityState.last_step.does_not_exist() | (SecurityState.last_step < step)
    if recovery_hash is not None:
        condition &= SecurityState.recovery_hashes.contains(recovery_hash)

    def write(transaction):
        transaction.update(_security_key(user_id), actions=[
            SecurityState.totp_secret.remove(), SecurityState.totp_enabled_at.remove(),
            SecurityState.recovery_hashes.remove(), SecurityState.pending_secret.remove(), *_clear_code_failures(),
            *([SecurityState.last_step.set(step)] if step is not None else []),
        ], condition=condition)
        transaction.update(UserProfile(user_pk(user_id), PROFILE_SK, version=profile.version),
                           actions=[UserProfile.second_factor.set(False)], condition=UserProfile.pk.exists())
        transaction.save(_event_item(event))

    commit(write, InvalidSecondFactorCode)


def get_session(user_id: str, token_hash: str) -> entities.Session | None:
    bind()
    try:
        return _session(Session.get(_session_pk(user_id), token_hash, consistent_read=True))
    except DoesNotExist:
        return None


def get_session_and_membership(user_id: str, token_hash: str, structure_id: str) -> tuple[
        entities.Session | None, entities.Membership | None, bool]:
    """The session, the user's rattachement to one structure and whether it holds that structure's manager space (of
    either habilitation): one BatchGetItem, read consistently, so that a manager whose role or space was just taken
    away is refused at once."""
    bind()
    session = membership = None
    manager_space = False
    keys = [(_session_pk(user_id), token_hash), (user_pk(user_id), membership_sk(structure_id))]
    keys += [(user_pk(user_id), subscription_sk(structure_id, None, MANAGER_SPACE, habilitation))
             for habilitation in HABILITATIONS]
    for item in Item.batch_get(keys, consistent_read=True):
        if isinstance(item, Session):
            session = _session(item)
        elif isinstance(item, Membership):
            membership = to_membership(item)
        elif isinstance(item, Subscription) and item.status == VALID:
            manager_space = True
    return session, membership, manager_space


def extend_session(session: entities.Session, idle_until: datetime, now: datetime) -> None:
    bind()
    Session(_session_pk(session.user_id), session.token_hash).update(
        actions=[Session.idle_until.set(idle_until), Session.last_active_at.set(now)], condition=Session.pk.exists())


def close_session(user_id: str, token_hash: str) -> None:
    bind()
    Session(_session_pk(user_id), token_hash).delete()


def clear_password_expired(user_id: str, token_hash: str) -> None:
    """The session may do everything again (if it has not ended meanwhile)."""
    bind()
    try:
        Session(_session_pk(user_id), token_hash).update(
            actions=[Session.password_expired.set(False)], condition=Session.pk.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def close_other_sessions(user_id: str, keep_token_hash: str | None) -> int:
    """End every session of the user but ``keep_token_hash``: one Query, then batched deletes."""
    bind()
    # Sessions sort after the history lines (``security.HISTORY_PREFIX``): the history is not read.
    doomed = [s for s in Session.query(_session_pk(user_id), Session.sk >= "0", consistent_read=True)
              if isinstance(s, Session) and s.sk != keep_token_hash]
    with Session.batch_write() as batch:
        for session in doomed:
            batch.delete(session)
    return len(doomed)
