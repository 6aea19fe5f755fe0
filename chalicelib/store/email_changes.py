"""Repository of address changes: ``USER#<id>`` / ``EMAIL_CHANGE`` (read with « Mon Compte »'s Query), and the login
names a login change moves, each change in one transaction. Its two links are one-time tokens the mailer issues with
``ref`` = the change's ``change_id``: a link of an earlier request matches nothing."""

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.domain import entities
from chalicelib.domain.email_change import CONFIRMED, EMAIL_CHANGE, PENDING
from chalicelib.domain.errors import InvalidLink
from chalicelib.store.accounts import LOGIN_SK, _login_pk
from chalicelib.store.common import allowed_states, commit, entity
from chalicelib.store.models import (
    EMAIL_CHANGE_SK,
    PROFILE_SK,
    EmailChange,
    LoginName,
    OneTimeToken,
    UserProfile,
    bind,
    user_pk,
)
from chalicelib.store.security import _token_pk, expiry_keys


class ChangeLocked(Exception):
    pass


def to_change(item) -> entities.EmailChange:
    return entity(entities.EmailChange, item)


def get(user_id: str) -> entities.EmailChange | None:
    bind()
    try:
        return to_change(EmailChange.get(user_pk(user_id), EMAIL_CHANGE_SK, consistent_read=True))
    except DoesNotExist:
        return None


def save(change: entities.EmailChange, mails=()) -> None:
    """The new request with its mails (outbox items), in place of any earlier request, unless a confirmed change may
    still be cancelled (``domain.email_change.locked``): ChangeLocked then, and nothing written. Filed for housekeeping
    under the day its cancel link dies."""
    bind()
    pk = user_pk(change.user_id)
    item = EmailChange(pk, EMAIL_CHANGE_SK, **vars(change), **expiry_keys(change.cancel_until, pk, EMAIL_CHANGE_SK))
    # The starting states of ``request``, written out: a confirmed change only once its cancel link has expired.
    condition = (EmailChange.pk.does_not_exist() | (EmailChange.status == PENDING)
                 | (EmailChange.cancel_until <= change.requested_at))

    def write(transaction):
        transaction.save(item, condition=condition)
        for mail in mails:
            transaction.save(mail)

    commit(write, ChangeLocked)


def _token_delete(transaction, token_hash: str) -> None:
    """A link used in the same transaction as what it does: a second use, even a concurrent one, fails it."""
    transaction.delete(OneTimeToken(_token_pk(token_hash), "TOKEN"), condition=OneTimeToken.pk.exists())


def _login_moves(transaction, user_id: str, old: str, new: str) -> None:
    """The unique login name follows: the new one only if nobody holds it (the conditional write that keeps logins
    unique, as at sign-up), the old one only if it is still this user's."""
    transaction.delete(LoginName(_login_pk(old), LOGIN_SK), condition=LoginName.user_id == user_id)
    transaction.save(LoginName(_login_pk(new), LOGIN_SK, user_id=user_id), condition=LoginName.pk.does_not_exist())


def _profile_update(transaction, change: entities.EmailChange, version: int, address: str, moment) -> None:
    attribute = UserProfile.login if change.target == "login" else UserProfile.contact_email
    transaction.update(UserProfile(user_pk(change.user_id), PROFILE_SK, version=version),
                       actions=[attribute.set(address), UserProfile.updated_at.set(moment)],
                       condition=UserProfile.pk.exists())


def confirm(change: entities.EmailChange, token_hash: str, profile_version: int, moment) -> None:
    """The new address takes effect: profile (and login name), the change marked confirmed (its cancel link lives on)
    and the confirmation link used, at once. Any failed condition: InvalidLink (the caller tells a taken login)."""
    bind()
    pk = user_pk(change.user_id)

    def write(transaction):
        transaction.update(
            EmailChange(pk, EMAIL_CHANGE_SK),
            actions=[EmailChange.status.set(EMAIL_CHANGE.transition("confirm").target),
                     EmailChange.confirmed_at.set(moment)],
            condition=allowed_states(EmailChange, EmailChange.status, EMAIL_CHANGE.transition("confirm"))
            & (EmailChange.change_id == change.change_id),
        )
        _token_delete(transaction, token_hash)
        _profile_update(transaction, change, profile_version, change.new_address, moment)
        if change.target == "login":
            _login_moves(transaction, change.user_id, change.old_address, change.new_address)

    commit(write, InvalidLink)


def cancel(change: entities.EmailChange, token_hash: str, profile_version: int | None, moment) -> None:
    """The old address says no: a pending change is dropped; a confirmed one is undone (the old address back, and
    for a login the old login name, if nobody took it meanwhile). One transaction, the cancel link used with it."""
    bind()
    pk = user_pk(change.user_id)

    def write(transaction):
        transaction.delete(EmailChange(pk, EMAIL_CHANGE_SK),
                           condition=(EmailChange.status == change.status)
                           & (EmailChange.change_id == change.change_id))
        _token_delete(transaction, token_hash)
        if change.status == CONFIRMED:
            _profile_update(transaction, change, profile_version, change.old_address, moment)
            if change.target == "login":
                _login_moves(transaction, change.user_id, change.new_address, change.old_address)

    commit(write, InvalidLink)


def withdraw(user_id: str) -> bool:
    """The person drops its own pending change from « Mon Compte » (its links then match nothing): False when there
    was none pending."""
    bind()
    try:
        EmailChange(user_pk(user_id), EMAIL_CHANGE_SK).delete(condition=EmailChange.status == PENDING)
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
