"""Invoices (issue 12): a status change from the invoicing platform becomes events for the holders of « Factures
émises » on its structure and service; a rejection is mailed to them at once and waits for their attestation."""

import hashlib
import logging
from datetime import datetime

from chalicelib.domain import clock
from chalicelib.domain import events as event_kinds
from chalicelib.domain import invoices as rules
from chalicelib.domain.subscriptions import INVOICES_SENT, VALID
from chalicelib.services.auth import CurrentSession
from chalicelib.store import invoices as store
from chalicelib.store import subscriptions

log = logging.getLogger(__name__)


def event_id(message_id: str) -> str:
    """The same message gives the same event id (a replay after a crash rewrites the same keys)."""
    return hashlib.sha256(f"invoice:{message_id}".encode()).hexdigest()[:16]


def record_status(change: rules.StatusChange, now: datetime | None = None) -> bool:
    """Tell the change to its holders (events, and the rejection to attest); False if the message was handled before.
    Reads: one Query (the structure's holders of « Factures émises »); writes: one transaction (with a rejection's
    mails in the outbox)."""
    now = now or clock.now()
    rows = subscriptions.of_structure(change.structure_id, status=VALID, space=INVOICES_SENT)
    holders = rules.holders(rows, change.service_code)
    event = event_kinds.make(
        event_kinds.INVOICE_STATUS, now, structure_id=change.structure_id, holders=holders,
        event_id=event_id(change.message_id), reason=change.reason,
        params={"number": change.number, "status": change.status, "amount": change.amount,
                "service_id": change.service_code or "", "date": change.day.isoformat(), "reason": change.reason})
    rejections = [rules.Rejection(user, change.number, change.structure_id, change.service_code, change.amount,
                                  change.day, change.reason, now)
                  for user in holders] if rules.must_attest(change.status) else []
    designation = next((row.designation for row in rows), change.structure_id)
    if not store.record(change.message_id, now, rejections, [event], _rejection_mail(change, designation)):
        log.info("invoice message %s already handled", change.message_id)
        return False
    log.info("invoice message %s: %s told to %d holder(s)", change.message_id, change.status, len(holders))
    return True


def _rejection_mail(change: rules.StatusChange, designation: str):
    """Each holder is mailed at once, whatever its notification setting (it must act): the mail is queued in the
    outbox with the message's own transaction (``transaction`` None: on its own, for holders past its room); the
    mailer reads the holder's language and address when it sends."""
    from chalicelib.mail import sender

    def mail(transaction, rejection: rules.Rejection) -> None:
        context = {"number": change.number, "structure_name": designation, "amount": change.amount,
                   "service": change.service_code, "day": change.day, "reason": change.reason,
                   "deadline": rules.deadline(rejection)}
        if transaction is None:
            sender.send("facture_rejetee", rejection.user_id, context)
        else:
            sender.queue(transaction, "facture_rejetee", rejection.user_id, context)

    return mail


def attest(current: CurrentSession, structure_id: str, number: str) -> rules.Rejection:
    """The caller attests it read its own rejection; again: the first attestation stands."""
    return store.attest(current.user_id, structure_id, number, clock.now())


def pending(current: CurrentSession) -> list[rules.Rejection]:
    return store.pending(current.user_id)
