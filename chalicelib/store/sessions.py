"""Repository of sessions: ``SESSION#<user id>`` / ``<sha256 of the token>``, expired by DynamoDB TTL."""

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.store.accounts import CREDENTIALS_SK
from chalicelib.store.models import Credentials, Session, bind, transaction_connection, user_pk
from chalicelib.store.security import expiry_keys


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


def get_session(user_id: str, token_hash: str) -> Session | None:
    bind()
    try:
        return Session.get(_session_pk(user_id), token_hash, consistent_read=True)
    except DoesNotExist:
        return None


def extend_session(session: Session, idle_until: datetime) -> None:
    bind()
    session.update(actions=[Session.idle_until.set(idle_until)], condition=Session.pk.exists())


def close_session(user_id: str, token_hash: str) -> None:
    bind()
    Session(_session_pk(user_id), token_hash).delete()


def clear_password_expired(session: Session) -> None:
    bind()
    session.update(actions=[Session.password_expired.set(False)], condition=Session.pk.exists())


def close_other_sessions(user_id: str, keep_token_hash: str | None) -> int:
    """End every session of the user but ``keep_token_hash``: one Query, then batched deletes."""
    bind()
    doomed = [s for s in Session.query(_session_pk(user_id), consistent_read=True) if s.sk != keep_token_hash]
    with Session.batch_write() as batch:
        for session in doomed:
            batch.delete(session)
    return len(doomed)
