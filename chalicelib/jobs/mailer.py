"""Send the mails of the outbox, each exactly once, off the request path.

The request writes the mail (``MAIL#<id>``) with the change it tells about; the table's stream hands its INSERT here
(the ``table_changes`` consumer: a Lambda in the cloud, filtered on mail items; the poller of the local stack). Each
mail is claimed by one conditional UpdateItem before anything is sent, so a record delivered twice (a retried or
bisected batch, a replay) finds it taken and sends nothing. Then one GetItem reads the recipient's profile as it is now
(language, addresses, bounce mark); a one-time link is issued only now, so that no raw token is ever stored; SES
sends; the mail is marked sent.

A failed send gives the mail back to the queue and the batch fails (raised at the end, once every mail of the batch
was tried): Lambda retries it (bisecting it), the local poller too. After ``MAX_ATTEMPTS`` the mail is parked and a
message goes to the dead-letter queue (``MAIL_DEAD_LETTER_QUEUE_URL``): what keeps failing waits for someone, and
stops blocking the stream.
"""

import json
import logging

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.mails import CLAIM_LEASE
from chalicelib.observability import metric
from chalicelib.store import accounts, outbox, streams

log = logging.getLogger(__name__)


class MailsNotSent(Exception):
    """Some mails of the batch failed and wait for their next attempt: the batch is retried."""


def handle(records: list[dict], deadline=None) -> int:
    """Send the new mails of a batch of stream records; returns how many were sent. ``deadline`` (the invocation's
    end, from Lambda's context) bounds each claim: a run that dies (timeout, memory) leaves claims that a retry of the
    batch, which starts after that end, may take again."""
    sent, failed = 0, []
    for mail_id in streams.new_mails(records):
        try:
            sent += send_one(mail_id, deadline)
        except Exception as error:  # noqa: BLE001 - any failure of one mail is that mail's, the others go on
            failed.append((mail_id, error))
    if failed:
        raise MailsNotSent(f"{len(failed)} mail(s) will be tried again: {', '.join(m for m, _ in failed)}")
    return sent


def send_one(mail_id: str, deadline=None) -> int:
    """1 if this call sent the mail, 0 if there was nothing to send (taken, done, skipped, parked)."""
    from chalicelib.mail import sender

    now = clock.now()
    item = outbox.claim(mail_id, now, min(deadline, now + CLAIM_LEASE) if deadline else now + CLAIM_LEASE)
    if item is None:
        log.info("mail %s already taken: nothing sent", mail_id)
        return 0
    try:
        profile = accounts.get_profile(item.user_id)
        if profile is None:
            outbox.finish(mail_id, "skip", now, "no such user")
            return 0
        if not item.to_login and not item.to_address and profile.contact_bounces:
            # The login address still gets what gives access to the account (the person asked for it, and it is the
            # only way in); the contact address gets nothing more until it is changed.
            log.info("mail %s to user %s skipped: its contact address bounces", item.template, item.user_id)
            metric("MailsSkipped", Template=item.template)
            outbox.finish(mail_id, "skip", now, "contact address bounces")
            return 0
        context = sender.load_context(item.context)
        if item.link_purpose:
            from chalicelib.services import tokens

            context["link"] = tokens.issue(item.link_purpose, item.user_id, context.get("link_ref"))
        if item.to_address:
            sender.deliver(item.template, profile, context, item.to_login, mail_id, address=item.to_address)
        else:
            sender.deliver(item.template, profile, context, item.to_login, mail_id)
    except Exception as error:
        if _failed(item, error, now):
            return 0  # parked: the dead-letter queue has it, the batch goes on
        raise
    outbox.finish(mail_id, "sent", clock.now())
    return 1


def _failed(item, error: Exception, now) -> bool:
    """Record the failed attempt; True if the mail is parked now (no attempt left)."""
    reason = type(error).__name__
    log.warning("mail %s (%s) to user %s failed, attempt %s: %s", item.mail_id, item.template, item.user_id,
                item.attempts, reason)
    metric("MailsFailed", Template=item.template)
    if outbox.attempts_left(item) > 0:
        outbox.finish(item.mail_id, "fail", now, reason)
        return False
    outbox.finish(item.mail_id, "park", now, reason)
    metric("MailsParked", Template=item.template)
    log.error("mail %s (%s) parked after %s attempts", item.mail_id, item.template, item.attempts)
    dead_letter({"mail_id": item.mail_id, "template": item.template, "user_id": item.user_id,
                 "attempts": int(item.attempts), "error": reason})
    return True


def dead_letter(message: dict) -> None:
    """Tell the dead-letter queue (the one the stream's on-failure destination uses) of a parked mail."""
    url = settings.mail_dead_letter_queue_url()
    if not url:
        return
    import boto3

    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(message))
