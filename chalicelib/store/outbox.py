"""Repository of the mail outbox (``MAIL#<id>`` / ``MAIL``) and of the bounce marks SES sets on profiles.

A mail is written by the request, inside the transaction of the change it tells about when there is one. The mailer
claims it with one conditional UpdateItem (so that a replayed stream record finds it taken and sends nothing), then
marks how it ended.
"""

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.domain import entities
from chalicelib.domain.mails import KEEP_FOR, MAIL, MAX_ATTEMPTS, QUEUED, SENDING
from chalicelib.store.models import PROFILE_SK, OutboxMail, UserProfile, bind, user_pk
from chalicelib.store.security import expiry_keys

SK = "MAIL"


def _pk(mail_id: str) -> str:
    return f"MAIL#{mail_id}"


def new_item(mail_id: str, template: str, user_id: str, to_login: bool, context: str, link_purpose: str | None,
             now: datetime, to_address: str | None = None) -> OutboxMail:
    """The item of a new mail (saved alone or in a transaction); filed under its expiry day for housekeeping."""
    bind()
    pk, expires_at = _pk(mail_id), now + KEEP_FOR
    return OutboxMail(pk, SK, mail_id=mail_id, template=template, user_id=user_id, to_login=to_login,
                      context=context, link_purpose=link_purpose, to_address=to_address, status=QUEUED, attempts=0,
                      created_at=now,
                      expires_at=expires_at, **expiry_keys(expires_at, pk, SK))


def save(item: OutboxMail) -> None:
    bind()
    item.save(condition=OutboxMail.pk.does_not_exist())


def claim(mail_id: str, now: datetime, lease_until: datetime) -> OutboxMail | None:
    """Take the mail for this run (one attempt more), or None if it is not waiting: already sent, skipped, parked, or
    being sent by a run whose lease is not over. The item as claimed, read by the same UpdateItem."""
    bind()
    item = OutboxMail(_pk(mail_id), SK)
    waiting = OutboxMail.status.is_in(*MAIL.transition("claim").sources)
    abandoned = (OutboxMail.status == SENDING) & (OutboxMail.claimed_until < now)
    try:
        item.update(actions=[OutboxMail.status.set(MAIL.transition("claim").target),
                             OutboxMail.attempts.add(1), OutboxMail.claimed_until.set(lease_until)],
                    condition=OutboxMail.pk.exists() & (waiting | abandoned))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def finish(mail_id: str, transition: str, now: datetime, error: str | None = None) -> None:
    """End the claim: ``sent``, ``skip``, ``fail`` (back to the queue) or ``park``."""
    bind()
    actions = [OutboxMail.status.set(MAIL.transition(transition).target), OutboxMail.claimed_until.remove()]
    if transition == "sent":
        actions.append(OutboxMail.sent_at.set(now))
    if error is not None:
        actions.append(OutboxMail.last_error.set(error[:200]))
    OutboxMail(_pk(mail_id), SK).update(actions=actions)


def attempts_left(item: OutboxMail) -> int:
    return MAX_ATTEMPTS - int(item.attempts or 0)


def mark_contact_bounce(user_id: str, address: str, kind: str, now: datetime) -> bool:
    """Mark the profile's contact address as bouncing if it is still ``address`` (as stored); the profile's version
    is left alone (this is no edit of the person's, and an open form must still save). False when the address is not
    (any more) the contact address."""
    bind()
    connection = UserProfile._get_connection()
    try:
        connection.update_item(user_pk(user_id), PROFILE_SK, actions=[
            UserProfile.contact_bounced_at.set(now), UserProfile.contact_bounce.set(kind),
            UserProfile.contact_bounced_address.set(address.lower()),
        ], condition=UserProfile.pk.exists() & (UserProfile.contact_email == address))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def clear_contact_bounce(profile: entities.UserProfile) -> None:
    """Remove a mark that no longer applies (the contact address changed), unless it was set again meanwhile."""
    bind()
    connection = UserProfile._get_connection()
    try:
        connection.update_item(user_pk(profile.user_id), PROFILE_SK, actions=[
            UserProfile.contact_bounced_at.remove(), UserProfile.contact_bounce.remove(),
            UserProfile.contact_bounced_address.remove(),
        ], condition=UserProfile.contact_bounced_address == profile.contact_bounced_address)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
