"""Repository of sessions: ``SESSION#<user id>`` / ``<sha256 of the token>``, expired by DynamoDB TTL."""

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain import entities
from chalicelib.domain.subscriptions import HABILITATIONS, MANAGER_SPACE, VALID
from chalicelib.store.common import entity
from chalicelib.store.memberships import to_membership
from chalicelib.store.models import (
    Credentials,
    Item,
    Membership,
    Session,
    Subscription,
    bind,
    membership_sk,
    subscription_sk,
    transaction_connection,
    user_pk,
)
from chalicelib.store.security import expiry_keys

CREDENTIALS_SK = "CREDENTIALS"


def _session_pk(user_id: str) -> str:
    return f"SESSION#{user_id}"


def open_session(
    user_id: str, token_hash: str, created_at: datetime, idle_until: datetime, absolute_until: datetime,
    previous_login_at: datetime | None, password_expired: bool = False,
) -> None:
    """Store the session and record the time of this login, in one transaction."""
    bind()
    pk = _session_pk(user_id)
    session = Session(
        pk, token_hash, user_id=user_id, created_at=created_at, idle_until=idle_until,
        absolute_until=absolute_until, previous_login_at=previous_login_at, expires_at=absolute_until,
        password_expired=password_expired, **expiry_keys(absolute_until, pk, token_hash),
    )
    credentials = Credentials(user_pk(user_id), CREDENTIALS_SK)
    with TransactWrite(connection=transaction_connection()) as transaction:
        transaction.save(session, condition=Session.pk.does_not_exist())
        transaction.update(
            credentials, actions=[Credentials.last_login_at.set(created_at)], condition=Credentials.pk.exists(),
        )


def _session(item) -> entities.Session:
    return entity(entities.Session, item, token_hash=item.sk, password_expired=bool(item.password_expired))


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


def extend_session(session: entities.Session, idle_until: datetime) -> None:
    bind()
    Session(_session_pk(session.user_id), session.token_hash).update(
        actions=[Session.idle_until.set(idle_until)], condition=Session.pk.exists())


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
    doomed = [s for s in Session.query(_session_pk(user_id), consistent_read=True) if s.sk != keep_token_hash]
    with Session.batch_write() as batch:
        for session in doomed:
            batch.delete(session)
    return len(doomed)
