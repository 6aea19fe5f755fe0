"""Repository of what the invoicing platform's messages leave in the table (``store.models`` documents the layout):

- ``INVOICE_MESSAGE#<message id>`` / ``MESSAGE``: a message already handled, written (conditionally) in the same
  TransactWriteItems as its events, so that a message delivered twice tells its news once; kept 30 days (TTL), well
  past the queue's retention;
- ``USER#<holder>`` / ``REJECTION#<structure>#<number>``: a rejected invoice its holder has not attested yet. It sorts
  between ``PROFILE`` and ``SUBSCRIPTION#``, inside the one Query the banner (``/me``) already makes: the notice costs
  no request;
- ``USER#<holder>`` / ``ATTESTED#<structure>#<number>``: who attested, and when (outside the banner's range: read only
  by whoever audits it).
"""

from datetime import datetime, timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain import invoices as domain
from chalicelib.domain.errors import ConcurrentChange, NotFound
from chalicelib.store.common import commit, iso_date, iso_text
from chalicelib.store.models import Item, bind, transaction_connection, user_pk

MESSAGE_PREFIX = "INVOICE_MESSAGE#"
REJECTION_PREFIX = "REJECTION#"
ATTESTED_PREFIX = "ATTESTED#"
MESSAGE_KEPT = timedelta(days=30)
# Rejections (each with its mail) written in the message's transaction; the rest of DynamoDB's 100 items is the
# marker's and the event's (history, first feeds).
IN_TRANSACTION = 45


class HandledMessage(Item, discriminator="INVOICE_MESSAGE"):
    handled_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class RejectionRecord(Item, discriminator="REJECTION"):
    """A rejected invoice as one holder must attest it (the same item, moved to ``ATTESTED#`` once it did)."""

    user_id = UnicodeAttribute()
    number = UnicodeAttribute()
    structure_id = UnicodeAttribute()
    service_code = UnicodeAttribute(null=True)
    amount = UnicodeAttribute()
    day = UnicodeAttribute()  # ISO date of the rejection
    reason = UnicodeAttribute(null=True)
    notified_at = UTCDateTimeAttribute()
    attested_at = UTCDateTimeAttribute(null=True)


class AlreadyHandled(ConcurrentChange):
    """The message's marker exists (or the transaction lost a race: ``handle`` tells which)."""


def _rejection_sk(structure_id: str, number: str, prefix: str = REJECTION_PREFIX) -> str:
    return f"{prefix}{structure_id}#{number}"


def _record(rejection: domain.Rejection, prefix: str = REJECTION_PREFIX) -> RejectionRecord:
    return RejectionRecord(
        user_pk(rejection.user_id), _rejection_sk(rejection.structure_id, rejection.number, prefix),
        user_id=rejection.user_id, number=rejection.number, structure_id=rejection.structure_id,
        service_code=rejection.service_code, amount=rejection.amount, day=iso_text(rejection.day),
        reason=rejection.reason, notified_at=rejection.notified_at, attested_at=rejection.attested_at)


def to_rejection(item: RejectionRecord) -> domain.Rejection:
    return domain.Rejection(item.user_id, item.number, item.structure_id, item.service_code, item.amount,
                            iso_date(item.day), item.reason, item.notified_at, item.attested_at)


def _handled(message_id: str) -> bool:
    try:
        HandledMessage.get(f"{MESSAGE_PREFIX}{message_id}", "MESSAGE", consistent_read=True)
        return True
    except DoesNotExist:
        return False


def record(message_id: str, now: datetime, rejections: list[domain.Rejection], events, mail=None) -> bool:
    """Mark the message handled, with its events, the rejections to attest and their mails (``mail(transaction,
    rejection)`` puts one in the outbox), in one transaction; False (nothing written) if it was handled already. The
    rejections past what a transaction holds follow it (idempotent puts), their mails queued one by one."""
    bind()
    first, rest = rejections[:IN_TRANSACTION], rejections[IN_TRANSACTION:]

    def write(transaction):
        transaction.save(HandledMessage(f"{MESSAGE_PREFIX}{message_id}", "MESSAGE", handled_at=now,
                                        expires_at=now + MESSAGE_KEPT),
                         condition=HandledMessage.pk.does_not_exist())
        for rejection in first:
            transaction.save(_record(rejection))
            if mail is not None:
                mail(transaction, rejection)

    try:
        commit(write, AlreadyHandled, events)
    except AlreadyHandled:
        if _handled(message_id):
            return False
        raise ConcurrentChange() from None  # a race on a holder's item: the batch is retried
    if rest:
        with RejectionRecord.batch_write() as batch:
            for rejection in rest:
                batch.save(_record(rejection))
        if mail is not None:
            for rejection in rest:
                mail(None, rejection)
    return True


def pending(user_id: str) -> list[domain.Rejection]:
    """A user's rejections still to attest: one Query (the banner gets them with its own, see ``store.accounts``)."""
    bind()
    return [to_rejection(item) for item in RejectionRecord.query(user_pk(user_id),
                                                                 Item.sk.startswith(REJECTION_PREFIX))
            if isinstance(item, RejectionRecord)]


def attest(user_id: str, structure_id: str, number: str, now: datetime) -> domain.Rejection:
    """Move the holder's own pending rejection to ``ATTESTED#`` with the moment, in one transaction; attesting again
    answers the first attestation. NotFound when the caller has no such rejection (another user's is not in its
    partition: nobody can attest for someone else)."""
    bind()
    pk = user_pk(user_id)
    try:
        item = RejectionRecord.get(pk, _rejection_sk(structure_id, number), consistent_read=True)
    except DoesNotExist:
        item = None
    if item is None or not isinstance(item, RejectionRecord):
        return _attested(pk, structure_id, number)
    attested = domain.Rejection(**{**to_rejection(item).__dict__, "attested_at": now})
    try:
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.delete(item, condition=RejectionRecord.pk.exists())
            transaction.save(_record(attested, ATTESTED_PREFIX))
    except TransactWriteError:
        return _attested(pk, structure_id, number)  # attested at the same moment in another tab
    return attested


def _attested(pk: str, structure_id: str, number: str) -> domain.Rejection:
    try:
        item = RejectionRecord.get(pk, _rejection_sk(structure_id, number, ATTESTED_PREFIX), consistent_read=True)
    except DoesNotExist:
        raise NotFound() from None
    return to_rejection(item)
